-- Kalendarium schema 0004, SQLite dialect: attendance (check-ins at the door). Keep it
-- structurally identical to ../postgresql/0004_checkins.sql: same tables, columns and constraints; only
-- the id columns differ.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- One person or party present at a meeting: a sign-up (rsvp_id) or a walk-in (name, organisation).
-- person_key makes a check-in idempotent, whatever the clients do: 'rsvp:<id>' for a sign-up,
-- 'walkin:' + the lower-cased name and organisation for a walk-in; after anonymisation
-- 'anonymised-<id>'. Personal data (a walk-in's name and its key) is blanked by anonymised_at.
-- people: the size of the party that came (counts for the reports).
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    rsvp_id BIGINT REFERENCES rsvps (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    person_key TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    organisation_name TEXT NOT NULL DEFAULT '',
    people INTEGER NOT NULL CHECK (people >= 1),
    created_at BIGINT NOT NULL,
    anonymised_at BIGINT
);
CREATE UNIQUE INDEX checkins_person ON checkins (meeting_id, person_key);
CREATE INDEX checkins_rsvp ON checkins (rsvp_id);
CREATE INDEX checkins_organisation ON checkins (organisation_id);
