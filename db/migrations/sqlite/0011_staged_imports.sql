-- Kalendarium schema 0011, SQLite dialect: calendars kept between the import's preview and its
-- confirmation (issue 12, item 8). Keep it structurally identical to
-- ../postgresql/0011_staged_imports.sql: same tables, columns and constraints.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment.

-- An uploaded calendar whose dry run an organiser is looking at (/arrangor/import/{id}). The
-- confirmation imports this text, not one the browser sends again, so what is imported is what
-- was previewed. token_hash: the hash of the random id in the preview's address; the row belongs
-- to the session that uploaded it (and goes with it) and is used only before expires_at (15
-- minutes after the upload); the housekeeping pass deletes expired rows, the confirmation its own.
-- It holds meetings' texts, never an attendee's data.
CREATE TABLE staged_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    meeting_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    file_name TEXT NOT NULL DEFAULT '',
    calendar TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX staged_imports_session ON staged_imports (session_id);
CREATE INDEX staged_imports_expiry ON staged_imports (expires_at);
