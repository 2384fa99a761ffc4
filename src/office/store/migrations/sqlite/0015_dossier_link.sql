-- Version 15: the ticket ↔ dossier link (docs/dossier-link.md). A ticket links to at most
-- one dossier code (canonical upper case, checked by domain::dossier_code before it gets
-- here); a dossier may have many tickets, its visits. The dossier need not be imported yet:
-- codes often arrive later, so `code` is no foreign key.
CREATE TABLE dossier_link (
    ticket_id       TEXT PRIMARY KEY REFERENCES ticket(id),
    site_id         INTEGER NOT NULL REFERENCES site(id),
    code            TEXT NOT NULL,
    linked_at       TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('console', 'api')),
    assisted_online INTEGER NOT NULL DEFAULT 0  -- 1: the clerk helped file it online
) WITHOUT ROWID;
CREATE INDEX dossier_link_by_code ON dossier_link (code, site_id);
