-- The same step as sqlite/0017_alerts.sql, in PostgreSQL's terms.
ALTER TABLE counter_state ADD COLUMN paused_at TEXT;
CREATE TABLE rating_alert (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id        BIGINT NOT NULL REFERENCES site(id),
    ticket_id      TEXT NOT NULL UNIQUE,
    label          TEXT NOT NULL,
    counter        BIGINT NOT NULL,
    reasons        TEXT NOT NULL,
    raised_at      TEXT NOT NULL,
    business_date  TEXT NOT NULL,
    follow_up_due  TEXT NOT NULL,
    acked_at       TEXT,
    ack_note       TEXT,
    followed_up_at TEXT,
    follow_up_note TEXT
);
CREATE INDEX rating_alert_by_site ON rating_alert (site_id, business_date);
