-- 0005: the copy-detection index kept across runs (private; see README "Judging").
-- A new article is compared with the history through lsh_buckets, never with every
-- stored article; clusters are global across seeds and keep their id as they grow.
-- No secondary indexes: every lookup is a hash join against a staged batch (DuckDB
-- does not use ART indexes for joins), and each index would be rewritten at every
-- checkpoint, a cost that grows with the archive.

-- One MinHash signature per article (num_perm little-endian uint32 in a BLOB), the
-- number of distinct word shingles (containment needs set sizes) and the exact-text
-- hash; `scheme` names how it was made (shingle width, permutations, bands x rows):
-- signatures of another scheme are not comparable and are made again.
CREATE TABLE article_signatures (
    article_id     VARCHAR PRIMARY KEY,
    scheme         VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    shingle_count  INTEGER NOT NULL,
    hashvalues     BLOB NOT NULL,
    run_id         VARCHAR NOT NULL
);

-- One row per article and LSH band: `bucket` hashes the band number with the band's
-- rows, so a single BIGINT equality join finds every article sharing any band.
CREATE TABLE lsh_buckets (
    bucket      BIGINT NOT NULL,
    article_id  VARCHAR NOT NULL
);

CREATE TABLE clusters (
    cluster_id  VARCHAR PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL
);

-- Articles with at least one copy; an article in no row has none.
CREATE TABLE article_clusters (
    article_id  VARCHAR PRIMARY KEY,
    cluster_id  VARCHAR NOT NULL,
    joined_at   TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL
);
