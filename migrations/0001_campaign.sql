-- The campaign's home. One schema for SQLite and PostgreSQL: text, BIGINT
-- and BYTEA only (SQLite stores a BYTEA column's blobs as they are); times
-- are milliseconds since 1970 (UTC).

CREATE TABLE campaign (
    code TEXT PRIMARY KEY,           -- e.g. "2021-quang-nam", from its file's name
    name TEXT NOT NULL,
    settings TEXT NOT NULL,          -- the campaign file (round, dates, deadlines), JSON
    created_at BIGINT NOT NULL
);

CREATE TABLE unit (
    campaign TEXT NOT NULL REFERENCES campaign (code),
    code TEXT NOT NULL,              -- stable: "ban", "dang-bo-so-tai-chinh", "dang-bo-so-tai-chinh.chi-bo-van-phong"
    name TEXT NOT NULL,
    level TEXT NOT NULL,             -- board | committee | cell
    parent TEXT,                     -- the unit above; none for the Board
    position BIGINT NOT NULL,        -- order among its siblings, as imported
    state TEXT NOT NULL,             -- chua-nop | dang-soan | da-nop (the workflow adds more)
    versions BIGINT NOT NULL,        -- how many versions were saved
    current BIGINT,                  -- the current version's number; none before the first
    changed_at BIGINT,
    PRIMARY KEY (campaign, code),
    FOREIGN KEY (campaign, parent) REFERENCES unit (campaign, code)
);

CREATE INDEX unit_parent ON unit (campaign, parent);

-- Append-only: no statement of kttdv updates or deletes a version.
CREATE TABLE version (
    campaign TEXT NOT NULL,
    unit TEXT NOT NULL,
    number BIGINT NOT NULL,
    body TEXT NOT NULL,              -- the submission as checked, JSON
    sha256 TEXT NOT NULL,            -- of body's bytes
    saved_at BIGINT NOT NULL,
    author TEXT,                     -- who saved it (accounts come with the workflow)
    PRIMARY KEY (campaign, unit, number),
    FOREIGN KEY (campaign, unit) REFERENCES unit (campaign, code)
);

-- The roll the Board manages, for reconciliation: one per campaign.
CREATE TABLE roll (
    campaign TEXT PRIMARY KEY REFERENCES campaign (code),
    body TEXT NOT NULL,              -- JSON, as kttdv reads a roll
    sha256 TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);

-- Documents made from stored versions, by content address: the kind, the
-- SHA-256 of the input it was made from, the templates' version and the
-- PDF's flavour. Asking twice renders once, on any replica.
CREATE TABLE document (
    address TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,         -- ASCII, as downloaded
    meta TEXT NOT NULL,              -- its Vietnamese title, pages and signature slots, JSON
    bytes BYTEA NOT NULL,
    made_at BIGINT NOT NULL
);
