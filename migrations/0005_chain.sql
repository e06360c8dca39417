-- The audit log chained (docs/campaign.md, "Backup and moving"): each
-- event carries the SHA-256 of the one before it in its campaign's log
-- (the installation's own events form one more chain) and of itself, so
-- that an event removed or rewritten in a copy is seen. Events written
-- before this migration are chained by kttdv at its next start.
ALTER TABLE event ADD COLUMN hash TEXT;
