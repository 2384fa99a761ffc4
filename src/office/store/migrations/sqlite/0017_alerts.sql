-- Version 17: live alerts for the lead (docs/alerts.md). A counter remembers when it was
-- paused (the "paused too long" alert); every "unsatisfied" rating raises an alert the lead
-- acknowledges with a note, and opens a follow-up due two working days later.
ALTER TABLE counter_state ADD COLUMN paused_at TEXT;
CREATE TABLE rating_alert (
    id             INTEGER PRIMARY KEY,
    site_id        INTEGER NOT NULL REFERENCES site(id),
    ticket_id      TEXT NOT NULL UNIQUE,
    label          TEXT NOT NULL,               -- "A012": no name, no phone
    counter        INTEGER NOT NULL,
    reasons        TEXT NOT NULL,               -- the rating's reason codes, comma-separated
    raised_at      TEXT NOT NULL,
    business_date  TEXT NOT NULL,               -- the rating's day in the office's zone
    follow_up_due  TEXT NOT NULL,
    acked_at       TEXT,
    ack_note       TEXT,
    followed_up_at TEXT,
    follow_up_note TEXT
);
CREATE INDEX rating_alert_by_site ON rating_alert (site_id, business_date);
