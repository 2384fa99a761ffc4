-- Version 7: sites. One office database may serve many communes (a province's): devices,
-- clerks, queues and their numbering, counters, tickets, calls, ratings, dossiers, notices
-- and the office's settings belong to a site; the catalogue stays the province's, and each
-- site may offer part of it (`offer`). The change counters kiosks page by move from `meta`
-- to each site's row, so sites never wait on each other's counter. A database of one
-- commune becomes site 1 (code `main`, to be renamed with `motcua office rename-site`).
CREATE TABLE site (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,         -- the commune's code, e.g. 10105; in URLs
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    rev           INTEGER NOT NULL DEFAULT 0,   -- the change counter of this site's kiosks
    queues_rev    INTEGER NOT NULL DEFAULT 0,   -- the rev of the last change to its queues
    catalogue_rev INTEGER NOT NULL DEFAULT 0,   -- the rev at which its catalogue last changed
    offer         TEXT                          -- JSON {"fields": [...], "procedures": [...]}, NULL: all
);
INSERT INTO site (id, code, name, created_at, rev, queues_rev, catalogue_rev)
SELECT 1, 'main', 'Bộ phận một cửa', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
       COALESCE((SELECT value FROM meta WHERE key = 'rev'), 0),
       COALESCE((SELECT value FROM meta WHERE key = 'queues_rev'), 0),
       COALESCE((SELECT rev FROM catalogue WHERE id = 1), 0);
DELETE FROM meta WHERE key IN ('rev', 'queues_rev');

-- Kiosks and tablets belong to one site; an integration to the sites in `device_site`
-- (none: every site); a province-wide device (metrics, say) to none.
ALTER TABLE device ADD COLUMN site_id INTEGER REFERENCES site(id);
UPDATE device SET site_id = 1 WHERE role IN ('kiosk', 'tablet');
CREATE TABLE device_site (
    device_id TEXT NOT NULL REFERENCES device(id),
    site_id   INTEGER NOT NULL REFERENCES site(id),
    PRIMARY KEY (device_id, site_id)
) WITHOUT ROWID;

-- Numbering per (site, queue, day): two communes both have a queue A.
CREATE TABLE queue_day_v7 (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last_number   INTEGER NOT NULL,
    next_block    INTEGER,
    site_id       INTEGER NOT NULL REFERENCES site(id),
    PRIMARY KEY (site_id, queue, business_date)
) WITHOUT ROWID;
INSERT INTO queue_day_v7 SELECT queue, business_date, last_number, next_block, 1 FROM queue_day;
DROP TABLE queue_day;
ALTER TABLE queue_day_v7 RENAME TO queue_day;
CREATE TABLE number_grant_v7 (
    ticket_id     TEXT PRIMARY KEY,
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        INTEGER NOT NULL,
    site_id       INTEGER NOT NULL REFERENCES site(id),
    UNIQUE (site_id, queue, business_date, number)
) WITHOUT ROWID;
INSERT INTO number_grant_v7 SELECT ticket_id, queue, business_date, number, 1 FROM number_grant;
DROP TABLE number_grant;
ALTER TABLE number_grant_v7 RENAME TO number_grant;
ALTER TABLE number_block ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1 REFERENCES site(id);
DROP INDEX number_block_by_day;
CREATE INDEX number_block_by_day ON number_block (site_id, queue, business_date, first_number);

ALTER TABLE ticket ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1 REFERENCES site(id);
DROP INDEX ticket_by_number;
DROP INDEX ticket_by_state;
DROP INDEX ticket_by_counter;
CREATE INDEX ticket_by_number ON ticket (site_id, business_date, queue, number);
CREATE INDEX ticket_by_state ON ticket (site_id, business_date, state);
CREATE INDEX ticket_by_counter ON ticket (site_id, counter, state);
CREATE INDEX ticket_by_day ON ticket (business_date, site_id);

-- Dossier codes are unique in the country (they carry the receiving agency), so the code
-- stays the key; the site says whose kiosks show it, and its rev is that site's.
ALTER TABLE dossier ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1 REFERENCES site(id);
DROP INDEX dossier_by_rev;
CREATE INDEX dossier_by_rev ON dossier (site_id, rev);

CREATE TABLE settings_v7 (
    site_id   INTEGER PRIMARY KEY REFERENCES site(id),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       INTEGER NOT NULL
);
INSERT INTO settings_v7 SELECT 1, notice_vi, notice_en, rev FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v7 RENAME TO settings;

-- Clerks: a site clerk or site lead works at one site; a province lead (no site) reads
-- every site's reports and calls no one.
ALTER TABLE clerk ADD COLUMN site_id INTEGER REFERENCES site(id);
ALTER TABLE clerk ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';
UPDATE clerk SET site_id = 1, role = CASE WHEN lead <> 0 THEN 'site_lead' ELSE 'clerk' END;
ALTER TABLE clerk DROP COLUMN lead;

CREATE TABLE counter_state_v7 (
    counter    INTEGER NOT NULL,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',
    open       INTEGER NOT NULL DEFAULT 0,
    paused     INTEGER NOT NULL DEFAULT 0,
    streak     INTEGER NOT NULL DEFAULT 0,
    current    TEXT,
    updated_at TEXT NOT NULL,
    site_id    INTEGER NOT NULL REFERENCES site(id),
    PRIMARY KEY (site_id, counter)
);
INSERT INTO counter_state_v7
SELECT counter, clerk_id, queues, open, paused, streak, current, updated_at, 1 FROM counter_state;
DROP TABLE counter_state;
ALTER TABLE counter_state_v7 RENAME TO counter_state;

ALTER TABLE call_log ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1 REFERENCES site(id);
DROP INDEX call_log_by_day;
CREATE INDEX call_log_by_day ON call_log (site_id, business_date, id);
ALTER TABLE rating ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1 REFERENCES site(id);

CREATE TABLE office_config_v7 (
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    site_id INTEGER NOT NULL REFERENCES site(id),
    PRIMARY KEY (site_id, key)
);
INSERT INTO office_config_v7 SELECT key, value, 1 FROM office_config;
DROP TABLE office_config;
ALTER TABLE office_config_v7 RENAME TO office_config;
