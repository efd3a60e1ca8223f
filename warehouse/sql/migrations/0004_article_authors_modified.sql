-- 0004: an article's authors as a list (names only) and the time the page says it
-- was last updated. `author` stays: the names joined, for existing queries.
ALTER TABLE article_docs ADD COLUMN authors VARCHAR[];
ALTER TABLE article_docs ADD COLUMN modified_at TIMESTAMPTZ;
