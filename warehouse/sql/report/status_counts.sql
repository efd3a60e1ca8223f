-- Articles per coverage status for one seed ($1 = seed_id).
SELECT status, count(*) AS articles
FROM coverage
WHERE seed_id = $1
GROUP BY status
ORDER BY articles DESC, status
