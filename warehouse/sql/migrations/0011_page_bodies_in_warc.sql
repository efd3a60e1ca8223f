-- 0011: raw page bodies are kept in WARC files beside the warehouse
-- (<name>.pages/<run_id>.warc.gz, one gzip member per record; warehouse/page_store.py):
-- body_encoding 'warc', body empty, warc_file (relative to the warehouse's folder) and
-- warc_offset (the record's byte offset) say where. Stored in the table, the bodies made
-- every checkpoint rewrite them and the run's memory grow with them. Rows written
-- before keep their body and encoding ('zstd', 'gzip' or 'identity').
ALTER TABLE pages ADD COLUMN warc_file VARCHAR;
ALTER TABLE pages ADD COLUMN warc_offset BIGINT;
