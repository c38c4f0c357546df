-- Kalendarium schema 0007, PostgreSQL dialect: messages that outlive their meeting. Keep it
-- structurally identical to ../sqlite/0007_detached_messages.sql: same tables, columns and
-- constraints. SQLite rebuilds the outbox (to change its CHECK) where PostgreSQL alters it.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- A meeting deleted with sign-ups still owes them a cancellation, but its rows (and the outbox
-- rows that refer to it) go with it. Such a message is detached: it refers to no meeting, sign-up
-- or user, is a meeting_cancelled, and carries what it says in message_facts, written with it.
ALTER TABLE outbox DROP CONSTRAINT outbox_owner;
ALTER TABLE outbox ADD CONSTRAINT outbox_owner CHECK (((meeting_id IS NULL) <> (user_id IS NULL) AND (user_id IS NULL OR rsvp_id IS NULL)) OR (meeting_id IS NULL AND user_id IS NULL AND rsvp_id IS NULL AND kind = 'meeting_cancelled'));

-- What a detached message says, by name (the template's values and the iTIP part). Personal data:
-- the recipient's name. Goes with its message (anonymisation and erasure delete detached messages
-- of the address; the retention purge deletes them once finished).
CREATE TABLE message_facts (
    message_id BIGINT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_id, name)
);
