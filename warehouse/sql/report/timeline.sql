-- Related and unrelated articles per day and status, for the coverage chart ($1 = seed_id).
SELECT date_trunc('day', published_at) AS day, status, count(*) AS articles
FROM coverage
WHERE seed_id = $1 AND published_at IS NOT NULL
GROUP BY ALL
ORDER BY day, status
