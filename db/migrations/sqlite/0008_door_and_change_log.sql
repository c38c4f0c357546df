-- Kalendarium schema 0008, SQLite dialect: check-in links (the QR code in a confirmation) and the change log. Keep it
-- structurally identical to ../postgresql/0008_door_and_change_log.sql: same tables, columns and
-- constraints.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- The door's link to a sign-up: /incheckning/<secret>, the QR code of a message that carries a
-- manage link. The secret is derived from that message's own link secret with a keyed hash
-- (app::check_in_secret_of), so the outbox keeps one secret per message and the door link cannot
-- be turned back into the manage link; only its hash is stored here. It checks the sign-up in
-- for a signed-in organiser of the meeting and opens nothing for anyone else. Deleted with the
-- sign-up, and when the sign-up is anonymised.
CREATE TABLE checkin_links (
    token_hash TEXT PRIMARY KEY,
    rsvp_id BIGINT NOT NULL REFERENCES rsvps (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX checkin_links_rsvp ON checkin_links (rsvp_id);

-- The change log (issue 12, item 9): who changed what and when, one row per field changed of a
-- meeting, series or venue, or per status change of a sign-up. subject: what changed, subject_id
-- its id; meeting_id the meeting it concerns (the log is shown on the meeting's pages, and goes
-- with the meeting); rsvp_id the sign-up. The values are the fields' values as text. A sign-up's
-- row holds only its status and party size, never a name, address or need, so that nothing of an
-- attendee is left in the log when the sign-up is anonymised (the pages show the name from the
-- sign-up itself, blank once anonymised); an erased sign-up takes its rows with it.
-- user_id / api_token_id: who (a signed-in user, or an API token); both empty for the public.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    subject TEXT NOT NULL CHECK (subject IN ('meeting', 'series', 'venue', 'sign_up')),
    subject_id BIGINT NOT NULL,
    meeting_id BIGINT REFERENCES meetings (id) ON DELETE CASCADE,
    rsvp_id BIGINT REFERENCES rsvps (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    before_value TEXT NOT NULL DEFAULT '',
    after_value TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    api_token_id BIGINT REFERENCES api_tokens (id) ON DELETE SET NULL
);
CREATE INDEX change_log_meeting ON change_log (meeting_id, id);
CREATE INDEX change_log_subject ON change_log (subject, subject_id, id);
CREATE INDEX change_log_rsvp ON change_log (rsvp_id);
