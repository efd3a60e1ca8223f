-- 0006: what the events, quotes and claims stage needs besides 0001's rows:
-- how each event's date was found, the seed's claims, what articles add, and the
-- actor alias table (users correct it: rows with source 'user' win).
ALTER TABLE event_rows ADD COLUMN date_basis VARCHAR;   -- stated, relative, published
ALTER TABLE event_rows ADD COLUMN trigger VARCHAR;      -- the words that coded it

CREATE TABLE seed_claim_rows (
    seed_id   VARCHAR NOT NULL,
    claim_id  VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,   -- event, date, first, initiator, number, statement
    claim     VARCHAR NOT NULL,
    sentence  VARCHAR NOT NULL,
    run_id    VARCHAR NOT NULL,
    PRIMARY KEY (seed_id, claim_id)
);

CREATE TABLE addition_rows (
    seed_id     VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    actor       VARCHAR NOT NULL,
    event_type  VARCHAR NOT NULL,
    mode        VARCHAR,
    target      VARCHAR,
    event_date  DATE,
    sentence    VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL
);

CREATE TABLE actor_aliases (
    alias       VARCHAR PRIMARY KEY,   -- folded: lower case, no accents
    canonical   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,      -- person, state, organisation
    source      VARCHAR NOT NULL,      -- builtin, learned, user
    updated_at  TIMESTAMPTZ NOT NULL
);
