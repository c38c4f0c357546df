-- Kalendarium schema 0008, PostgreSQL dialect: check-in links (the QR code in a confirmation). Keep it
-- structurally identical to ../sqlite/0008_checkin_links.sql: same tables, columns and
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
