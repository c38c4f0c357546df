-- Kalendarium schema 0007, SQLite dialect: messages that outlive their meeting. Keep it
-- structurally identical to ../postgresql/0007_detached_messages.sql: same tables, columns and
-- constraints. SQLite rebuilds the outbox (to change its CHECK) where PostgreSQL alters it.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- A meeting deleted with sign-ups still owes them a cancellation, but its rows (and the outbox
-- rows that refer to it) go with it. Such a message is detached: it refers to no meeting, sign-up
-- or user, is a meeting_cancelled, and carries what it says in message_facts, written with it.
-- The outbox is made anew with the columns of 0006 in their order, its rows copied with their
-- ids, its AUTOINCREMENT counter carried on and its indexes made again (as in 0006).
CREATE TABLE outbox_0007 (
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
    CONSTRAINT outbox_owner CHECK (((meeting_id IS NULL) <> (user_id IS NULL) AND (user_id IS NULL OR rsvp_id IS NULL)) OR (meeting_id IS NULL AND user_id IS NULL AND rsvp_id IS NULL AND kind = 'meeting_cancelled'))
);
INSERT INTO outbox_0007 (id, kind, meeting_id, rsvp_id, recipient, language, sequence, meeting_start_utc, dedup_key, message_id, state, attempts, next_attempt_at, claimed_until, claimed_by, last_error, link_token, created_at, sent_at, user_id)
SELECT id, kind, meeting_id, rsvp_id, recipient, language, sequence, meeting_start_utc, dedup_key, message_id, state, attempts, next_attempt_at, claimed_until, claimed_by, last_error, link_token, created_at, sent_at, user_id FROM outbox;
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_0007', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_0007');
UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('outbox', 'outbox_0007')) WHERE name = 'outbox_0007';
DROP TABLE outbox;
ALTER TABLE outbox_0007 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_meeting ON outbox (meeting_id, id);
CREATE INDEX outbox_rsvp ON outbox (rsvp_id);
CREATE INDEX outbox_user ON outbox (user_id);

-- What a detached message says, by name (the template's values and the iTIP part). Personal data:
-- the recipient's name. Goes with its message (anonymisation and erasure delete detached messages
-- of the address; the retention purge deletes them once finished).
CREATE TABLE message_facts (
    message_id BIGINT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_id, name)
);
