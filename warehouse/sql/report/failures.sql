-- Why URLs were not fetched or read in one run ($1 = run_id): final fetch
-- attempts that failed or were refused, and extraction or discovery problems.
SELECT 'fetch' AS stage, outcome, coalesce(reason, outcome) AS reason, count(*) AS urls
FROM fetch_log
WHERE run_id = $1 AND final AND outcome IN ('failed', 'skipped') AND reason IS DISTINCT FROM 'already fetched'
GROUP BY ALL
UNION ALL
SELECT stage, 'problem' AS outcome, reason, count(*) AS urls
FROM problems
WHERE run_id = $1
GROUP BY ALL
ORDER BY urls DESC, reason
