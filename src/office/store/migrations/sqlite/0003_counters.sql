-- Version 3: the counters. Tickets learn where they wait (`serve_queue`, `for_counter`:
-- a transfer changes these, never the number or the issue time), who called them and when;
-- clerks, their sessions, each counter's state, the log of calls the board announces, the
-- ratings, and the office's own settings (the queues clerks pick from, the calling policy).
ALTER TABLE ticket ADD COLUMN serve_queue TEXT NOT NULL DEFAULT '';
UPDATE ticket SET serve_queue = queue;
ALTER TABLE ticket ADD COLUMN for_counter INTEGER;
ALTER TABLE ticket ADD COLUMN counter INTEGER;
ALTER TABLE ticket ADD COLUMN clerk_id TEXT;
ALTER TABLE ticket ADD COLUMN first_called_at TEXT;
ALTER TABLE ticket ADD COLUMN called_at TEXT;
ALTER TABLE ticket ADD COLUMN calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket ADD COLUMN started_at TEXT;
ALTER TABLE ticket ADD COLUMN finished_at TEXT;
ALTER TABLE ticket ADD COLUMN no_show_at TEXT;
CREATE INDEX ticket_by_state ON ticket (business_date, state);
CREATE INDEX ticket_by_counter ON ticket (counter, state);
CREATE TABLE clerk (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    lead          INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE TABLE clerk_session (
    token_hash TEXT PRIMARY KEY,
    clerk_id   TEXT NOT NULL REFERENCES clerk(id),
    counter    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE TABLE counter_state (
    counter    INTEGER PRIMARY KEY,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',     -- served queue prefixes, comma-separated
    open       INTEGER NOT NULL DEFAULT 0,
    paused     INTEGER NOT NULL DEFAULT 0,
    streak     INTEGER NOT NULL DEFAULT 0,   -- priority calls in a row (domain::calling)
    current    TEXT,                         -- the ticket called or served here
    updated_at TEXT NOT NULL
);
CREATE TABLE call_log (
    id            INTEGER PRIMARY KEY,
    ticket_id     TEXT NOT NULL,
    label         TEXT NOT NULL,
    counter       INTEGER NOT NULL,
    clerk_id      TEXT,
    action        TEXT NOT NULL,
    at            TEXT NOT NULL,
    business_date TEXT NOT NULL
);
CREATE INDEX call_log_by_day ON call_log (business_date, id);
CREATE TABLE rating (
    ticket_id TEXT PRIMARY KEY,
    counter   INTEGER NOT NULL,
    clerk_id  TEXT,
    score     TEXT NOT NULL,
    reasons   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TABLE office_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
