-- pgbench script for bench/rsvps.sh: one sign-up as the service ran it on PostgreSQL before
-- kal_sign_up (schema 0010, issue 13 item 5), with an organisation id as the HTTP run sends,
-- statement for statement, in one transaction: the reference the issue's aim is measured against. Variables: -D meeting=ID -D org=ID -D i=0 (a per-client counter). The e-mail and
-- the token hash (64 hex digits, like the service's) are unique per client and transaction.
\set i :i + 1
BEGIN;
-- lock_meeting_for_rsvps: every sign-up of the meeting waits here for the one before it.
SELECT status, start_utc, capacity, registration_deadline_utc FROM meetings WHERE id = :meeting FOR UPDATE \gset g_
-- A repeated sign-up by the same address (never the case here).
SELECT id FROM rsvps WHERE meeting_id = :meeting AND email_key = lower(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint, '@example.org')) AND status <> 'cancelled';
-- The organisation exists; its quota (no row: no quota).
SELECT COUNT(*) FROM organisations WHERE id = :org;
SELECT per_organisation FROM meeting_quotas WHERE meeting_id = :meeting;
SELECT COUNT(*) FROM rsvps WHERE token_hash = encode(sha256(convert_to(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint), 'UTF8')), 'hex');
-- Nobody overtakes the waitlist; the capacity check.
SELECT COUNT(*) AS waiting FROM rsvps WHERE meeting_id = :meeting AND status = 'waitlisted' \gset
SELECT COALESCE(SUM(party_size), 0) AS seats FROM rsvps WHERE meeting_id = :meeting AND status = 'confirmed' \gset
\set fits (:waiting = 0 and :seats + 1 <= :g_capacity)
\if :fits
INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, party_size, needs, language, status, token_hash, created_at, updated_at) VALUES (:meeting, concat('Deltagare ', :client_id::int, '-', :i::bigint), concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint, '@example.org'), lower(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint, '@example.org')), :org, '', 1, '', 'sv', 'confirmed', encode(sha256(convert_to(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint), 'UTF8')), 'hex'), extract(epoch from now())::bigint, extract(epoch from now())::bigint) RETURNING id \gset
\else
INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, party_size, needs, language, status, token_hash, created_at, updated_at) VALUES (:meeting, concat('Deltagare ', :client_id::int, '-', :i::bigint), concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint, '@example.org'), lower(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint, '@example.org')), :org, '', 1, '', 'sv', 'waitlisted', encode(sha256(convert_to(concat('pgbench-', :meeting::bigint, '-', :client_id::int, '-', :i::bigint), 'UTF8')), 'hex'), extract(epoch from now())::bigint, extract(epoch from now())::bigint) RETURNING id \gset
\endif
-- The sign-up read back as the answer shows it (rsvp_select, with its waitlist position).
SELECT r.id, r.meeting_id, r.name, r.email, r.organisation_id, r.organisation_name, r.party_size, r.needs, r.language, r.status, r.created_at, r.updated_at, r.cancelled_at, r.anonymised_at, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM rsvps w WHERE w.meeting_id = r.meeting_id AND w.status = 'waitlisted' AND w.id <= r.id) END FROM rsvps r WHERE r.id = :id;
COMMIT;
