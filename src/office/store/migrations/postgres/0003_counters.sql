-- The same step as sqlite/0003_counters.sql, in PostgreSQL's types.
-- Version 3: the counters. Tickets learn where they wait (`serve_queue`, `for_counter`:
-- a transfer changes these, never the number or the issue time), who called them and when;
-- clerks, their sessions, each counter's state, the log of calls the board announces, the
-- ratings, and the office's own settings (the queues clerks pick from, the calling policy).
ALTER TABLE ticket ADD COLUMN serve_queue TEXT NOT NULL DEFAULT '';
UPDATE ticket SET serve_queue = queue;
ALTER TABLE ticket ADD COLUMN for_counter BIGINT;
ALTER TABLE ticket ADD COLUMN counter BIGINT;
ALTER TABLE ticket ADD COLUMN clerk_id TEXT;
ALTER TABLE ticket ADD COLUMN first_called_at TEXT;
ALTER TABLE ticket ADD COLUMN called_at TEXT;
ALTER TABLE ticket ADD COLUMN calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket ADD COLUMN started_at TEXT;
ALTER TABLE ticket ADD COLUMN finished_at TEXT;
ALTER TABLE ticket ADD COLUMN no_show_at TEXT;
CREATE INDEX ticket_by_state ON ticket (business_date, state);
CREATE INDEX ticket_by_counter ON ticket (counter, state);
CREATE TABLE clerk (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    lead          BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE TABLE clerk_session (
    token_hash TEXT PRIMARY KEY,
    clerk_id   TEXT NOT NULL REFERENCES clerk(id),
    counter    BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE TABLE counter_state (
    counter    BIGINT PRIMARY KEY,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',
    open       BIGINT NOT NULL DEFAULT 0,
    paused     BIGINT NOT NULL DEFAULT 0,
    streak     BIGINT NOT NULL DEFAULT 0,
    current    TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE call_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id     TEXT NOT NULL,
    label         TEXT NOT NULL,
    counter       BIGINT NOT NULL,
    clerk_id      TEXT,
    action        TEXT NOT NULL,
    at            TEXT NOT NULL,
    business_date TEXT NOT NULL
);
CREATE INDEX call_log_by_day ON call_log (business_date, id);
CREATE TABLE rating (
    ticket_id TEXT PRIMARY KEY,
    counter   BIGINT NOT NULL,
    clerk_id  TEXT,
    score     TEXT NOT NULL,
    reasons   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TABLE office_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
