-- The same step as sqlite/0015_dossier_link.sql, in PostgreSQL's terms.
CREATE TABLE dossier_link (
    ticket_id       TEXT PRIMARY KEY REFERENCES ticket(id),
    site_id         BIGINT NOT NULL REFERENCES site(id),
    code            TEXT NOT NULL,
    linked_at       TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('console', 'api')),
    assisted_online BIGINT NOT NULL DEFAULT 0   -- 1: the clerk helped file it online
);
CREATE INDEX dossier_link_by_code ON dossier_link (code, site_id);
