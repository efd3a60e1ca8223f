-- Who copied whom: each syndicated article beside its cluster's origin ($1 = seed_id).
SELECT o.outlet AS origin_outlet, o.title AS origin_title, o.published_at AS origin_published_at,
       c.outlet AS copy_outlet, c.title AS copy_title, c.published_at AS copy_published_at,
       round(date_diff('minute', o.published_at, c.published_at) / 60.0, 2) AS hours_later
FROM coverage c
JOIN coverage o ON o.seed_id = c.seed_id AND o.cluster_id = c.cluster_id AND o.is_cluster_origin
WHERE c.seed_id = $1 AND c.status = 'syndicated'
ORDER BY o.published_at NULLS LAST, c.published_at NULLS LAST, c.outlet
