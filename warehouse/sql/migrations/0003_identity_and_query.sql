-- 0003: URL aliases (an AMP or mobile URL fetched for an article stored under
-- the canonical URL its page names), the search query each run used, and the
-- publisher site a search engine named for each discovered item.
CREATE TABLE article_aliases (
    url          VARCHAR PRIMARY KEY,   -- the URL discovered and fetched
    article_url  VARCHAR NOT NULL,      -- article_docs.url it turned out to be
    run_id       VARCHAR NOT NULL
);

ALTER TABLE run_ledger ADD COLUMN search_query VARCHAR;
ALTER TABLE seed_links ADD COLUMN source_site VARCHAR;
