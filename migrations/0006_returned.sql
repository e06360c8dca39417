-- A returned report is sent up again only once changed (docs/campaign.md,
-- "The workflow"): the version it was returned at, until a new one is
-- saved; none when the officer who returned it said it may go up as it is.
ALTER TABLE unit ADD COLUMN returned_version BIGINT;
