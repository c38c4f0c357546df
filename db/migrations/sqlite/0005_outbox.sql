-- Kalendarium schema 0005, SQLite dialect: the mail outbox, extra manage links and reminder
-- settings. Keep it structurally identical to ../postgresql/0005_outbox.sql: same tables, columns
-- and constraints; only the id columns differ.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- One e-mail to one recipient, written in the same transaction as the change that caused it
-- (or, for reminders, by the planner). dedup_key makes it happen once: e.g. 'confirmed:<rsvp>',
-- 'meeting_changed:<rsvp>:<sequence>', 'reminder:<rsvp>:<start_utc>:<offset>'. message_id is
-- derived from it, so a resend after a crash carries the same Message-ID.
-- state: pending -> sending (claimed until claimed_until) -> sent | pending (retry at
-- next_attempt_at) | failed (gave up; an organiser may resend) | skipped (no longer wanted:
-- the meeting moved, was cancelled or has started, or the sign-up was cancelled).
-- link_token: the secret of the manage link this message carries, kept only until it is sent.
-- Personal data (recipient, link_token) is blanked when the sign-up is anonymised.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
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
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_meeting ON outbox (meeting_id, id);
CREATE INDEX outbox_rsvp ON outbox (rsvp_id);

-- Further manage links of a sign-up (one per message that carries a link); only hashes.
CREATE TABLE rsvp_tokens (
    token_hash TEXT PRIMARY KEY,
    rsvp_id BIGINT NOT NULL REFERENCES rsvps (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX rsvp_tokens_rsvp ON rsvp_tokens (rsvp_id);

-- Reminders of one meeting instead of its type's defaults: offsets in seconds before the
-- start, comma-separated ('' = no reminders).
CREATE TABLE meeting_reminders (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    offsets TEXT NOT NULL
);

-- Reminders planned (their messages written) for a meeting at a start time and offset, so that
-- the planner does each once; a moved meeting has a new start and gets new reminders.
CREATE TABLE reminder_plans (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    start_utc BIGINT NOT NULL,
    offset_seconds BIGINT NOT NULL,
    planned_at BIGINT NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, start_utc, offset_seconds)
);
