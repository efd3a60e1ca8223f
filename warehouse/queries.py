"""Every DML and query statement the Python side runs, in one place.

DDL lives in ``sql/migrations``, the public views in ``sql/views.sql`` and the
report queries in ``sql/report``. Statements that read a staged Arrow table
refer to it by the name it is registered under (``staged``).
"""

UPSERT_SEED = """
INSERT INTO seed_docs BY NAME SELECT * FROM staged
ON CONFLICT (seed_id) DO UPDATE SET
    seed_date = excluded.seed_date, title = excluded.title, path = excluded.path,
    word_count = excluded.word_count, text = excluded.text, loaded_at = excluded.loaded_at
"""

# A run still 'running' when a new one starts for the same seed was killed.
ABANDON_STALE_RUNS = """
UPDATE run_ledger SET status = 'abandoned', note = 'process ended before the run finished'
WHERE seed_id = ? AND status = 'running'
"""

START_RUN = "INSERT INTO run_ledger (run_id, seed_id, started_at, status) VALUES (?, ?, ?, 'running')"

FINISH_RUN = """
UPDATE run_ledger
SET finished_at = ?, status = ?, discovered = ?, fetched = ?, failed = ?, loaded = ?, note = ?
WHERE run_id = ?
"""

INSERT_FETCH_ATTEMPTS = "INSERT OR IGNORE INTO fetch_attempts BY NAME SELECT * FROM staged"
INSERT_PROBLEMS = "INSERT OR IGNORE INTO run_problems BY NAME SELECT DISTINCT * FROM staged"
INSERT_PAGES = "INSERT OR IGNORE INTO pages BY NAME SELECT * FROM staged"
PAGE_BODY = "SELECT body, body_encoding, body_size, warc_file, warc_offset FROM pages WHERE url = ?"
INSERT_ARTICLES = "INSERT OR IGNORE INTO article_docs BY NAME SELECT * FROM staged"
INSERT_SEED_LINKS = "INSERT OR IGNORE INTO seed_links BY NAME SELECT * FROM staged"

DELETE_COVERAGE = "DELETE FROM coverage_judgements WHERE seed_id = ?"
INSERT_COVERAGE = "INSERT INTO coverage_judgements BY NAME SELECT * FROM staged"

# Every article linked to a seed, for judging the whole coverage set again.
SEED_ARTICLES = """
SELECT a.article_id, a.url, a.final_url, a.canonical_url, a.outlet, a.outlet_name, a.title,
       a.author, a.published_at, a.language, a.text, a.word_count, a.content_hash,
       coalesce(a.authors, []) AS authors, a.modified_at
FROM seed_links l JOIN article_docs a ON a.url = l.url
WHERE l.seed_id = ?
ORDER BY a.article_id
"""
# The same, for the given article ids only (the analysis reads the related ones).
SEED_ARTICLES_AMONG = SEED_ARTICLES.replace(
    "WHERE l.seed_id = ?", "WHERE l.seed_id = ? AND a.article_id IN (SELECT unnest(?::VARCHAR[]))")
# The same without the texts (the judge reads them only for the articles it has work on).
SEED_ARTICLES_UNREAD = SEED_ARTICLES.replace("a.text,", "'' AS text,")

# A candidate found again may be an alias (an AMP URL) of a stored article: link the article.
LINK_KNOWN_ARTICLES = """
INSERT OR IGNORE INTO seed_links BY NAME
SELECT s.* REPLACE (coalesce(al.article_url, s.url) AS url)
FROM staged s LEFT JOIN article_aliases al ON al.url = s.url
WHERE EXISTS (SELECT 1 FROM article_docs a WHERE a.url = coalesce(al.article_url, s.url))
"""

INSERT_ALIASES = "INSERT OR IGNORE INTO article_aliases BY NAME SELECT * FROM staged"

# Every URL that needs no fetch: stored articles and their known aliases.
STORED_ARTICLE_URLS = "SELECT url FROM article_docs UNION SELECT url FROM article_aliases"

RECORD_SEARCH_QUERY = "UPDATE run_ledger SET search_query = ? WHERE run_id = ?"

SEED_BY_ID = "SELECT seed_id, seed_date, title, path, word_count, text FROM seed_docs WHERE seed_id = ?"
SEED_BY_PATH = "SELECT seed_id FROM seed_docs WHERE path = ? OR path LIKE '%/' || ?"

SOURCE_VALIDATORS = "SELECT url, etag, last_modified FROM source_validators"

UPSERT_SOURCE_VALIDATORS = """
INSERT INTO source_validators BY NAME SELECT * FROM staged
ON CONFLICT (url) DO UPDATE SET
    etag = excluded.etag, last_modified = excluded.last_modified,
    updated_at = excluded.updated_at, run_id = excluded.run_id
"""

# The events, quotes and claims stage replaces a seed's rows as a whole each run.
DELETE_SEED_ANALYSIS = tuple(
    f"DELETE FROM {table} WHERE seed_id = ?"
    for table in ("event_rows", "quote_rows", "claim_rows", "seed_claim_rows", "addition_rows")
)
INSERT_EVENTS = "INSERT INTO event_rows BY NAME SELECT * FROM staged"
INSERT_QUOTES = "INSERT INTO quote_rows BY NAME SELECT * FROM staged"
INSERT_CLAIMS = "INSERT INTO claim_rows BY NAME SELECT * FROM staged"
INSERT_SEED_CLAIMS = "INSERT INTO seed_claim_rows BY NAME SELECT * FROM staged"
INSERT_ADDITIONS = "INSERT INTO addition_rows BY NAME SELECT * FROM staged"

# The alias table as the stage used it; a user's row (source 'user') is never overwritten.
UPSERT_ACTOR_ALIASES = """
INSERT INTO actor_aliases BY NAME SELECT * FROM staged
ON CONFLICT (alias) DO UPDATE SET
    canonical = excluded.canonical, kind = excluded.kind, source = excluded.source, updated_at = excluded.updated_at
WHERE actor_aliases.source <> 'user'
"""
ACTOR_CORRECTIONS = "SELECT alias, canonical FROM actor_aliases WHERE source = 'user'"

# The articles of a seed judged related, for the events, quotes and claims stage.
RELATED_ARTICLE_IDS = "SELECT article_id FROM coverage_judgements WHERE seed_id = ? AND related"

# Copy detection (warehouse/dedupe_store.py). `staged_signatures` and `staged_buckets`
# are the new articles' rows; candidates come from ONE hash join of their band keys
# against lsh_buckets (plus equal content hashes), never from a scan per article.
SIGNED_UNDER_SCHEME = """
SELECT s.article_id FROM article_signatures s
WHERE s.scheme = ? AND s.article_id IN (SELECT article_id FROM staged)
"""
# Of the staged (article_id, content_hash) pairs, those stored with exactly that text and
# not yet signed under the scheme: signatures made from another text must not be indexed.
STORED_UNSIGNED = """
SELECT s.article_id FROM staged s JOIN article_docs a
  ON a.article_id = s.article_id AND a.content_hash = s.content_hash
WHERE NOT EXISTS (SELECT 1 FROM article_signatures g WHERE g.article_id = s.article_id AND g.scheme = ?)
"""
COUNT_SIGNED = "SELECT count(*) FROM article_signatures WHERE article_id IN (SELECT article_id FROM staged)"
DELETE_STALE_SIGNATURES = "DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM staged)"
DELETE_STALE_BUCKETS = "DELETE FROM lsh_buckets WHERE article_id IN (SELECT article_id FROM staged)"
COPY_CANDIDATES = """
WITH pairs AS (
    SELECT n.article_id AS new_id, b.article_id AS old_id
    FROM staged_buckets n JOIN lsh_buckets b USING (bucket)
    UNION
    SELECT n.article_id, s.article_id
    FROM staged_signatures n JOIN article_signatures s USING (content_hash)
)
SELECT p.new_id, s.article_id, s.content_hash, s.shingle_count, s.hashvalues, ac.cluster_id, c.created_at
FROM pairs p
JOIN article_signatures s ON s.article_id = p.old_id AND s.scheme = ?
LEFT JOIN article_clusters ac ON ac.article_id = s.article_id
LEFT JOIN clusters c ON c.cluster_id = ac.cluster_id
"""
INSERT_SIGNATURES = "INSERT INTO article_signatures BY NAME SELECT * FROM staged"
INSERT_BUCKETS = "INSERT INTO lsh_buckets BY NAME SELECT * FROM staged"
INSERT_CLUSTERS = "INSERT OR IGNORE INTO clusters BY NAME SELECT * FROM staged"
# Two clusters joined by a new copy become the older one: its members move, the other id retires.
MERGE_CLUSTERS = """
UPDATE article_clusters SET cluster_id = m.kept
FROM staged m WHERE article_clusters.cluster_id = m.retired
"""
RETIRE_CLUSTERS = "DELETE FROM clusters WHERE cluster_id IN (SELECT retired FROM staged)"
INSERT_CLUSTER_MEMBERS = "INSERT OR REPLACE INTO article_clusters BY NAME SELECT * FROM staged"

# Every cluster one of the seed's articles belongs to, with each member and whether it is
# the cluster's origin: the earliest published, then the first seen, then the smallest id.
SEED_CLUSTER_MEMBERS = """
WITH mine AS (
    SELECT DISTINCT ac.cluster_id
    FROM seed_links l JOIN article_docs a ON a.url = l.url JOIN article_clusters ac USING (article_id)
    WHERE l.seed_id = ?
)
SELECT ac.article_id, ac.cluster_id,
       row_number() OVER (PARTITION BY ac.cluster_id
                          ORDER BY a.published_at NULLS LAST, a.first_seen_at, ac.article_id) = 1 AS is_origin
FROM article_clusters ac
JOIN mine USING (cluster_id)
JOIN article_docs a USING (article_id)
"""

# Whether judging can be skipped: what the seed's last judged run read, and what it holds now.
RECORD_JUDGED_WITH = "UPDATE run_ledger SET judged_with = ? WHERE run_id = ?"
LAST_JUDGED_WITH = """
SELECT judged_with FROM run_ledger
WHERE seed_id = ? AND status = 'finished' AND judged_with IS NOT NULL
ORDER BY started_at DESC LIMIT 1
"""
SEED_ARTICLE_IDS = """
SELECT a.article_id FROM seed_links l JOIN article_docs a ON a.url = l.url WHERE l.seed_id = ? ORDER BY 1
"""
SEED_HAS_ARTICLES = """
SELECT EXISTS (SELECT 1 FROM seed_links l JOIN article_docs a ON a.url = l.url WHERE l.seed_id = ?)
"""
COVERAGE_STATUS_COUNTS = "SELECT status, count(*) FROM coverage_judgements WHERE seed_id = ? GROUP BY status"
# The copy clusters the seed's articles sit in, with their sizes: other seeds' runs can grow
# or merge them, which changes this seed's statuses though its own articles did not change.
SEED_CLUSTER_STATE = """
SELECT coalesce(string_agg(cluster_id || ':' || members, ',' ORDER BY cluster_id), '')
FROM (
    SELECT cluster_id, count(*) AS members FROM article_clusters
    WHERE cluster_id IN (
        SELECT c.cluster_id FROM article_clusters c
        JOIN article_docs a USING (article_id) JOIN seed_links l ON l.url = a.url
        WHERE l.seed_id = ?
    )
    GROUP BY cluster_id
)
"""

# The report's chart cache (warehouse/chart_cache.py).
CACHED_CHART = "SELECT chart FROM chart_cache WHERE digest = ?"
STORE_CHART = "INSERT OR REPLACE INTO chart_cache (digest, kind, fmt, chart, drawn_at) VALUES (?, ?, ?, ?, now())"
PRUNE_CHARTS = """
DELETE FROM chart_cache WHERE digest NOT IN (
    SELECT digest FROM chart_cache ORDER BY drawn_at DESC, digest LIMIT ?)
"""

# A seed's key terms, cached (warehouse/term_cache.py).
CACHED_TERMS = "SELECT terms FROM term_cache WHERE digest = ?"
STORE_TERMS = "INSERT OR REPLACE INTO term_cache (digest, terms, made_at) VALUES (?, ?, now())"
