-- Events by the day they happened, each once however many outlets report it ($1 = seed_id).
SELECT event_date, actor, event_type, mode, target, count(DISTINCT article_id) AS reported_by,
       bool_or(article_id LIKE 'seed:%') AS in_seed, any_value(sentence) AS sentence
FROM events
WHERE seed_id = $1 AND date_basis <> 'published' AND event_date IS NOT NULL
GROUP BY ALL
ORDER BY event_date, reported_by DESC, actor
