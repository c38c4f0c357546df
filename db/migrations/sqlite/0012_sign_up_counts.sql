-- Kalendarium schema 0012, SQLite dialect: each meeting's waitlist and confirmed seats kept as two
-- numbers beside it, so that a sign-up decides in constant time (issue 13, item 5). Keep it
-- structurally identical to ../postgresql/0012_sign_up_counts.sql: same table, columns and
-- triggers (there the trigger bodies are PL/pgSQL functions; kal_sign_up reads the counts).
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment: a trigger's inner statements end mid-line.
--
-- Counting a meeting's sign-ups for each new one took longer the more there were. The counts are
-- kept by triggers on rsvps, in the same transaction as every write of a sign-up, whichever code
-- path makes it: nothing in the service writes them. Writers are serialised by the database's one
-- write lock (BEGIN IMMEDIATE), and this migration runs under it too.
--   waitlisted       the number of sign-ups with status 'waitlisted'
--   confirmed_seats  the sum of party_size of the sign-ups with status 'confirmed'
-- A row exists for every meeting (made by a trigger on meetings, and here for those that exist)
-- and goes with its meeting.
CREATE TABLE meeting_sign_up_counts (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    waitlisted INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted >= 0),
    confirmed_seats INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_seats >= 0)
);
INSERT INTO meeting_sign_up_counts (meeting_id, waitlisted, confirmed_seats)
SELECT m.id,
       (SELECT COUNT(*) FROM rsvps r WHERE r.meeting_id = m.id AND r.status = 'waitlisted'),
       (SELECT COALESCE(SUM(r.party_size), 0) FROM rsvps r WHERE r.meeting_id = m.id AND r.status = 'confirmed')
  FROM meetings m;

CREATE TRIGGER meetings_counted AFTER INSERT ON meetings FOR EACH ROW
BEGIN INSERT INTO meeting_sign_up_counts (meeting_id) VALUES (NEW.id); END;

-- One row's share of its meeting's counts is taken away (OLD) and added (NEW).
CREATE TRIGGER rsvps_counted_insert AFTER INSERT ON rsvps FOR EACH ROW
WHEN NEW.status IN ('waitlisted', 'confirmed')
BEGIN
    UPDATE meeting_sign_up_counts
       SET waitlisted = waitlisted + CASE WHEN NEW.status = 'waitlisted' THEN 1 ELSE 0 END,
           confirmed_seats = confirmed_seats + CASE WHEN NEW.status = 'confirmed' THEN NEW.party_size ELSE 0 END
     WHERE meeting_id = NEW.meeting_id; END;
CREATE TRIGGER rsvps_counted_delete AFTER DELETE ON rsvps FOR EACH ROW
WHEN OLD.status IN ('waitlisted', 'confirmed')
BEGIN
    UPDATE meeting_sign_up_counts
       SET waitlisted = waitlisted - CASE WHEN OLD.status = 'waitlisted' THEN 1 ELSE 0 END,
           confirmed_seats = confirmed_seats - CASE WHEN OLD.status = 'confirmed' THEN OLD.party_size ELSE 0 END
     WHERE meeting_id = OLD.meeting_id; END;
-- Only a change of what is counted touches the counts (anonymising a sign-up does not).
CREATE TRIGGER rsvps_counted_update AFTER UPDATE OF meeting_id, status, party_size ON rsvps FOR EACH ROW
WHEN OLD.meeting_id IS NOT NEW.meeting_id OR OLD.status IS NOT NEW.status OR OLD.party_size IS NOT NEW.party_size
BEGIN
    UPDATE meeting_sign_up_counts
       SET waitlisted = waitlisted - CASE WHEN OLD.status = 'waitlisted' THEN 1 ELSE 0 END,
           confirmed_seats = confirmed_seats - CASE WHEN OLD.status = 'confirmed' THEN OLD.party_size ELSE 0 END
     WHERE meeting_id = OLD.meeting_id; UPDATE meeting_sign_up_counts
       SET waitlisted = waitlisted + CASE WHEN NEW.status = 'waitlisted' THEN 1 ELSE 0 END,
           confirmed_seats = confirmed_seats + CASE WHEN NEW.status = 'confirmed' THEN NEW.party_size ELSE 0 END
     WHERE meeting_id = NEW.meeting_id; END;
