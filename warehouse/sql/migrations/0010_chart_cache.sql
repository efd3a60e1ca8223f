-- 0010: the report's charts, kept by a digest of the rows they draw (and the chart
-- code's version), so a report rebuilt from unchanged data reuses them instead of
-- starting matplotlib. Not a public view: a cache, pruned to the latest charts.
CREATE TABLE chart_cache (
    digest VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    fmt VARCHAR NOT NULL,
    chart BLOB NOT NULL,
    drawn_at TIMESTAMPTZ NOT NULL
);
