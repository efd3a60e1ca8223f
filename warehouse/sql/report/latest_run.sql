-- The most recent run of one seed ($1 = seed_id).
SELECT run_id, started_at, finished_at, status, discovered, fetched, failed, loaded, note, search_query
FROM runs
WHERE seed_id = $1
ORDER BY started_at DESC
LIMIT 1
