-- Version 5: rating tablets are devices. A tablet belongs to one counter; staff give it a
-- one-time pairing code (kept only as a hash, with its expiry) that the tablet's page
-- trades once for its device token; `paired_at` says when it did.
ALTER TABLE device ADD COLUMN counter INTEGER;
ALTER TABLE device ADD COLUMN pairing_hash TEXT;
ALTER TABLE device ADD COLUMN pairing_expires_at TEXT;
ALTER TABLE device ADD COLUMN paired_at TEXT;
CREATE UNIQUE INDEX device_by_pairing ON device (pairing_hash);
