-- 0007: what each run's judge and analyse stages read (a fingerprint of the seed's
-- articles, the [judge] settings and the user's actor aliases), so a run that finds
-- nothing new can keep the last judgement instead of redoing it.
ALTER TABLE run_ledger ADD COLUMN judged_with VARCHAR;
