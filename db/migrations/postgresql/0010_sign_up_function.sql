-- Kalendarium schema 0010, PostgreSQL dialect: a sign-up decided and written in one execution
-- (issue 13, item 5). ../sqlite/0010_sign_up_function.sql records the same version with nothing
-- to do: SQLite has no server-side functions, and there every write transaction holds the
-- database's one write lock anyway.
--
-- Splitting rule: as in 0001, statements end with ';' at the end of a line, except inside a
-- dollar-quoted body ($$ ... $$), which the store keeps whole.
--
-- kal_sign_up takes the meeting's row lock (FOR UPDATE, held to the end of the transaction) and
-- then, in the same call, makes every decision that depends on the meeting's sign-ups and writes
-- the sign-up, its first message and that message's links. So a sign-up holds the lock for this
-- one execution and the COMMIT after it, where it used to hold it for about fourteen statements,
-- each a round trip from the service. The rules are those of kal/db/rsvps.hpp, in the order the
-- store used to check them (db/src/rsvps.cpp calls this and turns o_outcome into its errors):
--   existing       the address has an active sign-up for the meeting: o_id is that one, and
--                  nothing is written, whatever has happened to the meeting since
--   not_found, draft, cancelled, started, deadline_passed (only for p_by_holder),
--   unknown_organisation, quota_full, token_hash_taken (the last two facts are read by the
--   caller before the lock, since no sign-up of the meeting changes them)
--   created        o_id, o_status and o_waitlist_position of the new sign-up.
-- Nobody overtakes the waitlist: confirmed only when nobody waits and the party fits. The id is
-- drawn under the lock, so sign-up order stays id order.
-- p_mail: also write the first message (kind = the status, dedup key '<kind>:<id>', Message-ID
-- p_message_id_before || '<kind>.<id>' || p_message_id_after, the meeting's sequence and start as
-- read under the lock), the manage link of that message (p_link_token_hash) and its door link
-- (p_check_in_link_hash), as service/app/mail_policy.cpp would one statement at a time.
-- Every statement in a PL/pgSQL function sees the rows committed before it started (READ
-- COMMITTED), so the counts after the lock include the sign-ups of the previous lock holder.
CREATE FUNCTION kal_sign_up(
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
    SELECT COUNT(*) FILTER (WHERE r.status = 'waitlisted'),
           COALESCE(SUM(r.party_size) FILTER (WHERE r.status = 'confirmed'), 0)
      INTO v_waiting, v_confirmed
      FROM rsvps r WHERE r.meeting_id = p_meeting_id AND r.status IN ('waitlisted', 'confirmed');
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
