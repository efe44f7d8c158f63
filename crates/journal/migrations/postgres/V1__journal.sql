-- The journal of a fleet of `regops serve` processes. Never edit a migration that has shipped:
-- add the next one.

-- The sort columns compare byte by byte (the C collation), as SQLite's do, so that a page ends
-- at the same record whatever the database's locale.
CREATE TABLE operations (
    account     TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    terminal    BOOLEAN NOT NULL DEFAULT false,
    given_up    BOOLEAN NOT NULL DEFAULT false,
    last        TEXT,
    status      TEXT NOT NULL DEFAULT 'pending',
    kind        TEXT,
    target      TEXT,
    -- RFC 3339 with microseconds in UTC, '' when unknown: text order is time order, and the
    -- cursor of a page is the same as SQLite's.
    submitted   TEXT COLLATE "C" NOT NULL DEFAULT '',
    tracked_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (account, id)
);
CREATE INDEX operations_unfinished ON operations (account, tracked_at, id)
    WHERE NOT terminal AND NOT given_up;
CREATE INDEX operations_order ON operations (submitted DESC, account DESC, id DESC);

CREATE TABLE history (
    seq          BIGSERIAL PRIMARY KEY,
    account      TEXT NOT NULL,
    id           TEXT NOT NULL,
    observed_at  TIMESTAMPTZ NOT NULL,
    operation    TEXT NOT NULL
);
CREATE INDEX history_of ON history (account, id, seq);

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- One row: the newest event number handed out and how far events were pruned. Taking the next
-- number locks the row until the transaction ends, so events commit in the order of their
-- numbers and a reader that resumes after N never misses one that commits later.
CREATE TABLE event_sequence (
    one             BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    newest          BIGINT NOT NULL DEFAULT 0,
    pruned_through  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO event_sequence DEFAULT VALUES;

CREATE TABLE events (
    seq        BIGINT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    account    TEXT NOT NULL,
    op_id      TEXT NOT NULL,
    operation  TEXT,
    error      TEXT
);
CREATE INDEX events_at ON events (at);

CREATE TABLE deliveries (
    id               BIGSERIAL PRIMARY KEY,
    url              TEXT NOT NULL,
    event_seq        BIGINT NOT NULL,
    account          TEXT NOT NULL,
    op_id            TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TIMESTAMPTZ,
    held_until       TIMESTAMPTZ
);
CREATE INDEX deliveries_due ON deliveries (url, state, event_seq);
CREATE INDEX deliveries_of ON deliveries (url, account, op_id, state, event_seq);
CREATE INDEX deliveries_event ON deliveries (event_seq);
CREATE INDEX deliveries_state ON deliveries (state);

CREATE TABLE leases (
    account     TEXT COLLATE "C" PRIMARY KEY,
    owner       TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    owner       TEXT PRIMARY KEY,
    expires_at  TIMESTAMPTZ NOT NULL
);

-- Each process's running totals of provider calls per account (GET /v1/accounts sums them).
CREATE TABLE calls (
    owner    TEXT COLLATE "C" NOT NULL,
    account  TEXT COLLATE "C" NOT NULL,
    calls    BIGINT NOT NULL,
    errors   BIGINT NOT NULL,
    PRIMARY KEY (owner, account)
);
