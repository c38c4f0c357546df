-- pgbench script for bench/run.sh (and the same file for SQLite's counterpart,
-- bench/sqlite_statements.cpp): the two statements GET /api/v1/meetings?limit=50 runs on
-- PostgreSQL with an organiser's token, as the service sent them (log_statement = all,
-- 2026-12-02, schema 0013): the token's lookup and the 50 meetings with their networks and documents
-- (kept on each meeting's row). Run with
-- -M prepared (the service keeps both prepared per pooled connection) and
-- -D h=<the token's hash> -D o=<its organisation> -D l=51 (a page of 50 and one to know if more
-- follow). It measures what PostgreSQL alone can do with a list request's SQL on the machine, the
-- ceiling of any service that reads the list from PostgreSQL on every request. When
-- db/src/rows.cpp or db/src/meetings.cpp change the list's statement, log it again and copy it here.
SELECT id, role, name, organisation_id, user_id, created_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = :h AND revoked_at IS NULL;
SELECT m.id, m.uid, m.sequence, m.series_id, m.recurrence_id, m.overridden, m.created_at, m.updated_at, m.cancellation_reason, m.type, m.title, m.description, m.theme, m.all_day, m.start_local, m.end_local, m.time_zone, m.start_utc, m.end_utc, m.venue_id, m.location, m.online_url, m.organisation_id, m.capacity, m.registration_deadline_utc, m.status, m.linked_networks, m.linked_documents FROM meetings m WHERE (m.status <> 'draft' OR m.organisation_id = :o) ORDER BY m.start_utc, m.id LIMIT :l;
