-- Kalendarium schema 0001, SQLite dialect. Keep it structurally identical to
-- ../postgresql/0001_initial.sql: same tables, columns and constraints; only the id columns differ.
--
-- Splitting rule: the store splits this file into statements at every ';' that ends a line
-- (trailing spaces allowed). So end each statement with ';' at the end of its line, and never end
-- a line with ';' inside a statement or a comment. Each statement runs on its own, in the one
-- transaction that also records the version in schema_version.
--
-- Instants are BIGINT Unix seconds (UTC). Flags are INTEGER 0/1. Enumerated text columns carry
-- CHECKs with the values of kal/db/model.hpp.

CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);

-- Raised by every write that can change a feed, in the same transaction.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('association', 'city_unit', 'other')),
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    contact_email TEXT,
    contact_phone TEXT,
    contact_public INTEGER NOT NULL DEFAULT 0 CHECK (contact_public IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE networks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('area_network', 'local_council', 'interest_network', 'samrad', 'forum', 'other')),
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE network_organisations (
    network_id BIGINT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (network_id, organisation_id)
);
CREATE INDEX network_organisations_organisation ON network_organisations (organisation_id);

CREATE TABLE venues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL DEFAULT '',
    capacity INTEGER,
    step_free INTEGER NOT NULL DEFAULT 0 CHECK (step_free IN (0, 1)),
    hearing_loop INTEGER NOT NULL DEFAULT 0 CHECK (hearing_loop IN (0, 1)),
    accessible_toilet INTEGER NOT NULL DEFAULT 0 CHECK (accessible_toilet IN (0, 1)),
    accessibility_notes TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE RESTRICT,
    shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX venues_organisation ON venues (organisation_id);

-- A recurring meeting: the template of its occurrences, its rule and its exceptions.
-- exdates: local starts joined by ','.
CREATE TABLE series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL DEFAULT 0,
    type TEXT NOT NULL CHECK (type IN ('fro', 'stormote', 'network', 'samrad', 'dialog', 'training', 'conference', 'other')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    theme TEXT NOT NULL DEFAULT '',
    all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    start_local TEXT NOT NULL,
    end_local TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    start_utc BIGINT NOT NULL,
    end_utc BIGINT NOT NULL,
    venue_id BIGINT REFERENCES venues (id) ON DELETE RESTRICT,
    location TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    capacity INTEGER,
    registration_deadline_utc BIGINT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    rrule TEXT NOT NULL,
    exdates TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX series_organisation ON series (organisation_id);
CREATE INDEX series_venue ON series (venue_id);

CREATE TABLE series_networks (
    series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    network_id BIGINT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    PRIMARY KEY (series_id, network_id)
);
CREATE INDEX series_networks_network ON series_networks (network_id);

CREATE TABLE series_documents (
    series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (series_id, sort_order)
);

-- Single meetings and the occurrences of series (series_id set, recurrence_id non-empty).
-- recurrence_id is '' outside a series so that (uid, recurrence_id) is unique for both.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    series_id BIGINT REFERENCES series (id) ON DELETE CASCADE,
    recurrence_id TEXT NOT NULL DEFAULT '',
    overridden INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1)),
    type TEXT NOT NULL CHECK (type IN ('fro', 'stormote', 'network', 'samrad', 'dialog', 'training', 'conference', 'other')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    theme TEXT NOT NULL DEFAULT '',
    all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    start_local TEXT NOT NULL,
    end_local TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    start_utc BIGINT NOT NULL,
    end_utc BIGINT NOT NULL,
    venue_id BIGINT REFERENCES venues (id) ON DELETE RESTRICT,
    location TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    capacity INTEGER,
    registration_deadline_utc BIGINT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (uid, recurrence_id)
);
CREATE INDEX meetings_start ON meetings (start_utc, id);
CREATE INDEX meetings_organisation ON meetings (organisation_id);
CREATE INDEX meetings_venue ON meetings (venue_id, start_utc);
CREATE INDEX meetings_series ON meetings (series_id);
CREATE INDEX meetings_status ON meetings (status);

CREATE TABLE meeting_networks (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    network_id BIGINT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, network_id)
);
CREATE INDEX meeting_networks_network ON meeting_networks (network_id);

CREATE TABLE meeting_documents (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (meeting_id, sort_order)
);

-- Only hashes of API tokens are stored. An organiser's tokens go with its organisation.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'organiser')),
    name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT NOT NULL DEFAULT 0
);
