-- Version 11: citizens follow their tickets from their phones (docs/follow.md).
-- A ticket's follow token comes from the kiosk with the ticket (NULL from older kiosks);
-- the follow page finds the ticket by it, so it is unique. The site's public address,
-- where those pages are, is pushed to its kiosks with the notices.
ALTER TABLE ticket ADD COLUMN follow_token TEXT;
CREATE UNIQUE INDEX ticket_by_follow_token ON ticket (follow_token);
ALTER TABLE settings ADD COLUMN public_url TEXT NOT NULL DEFAULT '';
