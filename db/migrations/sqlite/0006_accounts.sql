-- Kalendarium schema 0006, SQLite dialect: accounts (users, their organisations, sign-in
-- links, sessions), API tokens of users, and outbox rows that belong to a user. Keep it
-- structurally identical to ../postgresql/0006_accounts.sql: same tables, columns and
-- constraints. Only the id columns differ, and SQLite rebuilds the outbox where PostgreSQL
-- alters it.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- A person who signs in: an admin, or an organiser for the organisations of their memberships.
-- email_key: the e-mail lower-cased, unique, so that one address is one account whatever its
-- case. deactivated_at: the account can no longer sign in (its sessions, links and tokens were
-- ended with it); the row stays so that an admin can reactivate it. Erasure (an admin's request
-- for an address) blanks email and name and sets email_key to 'erased-<id>' and erased_at.
-- Personal data: email, email_key, name (and the sessions' descriptions).
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    role TEXT NOT NULL CHECK (role IN ('admin', 'organiser')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_sign_in_at BIGINT,
    deactivated_at BIGINT,
    erased_at BIGINT
);

-- The organisations a user organises for (an admin needs none).
CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

-- One-time sign-in links; only the hash of the secret is stored. A link is used by setting
-- used_at in an UPDATE that requires it to be NULL and expires_at to be later than now, so two
-- redeems of one link at once change one row: exactly one of them wins.
CREATE TABLE sign_in_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX sign_in_links_user ON sign_in_links (user_id);

-- Signed-in browsers; only the hash of the session's secret (the cookie) is stored. expires_at
-- is absolute (created_at + accounts.session_lifetime); the idle timeout is measured from
-- last_seen_at, which is written at most every few minutes. description: a short, non-identifying
-- name of the browser ("Firefox på Linux"); no addresses are kept.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id, id);

-- Requests for a sign-in link, by address, waiting for the delivery worker: every request is one
-- row whether or not the address has an account, so that asking costs the same either way; the
-- worker writes a link and a message for an account and deletes the row in one transaction.
CREATE TABLE sign_in_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- An API token of a user acts with that user's rights (role and memberships as they are when it
-- is used); tokens made by the command line before accounts have no user.
ALTER TABLE api_tokens ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- A message belongs to a meeting (and maybe a sign-up) or to a user (sign-in links,
-- invitations), never both. Its sequence and meeting_start_utc are 0 when it belongs to a user.
-- SQLite cannot drop a NOT NULL or add a CHECK to a table, so the outbox is made anew with the
-- columns of 0005 in their order, user_id last (where PostgreSQL's ADD COLUMN puts it), its rows
-- copied with their ids, and its indexes made again (SQLite's "make a new table, copy, drop,
-- rename" procedure; no table refers to the outbox).
CREATE TABLE outbox_0006 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    meeting_id BIGINT REFERENCES meetings (id) ON DELETE CASCADE,
    rsvp_id BIGINT REFERENCES rsvps (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    meeting_start_utc BIGINT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    link_token TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT outbox_owner CHECK ((meeting_id IS NULL) <> (user_id IS NULL) AND (user_id IS NULL OR rsvp_id IS NULL))
);
INSERT INTO outbox_0006 (id, kind, meeting_id, rsvp_id, recipient, language, sequence, meeting_start_utc, dedup_key, message_id, state, attempts, next_attempt_at, claimed_until, claimed_by, last_error, link_token, created_at, sent_at)
SELECT id, kind, meeting_id, rsvp_id, recipient, language, sequence, meeting_start_utc, dedup_key, message_id, state, attempts, next_attempt_at, claimed_until, claimed_by, last_error, link_token, created_at, sent_at FROM outbox;
-- AUTOINCREMENT never gives an id twice: the new table goes on from the highest id the old one
-- ever gave, also when those rows are gone (RENAME carries the counter along).
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_0006', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_0006');
UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('outbox', 'outbox_0006')) WHERE name = 'outbox_0006';
DROP TABLE outbox;
ALTER TABLE outbox_0006 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_meeting ON outbox (meeting_id, id);
CREATE INDEX outbox_rsvp ON outbox (rsvp_id);
CREATE INDEX outbox_user ON outbox (user_id);
