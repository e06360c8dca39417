-- The workflow and the audit log. Which step leads from which state is
-- src/campaign/workflow.rs's; the store only keeps where each unit stands
-- and everything that happened.

ALTER TABLE unit ADD COLUMN submitted_at BIGINT;   -- the first submission, for timeliness
ALTER TABLE unit ADD COLUMN note TEXT;             -- the last return's comment, or why it does not report

-- The audit log. Append-only: no statement of kttdv updates or deletes an
-- event. `seq` orders them; appends take their turn (a lock on PostgreSQL,
-- the writer's turn on SQLite), so that it has no gaps or ties.
CREATE TABLE event (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,            -- sign-in, sign-in-failed, save, submit, approve, return, ...
    login TEXT,                      -- who; the login tried, for a failed sign-in
    address TEXT,                    -- the client's address, for sign-ins
    campaign TEXT,
    unit TEXT,
    version BIGINT,                  -- the version acted on, and its hash
    sha256 TEXT,
    note TEXT                        -- a return's comment, a reason, an account's role and unit
);

CREATE INDEX event_unit ON event (campaign, unit, seq);
CREATE INDEX event_throttle_login ON event (action, login, at);
CREATE INDEX event_throttle_address ON event (action, address, at);

-- API tokens for scripts: they act as their account (one unit), until revoked.
CREATE TABLE api_token (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,         -- shown to its owner, to revoke it
    login TEXT NOT NULL REFERENCES account (login),
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- A signed original uploaded for a version: the PDF as signed.
CREATE TABLE signed (
    campaign TEXT NOT NULL,
    unit TEXT NOT NULL,
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    login TEXT NOT NULL,
    PRIMARY KEY (campaign, unit, number, kind),
    FOREIGN KEY (campaign, unit, number) REFERENCES version (campaign, unit, number)
);
