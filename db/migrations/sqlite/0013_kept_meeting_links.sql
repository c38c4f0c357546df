-- Kalendarium schema 0013, SQLite dialect: each meeting's networks and documents kept as two texts
-- on the meeting's row, so that a list or a single meeting is read from meetings alone (issue 13,
-- item 2). Keep it structurally identical to ../postgresql/0013_kept_meeting_links.sql: same
-- columns and triggers (there the trigger bodies are PL/pgSQL functions).
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment: a trigger's inner statements end mid-line.
--
-- A list of 50 meetings read each meeting's networks and documents by two correlated sub-selects,
-- a hundred index lookups per request, most of the statement's cost. The texts are what those
-- sub-selects gave, and db/src/rows.cpp reads them as before:
--   linked_networks   the network ids, comma-separated, in no order ('' for none)
--   linked_documents  sort_order:hex(title):hex(url) for each document, comma-separated, in no
--                     order ('' for none); hex of the UTF-8 bytes, so no title or URL can fake a
--                     separator
-- They are kept by triggers on meeting_networks and meeting_documents, in the transaction of every
-- write of a link (a network's deletion cascading to its links included): nothing in the service
-- writes them. Writers are serialised by the database's one write lock, this migration included.
ALTER TABLE meetings ADD COLUMN linked_networks TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN linked_documents TEXT NOT NULL DEFAULT '';
UPDATE meetings
   SET linked_networks = COALESCE((SELECT group_concat(mn.network_id, ',') FROM meeting_networks mn
                                    WHERE mn.meeting_id = meetings.id), ''),
       linked_documents = COALESCE((SELECT group_concat(d.sort_order || ':' || hex(d.title) || ':' || hex(d.url), ',')
                                     FROM meeting_documents d WHERE d.meeting_id = meetings.id), '');

CREATE TRIGGER meeting_networks_kept_insert AFTER INSERT ON meeting_networks FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_networks = COALESCE((SELECT group_concat(mn.network_id, ',') FROM meeting_networks mn
                                                     WHERE mn.meeting_id = NEW.meeting_id), '')
     WHERE id = NEW.meeting_id; END;
CREATE TRIGGER meeting_networks_kept_delete AFTER DELETE ON meeting_networks FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_networks = COALESCE((SELECT group_concat(mn.network_id, ',') FROM meeting_networks mn
                                                     WHERE mn.meeting_id = OLD.meeting_id), '')
     WHERE id = OLD.meeting_id; END;
CREATE TRIGGER meeting_networks_kept_update AFTER UPDATE ON meeting_networks FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_networks = COALESCE((SELECT group_concat(mn.network_id, ',') FROM meeting_networks mn
                                                     WHERE mn.meeting_id = meetings.id), '')
     WHERE id IN (OLD.meeting_id, NEW.meeting_id); END;
CREATE TRIGGER meeting_documents_kept_insert AFTER INSERT ON meeting_documents FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_documents = COALESCE((SELECT group_concat(d.sort_order || ':' || hex(d.title) || ':' || hex(d.url), ',')
                                                      FROM meeting_documents d WHERE d.meeting_id = NEW.meeting_id), '')
     WHERE id = NEW.meeting_id; END;
CREATE TRIGGER meeting_documents_kept_delete AFTER DELETE ON meeting_documents FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_documents = COALESCE((SELECT group_concat(d.sort_order || ':' || hex(d.title) || ':' || hex(d.url), ',')
                                                      FROM meeting_documents d WHERE d.meeting_id = OLD.meeting_id), '')
     WHERE id = OLD.meeting_id; END;
CREATE TRIGGER meeting_documents_kept_update AFTER UPDATE ON meeting_documents FOR EACH ROW
BEGIN
    UPDATE meetings SET linked_documents = COALESCE((SELECT group_concat(d.sort_order || ':' || hex(d.title) || ':' || hex(d.url), ',')
                                                      FROM meeting_documents d WHERE d.meeting_id = meetings.id), '')
     WHERE id IN (OLD.meeting_id, NEW.meeting_id); END;
