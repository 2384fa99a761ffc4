-- The same step as sqlite/0001_initial.sql, in PostgreSQL's types: 64-bit integers (what
-- the shared SQL binds) and text where SQLite has text, so the same statements read and
-- write both.
CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE event (
    id          TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL REFERENCES device(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE queue_day (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last_number   BIGINT NOT NULL,
    PRIMARY KEY (queue, business_date)
);
CREATE TABLE number_grant (
    ticket_id     TEXT PRIMARY KEY,
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        BIGINT NOT NULL,
    UNIQUE (queue, business_date, number)
);
CREATE TABLE number_block (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    first_number  BIGINT NOT NULL,
    last_number   BIGINT NOT NULL,
    PRIMARY KEY (device_id, queue, business_date)
);
