-- Kalendarium schema 0003, SQLite dialect: sign-ups (RSVPs) and per-organisation quotas. Keep it
-- structurally identical to ../postgresql/0003_rsvps.sql: same tables, columns and constraints; only
-- the id columns differ.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment. Each statement runs on its own, in the one
-- transaction that also records the version in schema_version.

-- One sign-up of a party for a meeting. Sign-up order is id order: every RSVP write holds the
-- meeting's lock, so ids of one meeting are assigned in the order the sign-ups were decided.
-- Waitlist positions are derived from that order when read, never stored.
-- email_key: the e-mail lower-cased, for comparison; after anonymisation 'anonymised-<id>'.
-- organisation_id: a known organisation (kept, as NULL, when it is deleted), else
-- organisation_name holds free text.
-- token_hash: the hash of the manage link's secret; after anonymisation 'anonymised-<id>'.
-- Personal data (name, email, email_key, needs) is blanked by anonymised_at.
CREATE TABLE rsvps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    organisation_name TEXT NOT NULL DEFAULT '',
    party_size INTEGER NOT NULL CHECK (party_size >= 1),
    needs TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    cancelled_at BIGINT,
    anonymised_at BIGINT
);
-- One active sign-up per e-mail and meeting, whatever the code does.
CREATE UNIQUE INDEX rsvps_active_email ON rsvps (meeting_id, email_key) WHERE status <> 'cancelled';
CREATE INDEX rsvps_meeting_status ON rsvps (meeting_id, status, id);
CREATE INDEX rsvps_email_key ON rsvps (email_key);
CREATE INDEX rsvps_organisation ON rsvps (organisation_id);

-- At most per_organisation people (party sizes of confirmed and waitlisted sign-ups) per
-- organisation at a meeting; no row = no quota.
CREATE TABLE meeting_quotas (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    per_organisation INTEGER NOT NULL CHECK (per_organisation > 0)
);
