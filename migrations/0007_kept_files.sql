-- The files of a submission made from stored versions (a committee's or
-- the Board's ZIP), each kept by the address of what it was made from, so
-- that after one cell changes only the files that depend on it are made
-- again. A cache, like `document`: losing a row costs only a remake.
-- They were kept in `document` under a "file:" prefix with empty names.
CREATE TABLE kept_file (
    address TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL,
    made_at BIGINT NOT NULL
);
DELETE FROM document WHERE address LIKE 'file:%';
