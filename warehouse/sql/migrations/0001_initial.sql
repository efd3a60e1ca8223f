-- 0001: the first schema. Tables are private (the views in views.sql are the
-- public contract); every row carries the run that wrote it (the load ledger).

CREATE TABLE seed_docs (
    seed_id     VARCHAR PRIMARY KEY,
    seed_date   DATE NOT NULL,
    title       VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    word_count  INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE run_ledger (
    run_id       VARCHAR PRIMARY KEY,
    seed_id      VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,   -- running, finished, failed, abandoned
    discovered   INTEGER NOT NULL DEFAULT 0,
    fetched      INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    loaded       INTEGER NOT NULL DEFAULT 0,
    note         VARCHAR
);

CREATE TABLE fetch_attempts (
    run_id       VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    final_url    VARCHAR,
    outcome      VARCHAR NOT NULL,   -- ok, not_modified, skipped, failed
    reason       VARCHAR,
    http_status  INTEGER,
    bytes        BIGINT NOT NULL,
    elapsed_ms   INTEGER NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    attempt      INTEGER NOT NULL,
    purpose      VARCHAR NOT NULL,   -- feed, sitemap, article
    final        BOOLEAN NOT NULL,   -- the attempt that decided the URL's fate
    PRIMARY KEY (run_id, url, attempt)
);

-- What went wrong short of a failed fetch: a malformed feed that was salvaged,
-- a page with no article text. The run goes on; this says why.
CREATE TABLE run_problems (
    run_id  VARCHAR NOT NULL,
    stage   VARCHAR NOT NULL,   -- discover, extract
    url     VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    PRIMARY KEY (run_id, stage, url, reason)
);

-- Raw bodies of fetched article pages, so extraction can be rerun without refetching.
CREATE TABLE pages (
    url           VARCHAR PRIMARY KEY,
    final_url     VARCHAR NOT NULL,
    content_type  VARCHAR,
    http_status   INTEGER,
    body          BLOB NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL
);

CREATE TABLE article_docs (
    article_id     VARCHAR PRIMARY KEY,
    url            VARCHAR NOT NULL UNIQUE,
    final_url      VARCHAR NOT NULL,
    canonical_url  VARCHAR NOT NULL,
    outlet         VARCHAR NOT NULL,
    outlet_name    VARCHAR,
    title          VARCHAR,
    author         VARCHAR,
    published_at   TIMESTAMPTZ,
    language       VARCHAR,
    text           VARCHAR NOT NULL,
    word_count     INTEGER NOT NULL,
    content_hash   VARCHAR NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL
);

-- Which articles were discovered for which seed, and through which source.
CREATE TABLE seed_links (
    seed_id            VARCHAR NOT NULL,
    url                VARCHAR NOT NULL,
    source_url         VARCHAR NOT NULL,
    source_kind        VARCHAR NOT NULL,
    feed_title         VARCHAR,
    feed_published_at  TIMESTAMPTZ,
    first_run_id       VARCHAR NOT NULL,
    PRIMARY KEY (seed_id, url)
);

CREATE TABLE coverage_judgements (
    seed_id              VARCHAR NOT NULL,
    article_id           VARCHAR NOT NULL,
    related              BOOLEAN NOT NULL,
    relevance            DOUBLE NOT NULL,
    similarity_to_seed   DOUBLE NOT NULL,
    containment_of_seed  DOUBLE NOT NULL,
    status               VARCHAR NOT NULL,
    cluster_id           VARCHAR,
    is_cluster_origin    BOOLEAN NOT NULL,
    run_id               VARCHAR NOT NULL,
    PRIMARY KEY (seed_id, article_id)
);

-- Filled by the events, quotes and claims stage (a later issue); empty until then.
CREATE TABLE event_rows (
    seed_id     VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    event_date  DATE,
    actor       VARCHAR,
    event_type  VARCHAR,
    mode        VARCHAR,
    target      VARCHAR,
    location    VARCHAR,
    sentence    VARCHAR,
    in_seed     BOOLEAN,
    run_id      VARCHAR NOT NULL
);

CREATE TABLE quote_rows (
    seed_id     VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    speaker     VARCHAR,
    quote       VARCHAR NOT NULL,
    in_seed     BOOLEAN,
    run_id      VARCHAR NOT NULL
);

CREATE TABLE claim_rows (
    seed_id     VARCHAR NOT NULL,
    claim_id    VARCHAR NOT NULL,
    claim       VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    verdict     VARCHAR NOT NULL,   -- supports, differs
    evidence    VARCHAR,
    run_id      VARCHAR NOT NULL
);
