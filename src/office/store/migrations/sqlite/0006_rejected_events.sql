-- Version 6: kiosk events refused at the door (a ticket naming a queue, field or priority
-- the office does not know, or a payload that does not read) are kept aside here with the
-- reason, acknowledged to the kiosk, and never reach the tickets or the reports.
CREATE TABLE rejected_event (
    id          TEXT PRIMARY KEY,               -- the kiosk's event uuid: kept once
    device_id   TEXT NOT NULL REFERENCES device(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,                  -- as received, its first 2,000 bytes
    reason      TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX rejected_event_by_time ON rejected_event (received_at);
