-- The same step as sqlite/0010_view_lookups.sql, in PostgreSQL's terms.
-- Version 10: the catalogue's rev first (PostgreSQL keeps a long body out of line, so only
-- SQLite reads faster for it, but both backends keep one column order), and an index so
-- each open counter's session is a lookup, not a scan of every session of every site.
CREATE TABLE catalogue_new (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    rev  BIGINT NOT NULL,
    body TEXT NOT NULL                          -- JSON, the assets/catalogue.json format
);
INSERT INTO catalogue_new (id, rev, body) SELECT id, rev, body FROM catalogue;
DROP TABLE catalogue;
ALTER TABLE catalogue_new RENAME TO catalogue;
CREATE INDEX clerk_session_by_clerk ON clerk_session (clerk_id, counter);
