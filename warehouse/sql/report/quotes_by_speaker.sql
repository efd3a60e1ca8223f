-- Quotes grouped by speaker, the seed's included ($1 = seed_id).
SELECT coalesce(speaker, '(unattributed)') AS speaker, quote,
       count(DISTINCT article_id) AS carried_by, bool_or(in_seed) AS in_seed,
       string_agg(DISTINCT coalesce(outlet, 'the seed'), ', ') AS outlets
FROM quotes
WHERE seed_id = $1
GROUP BY ALL
ORDER BY speaker, carried_by DESC, quote
