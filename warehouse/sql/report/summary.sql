-- The report's headline numbers for one seed ($1 = seed_id, $2 = latest run_id).
SELECT count(DISTINCT c.outlet) FILTER (WHERE c.related) AS outlets,
       count(*) FILTER (WHERE c.related) AS related_articles,
       count(*) FILTER (WHERE c.status = 'original') AS original,
       count(*) FILTER (WHERE c.status = 'syndicated') AS syndicated,
       count(*) FILTER (WHERE c.status = 'seed_copy') AS seed_copies,
       count(*) FILTER (WHERE c.related AND a.run_id = $2) AS new_in_latest_run,
       arg_min(c.outlet, c.published_at) FILTER (WHERE c.related AND c.published_at IS NOT NULL) AS first_outlet,
       min(c.published_at) FILTER (WHERE c.related) AS first_published
FROM coverage c
JOIN article_docs a USING (article_id)
WHERE c.seed_id = $1
