-- Version 14: the new due time an apology letter (Mẫu 04) promises once a dossier is late
-- (docs/radar.md); imported with the dossier, shown at the kiosk's lookup.
ALTER TABLE dossier ADD COLUMN due_at_new TEXT;
