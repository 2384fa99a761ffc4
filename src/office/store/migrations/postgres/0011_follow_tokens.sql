-- The same step as sqlite/0011_follow_tokens.sql, in PostgreSQL's terms (a unique index
-- lets any number of NULLs through in both).
ALTER TABLE ticket ADD COLUMN follow_token TEXT;
CREATE UNIQUE INDEX ticket_by_follow_token ON ticket (follow_token);
ALTER TABLE settings ADD COLUMN public_url TEXT NOT NULL DEFAULT '';
