-- 0013: the digest of the views.sql the public views were last made from, so opening
-- the warehouse remakes them only when that file changed (or a migration ran), not on
-- every run. One row at most.
CREATE TABLE views_digest (
    digest VARCHAR NOT NULL,
    made_at TIMESTAMPTZ NOT NULL
);
