-- Kalendarium schema 0013, PostgreSQL dialect: each meeting's networks and documents kept as two
-- texts on the meeting's row, so that a list or a single meeting is read from meetings alone
-- (issue 13, item 2). Keep it structurally identical to ../sqlite/0013_kept_meeting_links.sql:
-- same columns and triggers.
--
-- Splitting rule: as in 0010, statements end with ';' at the end of a line, except inside a
-- dollar-quoted body ($$ ... $$), which the store keeps whole.
--
-- A list of 50 meetings read each meeting's networks and documents by two correlated sub-selects:
-- pgbench running that statement alone answered 1,900-4,600 a second on 2 cores, the same
-- statement without them 8,900-11,100. The texts are what those sub-selects gave, and
-- db/src/rows.cpp reads them as before:
--   linked_networks   the network ids, comma-separated, in no order ('' for none)
--   linked_documents  sort_order:hex(title):hex(url) for each document, comma-separated, in no
--                     order ('' for none); hex of the UTF-8 bytes, so no title or URL can fake a
--                     separator
-- They are kept by triggers on meeting_networks and meeting_documents, in the transaction of every
-- write of a link (a network's deletion cascading to its links included): nothing in the service
-- writes them. A link's writer updates its meeting's row, so writers of one meeting's links wait
-- for each other and each recomputes from what the one before it committed.
-- No link is written by another instance between the backfill below and the triggers that keep the
-- texts from then on (held to the end of this migration's transaction).
LOCK TABLE meetings, meeting_networks, meeting_documents IN SHARE ROW EXCLUSIVE MODE;
ALTER TABLE meetings ADD COLUMN linked_networks TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN linked_documents TEXT NOT NULL DEFAULT '';
UPDATE meetings m
   SET linked_networks = COALESCE((SELECT string_agg(mn.network_id::text, ',') FROM meeting_networks mn
                                    WHERE mn.meeting_id = m.id), ''),
       linked_documents = COALESCE((SELECT string_agg(d.sort_order::text || ':' || encode(convert_to(d.title, 'UTF8'), 'hex')
                                                      || ':' || encode(convert_to(d.url, 'UTF8'), 'hex'), ',')
                                     FROM meeting_documents d WHERE d.meeting_id = m.id), '');

-- The meetings a link's row was (OLD) and is (NEW) of: OLD is NULL on an insert, NEW on a delete
-- (PostgreSQL 11 and later), and a NULL in the IN list matches nothing.
CREATE FUNCTION kal_meeting_networks_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meetings m
       SET linked_networks = COALESCE((SELECT string_agg(mn.network_id::text, ',') FROM meeting_networks mn
                                        WHERE mn.meeting_id = m.id), '')
     WHERE m.id IN (OLD.meeting_id, NEW.meeting_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER meeting_networks_kept AFTER INSERT OR UPDATE OR DELETE ON meeting_networks FOR EACH ROW
    EXECUTE FUNCTION kal_meeting_networks_kept();

CREATE FUNCTION kal_meeting_documents_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meetings m
       SET linked_documents = COALESCE((SELECT string_agg(d.sort_order::text || ':' || encode(convert_to(d.title, 'UTF8'), 'hex')
                                                          || ':' || encode(convert_to(d.url, 'UTF8'), 'hex'), ',')
                                         FROM meeting_documents d WHERE d.meeting_id = m.id), '')
     WHERE m.id IN (OLD.meeting_id, NEW.meeting_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER meeting_documents_kept AFTER INSERT OR UPDATE OR DELETE ON meeting_documents FOR EACH ROW
    EXECUTE FUNCTION kal_meeting_documents_kept();
