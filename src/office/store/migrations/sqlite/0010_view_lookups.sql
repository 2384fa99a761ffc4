-- Version 10: two reads every console view makes become lookups.
-- The catalogue's rev, read on every view to know whether the parsed copy is current, stood
-- after its body: SQLite walked the body's overflow pages (about 20 KB) to reach it. The
-- table is rebuilt with the rev first.
CREATE TABLE catalogue_new (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    rev  INTEGER NOT NULL,
    body TEXT NOT NULL                          -- JSON, the assets/catalogue.json format
);
INSERT INTO catalogue_new (id, rev, body) SELECT id, rev, body FROM catalogue;
DROP TABLE catalogue;
ALTER TABLE catalogue_new RENAME TO catalogue;
-- A counter is open while its clerk has a live session there: each counter's question is
-- now a lookup, not a scan of every session of every site.
CREATE INDEX clerk_session_by_clerk ON clerk_session (clerk_id, counter);
