-- The public views: stable names and columns that users script against.
-- Recreated on every connection that migrates; change only by adding columns.

CREATE OR REPLACE VIEW seeds AS
SELECT seed_id, seed_date, title, path, word_count, text
FROM seed_docs;

CREATE OR REPLACE VIEW runs AS
SELECT run_id, seed_id, started_at, finished_at, status, discovered, fetched, failed, loaded, note,
       search_query
FROM run_ledger;

CREATE OR REPLACE VIEW fetch_log AS
SELECT run_id, url, final_url, outcome, reason, http_status, bytes, elapsed_ms, fetched_at,
       attempt, purpose, final
FROM fetch_attempts;

CREATE OR REPLACE VIEW problems AS
SELECT run_id, stage, url, reason
FROM run_problems;

CREATE OR REPLACE VIEW articles AS
SELECT article_id, url, canonical_url, outlet, title, author, published_at, language, text,
       word_count, content_hash, first_seen_at, final_url, outlet_name, authors, modified_at
FROM article_docs;

-- How each seed's articles were found: one row per (seed, article URL), with the
-- feed, sitemap, search or archive that first listed it.
CREATE OR REPLACE VIEW discoveries AS
SELECT seed_id, url, source_url, source_kind, source_site, feed_title, feed_published_at, first_run_id
FROM seed_links;

-- Other URLs of a stored article (AMP, mobile) that were fetched and found to name
-- it as their canonical page; they are not fetched again.
CREATE OR REPLACE VIEW url_aliases AS
SELECT url, article_url
FROM article_aliases;

-- lag_hours: hours between the story's first related publication for this seed
-- and this article's; NULL for unrelated or undated articles.
CREATE OR REPLACE VIEW coverage AS
WITH judged AS (
    SELECT c.*, a.url, a.canonical_url, a.outlet, a.outlet_name, a.title, a.published_at, a.language
    FROM coverage_judgements c
    JOIN article_docs a USING (article_id)
),
first_sighting AS (
    SELECT seed_id, min(published_at) AS first_published
    FROM judged
    WHERE related
    GROUP BY seed_id
)
SELECT j.seed_id, j.article_id, j.url, j.canonical_url, j.outlet, j.title, j.published_at,
       j.related, j.relevance, j.similarity_to_seed, j.containment_of_seed, j.status,
       j.cluster_id, j.is_cluster_origin,
       CASE WHEN j.related AND j.published_at IS NOT NULL
            THEN round(date_diff('minute', f.first_published, j.published_at) / 60.0, 2)
       END AS lag_hours,
       j.outlet_name, j.language
FROM judged j
LEFT JOIN first_sighting f USING (seed_id);

-- article_id is 'seed:<seed_id>' for what the seed itself reports.
CREATE OR REPLACE VIEW events AS
SELECT e.seed_id, e.article_id, a.url, e.event_date, e.actor, e.event_type, e.mode, e.target,
       e.location, e.sentence, e.in_seed, e.date_basis, e.trigger, a.outlet, a.published_at
FROM event_rows e
LEFT JOIN article_docs a USING (article_id);

CREATE OR REPLACE VIEW quotes AS
SELECT q.seed_id, q.article_id, a.url, q.speaker, q.quote, q.in_seed, a.outlet, a.published_at
FROM quote_rows q
LEFT JOIN article_docs a USING (article_id);

CREATE OR REPLACE VIEW claims AS
SELECT c.seed_id, c.claim_id, c.claim, c.article_id, a.url, a.outlet, c.verdict, c.evidence,
       s.kind AS claim_kind, a.published_at
FROM claim_rows c
LEFT JOIN article_docs a USING (article_id)
LEFT JOIN seed_claim_rows s USING (seed_id, claim_id);

-- The seed's checkable claims, whether or not any article speaks to them.
CREATE OR REPLACE VIEW seed_claims AS
SELECT seed_id, claim_id, kind, claim, sentence
FROM seed_claim_rows;

-- What each article reports that the seed does not; first_reported marks the earliest
-- article (by publication, then first seen) to report that actor, type and target.
CREATE OR REPLACE VIEW additions AS
WITH ranked AS (
    SELECT d.*, a.url, a.outlet, a.published_at,
           row_number() OVER (PARTITION BY d.seed_id, d.actor, d.event_type, d.target
                              ORDER BY a.published_at NULLS LAST, a.first_seen_at, d.article_id) AS rank
    FROM addition_rows d
    JOIN article_docs a USING (article_id)
)
SELECT seed_id, article_id, url, outlet, published_at, actor, event_type, mode, target, event_date,
       sentence, rank = 1 AS first_reported
FROM ranked;
