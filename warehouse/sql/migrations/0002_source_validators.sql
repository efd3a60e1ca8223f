-- 0002: the HTTP validators of each feed and sitemap, so the next run asks with a
-- conditional GET and an unchanged source costs a 304.
CREATE TABLE source_validators (
    url            VARCHAR PRIMARY KEY,
    etag           VARCHAR,
    last_modified  VARCHAR,
    updated_at     TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL
);
