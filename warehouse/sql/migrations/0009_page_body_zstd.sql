-- 0009: raw page bodies are stored zstd-compressed (level 1, a standard zstd frame:
-- `zstd -d` reads the blob) with their size as fetched in body_size; zstd costs a
-- third of gzip's CPU per page for a smaller blob. Rows written before keep their
-- encoding ('gzip' or 'identity') and a NULL body_size.
ALTER TABLE pages ADD COLUMN body_size BIGINT;
