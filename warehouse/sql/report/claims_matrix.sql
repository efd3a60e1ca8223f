-- Every seed claim against every outlet with related coverage: the outlet's verdict
-- (from its earliest article that speaks to the claim) or absent ($1 = seed_id).
WITH outlets AS (
    SELECT DISTINCT outlet FROM coverage WHERE seed_id = $1 AND related
),
verdicts AS (
    SELECT claim_id, outlet, verdict, evidence,
           row_number() OVER (PARTITION BY claim_id, outlet
                              ORDER BY verdict = 'differs' DESC, published_at NULLS LAST) AS n
    FROM claims
    WHERE seed_id = $1
)
SELECT s.claim_id, s.kind, s.claim, o.outlet, coalesce(v.verdict, 'absent') AS verdict, v.evidence
FROM seed_claims s
CROSS JOIN outlets o
LEFT JOIN verdicts v ON v.claim_id = s.claim_id AND v.outlet = o.outlet AND v.n = 1
WHERE s.seed_id = $1
ORDER BY s.kind, s.claim, o.outlet
