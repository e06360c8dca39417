-- Accounts and sign-in. A user acts for one unit of one campaign with one
-- role; an administrator for the installation.

CREATE TABLE account (
    login TEXT PRIMARY KEY,
    role TEXT NOT NULL,              -- admin | board | committee | cell
    campaign TEXT,                   -- none for an administrator
    unit TEXT,                       -- none for an administrator
    password_hash TEXT,              -- argon2id, PHC string; none until the invitation is used
    created_at BIGINT NOT NULL,
    FOREIGN KEY (campaign, unit) REFERENCES unit (campaign, code)
);

-- One-time sign-in links: only the token's SHA-256 is kept.
CREATE TABLE invitation (
    token_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL REFERENCES account (login),
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Server-side sessions, shared by replicas: only the token's SHA-256 is kept.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL REFERENCES account (login),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
