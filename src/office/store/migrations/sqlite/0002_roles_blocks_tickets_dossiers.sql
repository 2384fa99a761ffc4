-- Version 2: device roles; offline blocks in a region of their own, several per kiosk and day; the
-- tickets kiosks report; dossiers, settings and the catalogue with the change counter.
-- Version 1 blocks were carved below `queue_day.last_number`, so online numbers, which
-- only go up from there, never meet them.
ALTER TABLE device ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk';
-- last_number is now the last online number; next_block where the next block starts
-- (NULL: BLOCK_BASE).
ALTER TABLE queue_day ADD COLUMN next_block INTEGER;
CREATE TABLE number_block_v2 (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    seq           INTEGER NOT NULL,             -- the kiosk's block number: a retry gets the same
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL,
    PRIMARY KEY (device_id, queue, business_date, seq)
) WITHOUT ROWID;
INSERT INTO number_block_v2 (device_id, queue, business_date, seq, first_number, last_number)
    SELECT device_id, queue, business_date, 0, first_number, last_number FROM number_block;
DROP TABLE number_block;
ALTER TABLE number_block_v2 RENAME TO number_block;
CREATE INDEX number_block_by_day ON number_block (queue, business_date, first_number);
CREATE TABLE ticket (
    id            TEXT PRIMARY KEY,             -- the kiosk's ticket uuid
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        INTEGER NOT NULL,
    issued_at     TEXT NOT NULL,
    field         TEXT NOT NULL,
    priority      TEXT NOT NULL,
    state         TEXT NOT NULL,
    conflict      INTEGER NOT NULL DEFAULT 0    -- 1: another ticket already held the number
) WITHOUT ROWID;
CREATE INDEX ticket_by_number ON ticket (business_date, queue, number);
CREATE TABLE dossier (
    code           TEXT PRIMARY KEY,            -- canonical upper case
    status         TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    due_at         TEXT,
    finished_at    TEXT,
    note           TEXT NOT NULL,
    pickup_place   TEXT NOT NULL,
    secret         TEXT NOT NULL,
    phone_last4    TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    rev            INTEGER NOT NULL             -- meta.rev of its last change
) WITHOUT ROWID;
CREATE INDEX dossier_by_rev ON dossier (rev);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
-- rev: the change counter; queues_rev: the rev of the last ticket reported.
INSERT INTO meta (key, value) VALUES ('rev', 0), ('queues_rev', 0);
CREATE TABLE settings (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       INTEGER NOT NULL
);
CREATE TABLE catalogue (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,                         -- JSON, the assets/catalogue.json format
    rev  INTEGER NOT NULL
);
