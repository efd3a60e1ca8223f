-- One line per outlet that carried related coverage, its first piece described ($1 = seed_id).
WITH firsts AS (
    SELECT c.*, a.word_count,
           row_number() OVER (PARTITION BY c.outlet ORDER BY c.published_at NULLS LAST, c.url) AS n
    FROM coverage c
    JOIN article_docs a USING (article_id)
    WHERE c.seed_id = $1 AND c.related
)
SELECT f.outlet,
       count(*) AS articles,
       min(f.published_at) AS first_published,
       min(f.lag_hours) AS first_lag_hours,
       round(date_diff('minute', CAST(s.seed_date AS TIMESTAMPTZ), min(f.published_at)) / 60.0, 1)
           AS hours_from_seed_date,
       any_value(f.status) FILTER (WHERE f.n = 1) AS first_status,
       any_value(f.similarity_to_seed) FILTER (WHERE f.n = 1) AS first_similarity,
       any_value(f.word_count) FILTER (WHERE f.n = 1) AS first_words,
       count(*) FILTER (WHERE f.status = 'original') AS original,
       count(*) FILTER (WHERE f.status = 'syndicated') AS syndicated,
       count(*) FILTER (WHERE f.status = 'seed_copy') AS seed_copy
FROM firsts f
JOIN seed_docs s ON s.seed_id = f.seed_id
GROUP BY f.outlet, s.seed_date
ORDER BY first_published NULLS LAST, f.outlet
