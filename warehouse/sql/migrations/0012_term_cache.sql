-- 0012: a seed's key terms, kept by a digest of its text (and the term code's and
-- wordfreq's versions), so a run that finds nothing new derives its search query and
-- writes its report without loading wordfreq's word list. Not a public view: a cache.
CREATE TABLE term_cache (
    digest VARCHAR PRIMARY KEY,
    terms STRUCT(term VARCHAR, weight DOUBLE)[] NOT NULL,
    made_at TIMESTAMPTZ NOT NULL
);
