-- The same step as sqlite/0012_bookings.sql, in PostgreSQL's terms.
CREATE TABLE booking (
    code          TEXT PRIMARY KEY,             -- 8 Crockford base32 characters, no dash
    site_id       BIGINT NOT NULL REFERENCES site(id),
    queue         TEXT NOT NULL,
    field         TEXT NOT NULL,
    day           TEXT NOT NULL,                -- YYYY-MM-DD in the office's zone
    slot          TEXT NOT NULL,                -- HH:MM, local
    phone_hash    TEXT NOT NULL,
    phone_last4   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    checked_in_at TEXT,
    ticket_id     TEXT,                         -- the ticket issued for it at a kiosk
    slot_at       TEXT                          -- the slot as an instant, once checked in
);
CREATE INDEX booking_by_slot ON booking (site_id, day, queue, slot);
CREATE INDEX booking_by_phone ON booking (phone_hash, day);
CREATE TABLE office_secret (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX booking_by_ticket ON booking (ticket_id);
-- A booked ticket's slot, copied from its booking when the kiosk's ticket arrives: the
-- calling order puts it before walk-ins once the slot has come.
ALTER TABLE ticket ADD COLUMN booked_slot_at TEXT;
