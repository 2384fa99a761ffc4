-- The same step as sqlite/0002_roles_blocks_tickets_dossiers.sql, in PostgreSQL's types.
ALTER TABLE device ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk';
ALTER TABLE queue_day ADD COLUMN next_block BIGINT;
-- The blocks are copied aside and the table made anew, so its columns, keys and
-- constraint names are those of a table created at this version.
CREATE TABLE number_block_v1 AS SELECT * FROM number_block;
DROP TABLE number_block;
CREATE TABLE number_block (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    first_number  BIGINT NOT NULL,
    last_number   BIGINT NOT NULL,
    PRIMARY KEY (device_id, queue, business_date, seq)
);
INSERT INTO number_block (device_id, queue, business_date, seq, first_number, last_number)
    SELECT device_id, queue, business_date, 0, first_number, last_number FROM number_block_v1;
DROP TABLE number_block_v1;
CREATE INDEX number_block_by_day ON number_block (queue, business_date, first_number);
CREATE TABLE ticket (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        BIGINT NOT NULL,
    issued_at     TEXT NOT NULL,
    field         TEXT NOT NULL,
    priority      TEXT NOT NULL,
    state         TEXT NOT NULL,
    conflict      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ticket_by_number ON ticket (business_date, queue, number);
CREATE TABLE dossier (
    code           TEXT PRIMARY KEY,
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
    rev            BIGINT NOT NULL
);
CREATE INDEX dossier_by_rev ON dossier (rev);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('rev', 0), ('queues_rev', 0);
CREATE TABLE settings (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       BIGINT NOT NULL
);
CREATE TABLE catalogue (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,
    rev  BIGINT NOT NULL
);
