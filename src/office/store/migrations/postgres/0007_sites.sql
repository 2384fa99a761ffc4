-- The same step as sqlite/0007_sites.sql, in PostgreSQL's types.
-- Version 7: sites. One office database may serve many communes (a province's): devices,
-- clerks, queues and their numbering, counters, tickets, calls, ratings, dossiers, notices
-- and the office's settings belong to a site; the catalogue stays the province's, and each
-- site may offer part of it (`offer`). The change counters kiosks page by move from `meta`
-- to each site's row, so sites never wait on each other's counter. A database of one
-- commune becomes site 1 (code `main`, to be renamed with `motcua office rename-site`).
-- site_id columns get no default here, so a statement that forgets the site fails.
CREATE TABLE site (
    id            BIGINT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    rev           BIGINT NOT NULL DEFAULT 0,
    queues_rev    BIGINT NOT NULL DEFAULT 0,
    catalogue_rev BIGINT NOT NULL DEFAULT 0,
    offer         TEXT
);
INSERT INTO site (id, code, name, created_at, rev, queues_rev, catalogue_rev)
SELECT 1, 'main', 'Bộ phận một cửa',
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       COALESCE((SELECT value FROM meta WHERE key = 'rev'), 0),
       COALESCE((SELECT value FROM meta WHERE key = 'queues_rev'), 0),
       COALESCE((SELECT rev FROM catalogue WHERE id = 1), 0);
DELETE FROM meta WHERE key IN ('rev', 'queues_rev');

ALTER TABLE device ADD COLUMN site_id BIGINT REFERENCES site(id);
UPDATE device SET site_id = 1 WHERE role IN ('kiosk', 'tablet');
CREATE TABLE device_site (
    device_id TEXT NOT NULL REFERENCES device(id),
    site_id   BIGINT NOT NULL REFERENCES site(id),
    PRIMARY KEY (device_id, site_id)
);

ALTER TABLE queue_day ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE queue_day ALTER COLUMN site_id DROP DEFAULT;
ALTER TABLE queue_day DROP CONSTRAINT queue_day_pkey;
ALTER TABLE queue_day ADD PRIMARY KEY (site_id, queue, business_date);
ALTER TABLE number_grant ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE number_grant ALTER COLUMN site_id DROP DEFAULT;
ALTER TABLE number_grant DROP CONSTRAINT number_grant_queue_business_date_number_key;
ALTER TABLE number_grant ADD UNIQUE (site_id, queue, business_date, number);
ALTER TABLE number_block ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE number_block ALTER COLUMN site_id DROP DEFAULT;
DROP INDEX number_block_by_day;
CREATE INDEX number_block_by_day ON number_block (site_id, queue, business_date, first_number);

ALTER TABLE ticket ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE ticket ALTER COLUMN site_id DROP DEFAULT;
DROP INDEX ticket_by_number;
DROP INDEX ticket_by_state;
DROP INDEX ticket_by_counter;
CREATE INDEX ticket_by_number ON ticket (site_id, business_date, queue, number);
CREATE INDEX ticket_by_state ON ticket (site_id, business_date, state);
CREATE INDEX ticket_by_counter ON ticket (site_id, counter, state);
CREATE INDEX ticket_by_day ON ticket (business_date, site_id);

ALTER TABLE dossier ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE dossier ALTER COLUMN site_id DROP DEFAULT;
DROP INDEX dossier_by_rev;
CREATE INDEX dossier_by_rev ON dossier (site_id, rev);

CREATE TABLE settings_v7 (
    site_id   BIGINT PRIMARY KEY REFERENCES site(id),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       BIGINT NOT NULL
);
INSERT INTO settings_v7 SELECT 1, notice_vi, notice_en, rev FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v7 RENAME TO settings;

ALTER TABLE clerk ADD COLUMN site_id BIGINT REFERENCES site(id);
ALTER TABLE clerk ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';
UPDATE clerk SET site_id = 1, role = CASE WHEN lead <> 0 THEN 'site_lead' ELSE 'clerk' END;
ALTER TABLE clerk DROP COLUMN lead;

CREATE TABLE counter_state_v7 (
    counter    BIGINT NOT NULL,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',
    open       BIGINT NOT NULL DEFAULT 0,
    paused     BIGINT NOT NULL DEFAULT 0,
    streak     BIGINT NOT NULL DEFAULT 0,
    current    TEXT,
    updated_at TEXT NOT NULL,
    site_id    BIGINT NOT NULL REFERENCES site(id),
    PRIMARY KEY (site_id, counter)
);
INSERT INTO counter_state_v7
SELECT counter, clerk_id, queues, open, paused, streak, current, updated_at, 1 FROM counter_state;
DROP TABLE counter_state;
ALTER TABLE counter_state_v7 RENAME TO counter_state;

ALTER TABLE call_log ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE call_log ALTER COLUMN site_id DROP DEFAULT;
DROP INDEX call_log_by_day;
CREATE INDEX call_log_by_day ON call_log (site_id, business_date, id);
ALTER TABLE rating ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1 REFERENCES site(id);
ALTER TABLE rating ALTER COLUMN site_id DROP DEFAULT;

CREATE TABLE office_config_v7 (
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES site(id),
    PRIMARY KEY (site_id, key)
);
INSERT INTO office_config_v7 SELECT key, value, 1 FROM office_config;
DROP TABLE office_config;
ALTER TABLE office_config_v7 RENAME TO office_config;
