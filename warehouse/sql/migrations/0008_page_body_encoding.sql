-- 0008: raw page bodies are stored gzip-compressed (level 1, a standard gzip member:
-- write the blob to a file and gunzip it). Uncompressed, 175 kB pages made every
-- checkpoint rewrite megabytes and a batch's load slower the more pages were stored.
-- Rows written before this migration keep their bodies as they were: 'identity'.
ALTER TABLE pages ADD COLUMN body_encoding VARCHAR DEFAULT 'identity';
UPDATE pages SET body_encoding = 'identity' WHERE body_encoding IS NULL;
