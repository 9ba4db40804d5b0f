-- When a person answered "skip" to "What's your time zone?": they keep the
-- server default and are not asked again (until they set a zone).
ALTER TABLE users ADD COLUMN zone_skipped_at INTEGER;
