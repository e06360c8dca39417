-- Trust against an insider (docs/campaign.md, "Accounts and sign-in"):
-- who made an account and whether it is disabled, sessions that end when
-- idle, tokens that expire and go with the token that made them, the
-- signer of a signed original, sign-in attempts counted before the
-- password is tried, and the installation's own secret.

ALTER TABLE account ADD COLUMN created_by TEXT;         -- the officer who invited it; none from the command line
ALTER TABLE account ADD COLUMN disabled_at BIGINT;      -- set once: a disabled account signs in no more

ALTER TABLE session ADD COLUMN seen_at BIGINT;          -- the last request, for the idle timeout
UPDATE session SET seen_at = created_at;

ALTER TABLE api_token ADD COLUMN expires_at BIGINT;
ALTER TABLE api_token ADD COLUMN parent TEXT;           -- the id of the token that made it, if a token did
-- Tokens made before expiry existed last 90 days from their making.
UPDATE api_token SET expires_at = created_at + 7776000000;

ALTER TABLE signed ADD COLUMN signer TEXT;              -- the signing certificate's subject

-- Sign-in attempts, counted before the password is tried: one row per
-- key (a login and address pair, a login, an address), taken in turn.
CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,        -- since first_at, not yet cleared by a success
    first_at BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL    -- no attempt before this time
);

-- Secrets of the installation, shared by its replicas (the key that signs
-- the sign-in form's token).
CREATE TABLE secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The characters of JSON a unit's versions hold, for its quota: kept as
-- they are saved rather than summed over every body at each save.
ALTER TABLE unit ADD COLUMN stored BIGINT NOT NULL DEFAULT 0;
UPDATE unit SET stored = (
    SELECT COALESCE(SUM(LENGTH(v.body)), 0) FROM version v WHERE v.campaign = unit.campaign AND v.unit = unit.code
);
