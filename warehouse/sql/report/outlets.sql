-- One line per outlet that carried related coverage ($1 = seed_id).
SELECT outlet,
       count(*) AS articles,
       min(published_at) AS first_published,
       min(lag_hours) AS first_lag_hours,
       count(*) FILTER (WHERE status = 'original') AS original,
       count(*) FILTER (WHERE status = 'syndicated') AS syndicated,
       count(*) FILTER (WHERE status = 'seed_copy') AS seed_copy
FROM coverage
WHERE seed_id = $1 AND related
GROUP BY outlet
ORDER BY first_published NULLS LAST, outlet
