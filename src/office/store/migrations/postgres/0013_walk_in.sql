-- Version 13: an office that has moved to booking can give walk-in numbers to the priority
-- groups only (docs/booking.md). The mode is one of the site's booking rules; its copy here
-- is pushed to the site's kiosks with the notices.
ALTER TABLE settings ADD COLUMN walk_in TEXT NOT NULL DEFAULT 'all';
