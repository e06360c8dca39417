-- Who an account is: the person's name and office, as their invitation
-- says them, so that pages name people, not unit codes.
CREATE TABLE person (
    login TEXT PRIMARY KEY REFERENCES account (login),
    name TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT ''
);
