-- What outlets reported first that the seed does not say ($1 = seed_id).
SELECT outlet, published_at, actor, event_type, mode, target, event_date, sentence, url
FROM additions
WHERE seed_id = $1 AND first_reported
ORDER BY published_at NULLS LAST, outlet
