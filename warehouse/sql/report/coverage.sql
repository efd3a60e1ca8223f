-- Every judged article of one seed, earliest first ($1 = seed_id).
SELECT outlet, outlet_name, title, url, published_at, lag_hours, relevance, similarity_to_seed,
       containment_of_seed, status, cluster_id, is_cluster_origin, language
FROM coverage
WHERE seed_id = $1
ORDER BY related DESC, published_at NULLS LAST, outlet, url
