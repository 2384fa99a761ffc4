-- Version 16: each showing of a kiosk's online-routing page (a `routing.online` event,
-- docs/online-routing.md), kept per site for the reports: the procedure's field and code,
-- when, and the ticket taken there for help filing online, if any. Nothing personal.
CREATE TABLE online_routing (
    id              TEXT PRIMARY KEY,
    site_id         INTEGER NOT NULL REFERENCES site(id),
    device_id       TEXT NOT NULL REFERENCES device(id),
    field           TEXT NOT NULL,
    procedure_code  TEXT NOT NULL,
    routed_at       TEXT NOT NULL,
    business_date   TEXT NOT NULL,
    assisted_ticket TEXT
);
CREATE INDEX online_routing_by_day ON online_routing (site_id, business_date, field);
