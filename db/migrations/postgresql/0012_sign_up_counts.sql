-- Kalendarium schema 0012, PostgreSQL dialect: each meeting's waitlist and confirmed seats kept
-- as two numbers beside it, so that a sign-up decides in constant time (issue 13, item 5). Keep it
-- structurally identical to ../sqlite/0012_sign_up_counts.sql: same table, columns and triggers.
--
-- Splitting rule: as in 0010, statements end with ';' at the end of a line, except inside a
-- dollar-quoted body ($$ ... $$), which the store keeps whole.
--
-- kal_sign_up (0010) counted the meeting's waiting and confirmed sign-ups while it held the
-- meeting's row lock: a scan of every sign-up of the meeting, so each sign-up took longer than the
-- one before it (measured: 789 sign-ups a second over the first 4 seconds of a benchmark, 374 over
-- 20 seconds). The counts are now kept by triggers on rsvps, in the same transaction as every
-- write of a sign-up, whichever code path makes it: nothing in the service writes them.
--   waitlisted       the number of sign-ups with status 'waitlisted'
--   confirmed_seats  the sum of party_size of the sign-ups with status 'confirmed'
-- A row exists for every meeting (made by a trigger on meetings, and here for those that exist)
-- and goes with its meeting. Concurrent writers of one meeting's sign-ups hold its row lock
-- already (kal/db/rsvps.hpp); an UPDATE of the counts adds to the committed value it waits for,
-- so no change is lost even where a writer would not.
-- No meeting or sign-up is written by another instance between the counting below and the
-- triggers that keep the counts from then on (held to the end of this migration's transaction).
LOCK TABLE meetings, rsvps IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE meeting_sign_up_counts (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    waitlisted BIGINT NOT NULL DEFAULT 0 CHECK (waitlisted >= 0),
    confirmed_seats BIGINT NOT NULL DEFAULT 0 CHECK (confirmed_seats >= 0)
);
INSERT INTO meeting_sign_up_counts (meeting_id, waitlisted, confirmed_seats)
SELECT m.id,
       (SELECT COUNT(*) FROM rsvps r WHERE r.meeting_id = m.id AND r.status = 'waitlisted'),
       (SELECT COALESCE(SUM(r.party_size), 0) FROM rsvps r WHERE r.meeting_id = m.id AND r.status = 'confirmed')
  FROM meetings m;

CREATE FUNCTION kal_meeting_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO meeting_sign_up_counts (meeting_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER meetings_counted AFTER INSERT ON meetings FOR EACH ROW EXECUTE FUNCTION kal_meeting_counted();

-- One row's share of its meeting's counts is taken away (OLD) and added (NEW). A meeting being
-- deleted has lost its counts row already or loses it with the meeting; the UPDATE then finds none.
CREATE FUNCTION kal_rsvp_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('waitlisted', 'confirmed') THEN
        UPDATE meeting_sign_up_counts
           SET waitlisted = waitlisted - CASE WHEN OLD.status = 'waitlisted' THEN 1 ELSE 0 END,
               confirmed_seats = confirmed_seats - CASE WHEN OLD.status = 'confirmed' THEN OLD.party_size ELSE 0 END
         WHERE meeting_id = OLD.meeting_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('waitlisted', 'confirmed') THEN
        UPDATE meeting_sign_up_counts
           SET waitlisted = waitlisted + CASE WHEN NEW.status = 'waitlisted' THEN 1 ELSE 0 END,
               confirmed_seats = confirmed_seats + CASE WHEN NEW.status = 'confirmed' THEN NEW.party_size ELSE 0 END
         WHERE meeting_id = NEW.meeting_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER rsvps_counted_insert AFTER INSERT ON rsvps FOR EACH ROW EXECUTE FUNCTION kal_rsvp_counted();
CREATE TRIGGER rsvps_counted_delete AFTER DELETE ON rsvps FOR EACH ROW EXECUTE FUNCTION kal_rsvp_counted();
-- Only a change of what is counted touches the counts (anonymising a sign-up does not).
CREATE TRIGGER rsvps_counted_update AFTER UPDATE OF meeting_id, status, party_size ON rsvps FOR EACH ROW
    WHEN (OLD.meeting_id IS DISTINCT FROM NEW.meeting_id OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.party_size IS DISTINCT FROM NEW.party_size)
    EXECUTE FUNCTION kal_rsvp_counted();

-- kal_sign_up as in 0010, but reading the counts instead of counting the sign-ups.
CREATE OR REPLACE FUNCTION kal_sign_up(
    p_meeting_id BIGINT, p_name TEXT, p_email TEXT, p_email_key TEXT, p_organisation_id BIGINT,
    p_organisation_name TEXT, p_party_size INTEGER, p_needs TEXT, p_language TEXT, p_token_hash TEXT,
    p_now BIGINT, p_by_holder BOOLEAN, p_unknown_organisation BOOLEAN, p_hash_taken BOOLEAN,
    p_mail BOOLEAN, p_message_id_before TEXT, p_message_id_after TEXT, p_link_token TEXT,
    p_link_token_hash TEXT, p_check_in_link_hash TEXT,
    OUT o_outcome TEXT, OUT o_id BIGINT, OUT o_status TEXT, OUT o_waitlist_position BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_status TEXT;
    v_start BIGINT;
    v_capacity INTEGER;
    v_deadline BIGINT;
    v_sequence INTEGER;
    v_quota INTEGER;
    v_used BIGINT;
    v_waiting BIGINT;
    v_confirmed BIGINT;
BEGIN
    SELECT m.status, m.start_utc, m.capacity, m.registration_deadline_utc, m.sequence
      INTO v_status, v_start, v_capacity, v_deadline, v_sequence
      FROM meetings m WHERE m.id = p_meeting_id FOR UPDATE;
    IF NOT FOUND THEN
        o_outcome := 'not_found';
        RETURN;
    END IF;
    SELECT r.id INTO o_id FROM rsvps r
     WHERE r.meeting_id = p_meeting_id AND r.email_key = p_email_key AND r.status <> 'cancelled';
    IF FOUND THEN
        o_outcome := 'existing';
        RETURN;
    END IF;
    IF v_status = 'draft' THEN
        o_outcome := 'draft';
    ELSIF v_status = 'cancelled' THEN
        o_outcome := 'cancelled';
    ELSIF v_start <= p_now THEN
        o_outcome := 'started';
    ELSIF p_by_holder AND v_deadline IS NOT NULL AND v_deadline < p_now THEN
        o_outcome := 'deadline_passed';
    ELSIF p_unknown_organisation THEN
        o_outcome := 'unknown_organisation';
    END IF;
    IF o_outcome IS NOT NULL THEN
        RETURN;
    END IF;
    IF p_organisation_id IS NOT NULL OR p_organisation_name <> '' THEN
        SELECT q.per_organisation INTO v_quota FROM meeting_quotas q WHERE q.meeting_id = p_meeting_id;
        IF FOUND THEN
            IF p_organisation_id IS NOT NULL THEN
                SELECT COALESCE(SUM(r.party_size), 0) INTO v_used FROM rsvps r
                 WHERE r.meeting_id = p_meeting_id AND r.organisation_id = p_organisation_id
                   AND r.status IN ('confirmed', 'waitlisted');
            ELSE
                SELECT COALESCE(SUM(r.party_size), 0) INTO v_used FROM rsvps r
                 WHERE r.meeting_id = p_meeting_id AND r.organisation_id IS NULL
                   AND lower(r.organisation_name) = lower(p_organisation_name)
                   AND r.status IN ('confirmed', 'waitlisted');
            END IF;
            IF v_used + p_party_size > v_quota THEN
                o_outcome := 'quota_full';
                RETURN;
            END IF;
        END IF;
    END IF;
    IF p_hash_taken THEN
        o_outcome := 'token_hash_taken';
        RETURN;
    END IF;
    -- The counts as the last writer under the lock committed them (kept by the triggers above).
    SELECT c.waitlisted, c.confirmed_seats INTO v_waiting, v_confirmed
      FROM meeting_sign_up_counts c WHERE c.meeting_id = p_meeting_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kal_sign_up: meeting % has no meeting_sign_up_counts row', p_meeting_id;
    END IF;
    IF v_waiting = 0 AND (v_capacity IS NULL OR v_confirmed + p_party_size <= v_capacity) THEN
        o_status := 'confirmed';
    ELSE
        o_status := 'waitlisted';
        o_waitlist_position := v_waiting + 1;
    END IF;
    INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, party_size,
                       needs, language, status, token_hash, created_at, updated_at)
    VALUES (p_meeting_id, p_name, p_email, p_email_key, p_organisation_id, p_organisation_name, p_party_size,
            p_needs, p_language, o_status, p_token_hash, p_now, p_now)
    RETURNING id INTO o_id;
    o_outcome := 'created';
    IF p_mail THEN
        INSERT INTO outbox (kind, meeting_id, rsvp_id, user_id, recipient, language, sequence, meeting_start_utc,
                            dedup_key, message_id, state, next_attempt_at, link_token, created_at)
        VALUES (o_status, p_meeting_id, o_id, NULL, p_email, p_language, v_sequence, v_start,
                o_status || ':' || o_id, p_message_id_before || o_status || '.' || o_id || p_message_id_after,
                'pending', p_now, p_link_token, p_now)
        ON CONFLICT (dedup_key) DO NOTHING;
        IF FOUND THEN
            INSERT INTO rsvp_tokens (token_hash, rsvp_id, created_at) VALUES (p_link_token_hash, o_id, p_now);
            INSERT INTO checkin_links (token_hash, rsvp_id, created_at) VALUES (p_check_in_link_hash, o_id, p_now);
        END IF;
    END IF;
END;
$$;
