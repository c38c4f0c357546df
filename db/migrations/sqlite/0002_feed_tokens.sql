-- Kalendarium schema 0002, SQLite dialect: private feeds. Keep it structurally identical to
-- ../postgresql/0002_feed_tokens.sql: same tables, columns and constraints; only the id columns differ.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment. Each statement runs on its own, in the one
-- transaction that also records the version in schema_version.

-- A saved filter behind a secret link. Only the hash of the secret is stored.
-- types, network_ids, organisation_ids: the filter's values joined by ',' (empty = all), like
-- series.exdates. They are not foreign keys: an id deleted later simply matches nothing.
-- rotated_at: when the secret was last replaced, 0 while it never was.
-- An organiser's feeds go with its organisation.
CREATE TABLE feed_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    types TEXT NOT NULL DEFAULT '',
    network_ids TEXT NOT NULL DEFAULT '',
    organisation_ids TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    rotated_at BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT
);
CREATE INDEX feed_tokens_organisation ON feed_tokens (organisation_id);
