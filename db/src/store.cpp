// The store over SOCI: one pooled session per call, one transaction per call.
//
// Invariants kept here rather than in SQL:
// - Every write transaction on SQLite starts with BEGIN IMMEDIATE, so writers are serialised
//   and a read-then-write (slug choice, venue overlap) cannot race. On PostgreSQL the same
//   read-then-write pairs take an explicit lock: the venue row (FOR UPDATE) for bookings and a
//   transaction-scoped advisory lock per table for generated slugs.
// - change_counter is raised as the last statement of every write of the feed-visible model, so
//   a failed write leaves it alone and the row lock it takes on PostgreSQL is held only briefly.
// - A session whose connection broke is marked and reconnected when it is next leased, so the
//   service recovers by itself when the database comes back.
// - load_feed reads in a snapshot (REPEATABLE READ on PostgreSQL; on SQLite every transaction
//   reads one snapshot), so its separate queries agree with each other.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include "sqlite_lower.hpp"
#include "kal/db/store.hpp"
#include "kal/db/testing.hpp"
#include "migrations.hpp"
#include "pg_conninfo.hpp"
#include "sql.hpp"

namespace kal::db {

namespace {

using detail::conditions;
using detail::nullable;
using detail::placeholders;
using detail::stmt;

enum class dialect { sqlite, postgresql };

// How many times a write is retried after a unique violation on a generated value (slug) or a
// PostgreSQL serialization failure/deadlock. Generated slugs are also serialised by a lock, so
// this is a safety net rather than the mechanism.
constexpr int max_write_attempts = 20;
// Upper bound of a page, whatever the caller asks for.
constexpr int max_page_limit = 1000;
// Ids bound into one IN list; longer lists are read in chunks. Far below the bound-parameter
// limits of both databases (SQLite 32766, PostgreSQL 65535).
constexpr std::size_t max_in_list = 500;
// Distinct values of one feed_filter vector. The filter appears up to twice in a feed query,
// so this keeps every statement of load_feed below those limits too.
constexpr std::size_t max_feed_filter_values = 1000;
// pg_advisory_xact_lock keys: "kal" in the high bytes, then the purpose.
constexpr long long migration_lock_key = 0x6b616c0000000001LL;
constexpr long long slug_lock_key_base = 0x6b616c0000000100LL;

std::atomic<std::uint64_t> statements_started_count{0};

// Counts every statement a session starts (see kal/db/testing.hpp) and, like SOCI's standard
// logger that it replaces, remembers the last one.
class counting_logger : public soci::logger_impl {
public:
    void start_query(const std::string& query) override {
        statements_started_count.fetch_add(1, std::memory_order_relaxed);
        last_query_ = query;
    }
    std::string get_last_query() const override { return last_query_; }

private:
    soci::logger_impl* do_clone() const override { return new counting_logger; }
    std::string last_query_;
};

std::int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string random_uid() {
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 4; ++i) {
        std::uint32_t word = rd();
        for (int j = 0; j < 8; ++j) {
            out += hex[word & 0xf];
            word >>= 4;
        }
    }
    return out + "@kalendarium";
}

std::string like_pattern(const std::string& q) {
    std::string out = "%";
    for (char c : q) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

int clamp_limit(int limit) { return std::clamp(limit, 1, max_page_limit); }

std::string join(const std::vector<std::string>& parts, char sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep))
        if (!part.empty()) out.push_back(part);
    return out;
}

std::vector<id_t> sorted_unique(std::vector<id_t> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

template <std::size_t N>
void require_one_of(const std::string& field, const std::string& value,
                    const std::string_view (&allowed)[N]) {
    if (!is_one_of(value, allowed))
        throw std::invalid_argument("kal::db: " + field + " '" + value + "' is not an allowed value");
}

// Splits a migration into statements at each ';' that ends a line (see the .sql files' header).
// Pieces holding only comments and blank lines are dropped.
std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> out;
    std::string current;
    bool meaningful = false;
    std::size_t pos = 0;
    while (pos < sql.size()) {
        auto eol = sql.find('\n', pos);
        auto line = sql.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? sql.size() : eol + 1;
        auto last = line.find_last_not_of(" \t\r");
        auto first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos && line.substr(first, 2) != "--") meaningful = true;
        current.append(line);
        current += '\n';
        if (last != std::string_view::npos && line[last] == ';') {
            if (meaningful) {
                auto cut = current.find_last_of(';');
                out.push_back(current.substr(0, cut));
            }
            current.clear();
            meaningful = false;
        }
    }
    if (meaningful) out.push_back(current);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Error classification

enum class failure { connection, busy, unique, foreign_key, check, retry, other };

failure classify_sqlite(const soci::soci_error& e) {
    int code = -1;
    if (auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) code = s->result() & 0xff;
    std::string what = e.what();
    if (code == 5 || code == 6 || what.find("database is locked") != std::string::npos ||
        what.find("database table is locked") != std::string::npos)
        return failure::busy;
    if (what.find("UNIQUE constraint failed") != std::string::npos) return failure::unique;
    if (what.find("FOREIGN KEY constraint failed") != std::string::npos) return failure::foreign_key;
    if (what.find("CHECK constraint failed") != std::string::npos) return failure::check;
    if (code == 19) return failure::check;
    return failure::other;
}

failure classify_postgresql(const soci::soci_error& e) {
    std::string state;
    if (auto* p = dynamic_cast<const soci::postgresql_soci_error*>(&e)) state = p->sqlstate();
    if (state == "23505") return failure::unique;
    if (state == "23503") return failure::foreign_key;
    if (state == "23514") return failure::check;
    if (state == "40001" || state == "40P01") return failure::retry;
    // Class 08: connection exception; 57P01..57P03: shutdown, crash, cannot connect now.
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
        return failure::connection;
    if (e.get_error_category() == soci::soci_error::connection_error) return failure::connection;
    return failure::other;
}

// ---------------------------------------------------------------------------------------------
// Row mapping. Column lists are constants; every value travels through use()/into().

// The columns of meeting_fields, shared by meetings and series, in bind order.
constexpr const char* field_columns[] = {
    "type",     "title",      "description",     "theme",    "all_day",   "start_local",
    "end_local", "time_zone", "start_utc",       "end_utc",  "venue_id",  "location",
    "online_url", "organisation_id", "capacity", "registration_deadline_utc", "status"};

std::string field_list(const char* prefix) {
    std::string out;
    for (const char* c : field_columns) {
        if (!out.empty()) out += ", ";
        out += prefix;
        out += c;
    }
    return out;
}

std::string field_assignments() {
    std::string out;
    int i = 0;
    for (const char* c : field_columns) {
        if (!out.empty()) out += ", ";
        out += std::string(c) + " = :f" + std::to_string(++i);
    }
    return out;
}

std::string field_placeholders() {
    std::string out;
    for (std::size_t i = 0; i < std::size(field_columns); ++i) {
        if (i) out += ", ";
        out += ":f" + std::to_string(i + 1);
    }
    return out;
}

void bind_fields(stmt& s, const meeting_fields& f) {
    s.use(f.type).use(f.title).use(f.description).use(f.theme).use(f.all_day);
    s.use(f.start_local).use(f.end_local).use(f.time_zone);
    s.use(static_cast<long long>(f.start_utc)).use(static_cast<long long>(f.end_utc));
    s.use(f.venue_id).use(f.location).use(f.online_url).use(static_cast<long long>(f.organisation_id));
    s.use(f.capacity).use(f.registration_deadline_utc).use(f.status);
}

struct fields_row {
    std::string type, title, description, theme;
    int all_day = 0;
    std::string start_local, end_local, time_zone;
    long long start_utc = 0, end_utc = 0;
    nullable<long long> venue_id;
    std::string location, online_url;
    long long organisation_id = 0;
    nullable<int> capacity;
    nullable<long long> registration_deadline_utc;
    std::string status;

    void into(stmt& s) {
        s.into(type).into(title).into(description).into(theme).into(all_day);
        s.into(start_local).into(end_local).into(time_zone).into(start_utc).into(end_utc);
        s.into(venue_id).into(location).into(online_url).into(organisation_id);
        s.into(capacity).into(registration_deadline_utc).into(status);
    }
    void to(meeting_fields& f) const {
        f.type = type;
        f.title = title;
        f.description = description;
        f.theme = theme;
        f.all_day = all_day != 0;
        f.start_local = start_local;
        f.end_local = end_local;
        f.time_zone = time_zone;
        f.start_utc = start_utc;
        f.end_utc = end_utc;
        f.venue_id = venue_id.get();
        f.location = location;
        f.online_url = online_url;
        f.organisation_id = organisation_id;
        f.capacity = capacity.get();
        f.registration_deadline_utc = registration_deadline_utc.get();
        f.status = status;
    }
};

const std::string meeting_select =
    "SELECT m.id, m.uid, m.sequence, m.series_id, m.recurrence_id, m.overridden, m.created_at, "
    "m.updated_at, " + field_list("m.") + " FROM meetings m";

struct meeting_row {
    long long id = 0;
    std::string uid;
    int sequence = 0;
    nullable<long long> series_id;
    std::string recurrence_id;
    int overridden = 0;
    long long created_at = 0, updated_at = 0;
    fields_row fields;

    void into(stmt& s) {
        s.into(id).into(uid).into(sequence).into(series_id).into(recurrence_id).into(overridden);
        s.into(created_at).into(updated_at);
        fields.into(s);
    }
    meeting to_model() const {
        meeting m;
        fields.to(m);
        m.id = id;
        m.uid = uid;
        m.sequence = sequence;
        m.series_id = series_id.get();
        m.recurrence_id = recurrence_id;
        m.overridden = overridden != 0;
        m.created_at = created_at;
        m.updated_at = updated_at;
        return m;
    }
};

const std::string series_select =
    "SELECT s.id, s.uid, s.sequence, s.rrule, s.exdates, s.created_at, s.updated_at, " +
    field_list("s.") + " FROM series s";

struct series_row {
    long long id = 0;
    std::string uid;
    int sequence = 0;
    std::string rrule, exdates;
    long long created_at = 0, updated_at = 0;
    fields_row fields;

    void into(stmt& s) {
        s.into(id).into(uid).into(sequence).into(rrule).into(exdates).into(created_at).into(updated_at);
        fields.into(s);
    }
    series to_model() const {
        series r;
        fields.to(r.fields);
        r.id = id;
        r.uid = uid;
        r.sequence = sequence;
        r.rrule = rrule;
        r.exdates = split(exdates, ',');
        r.created_at = created_at;
        r.updated_at = updated_at;
        return r;
    }
};

const char* const organisation_select =
    "SELECT id, kind, name, slug, contact_email, contact_phone, contact_public, created_at, "
    "updated_at FROM organisations";

struct organisation_row {
    long long id = 0;
    std::string kind, name, slug;
    nullable<std::string> contact_email, contact_phone;
    int contact_public = 0;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s) {
        s.into(id).into(kind).into(name).into(slug).into(contact_email).into(contact_phone);
        s.into(contact_public).into(created_at).into(updated_at);
    }
    organisation to_model() const {
        return organisation{id,
                            kind,
                            name,
                            slug,
                            contact_email.get(),
                            contact_phone.get(),
                            contact_public != 0,
                            created_at,
                            updated_at};
    }
};

const char* const network_select =
    "SELECT id, kind, name, slug, description, created_at, updated_at FROM networks";

struct network_row {
    long long id = 0;
    std::string kind, name, slug, description;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s) {
        s.into(id).into(kind).into(name).into(slug).into(description).into(created_at).into(updated_at);
    }
    network to_model() const {
        network n;
        n.id = id;
        n.kind = kind;
        n.name = name;
        n.slug = slug;
        n.description = description;
        n.created_at = created_at;
        n.updated_at = updated_at;
        return n;
    }
};

const char* const venue_select =
    "SELECT id, name, slug, address, capacity, step_free, hearing_loop, accessible_toilet, "
    "accessibility_notes, latitude, longitude, organisation_id, shared, created_at, updated_at "
    "FROM venues";

struct venue_row {
    long long id = 0;
    std::string name, slug, address;
    nullable<int> capacity;
    int step_free = 0, hearing_loop = 0, accessible_toilet = 0;
    std::string accessibility_notes;
    nullable<double> latitude, longitude;
    nullable<long long> organisation_id;
    int shared = 0;
    long long created_at = 0, updated_at = 0;
    void into(stmt& s) {
        s.into(id).into(name).into(slug).into(address).into(capacity).into(step_free);
        s.into(hearing_loop).into(accessible_toilet).into(accessibility_notes).into(latitude);
        s.into(longitude).into(organisation_id).into(shared).into(created_at).into(updated_at);
    }
    venue to_model() const {
        venue v;
        v.id = id;
        v.name = name;
        v.slug = slug;
        v.address = address;
        v.capacity = capacity.get();
        v.step_free = step_free != 0;
        v.hearing_loop = hearing_loop != 0;
        v.accessible_toilet = accessible_toilet != 0;
        v.accessibility_notes = accessibility_notes;
        v.latitude = latitude.get();
        v.longitude = longitude.get();
        v.organisation_id = organisation_id.get();
        v.shared = shared != 0;
        v.created_at = created_at;
        v.updated_at = updated_at;
        return v;
    }
};

const char* const token_select =
    "SELECT id, role, name, organisation_id, created_at, revoked_at, last_used_at FROM api_tokens";

struct token_row {
    long long id = 0;
    std::string role, name;
    nullable<long long> organisation_id;
    long long created_at = 0;
    nullable<long long> revoked_at;
    long long last_used_at = 0;
    void into(stmt& s) {
        s.into(id).into(role).into(name).into(organisation_id).into(created_at).into(revoked_at);
        s.into(last_used_at);
    }
    api_token to_model() const {
        api_token t;
        t.id = id;
        t.role = role;
        t.name = name;
        t.organisation_id = organisation_id.get();
        t.created_at = created_at;
        t.revoked_at = revoked_at.get();
        t.last_used_at = last_used_at;
        return t;
    }
};

// More seats than before, or no limit any more: the waitlist may move.
bool capacity_raised(std::optional<int> before, std::optional<int> after) {
    return before && (!after || *after > *before);
}

// The fields whose change raises the sequence (RFC 5546: time, place, status).
bool time_place_or_status_changed(const meeting_fields& a, const meeting_fields& b) {
    return a.all_day != b.all_day || a.start_local != b.start_local || a.end_local != b.end_local ||
           a.time_zone != b.time_zone || a.start_utc != b.start_utc || a.end_utc != b.end_utc ||
           a.venue_id != b.venue_id || a.location != b.location || a.online_url != b.online_url ||
           a.status != b.status;
}

bool any_field_changed(const meeting_fields& a, const meeting_fields& b) {
    return time_place_or_status_changed(a, b) || a.type != b.type || a.title != b.title ||
           a.description != b.description || a.theme != b.theme ||
           a.organisation_id != b.organisation_id ||
           sorted_unique(a.network_ids) != sorted_unique(b.network_ids) || a.capacity != b.capacity ||
           a.registration_deadline_utc != b.registration_deadline_utc || a.documents != b.documents;
}

void validate_fields(const meeting_fields& f) {
    require_one_of("type", f.type, meeting_types);
    require_one_of("status", f.status, meeting_statuses);
}

struct write_options {
    bool retry_unique = false;  // a generated value (slug) collided: try again
    bool feed_visible = true;   // raise change_counter
};

// Whether the write changed anything the feeds show; a write may clear it (idempotent no-op).
struct write_context {
    bool changed = true;
};

// Sign-ups. The waitlist position is derived, never stored: the count of waitlisted sign-ups
// of the same meeting up to this one in id (sign-up) order, so positions are 1..N whatever the
// rest of the query filters.
const char* const rsvp_select =
    "SELECT r.id, r.meeting_id, r.name, r.email, r.organisation_id, r.organisation_name, r.party_size, "
    "r.needs, r.language, r.status, r.created_at, r.updated_at, r.cancelled_at, r.anonymised_at, "
    "CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM rsvps w WHERE w.meeting_id = r.meeting_id "
    "AND w.status = 'waitlisted' AND w.id <= r.id) END FROM rsvps r";

const char* const checkin_select =
    "SELECT c.id, c.meeting_id, c.rsvp_id, c.name, c.organisation_id, c.organisation_name, c.people, "
    "c.created_at, c.anonymised_at FROM checkins c";

struct checkin_row {
    long long id = 0, meeting_id = 0;
    nullable<long long> rsvp_id;
    std::string name;
    nullable<long long> organisation_id;
    std::string organisation_name;
    int people = 1;
    long long created_at = 0;
    nullable<long long> anonymised_at;
    void into(stmt& s) {
        s.into(id).into(meeting_id).into(rsvp_id).into(name).into(organisation_id).into(organisation_name);
        s.into(people).into(created_at).into(anonymised_at);
    }
    checkin to_model() const {
        checkin c;
        c.id = id;
        c.meeting_id = meeting_id;
        c.rsvp_id = rsvp_id.get();
        c.name = name;
        c.organisation_id = organisation_id.get();
        c.organisation_name = organisation_name;
        c.people = people;
        c.created_at = created_at;
        c.anonymised_at = anonymised_at.get();
        return c;
    }
};

const char* const outbox_select =
    "SELECT o.id, o.kind, o.meeting_id, o.rsvp_id, o.recipient, o.language, o.sequence, o.meeting_start_utc, "
    "o.dedup_key, o.message_id, o.state, o.attempts, o.next_attempt_at, o.claimed_until, o.last_error, "
    "o.link_token, o.created_at, o.sent_at FROM outbox o";

struct outbox_row {
    long long id = 0, meeting_id = 0;
    std::string kind;
    nullable<long long> rsvp_id;
    std::string recipient, language;
    int sequence = 0;
    long long meeting_start_utc = 0;
    std::string dedup_key, message_id, state;
    int attempts = 0;
    long long next_attempt_at = 0;
    nullable<long long> claimed_until;
    std::string last_error, link_token;
    long long created_at = 0;
    nullable<long long> sent_at;
    void into(stmt& s) {
        s.into(id).into(kind).into(meeting_id).into(rsvp_id).into(recipient).into(language).into(sequence);
        s.into(meeting_start_utc).into(dedup_key).into(message_id).into(state).into(attempts).into(next_attempt_at);
        s.into(claimed_until).into(last_error).into(link_token).into(created_at).into(sent_at);
    }
    outbox_message to_model() const {
        outbox_message m;
        m.id = id;
        m.kind = kind;
        m.meeting_id = meeting_id;
        m.rsvp_id = rsvp_id.get();
        m.recipient = recipient;
        m.language = language;
        m.sequence = sequence;
        m.meeting_start_utc = meeting_start_utc;
        m.dedup_key = dedup_key;
        m.message_id = message_id;
        m.state = state;
        m.attempts = attempts;
        m.next_attempt_at = next_attempt_at;
        m.claimed_until = claimed_until.get();
        m.last_error = last_error;
        m.link_token = link_token;
        m.created_at = created_at;
        m.sent_at = sent_at.get();
        return m;
    }
};

std::string join_offsets(const std::vector<std::int64_t>& offsets) {
    std::string out;
    for (auto o : offsets) out += (out.empty() ? "" : ",") + std::to_string(o);
    return out;
}

std::vector<std::int64_t> split_offsets(const std::string& text) {
    std::vector<std::int64_t> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        if (comma > start) out.push_back(std::stoll(text.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

struct rsvp_row {
    long long id = 0, meeting_id = 0;
    std::string name, email;
    nullable<long long> organisation_id;
    std::string organisation_name;
    int party_size = 1;
    std::string needs, language, status;
    long long created_at = 0, updated_at = 0;
    nullable<long long> cancelled_at, anonymised_at, waitlist_position;
    void into(stmt& s) {
        s.into(id).into(meeting_id).into(name).into(email).into(organisation_id).into(organisation_name);
        s.into(party_size).into(needs).into(language).into(status).into(created_at).into(updated_at);
        s.into(cancelled_at).into(anonymised_at).into(waitlist_position);
    }
    rsvp to_model() const {
        rsvp r;
        r.id = id;
        r.meeting_id = meeting_id;
        r.name = name;
        r.email = email;
        r.organisation_id = organisation_id.get();
        r.organisation_name = organisation_name;
        r.party_size = party_size;
        r.needs = needs;
        r.language = language;
        r.status = status;
        if (auto p = waitlist_position.get()) r.waitlist_position = static_cast<int>(*p);
        r.created_at = created_at;
        r.updated_at = updated_at;
        r.cancelled_at = cancelled_at.get();
        r.anonymised_at = anonymised_at.get();
        return r;
    }
};

// What the sign-up rules need to know of a meeting, read under its lock.
struct meeting_gate {
    std::string status;
    std::int64_t start_utc = 0;
    std::optional<int> capacity;
    std::optional<std::int64_t> registration_deadline_utc;
};

// RSVP writes are not feed content: change_counter stays.
constexpr write_options rsvp_write{.retry_unique = false, .feed_visible = false};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct store::impl {
    dialect dialect_ = dialect::sqlite;
    std::string backend_;
    std::string connect_;
    store_options options_;
    soci::connection_pool pool_;
    // Per pool slot: healthy, suspect (another session lost its connection, so the server may
    // have restarted: ping before use) or broken (reconnect before use). Marking every slot
    // suspect on the first failure means one failed call after a restart, not one per session.
    enum slot_state : int { healthy = 0, suspect = 1, broken = 2 };
    std::unique_ptr<std::atomic<int>[]> slots_;
    std::atomic<std::size_t> in_use_{0};

    explicit impl(const store_options& o) : options_(o), pool_(std::max<std::size_t>(o.pool_size, 1)) {
        options_.pool_size = std::max<std::size_t>(o.pool_size, 1);
        parse_url(o.url);
        slots_ = std::make_unique<std::atomic<int>[]>(options_.pool_size);
        for (std::size_t i = 0; i < options_.pool_size; ++i) slots_[i] = healthy;
        for (std::size_t i = 0; i < options_.pool_size; ++i) {
            try {
                pool_.at(i).open(backend_, connect_);
                configure(pool_.at(i));
            } catch (const soci::soci_error& e) {
                throw unavailable(std::string("cannot connect to the database: ") + e.what());
            }
        }
    }

    void parse_url(const std::string& url) {
        if (url.rfind("sqlite:", 0) == 0) {
            std::string path = url.substr(7);
            if (path.rfind("//", 0) == 0) path = path.substr(2);  // tolerate sqlite://PATH
            if (path.empty()) throw std::invalid_argument("database url 'sqlite:' needs a file path");
            if (path.find('"') != std::string::npos)
                throw std::invalid_argument("database path must not contain '\"': " + path);
            auto parent = std::filesystem::path(path).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent);
            auto seconds = (options_.busy_timeout.count() + 999) / 1000;
            dialect_ = dialect::sqlite;
            backend_ = "sqlite3";
            connect_ = "db=\"" + path + "\" timeout=" + std::to_string(seconds) + " shared_cache=false";
        } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
            dialect_ = dialect::postgresql;
            backend_ = "postgresql";
            connect_ = detail::pg_conninfo(url);
        } else {
            throw std::invalid_argument(
                "database url must start with 'sqlite:' or 'postgresql://' (got '" + url + "')");
        }
    }

    void configure(soci::session& s) {
        s.set_logger(soci::logger(new counting_logger));
        if (dialect_ == dialect::postgresql) {
            // "relation already exists, skipping" and the like would go to stderr.
            s << "SET client_min_messages = warning";
            return;
        }
        // busy_timeout first: switching to WAL needs a lock another process may hold briefly.
        s << "PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout.count());
        std::string mode;
        s << "PRAGMA journal_mode=WAL", soci::into(mode);
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA synchronous=NORMAL";
        // Searches fold "Ö" to "ö" as PostgreSQL does (its LOWER follows the cluster's locale).
        detail::register_unicode_lower(static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_);
    }

    // ----- leasing -------------------------------------------------------------------------

    class lease {
    public:
        explicit lease(impl& im) : im_(im) {
            auto timeout = static_cast<int>(std::min<long long>(im.options_.lease_timeout.count(), INT32_MAX));
            if (!im.pool_.try_lease(pos_, timeout))
                throw unavailable("no database session free within " + std::to_string(timeout) + " ms");
            ++im.in_use_;
            int state = im.slots_[pos_].load();
            if (state == healthy) return;
            auto& s = im.pool_.at(pos_);
            if (state == suspect && s.is_connected()) {
                im.slots_[pos_] = healthy;
                return;
            }
            try {
                s.reconnect();
                im.configure(s);
                im.slots_[pos_] = healthy;
            } catch (const std::exception& e) {
                im.slots_[pos_] = broken;
                release();
                throw unavailable(std::string("database unreachable: ") + e.what());
            }
        }
        ~lease() { release(); }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;

        soci::session& session() { return im_.pool_.at(pos_); }
        void mark_broken() {
            for (std::size_t i = 0; i < im_.options_.pool_size; ++i) {
                int expected = healthy;
                im_.slots_[i].compare_exchange_strong(expected, suspect);
            }
            im_.slots_[pos_] = broken;
        }

    private:
        void release() {
            if (released_) return;
            released_ = true;
            --im_.in_use_;
            im_.pool_.give_back(pos_);
        }
        impl& im_;
        std::size_t pos_ = 0;
        bool released_ = false;
    };

    enum class access { read, snapshot_read, write };

    // A transaction that rolls back unless committed. Writes on SQLite take the write lock up
    // front (BEGIN IMMEDIATE) so that a read-then-write never fails on upgrade. A snapshot read
    // sees one state of the database in all of its statements: on SQLite every transaction does
    // (WAL keeps the snapshot of its first read), on PostgreSQL that takes REPEATABLE READ, which
    // for a read-only transaction never fails with a serialization error.
    class transaction {
    public:
        transaction(soci::session& s, dialect d, access a) : s_(s) {
            if (d == dialect::sqlite)
                s_ << (a == access::write ? "BEGIN IMMEDIATE" : "BEGIN");
            else
                s_ << (a == access::snapshot_read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
        }
        void commit() {
            s_ << "COMMIT";
            done_ = true;
        }
        ~transaction() {
            if (done_) return;
            try {
                s_ << "ROLLBACK";
            } catch (...) {
                // The connection may be gone or the transaction already ended by the server.
            }
        }
        transaction(const transaction&) = delete;
        transaction& operator=(const transaction&) = delete;

    private:
        soci::session& s_;
        bool done_ = false;
    };

    failure classify(lease& l, const soci::soci_error& e) {
        failure f = dialect_ == dialect::sqlite ? classify_sqlite(e) : classify_postgresql(e);
        if (dialect_ == dialect::postgresql && f != failure::connection) {
            // A failure on a connection that has gone away can arrive with any state (or none).
            if (!l.session().is_connected()) f = failure::connection;
        }
        if (f == failure::connection) l.mark_broken();
        return f;
    }

    [[noreturn]] void raise(failure f, const soci::soci_error& e) {
        switch (f) {
        case failure::connection: throw unavailable(std::string("database connection lost: ") + e.what());
        case failure::busy:
        case failure::retry: throw unavailable(std::string("database busy: ") + e.what());
        // The database's own text can quote the stored values: it stays out of the answer.
        case failure::unique: throw conflict("", "a value that must be unique is already taken");
        case failure::foreign_key: throw conflict("", "the record is still referenced by other records");
        case failure::check: throw std::invalid_argument(std::string("value not allowed: ") + e.what());
        case failure::other: break;
        }
        throw error(std::string("database error: ") + e.what());
    }

    template <class F>
    auto write(F&& f, write_options wo = {}) {
        lease l(*this);
        for (int attempt = 1;; ++attempt) {
            try {
                transaction t(l.session(), dialect_, access::write);
                write_context ctx;
                if constexpr (std::is_void_v<std::invoke_result_t<F&, soci::session&, write_context&>>) {
                    f(l.session(), ctx);
                    if (wo.feed_visible && ctx.changed) bump(l.session());
                    t.commit();
                    return;
                } else {
                    auto result = f(l.session(), ctx);
                    if (wo.feed_visible && ctx.changed) bump(l.session());
                    t.commit();
                    return result;
                }
            } catch (const soci::soci_error& e) {
                failure k = classify(l, e);
                bool again = (k == failure::retry || (k == failure::unique && wo.retry_unique)) &&
                             attempt < max_write_attempts;
                if (!again) raise(k, e);
            }
        }
    }

    template <class F>
    auto read(F&& f, access a = access::read) {
        lease l(*this);
        try {
            transaction t(l.session(), dialect_, a);
            if constexpr (std::is_void_v<std::invoke_result_t<F&, soci::session&>>) {
                f(l.session());
                t.commit();
            } else {
                auto result = f(l.session());
                t.commit();
                return result;
            }
        } catch (const soci::soci_error& e) {
            raise(classify(l, e), e);
        }
    }

    static void bump(soci::session& s) { s << "UPDATE change_counter SET value = value + 1 WHERE id = 1"; }

    // ----- shared pieces ---------------------------------------------------------------------

    bool exists(soci::session& s, const char* table, id_t id) {
        long long n = 0;
        stmt(s, std::string("SELECT COUNT(*) FROM ") + table + " WHERE id = :id").use(static_cast<long long>(id)).into(n).one();
        return n > 0;
    }

    void require_organisation(soci::session& s, id_t id, const std::string& field) {
        if (!exists(s, "organisations", id))
            throw invalid_reference(field, "no organisation with id " + std::to_string(id));
    }

    // Checks the venue and, on PostgreSQL, locks its row until the end of the transaction so
    // that concurrent bookings of one venue are checked one after the other.
    void require_and_lock_venue(soci::session& s, id_t id) {
        std::string q = "SELECT id FROM venues WHERE id = :id";
        if (dialect_ == dialect::postgresql) q += " FOR UPDATE";
        long long found = 0;
        if (!stmt(s, q).use(static_cast<long long>(id)).into(found).one())
            throw invalid_reference("venue_id", "no venue with id " + std::to_string(id));
    }

    void require_networks(soci::session& s, const std::vector<id_t>& ids) {
        for (id_t id : ids)
            if (!exists(s, "networks", id))
                throw invalid_reference("network_ids", "no network with id " + std::to_string(id));
    }

    void check_fields_references(soci::session& s, const meeting_fields& f) {
        require_organisation(s, f.organisation_id, "organisation_id");
        if (f.venue_id) require_and_lock_venue(s, *f.venue_id);
        require_networks(s, sorted_unique(f.network_ids));
    }

    // Other non-cancelled meetings at the venue overlapping [start, end). Meetings of
    // `own_series` are left out: a series' occurrences are being replaced together.
    std::vector<id_t> overlapping(soci::session& s, id_t venue_id, std::int64_t start, std::int64_t end,
                                  id_t self, std::optional<id_t> own_series) {
        std::string q =
            "SELECT id FROM meetings WHERE venue_id = :v AND status <> 'cancelled' "
            "AND start_utc < :e AND end_utc > :s AND id <> :self";
        if (own_series) q += " AND (series_id IS NULL OR series_id <> :series)";
        q += " ORDER BY id";
        stmt st(s, q);
        st.use(static_cast<long long>(venue_id)).use(static_cast<long long>(end)).use(static_cast<long long>(start));
        st.use(static_cast<long long>(self));
        if (own_series) st.use(static_cast<long long>(*own_series));
        long long id = 0;
        st.into(id);
        std::vector<id_t> ids;
        while (st.next()) ids.push_back(id);
        return ids;
    }

    void check_overlap(soci::session& s, const meeting_fields& f, std::int64_t start, std::int64_t end,
                       id_t self, std::optional<id_t> own_series, venue_overlap overlap) {
        if (overlap == venue_overlap::allow || !f.venue_id || f.status == "cancelled") return;
        auto ids = overlapping(s, *f.venue_id, start, end, self, own_series);
        if (!ids.empty()) {
            std::string list;
            for (auto id : ids) list += (list.empty() ? "" : ", ") + std::to_string(id);
            throw venue_conflict(ids, "venue " + std::to_string(*f.venue_id) +
                                          " is already booked at that time by meeting(s) " + list);
        }
    }

    // A slug free in `table`: base, else base-2, base-3, ... On PostgreSQL, generated slugs of
    // one table are serialised by an advisory lock held to the end of the transaction.
    std::string free_slug(soci::session& s, const char* table, int table_key, const std::string& base) {
        if (dialect_ == dialect::postgresql)
            s << "SELECT pg_advisory_xact_lock(" + std::to_string(slug_lock_key_base + table_key) + ")";
        std::set<std::string> taken;
        std::string slug;
        stmt st(s, std::string("SELECT slug FROM ") + table + " WHERE slug = :b OR slug LIKE :p ESCAPE '\\'");
        st.use(base).use(like_pattern(base + "-").substr(1)).into(slug);
        while (st.next()) taken.insert(slug);
        if (!taken.count(base)) return base;
        for (int n = 2;; ++n) {
            auto candidate = base + "-" + std::to_string(n);
            if (!taken.count(candidate)) return candidate;
        }
    }

    bool slug_taken(soci::session& s, const char* table, const std::string& slug, id_t except) {
        long long n = 0;
        stmt(s, std::string("SELECT COUNT(*) FROM ") + table + " WHERE slug = :s AND id <> :id")
            .use(slug)
            .use(static_cast<long long>(except))
            .into(n)
            .one();
        return n > 0;
    }

    // The slug to store: explicit ones must be free; empty ones are generated from the name.
    std::string choose_slug(soci::session& s, const char* table, int table_key, const std::string& wanted,
                            const std::string& name, id_t self) {
        if (wanted.empty()) return free_slug(s, table, table_key, slugify(name));
        if (slug_taken(s, table, wanted, self)) throw conflict("slug", "slug '" + wanted + "' is taken");
        return wanted;
    }

    // Link tables: meeting_networks/series_networks and meeting_documents/series_documents.
    void write_links(soci::session& s, const char* owner, id_t id, const meeting_fields& f) {
        std::string nets = std::string(owner) + "_networks";
        std::string docs = std::string(owner) + "_documents";
        std::string col = std::string(owner) + "_id";
        stmt(s, "DELETE FROM " + nets + " WHERE " + col + " = :id").use(static_cast<long long>(id)).run();
        stmt(s, "DELETE FROM " + docs + " WHERE " + col + " = :id").use(static_cast<long long>(id)).run();
        for (id_t n : sorted_unique(f.network_ids))
            stmt(s, "INSERT INTO " + nets + " (" + col + ", network_id) VALUES (:a, :b)")
                .use(static_cast<long long>(id))
                .use(static_cast<long long>(n))
                .run();
        int order = 0;
        for (const auto& d : f.documents)
            stmt(s, "INSERT INTO " + docs + " (" + col + ", sort_order, title, url) VALUES (:a, :b, :c, :d)")
                .use(static_cast<long long>(id))
                .use(order++)
                .use(d.title)
                .use(d.url)
                .run();
    }

    // A set of ids as a subquery for "x IN (...)": its text, with placeholders from :p1 on, and
    // the conditions bound for it, in the order they appear in the text.
    struct id_query {
        std::string sql;
        std::vector<const conditions*> binds;
        void bind(stmt& st) const {
            for (const auto* c : binds) c->bind(st);
        }
    };

    // Calls run(in, bind) for the ids of some owners: once with the subquery when there is one,
    // else once per chunk of at most max_in_list ids, bound one by one.
    template <class Run>
    static void for_id_lists(const std::vector<id_t>& ids, const id_query* subquery, Run&& run) {
        if (subquery) {
            run(subquery->sql, [subquery](stmt& st) { subquery->bind(st); });
            return;
        }
        for (std::size_t from = 0; from < ids.size(); from += max_in_list) {
            std::size_t n = std::min(max_in_list, ids.size() - from);
            run(placeholders(n), [&ids, from, n](stmt& st) {
                for (std::size_t i = from; i < from + n; ++i) st.use(static_cast<long long>(ids[i]));
            });
        }
    }

    // Loads network ids and documents of many owners: one query each per chunk of ids, or one
    // query each when the owners are given as a subquery.
    template <class T>
    void load_links(soci::session& s, const char* owner, std::vector<T*>& items, const id_query* owners = nullptr) {
        if (items.empty()) return;
        std::unordered_map<id_t, meeting_fields*> by_id;
        std::vector<id_t> ids;
        for (T* item : items) {
            meeting_fields* f = nullptr;
            if constexpr (std::is_same_v<T, series>)
                f = &item->fields;
            else
                f = item;
            f->network_ids.clear();
            f->documents.clear();
            by_id[item->id] = f;
            ids.push_back(item->id);
        }
        std::string col = std::string(owner) + "_id";
        for_id_lists(ids, owners, [&](const std::string& in, auto&& bind) {
            {
                stmt st(s, "SELECT " + col + ", network_id FROM " + owner + "_networks WHERE " + col + " IN (" + in +
                               ") ORDER BY " + col + ", network_id");
                bind(st);
                long long owner_id = 0, network_id = 0;
                st.into(owner_id).into(network_id);
                while (st.next())
                    if (auto it = by_id.find(owner_id); it != by_id.end())
                        it->second->network_ids.push_back(network_id);
            }
            {
                stmt st(s, "SELECT " + col + ", title, url FROM " + owner + "_documents WHERE " + col + " IN (" + in +
                               ") ORDER BY " + col + ", sort_order");
                bind(st);
                long long owner_id = 0;
                std::string title, url;
                st.into(owner_id).into(title).into(url);
                while (st.next())
                    if (auto it = by_id.find(owner_id); it != by_id.end())
                        it->second->documents.push_back(document_link{title, url});
            }
        });
    }

    // The one row of `select` WHERE `where` (one bound key), in its own read transaction.
    template <class T, class Row, class Key>
    std::optional<T> find_one(std::string_view select, const char* where, Key key) {
        return read([&](soci::session& s) -> std::optional<T> {
            stmt st(s, std::string(select) + " WHERE " + where);
            st.use(key);
            Row row;
            row.into(st);
            if (!st.one()) return std::nullopt;
            return row.to_model();
        });
    }

    // Meetings matching `where` (over alias m) ordered by (start_utc, id), without their links.
    std::vector<meeting> select_meetings(soci::session& s, const conditions& where, std::optional<int> limit) {
        int n = 0;
        std::string q = meeting_select + where.where(n) + " ORDER BY m.start_utc, m.id";
        if (limit) q += " LIMIT :limit";
        stmt st(s, q);
        where.bind(st);
        if (limit) st.use(static_cast<long long>(*limit));
        meeting_row row;
        row.into(st);
        std::vector<meeting> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    }

    // Rows of `select` whose `id_column` is one of `ids`.
    template <class T, class Row>
    std::vector<T> select_in(soci::session& s, const std::string& select, const char* id_column, const id_query& ids) {
        stmt st(s, select + " WHERE " + id_column + " IN (" + ids.sql + ") ORDER BY " + id_column);
        ids.bind(st);
        Row row;
        row.into(st);
        std::vector<T> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    }

    std::optional<meeting> load_meeting(soci::session& s, const std::string& where, long long key_id,
                                        const std::string* key_text) {
        stmt st(s, meeting_select + " WHERE " + where);
        if (key_text)
            st.use(*key_text);
        else
            st.use(key_id);
        meeting_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        meeting m = row.to_model();
        std::vector<meeting*> one{&m};
        load_links(s, "meeting", one);
        return m;
    }

    std::optional<meeting> meeting_by_id(soci::session& s, id_t id) {
        return load_meeting(s, "m.id = :id", id, nullptr);
    }

    std::optional<series> series_by_id(soci::session& s, id_t id) {
        stmt st(s, series_select + " WHERE s.id = :id");
        st.use(static_cast<long long>(id));
        series_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        series r = row.to_model();
        std::vector<series*> one{&r};
        load_links(s, "series", one);
        return r;
    }

    id_t insert_meeting(soci::session& s, const meeting& m) {
        stmt st(s,
                "INSERT INTO meetings (uid, sequence, series_id, recurrence_id, overridden, created_at, updated_at, " +
                    field_list("") + ") VALUES (:u, :q, :s, :r, :o, :c, :m, " + field_placeholders() +
                    ") RETURNING id");
        st.use(m.uid).use(m.sequence).use(m.series_id).use(m.recurrence_id).use(m.overridden);
        st.use(static_cast<long long>(m.created_at)).use(static_cast<long long>(m.updated_at));
        bind_fields(st, m);
        long long id = 0;
        st.into(id);
        st.one();
        write_links(s, "meeting", id, m);
        return id;
    }

    void update_meeting_row(soci::session& s, const meeting& m) {
        stmt st(s, "UPDATE meetings SET sequence = :q, overridden = :o, updated_at = :m, " + field_assignments() +
                       " WHERE id = :id");
        st.use(m.sequence).use(m.overridden).use(static_cast<long long>(m.updated_at));
        bind_fields(st, m);
        st.use(static_cast<long long>(m.id));
        st.run();
        write_links(s, "meeting", m.id, m);
    }

    // The rules of create_meeting, inside the caller's write transaction. m is validated.
    meeting create_meeting_in(soci::session& s, const meeting& m, venue_overlap overlap) {
        check_fields_references(s, m);
        check_overlap(s, m, m.start_utc, m.end_utc, 0, std::nullopt, overlap);
        meeting r = m;
        r.network_ids = sorted_unique(m.network_ids);
        if (r.uid.empty()) r.uid = random_uid();
        r.sequence = 0;
        // A standalone meeting; occurrences are made through the series calls.
        r.series_id.reset();
        r.recurrence_id.clear();
        r.overridden = false;
        r.created_at = r.updated_at = now_unix();
        r.id = insert_meeting(s, r);
        return r;
    }

    // The rules of update_meeting, inside the caller's write transaction. m is validated.
    meeting update_meeting_in(soci::session& s, const meeting& m, venue_overlap overlap) {
        auto old = meeting_by_id(s, m.id);
        if (!old) throw not_found("no meeting with id " + std::to_string(m.id));
        check_fields_references(s, m);
        check_overlap(s, m, m.start_utc, m.end_utc, m.id, std::nullopt, overlap);
        meeting r = *old;
        static_cast<meeting_fields&>(r) = m;
        r.network_ids = sorted_unique(m.network_ids);
        if (time_place_or_status_changed(*old, m)) r.sequence = old->sequence + 1;
        if (old->series_id && any_field_changed(*old, m)) r.overridden = true;
        r.updated_at = now_unix();
        update_meeting_row(s, r);
        if (r.sequence != old->sequence) queue_meeting_change(s, r);
        // More seats: the waitlist moves in this transaction. Fewer seats evict nobody. The
        // UPDATE above holds the meeting's row lock, as every RSVP write takes it first.
        if (capacity_raised(old->capacity, r.capacity)) promote_in(s, r.id, r.capacity);
        return r;
    }

    // An occurrence of series `sr` as the template makes it.
    static meeting occurrence_meeting(const series& sr, const occurrence& o) {
        meeting m;
        static_cast<meeting_fields&>(m) = sr.fields;
        m.start_local = o.start_local;
        m.end_local = o.end_local;
        m.start_utc = o.start_utc;
        m.end_utc = o.end_utc;
        m.uid = sr.uid;
        m.series_id = sr.id;
        m.recurrence_id = o.recurrence_id;
        return m;
    }

    template <class T, class Row>
    page<T> list_named(soci::session& s, const std::string& select, const char* name_column,
                       const char* kind_column, const char* organisation_condition, const name_filter& f) {
        std::string q = select;
        std::vector<std::string> conditions;
        struct bound {
            std::optional<long long> i;
            std::string t;
        };
        std::vector<bound> binds;
        if (!f.q.empty()) {
            conditions.push_back(std::string("LOWER(") + name_column + ") LIKE LOWER(:q) ESCAPE '\\'");
            binds.push_back({std::nullopt, like_pattern(f.q)});
        }
        if (f.kind && kind_column) {
            conditions.push_back(std::string(kind_column) + " = :k");
            binds.push_back({std::nullopt, *f.kind});
        }
        if (f.organisation_id && organisation_condition) {
            conditions.push_back(organisation_condition);
            binds.push_back({static_cast<long long>(*f.organisation_id), {}});
        }
        if (f.after) {
            conditions.push_back("id > :after");
            binds.push_back({static_cast<long long>(f.after->id), {}});
        }
        for (std::size_t i = 0; i < conditions.size(); ++i) q += (i ? " AND " : " WHERE ") + conditions[i];
        int limit = clamp_limit(f.limit);
        q += " ORDER BY id LIMIT :limit";
        stmt st(s, q);
        for (auto& b : binds) {
            if (b.i)
                st.use(*b.i);
            else
                st.use(b.t);
        }
        st.use(static_cast<long long>(limit) + 1);
        Row row;
        row.into(st);
        page<T> p;
        while (st.next()) p.items.push_back(row.to_model());
        if (static_cast<int>(p.items.size()) > limit) {
            p.items.resize(limit);
            p.next = cursor{p.items.back().id, p.items.back().id};
        }
        return p;
    }

    void load_owners(soci::session& s, std::vector<network*> nets, const id_query* networks = nullptr) {
        if (nets.empty()) return;
        std::unordered_map<id_t, network*> by_id;
        std::vector<id_t> ids;
        for (auto* n : nets) {
            n->organisation_ids.clear();
            by_id[n->id] = n;
            ids.push_back(n->id);
        }
        for_id_lists(ids, networks, [&](const std::string& in, auto&& bind) {
            stmt st(s, "SELECT network_id, organisation_id FROM network_organisations WHERE network_id IN (" + in +
                           ") ORDER BY network_id, organisation_id");
            bind(st);
            long long nid = 0, oid = 0;
            st.into(nid).into(oid);
            while (st.next())
                if (auto it = by_id.find(nid); it != by_id.end()) it->second->organisation_ids.push_back(oid);
        });
    }

    void write_owners(soci::session& s, id_t network_id, const std::vector<id_t>& owners) {
        stmt(s, "DELETE FROM network_organisations WHERE network_id = :id").use(static_cast<long long>(network_id)).run();
        for (id_t o : owners)
            stmt(s, "INSERT INTO network_organisations (network_id, organisation_id) VALUES (:n, :o)")
                .use(static_cast<long long>(network_id))
                .use(static_cast<long long>(o))
                .run();
    }

    std::optional<network> network_where(soci::session& s, const std::string& where, long long id,
                                         const std::string* text) {
        stmt st(s, std::string(network_select) + " WHERE " + where);
        if (text)
            st.use(*text);
        else
            st.use(id);
        network_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        network n = row.to_model();
        load_owners(s, {&n});
        return n;
    }

    // ----- sign-ups ----------------------------------------------------------------------------

    // Every RSVP write starts here: the meeting's row is locked to the end of the transaction
    // (FOR UPDATE on PostgreSQL; on SQLite BEGIN IMMEDIATE has serialised all writers already),
    // so seat counts and waitlist order read after it cannot change until commit.
    meeting_gate lock_meeting_for_rsvps(soci::session& s, id_t meeting_id) {
        std::string q = "SELECT status, start_utc, capacity, registration_deadline_utc FROM meetings WHERE id = :id";
        if (dialect_ == dialect::postgresql) q += " FOR UPDATE";
        std::string status;
        long long start_utc = 0;
        nullable<int> capacity;
        nullable<long long> deadline;
        stmt st(s, q);
        st.use(static_cast<long long>(meeting_id)).into(status).into(start_utc).into(capacity).into(deadline);
        if (!st.one())
            throw not_found("no meeting with id " + std::to_string(meeting_id));
        return meeting_gate{status, start_utc, capacity.get(), deadline.get()};
    }

    std::optional<rsvp> rsvp_where(soci::session& s, const std::string& where, long long id, const std::string* text) {
        stmt st(s, std::string(rsvp_select) + " WHERE " + where);
        if (text)
            st.use(*text);
        else
            st.use(id);
        rsvp_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        return row.to_model();
    }

    // The sign-up and its meeting locked, for a write; the sign-up is read again after the lock
    // so that its status is the one in force.
    std::pair<rsvp, meeting_gate> lock_rsvp(soci::session& s, id_t id) {
        long long meeting_id = 0;
        if (!stmt(s, "SELECT meeting_id FROM rsvps WHERE id = :id")
                 .use(static_cast<long long>(id))
                 .into(meeting_id)
                 .one())
            throw not_found("no sign-up with id " + std::to_string(id));
        auto gate = lock_meeting_for_rsvps(s, meeting_id);
        auto r = rsvp_where(s, "r.id = :id", id, nullptr);
        if (!r) throw not_found("no sign-up with id " + std::to_string(id));
        return {*r, gate};
    }

    long long confirmed_seats(soci::session& s, id_t meeting_id) {
        long long n = 0;
        stmt(s, "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m AND status = 'confirmed'")
            .use(static_cast<long long>(meeting_id))
            .into(n)
            .one();
        return n;
    }

    // A known organisation whose name is `name`, compared case-insensitively by the database's
    // own lower() on both sides (on SQLite the Unicode one of sqlite_lower.cpp).
    std::optional<id_t> organisation_named(soci::session& s, const std::string& name) {
        long long id = 0;
        if (stmt(s, "SELECT id FROM organisations WHERE lower(name) = lower(:n) ORDER BY id LIMIT 1")
                .use(name)
                .into(id)
                .one())
            return id;
        return std::nullopt;
    }

    // Under the meeting's lock: refuses `added` more people for the sign-up's organisation when
    // that passes the meeting's quota. Known organisations count by id, free text by its name
    // (case-insensitive); no organisation, no quota.
    void check_quota(soci::session& s, const rsvp& r, int added) {
        if (!r.organisation_id && r.organisation_name.empty()) return;
        nullable<int> quota;
        stmt(s, "SELECT per_organisation FROM meeting_quotas WHERE meeting_id = :m")
            .use(static_cast<long long>(r.meeting_id))
            .into(quota)
            .one();
        auto q = quota.get();
        if (!q) return;
        long long used = 0;
        if (r.organisation_id)
            stmt(s, "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m "
                    "AND organisation_id = :o AND status IN ('confirmed', 'waitlisted')")
                .use(static_cast<long long>(r.meeting_id))
                .use(static_cast<long long>(*r.organisation_id))
                .into(used)
                .one();
        else
            stmt(s, "SELECT COALESCE(SUM(party_size), 0) FROM rsvps WHERE meeting_id = :m AND organisation_id IS NULL "
                    "AND lower(organisation_name) = lower(:n) AND status IN ('confirmed', 'waitlisted')")
                .use(static_cast<long long>(r.meeting_id))
                .use(r.organisation_name)
                .into(used)
                .one();
        if (used + added > *q)
            throw sign_up_refused(sign_up_refusal::quota_full, "the organisation's places at this meeting are taken");
    }

    // ----- the outbox ---------------------------------------------------------------------------

    // Writes one message for a sign-up inside the caller's transaction, once per dedup_key.
    // with_link: the message carries a manage link of its own (a new secret whose hash joins
    // rsvp_tokens; the secret stays in the row until the message is sent).
    void enqueue(soci::session& s, const std::string& kind, const rsvp& r, const std::string& dedup_key,
                 bool with_link) {
        const auto& o = options_.outbox;
        if (!o.enabled || r.anonymised_at || r.email.empty()) return;
        long long exists = 0;
        stmt(s, "SELECT COUNT(*) FROM outbox WHERE dedup_key = :k").use(dedup_key).into(exists).one();
        if (exists) return;
        int sequence = 0;
        long long start_utc = 0;
        stmt(s, "SELECT sequence, start_utc FROM meetings WHERE id = :id")
            .use(static_cast<long long>(r.meeting_id))
            .into(sequence)
            .into(start_utc)
            .one();
        std::string link;
        const auto now = static_cast<long long>(now_unix());
        if (with_link && o.new_link_token) {
            auto [secret, hash] = o.new_link_token();
            stmt(s, "INSERT INTO rsvp_tokens (token_hash, rsvp_id, created_at) VALUES (:h, :r, :c)")
                .use(hash)
                .use(static_cast<long long>(r.id))
                .use(now)
                .run();
            link = secret;
        }
        std::string local = dedup_key;
        std::replace(local.begin(), local.end(), ':', '.');
        const std::string message_id = "<kal." + local + "@" + o.message_id_domain + ">";
        stmt st(s, "INSERT INTO outbox (kind, meeting_id, rsvp_id, recipient, language, sequence, meeting_start_utc, "
                   "dedup_key, message_id, state, next_attempt_at, link_token, created_at) "
                   "VALUES (:k, :m, :r, :e, :l, :q, :st, :d, :mid, 'pending', :n, :t, :c)");
        st.use(kind).use(static_cast<long long>(r.meeting_id)).use(static_cast<long long>(r.id)).use(r.email);
        st.use(r.language).use(sequence).use(start_utc).use(dedup_key).use(message_id).use(now).use(link).use(now);
        st.run();
    }

    void enqueue_for(soci::session& s, const std::string& kind, id_t rsvp_id, const std::string& dedup_key,
                     bool with_link) {
        if (!options_.outbox.enabled) return;
        if (auto r = rsvp_where(s, "r.id = :id", static_cast<long long>(rsvp_id), nullptr))
            enqueue(s, kind, *r, dedup_key, with_link);
    }

    // A meeting's time, place or status changed (its SEQUENCE was raised): confirmed sign-ups get
    // an updated invitation, or, when it is cancelled, everyone signed up gets METHOD:CANCEL.
    void queue_meeting_change(soci::session& s, const meeting& m) {
        if (!options_.outbox.enabled || m.status == "draft") return;
        const bool cancelled = m.status == "cancelled";
        const std::string kind = cancelled ? "meeting_cancelled" : "meeting_changed";
        stmt st(s, std::string(rsvp_select) + " WHERE r.meeting_id = :m AND r.anonymised_at IS NULL AND " +
                       (cancelled ? "r.status IN ('confirmed', 'waitlisted')" : "r.status = 'confirmed'") +
                       " ORDER BY r.id");
        st.use(static_cast<long long>(m.id));
        rsvp_row row;
        row.into(st);
        std::vector<rsvp> list;
        while (st.next()) list.push_back(row.to_model());
        for (const auto& r : list)
            enqueue(s, kind, r, kind + ":" + std::to_string(r.id) + ":" + std::to_string(m.sequence), !cancelled);
    }

    std::optional<checkin> checkin_where(soci::session& s, const std::string& where, long long a, long long b) {
        stmt st(s, std::string(checkin_select) + " WHERE " + where);
        st.use(a).use(b);
        checkin_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        return row.to_model();
    }

    void set_rsvp_status(soci::session& s, id_t id, const std::string& status, std::int64_t now) {
        stmt(s, "UPDATE rsvps SET status = :s, updated_at = :u WHERE id = :id")
            .use(status)
            .use(static_cast<long long>(now))
            .use(static_cast<long long>(id))
            .run();
    }

    // The waitlist rule of rsvp.hpp, under the meeting's lock: confirm the head while its whole
    // party fits in the free seats; the first that does not fit stops everyone behind it.
    std::vector<id_t> promote_in(soci::session& s, id_t meeting_id, std::optional<int> capacity) {
        struct waiting {
            id_t id;
            int party_size;
        };
        std::vector<waiting> queue;
        {
            stmt st(s, "SELECT id, party_size FROM rsvps WHERE meeting_id = :m AND status = 'waitlisted' ORDER BY id");
            st.use(static_cast<long long>(meeting_id));
            long long id = 0;
            int party_size = 0;
            st.into(id).into(party_size);
            while (st.next()) queue.push_back(waiting{id, party_size});
        }
        std::vector<id_t> promoted;
        if (queue.empty()) return promoted;
        long long free = capacity ? *capacity - confirmed_seats(s, meeting_id) : 0;
        auto now = now_unix();
        for (const auto& w : queue) {
            if (capacity && w.party_size > free) break;
            set_rsvp_status(s, w.id, "confirmed", now);
            free -= w.party_size;
            promoted.push_back(w.id);
            enqueue_for(s, "promoted", w.id, "promoted:" + std::to_string(w.id), true);
        }
        return promoted;
    }

    int current_version(soci::session& s) {
        long long n = 0;
        if (dialect_ == dialect::sqlite)
            s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", soci::into(n);
        else
            s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                 "AND table_name = 'schema_version'",
                soci::into(n);
        if (n == 0) return 0;
        int v = 0;
        s << "SELECT COALESCE(MAX(version), 0) FROM schema_version", soci::into(v);
        return v;
    }
};

// ---------------------------------------------------------------------------------------------

store::store(const store_options& options) : impl_(std::make_unique<impl>(options)) {}
store::~store() = default;

bool store::is_postgresql() const { return impl_->dialect_ == dialect::postgresql; }
std::size_t store::pool_in_use() const { return impl_->in_use_.load(); }
std::size_t store::pool_size() const { return impl_->options_.pool_size; }

void store::ping() {
    impl_->read([](soci::session& s) {
        int one = 0;
        s << "SELECT 1", soci::into(one);
    });
}

int store::migrate() {
    auto& im = *impl_;
    std::string_view dialect_name = im.dialect_ == dialect::sqlite ? "sqlite" : "postgresql";
    std::vector<detail::migration> mine;
    for (const auto& m : detail::embedded_migrations())
        if (m.dialect == dialect_name) mine.push_back(m);
    std::sort(mine.begin(), mine.end(), [](auto& a, auto& b) { return a.version < b.version; });

    // One transaction per migration. Each starts by taking the migration lock (BEGIN IMMEDIATE
    // on SQLite, an advisory lock on PostgreSQL) and re-reading the version, so two processes
    // migrating at once apply each migration exactly once.
    auto step = [&](const detail::migration* m) {
        return im.write(
            [&](soci::session& s, write_context&) {
                if (im.dialect_ == dialect::postgresql)
                    s << "SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")";
                s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
                int version = im.current_version(s);
                if (!m || m->version <= version) return version;
                for (const auto& sql : split_statements(m->sql)) s << sql;
                std::string name(m->name);
                stmt(s, "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :t)")
                    .use(m->version)
                    .use(name)
                    .use(static_cast<long long>(now_unix()))
                    .run();
                return m->version;
            },
            {.retry_unique = false, .feed_visible = false});
    };
    int version = step(nullptr);
    for (const auto& m : mine)
        if (m.version > version) version = std::max(version, step(&m));
    return version;
}

int store::schema_version() {
    return impl_->read([&](soci::session& s) { return impl_->current_version(s); });
}

std::int64_t store::change_counter() {
    return impl_->read([](soci::session& s) {
        long long v = 0;
        s << "SELECT value FROM change_counter WHERE id = 1", soci::into(v);
        return static_cast<std::int64_t>(v);
    });
}

// ----- organisations ---------------------------------------------------------------------------

organisation store::create_organisation(organisation o) {
    require_one_of("kind", o.kind, organisation_kinds);
    auto& im = *impl_;
    bool generated = o.slug.empty();
    return im.write(
        [&](soci::session& s, write_context&) {
            organisation r = o;
            r.slug = im.choose_slug(s, "organisations", 1, o.slug, o.name, 0);
            r.created_at = r.updated_at = now_unix();
            stmt st(s,
                    "INSERT INTO organisations (kind, name, slug, contact_email, contact_phone, contact_public, "
                    "created_at, updated_at) VALUES (:k, :n, :s, :e, :p, :c, :ca, :ua) RETURNING id");
            st.use(r.kind).use(r.name).use(r.slug).use(r.contact_email).use(r.contact_phone).use(r.contact_public);
            st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.updated_at));
            long long id = 0;
            st.into(id).one();
            r.id = id;
            return r;
        },
        {.retry_unique = generated});
}

std::optional<organisation> store::find_organisation(id_t id) {
    return impl_->find_one<organisation, organisation_row>(organisation_select, "id = :id", static_cast<long long>(id));
}

std::optional<organisation> store::find_organisation_by_slug(const std::string& slug) {
    return impl_->find_one<organisation, organisation_row>(organisation_select, "slug = :s", slug);
}

organisation store::update_organisation(const organisation& o) {
    require_one_of("kind", o.kind, organisation_kinds);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        stmt find(s, std::string(organisation_select) + " WHERE id = :id");
        find.use(static_cast<long long>(o.id));
        organisation_row row;
        row.into(find);
        if (!find.one()) throw not_found("no organisation with id " + std::to_string(o.id));
        organisation r = o;
        r.created_at = row.created_at;
        r.updated_at = now_unix();
        // An empty slug keeps the stored one: links to the organisation stay valid.
        r.slug = o.slug.empty() ? row.slug : im.choose_slug(s, "organisations", 1, o.slug, o.name, o.id);
        stmt st(s,
                "UPDATE organisations SET kind = :k, name = :n, slug = :s, contact_email = :e, "
                "contact_phone = :p, contact_public = :c, updated_at = :u WHERE id = :id");
        st.use(r.kind).use(r.name).use(r.slug).use(r.contact_email).use(r.contact_phone).use(r.contact_public);
        st.use(static_cast<long long>(r.updated_at)).use(static_cast<long long>(r.id));
        st.run();
        return r;
    });
}

void store::delete_organisation(id_t id) {
    auto& im = *impl_;
    im.write([&](soci::session& s, write_context&) {
        if (!im.exists(s, "organisations", id)) throw not_found("no organisation with id " + std::to_string(id));
        long long meetings = 0, series_n = 0, venues = 0;
        stmt(s, "SELECT COUNT(*) FROM meetings WHERE organisation_id = :id").use(static_cast<long long>(id)).into(meetings).one();
        stmt(s, "SELECT COUNT(*) FROM series WHERE organisation_id = :id").use(static_cast<long long>(id)).into(series_n).one();
        stmt(s, "SELECT COUNT(*) FROM venues WHERE organisation_id = :id").use(static_cast<long long>(id)).into(venues).one();
        if (meetings + series_n + venues > 0)
            throw conflict("", "organisation " + std::to_string(id) + " is still referenced by " +
                                   std::to_string(meetings) + " meeting(s), " + std::to_string(series_n) +
                                   " series and " + std::to_string(venues) + " venue(s)");
        stmt(s, "DELETE FROM organisations WHERE id = :id").use(static_cast<long long>(id)).run();
    });
}

page<organisation> store::list_organisations(const name_filter& f) {
    return impl_->read([&](soci::session& s) {
        // organisation_id is meaningless for organisations and ignored.
        return impl_->list_named<organisation, organisation_row>(s, organisation_select, "name", "kind", nullptr, f);
    });
}

// ----- networks --------------------------------------------------------------------------------

network store::create_network(network n) {
    require_one_of("kind", n.kind, network_kinds);
    auto& im = *impl_;
    bool generated = n.slug.empty();
    return im.write(
        [&](soci::session& s, write_context&) {
            network r = n;
            r.organisation_ids = sorted_unique(n.organisation_ids);
            for (id_t o : r.organisation_ids) im.require_organisation(s, o, "organisation_ids");
            r.slug = im.choose_slug(s, "networks", 2, n.slug, n.name, 0);
            r.created_at = r.updated_at = now_unix();
            stmt st(s,
                    "INSERT INTO networks (kind, name, slug, description, created_at, updated_at) "
                    "VALUES (:k, :n, :s, :d, :c, :u) RETURNING id");
            st.use(r.kind).use(r.name).use(r.slug).use(r.description);
            st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.updated_at));
            long long id = 0;
            st.into(id).one();
            r.id = id;
            im.write_owners(s, r.id, r.organisation_ids);
            return r;
        },
        {.retry_unique = generated});
}

std::optional<network> store::find_network(id_t id) {
    return impl_->read([&](soci::session& s) { return impl_->network_where(s, "id = :id", id, nullptr); });
}

std::optional<network> store::find_network_by_slug(const std::string& slug) {
    return impl_->read([&](soci::session& s) { return impl_->network_where(s, "slug = :s", 0, &slug); });
}

network store::update_network(const network& n) {
    require_one_of("kind", n.kind, network_kinds);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        auto old = im.network_where(s, "id = :id", n.id, nullptr);
        if (!old) throw not_found("no network with id " + std::to_string(n.id));
        network r = n;
        r.organisation_ids = sorted_unique(n.organisation_ids);
        for (id_t o : r.organisation_ids) im.require_organisation(s, o, "organisation_ids");
        r.slug = n.slug.empty() ? old->slug : im.choose_slug(s, "networks", 2, n.slug, n.name, n.id);
        r.created_at = old->created_at;
        r.updated_at = now_unix();
        stmt st(s, "UPDATE networks SET kind = :k, name = :n, slug = :s, description = :d, updated_at = :u WHERE id = :id");
        st.use(r.kind).use(r.name).use(r.slug).use(r.description);
        st.use(static_cast<long long>(r.updated_at)).use(static_cast<long long>(r.id));
        st.run();
        im.write_owners(s, r.id, r.organisation_ids);
        return r;
    });
}

void store::delete_network(id_t id) {
    auto& im = *impl_;
    im.write([&](soci::session& s, write_context&) {
        // Links from meetings, series and owners go with it (ON DELETE CASCADE).
        if (stmt(s, "DELETE FROM networks WHERE id = :id").use(static_cast<long long>(id)).run() == 0)
            throw not_found("no network with id " + std::to_string(id));
    });
}

page<network> store::list_networks(const name_filter& f) {
    auto& im = *impl_;
    return im.read([&](soci::session& s) {
        auto p = im.list_named<network, network_row>(
            s, network_select, "name", "kind",
            "id IN (SELECT network_id FROM network_organisations WHERE organisation_id = :o)", f);
        std::vector<network*> items;
        for (auto& n : p.items) items.push_back(&n);
        im.load_owners(s, items);
        return p;
    });
}

// ----- venues ----------------------------------------------------------------------------------

namespace {
void bind_venue(stmt& st, const venue& v) {
    st.use(v.name).use(v.slug).use(v.address).use(v.capacity).use(v.step_free).use(v.hearing_loop);
    st.use(v.accessible_toilet).use(v.accessibility_notes).use(v.latitude).use(v.longitude);
    st.use(v.organisation_id).use(v.shared);
}
}  // namespace

venue store::create_venue(venue v) {
    auto& im = *impl_;
    bool generated = v.slug.empty();
    return im.write(
        [&](soci::session& s, write_context&) {
            venue r = v;
            if (r.organisation_id) im.require_organisation(s, *r.organisation_id, "organisation_id");
            r.slug = im.choose_slug(s, "venues", 3, v.slug, v.name, 0);
            r.created_at = r.updated_at = now_unix();
            stmt st(s,
                    "INSERT INTO venues (name, slug, address, capacity, step_free, hearing_loop, accessible_toilet, "
                    "accessibility_notes, latitude, longitude, organisation_id, shared, created_at, updated_at) "
                    "VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l, :m, :n) RETURNING id");
            bind_venue(st, r);
            st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.updated_at));
            long long id = 0;
            st.into(id).one();
            r.id = id;
            return r;
        },
        {.retry_unique = generated});
}

std::optional<venue> store::find_venue(id_t id) {
    return impl_->find_one<venue, venue_row>(venue_select, "id = :id", static_cast<long long>(id));
}

std::optional<venue> store::find_venue_by_slug(const std::string& slug) {
    return impl_->find_one<venue, venue_row>(venue_select, "slug = :s", slug);
}

venue store::update_venue(const venue& v) {
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        stmt find(s, std::string(venue_select) + " WHERE id = :id");
        find.use(static_cast<long long>(v.id));
        venue_row row;
        row.into(find);
        if (!find.one()) throw not_found("no venue with id " + std::to_string(v.id));
        venue r = v;
        if (r.organisation_id) im.require_organisation(s, *r.organisation_id, "organisation_id");
        r.slug = v.slug.empty() ? row.slug : im.choose_slug(s, "venues", 3, v.slug, v.name, v.id);
        r.created_at = row.created_at;
        r.updated_at = now_unix();
        stmt st(s,
                "UPDATE venues SET name = :a, slug = :b, address = :c, capacity = :d, step_free = :e, "
                "hearing_loop = :f, accessible_toilet = :g, accessibility_notes = :h, latitude = :i, "
                "longitude = :j, organisation_id = :k, shared = :l, updated_at = :m WHERE id = :id");
        bind_venue(st, r);
        st.use(static_cast<long long>(r.updated_at)).use(static_cast<long long>(r.id));
        st.run();
        return r;
    });
}

void store::delete_venue(id_t id) {
    auto& im = *impl_;
    im.write([&](soci::session& s, write_context&) {
        if (!im.exists(s, "venues", id)) throw not_found("no venue with id " + std::to_string(id));
        long long meetings = 0, series_n = 0;
        stmt(s, "SELECT COUNT(*) FROM meetings WHERE venue_id = :id").use(static_cast<long long>(id)).into(meetings).one();
        stmt(s, "SELECT COUNT(*) FROM series WHERE venue_id = :id").use(static_cast<long long>(id)).into(series_n).one();
        if (meetings + series_n > 0)
            throw conflict("", "venue " + std::to_string(id) + " is used by " + std::to_string(meetings) +
                                   " meeting(s) and " + std::to_string(series_n) + " series");
        stmt(s, "DELETE FROM venues WHERE id = :id").use(static_cast<long long>(id)).run();
    });
}

page<venue> store::list_venues(const name_filter& f) {
    return impl_->read([&](soci::session& s) {
        // Venues have no kind; the filter's kind is ignored.
        return impl_->list_named<venue, venue_row>(s, venue_select, "name", nullptr, "organisation_id = :o", f);
    });
}

// ----- meetings --------------------------------------------------------------------------------

meeting store::create_meeting(meeting m, venue_overlap overlap) {
    validate_fields(m);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) { return im.create_meeting_in(s, m, overlap); });
}

std::optional<meeting> store::find_meeting(id_t id) {
    return impl_->read([&](soci::session& s) { return impl_->meeting_by_id(s, id); });
}

std::optional<meeting> store::find_meeting_by_uid(const std::string& uid) {
    return impl_->read(
        [&](soci::session& s) { return impl_->load_meeting(s, "m.uid = :u AND m.series_id IS NULL", 0, &uid); });
}

meeting store::update_meeting(const meeting& m, venue_overlap overlap) {
    validate_fields(m);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) { return im.update_meeting_in(s, m, overlap); });
}

meeting store::cancel_meeting(id_t id) {
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context& ctx) {
        auto old = im.meeting_by_id(s, id);
        if (!old) throw not_found("no meeting with id " + std::to_string(id));
        if (old->status == "cancelled") {
            ctx.changed = false;
            return *old;
        }
        meeting r = *old;
        r.status = "cancelled";
        r.sequence = old->sequence + 1;
        if (r.series_id) r.overridden = true;  // else update_series would bring it back
        r.updated_at = now_unix();
        stmt(s, "UPDATE meetings SET status = 'cancelled', sequence = :q, overridden = :o, updated_at = :u WHERE id = :id")
            .use(r.sequence)
            .use(r.overridden)
            .use(static_cast<long long>(r.updated_at))
            .use(static_cast<long long>(id))
            .run();
        im.queue_meeting_change(s, r);
        return r;
    });
}

void store::delete_meeting(id_t id) {
    auto& im = *impl_;
    im.write([&](soci::session& s, write_context&) {
        long long found = 0;
        nullable<long long> series_id;
        std::string recurrence_id;
        if (!stmt(s, "SELECT id, series_id, recurrence_id FROM meetings WHERE id = :id")
                 .use(static_cast<long long>(id))
                 .into(found)
                 .into(series_id)
                 .into(recurrence_id)
                 .one())
            throw not_found("no meeting with id " + std::to_string(id));
        if (auto sid = series_id.get()) {
            std::string exdates;
            stmt(s, "SELECT exdates FROM series WHERE id = :id").use(*sid).into(exdates).one();
            auto list = split(exdates, ',');
            if (std::find(list.begin(), list.end(), recurrence_id) == list.end()) list.push_back(recurrence_id);
            std::sort(list.begin(), list.end());
            stmt(s, "UPDATE series SET exdates = :e, sequence = sequence + 1, updated_at = :u WHERE id = :id")
                .use(join(list, ','))
                .use(static_cast<long long>(now_unix()))
                .use(*sid)
                .run();
        }
        stmt(s, "DELETE FROM meetings WHERE id = :id").use(static_cast<long long>(id)).run();
    });
}

page<meeting> store::list_meetings(const meeting_filter& f) {
    auto& im = *impl_;
    return im.read([&](soci::session& s) {
        conditions c;
        if (f.from_utc) c.add("m.end_utc > ?", {*f.from_utc});
        if (f.to_utc) c.add("m.start_utc < ?", {*f.to_utc});
        c.add_in("m.type", f.types);
        c.add_in("m.status", f.statuses);
        if (f.network_id)
            c.add("EXISTS (SELECT 1 FROM meeting_networks mn WHERE mn.meeting_id = m.id AND mn.network_id = ?)",
                  {*f.network_id});
        if (f.organisation_id) c.add("m.organisation_id = ?", {*f.organisation_id});
        if (f.venue_id) c.add("m.venue_id = ?", {*f.venue_id});
        if (f.series_id) c.add("m.series_id = ?", {*f.series_id});
        if (!f.include_all_drafts) {
            if (f.drafts_of_organisation)
                c.add("(m.status <> 'draft' OR m.organisation_id = ?)", {*f.drafts_of_organisation});
            else
                c.add("m.status <> 'draft'");
        }
        if (!f.q.empty()) {
            // lower() folds Å, Ä, Ö on SQLite too (sqlite_lower.hpp).
            auto pattern = like_pattern(f.q);
            c.add(
                "(LOWER(m.title) LIKE LOWER(?) ESCAPE '\\' OR LOWER(m.description) LIKE LOWER(?) ESCAPE '\\' "
                "OR LOWER(m.theme) LIKE LOWER(?) ESCAPE '\\')",
                {pattern, pattern, pattern});
        }
        if (f.after)
            c.add("(m.start_utc > ? OR (m.start_utc = ? AND m.id > ?))",
                  {f.after->sort_key, f.after->sort_key, f.after->id});
        int limit = clamp_limit(f.limit);
        page<meeting> p;
        p.items = im.select_meetings(s, c, limit + 1);
        if (static_cast<int>(p.items.size()) > limit) {
            p.items.resize(limit);
            p.next = cursor{p.items.back().start_utc, p.items.back().id};
        }
        std::vector<meeting*> items;
        for (auto& m : p.items) items.push_back(&m);
        im.load_links(s, "meeting", items);
        return p;
    });
}

namespace {

// A feed filter vector without repeats; too long a one is refused before it reaches SQL.
template <class T>
std::vector<T> feed_filter_values(const char* field, std::vector<T> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.size() > max_feed_filter_values)
        throw std::invalid_argument(std::string("kal::db: feed filter ") + field + " has more than " +
                                    std::to_string(max_feed_filter_values) + " values");
    return values;
}

}  // namespace

feed_snapshot store::load_feed(const feed_filter& f) {
    conditions c;
    c.add("m.end_utc > ?", {f.from_utc});
    c.add("m.start_utc < ?", {f.to_utc});
    // Drafts never; cancelled meetings stay while they end after the cutoff, so that subscribers'
    // calendars learn of the cancellation before the event drops out of the feed.
    c.add("(m.status = 'published' OR (m.status = 'cancelled' AND m.end_utc > ?))", {f.keep_cancelled_until_utc});
    c.add_in("m.type", feed_filter_values("types", f.types));
    c.add_in("m.organisation_id", feed_filter_values("organisation_ids", f.organisation_ids));
    c.add_in("m.venue_id", feed_filter_values("venue_ids", f.venue_ids));
    c.add_in("m.id", feed_filter_values("meeting_ids", f.meeting_ids));
    c.add_in("EXISTS (SELECT 1 FROM meeting_networks fn WHERE fn.meeting_id = m.id AND fn.network_id",
             feed_filter_values("network_ids", f.network_ids), ")");

    auto& im = *impl_;
    return im.read(
        [&](soci::session& s) {
            // A constant number of statements however many meetings match: BEGIN, the change
            // counter, the meetings, their networks and documents, their series, the series'
            // networks and documents, the series' exceptions with their networks and documents,
            // venues, organisations, networks, the networks' owners, COMMIT: 16. Fewer when nothing matches (5), or when no series or no network is
            // involved (their links and owners are not asked for). The follow-up queries select
            // by subqueries repeating the meeting conditions instead of by lists of ids, which
            // would take a statement per chunk; the snapshot makes every repetition see the same
            // meetings.
            feed_snapshot snap;
            long long counter = 0;
            stmt(s, "SELECT value FROM change_counter WHERE id = 1").into(counter).one();
            snap.change_counter = counter;
            snap.meetings = im.select_meetings(s, c, std::nullopt);
            if (snap.meetings.empty()) return snap;

            auto subquery = [&](std::initializer_list<std::string> selects) {
                impl::id_query q;
                int n = 0;
                for (const auto& select : selects) {
                    if (!q.sql.empty()) q.sql += " UNION ";
                    q.sql += select + c.where(n);
                    q.binds.push_back(&c);
                }
                return q;
            };
            // References of the meetings' series are included with the meetings' own, so that
            // every id in the snapshot resolves within it (an overridden occurrence may have
            // moved away from its series' venue).
            const std::string of_series = " FROM meetings m JOIN series s ON s.id = m.series_id";
            auto meeting_ids = subquery({"SELECT m.id FROM meetings m"});
            auto series_ids = subquery({"SELECT m.series_id FROM meetings m"});
            auto venue_ids = subquery({"SELECT m.venue_id FROM meetings m", "SELECT s.venue_id" + of_series});
            auto organisation_ids =
                subquery({"SELECT m.organisation_id FROM meetings m", "SELECT s.organisation_id" + of_series});
            auto network_ids = subquery(
                {"SELECT ml.network_id FROM meeting_networks ml JOIN meetings m ON m.id = ml.meeting_id",
                 "SELECT sl.network_id FROM series_networks sl JOIN meetings m ON m.series_id = sl.series_id"});

            std::vector<meeting*> meetings;
            for (auto& m : snap.meetings) meetings.push_back(&m);
            im.load_links(s, "meeting", meetings, &meeting_ids);

            snap.series = im.select_in<series, series_row>(s, series_select, "s.id", series_ids);
            std::vector<series*> series_items;
            for (auto& x : snap.series) series_items.push_back(&x);
            im.load_links(s, "series", series_items, &series_ids);

            // Every cancelled or changed occurrence of those series, also outside the window: a
            // master's EXDATEs and overrides must be complete wherever a client expands it.
            if (!snap.series.empty()) {
                const std::string exception_where = " WHERE m.series_id IN (" + series_ids.sql +
                                                    ") AND (m.status = 'cancelled' OR m.overridden = 1)";
                stmt st(s, meeting_select + exception_where + " ORDER BY m.start_utc, m.id");
                series_ids.bind(st);
                meeting_row row;
                row.into(st);
                while (st.next()) snap.series_exceptions.push_back(row.to_model());
                if (!snap.series_exceptions.empty()) {
                    impl::id_query exception_ids{"SELECT m.id FROM meetings m" + exception_where, series_ids.binds};
                    std::vector<meeting*> exceptions;
                    for (auto& m : snap.series_exceptions) exceptions.push_back(&m);
                    im.load_links(s, "meeting", exceptions, &exception_ids);
                }
            }

            snap.venues = im.select_in<venue, venue_row>(s, venue_select, "id", venue_ids);
            snap.organisations =
                im.select_in<organisation, organisation_row>(s, organisation_select, "id", organisation_ids);
            snap.networks = im.select_in<network, network_row>(s, network_select, "id", network_ids);
            std::vector<network*> networks;
            for (auto& n : snap.networks) networks.push_back(&n);
            im.load_owners(s, networks, &network_ids);
            return snap;
        },
        impl::access::snapshot_read);
}

std::vector<meeting> store::save_meetings(const std::vector<meeting>& meetings, venue_overlap overlap) {
    for (const auto& m : meetings) validate_fields(m);
    if (meetings.empty()) return {};
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        // In order, each with the rules of create_meeting or update_meeting: a later meeting's
        // overlap check sees the earlier ones of the same call.
        std::vector<meeting> stored;
        stored.reserve(meetings.size());
        for (const auto& m : meetings)
            stored.push_back(m.id == 0 ? im.create_meeting_in(s, m, overlap) : im.update_meeting_in(s, m, overlap));
        return stored;
    });
}

// ----- series ----------------------------------------------------------------------------------

series store::create_series(series sr, const std::vector<occurrence>& occurrences, venue_overlap overlap) {
    validate_fields(sr.fields);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        im.check_fields_references(s, sr.fields);
        series r = sr;
        r.fields.network_ids = sorted_unique(sr.fields.network_ids);
        if (r.uid.empty()) r.uid = random_uid();
        r.sequence = 0;
        r.created_at = r.updated_at = now_unix();
        stmt st(s, "INSERT INTO series (uid, sequence, rrule, exdates, created_at, updated_at, " + field_list("") +
                       ") VALUES (:u, :q, :r, :x, :c, :m, " + field_placeholders() + ") RETURNING id");
        st.use(r.uid).use(r.sequence).use(r.rrule).use(join(r.exdates, ','));
        st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.updated_at));
        bind_fields(st, r.fields);
        long long id = 0;
        st.into(id).one();
        r.id = id;
        im.write_links(s, "series", r.id, r.fields);
        for (const auto& o : occurrences) {
            meeting m = impl::occurrence_meeting(r, o);
            im.check_overlap(s, m, m.start_utc, m.end_utc, 0, r.id, overlap);
            m.created_at = m.updated_at = r.created_at;
            im.insert_meeting(s, m);
        }
        return r;
    });
}

std::optional<series> store::find_series(id_t id) {
    return impl_->read([&](soci::session& s) { return impl_->series_by_id(s, id); });
}

series store::update_series(const series& sr, const std::vector<occurrence>& occurrences, venue_overlap overlap) {
    validate_fields(sr.fields);
    auto& im = *impl_;
    return im.write([&](soci::session& s, write_context&) {
        auto old = im.series_by_id(s, sr.id);
        if (!old) throw not_found("no series with id " + std::to_string(sr.id));
        im.check_fields_references(s, sr.fields);
        series r = sr;
        r.uid = old->uid;
        r.fields.network_ids = sorted_unique(sr.fields.network_ids);
        r.created_at = old->created_at;
        r.updated_at = now_unix();
        bool changed = time_place_or_status_changed(old->fields, sr.fields) || old->rrule != sr.rrule ||
                       old->exdates != sr.exdates;
        r.sequence = old->sequence + (changed ? 1 : 0);
        stmt st(s, "UPDATE series SET sequence = :q, rrule = :r, exdates = :x, updated_at = :m, " +
                       field_assignments() + " WHERE id = :id");
        st.use(r.sequence).use(r.rrule).use(join(r.exdates, ',')).use(static_cast<long long>(r.updated_at));
        bind_fields(st, r.fields);
        st.use(static_cast<long long>(r.id));
        st.run();
        im.write_links(s, "series", r.id, r.fields);

        struct existing {
            id_t id;
            bool overridden;
            int sequence;
        };
        std::map<std::string, existing> current;
        {
            stmt q(s, "SELECT id, recurrence_id, overridden, sequence FROM meetings WHERE series_id = :id");
            q.use(static_cast<long long>(r.id));
            long long mid = 0;
            std::string rid;
            int ov = 0, seq = 0;
            q.into(mid).into(rid).into(ov).into(seq);
            while (q.next()) current[rid] = existing{mid, ov != 0, seq};
        }
        std::set<std::string> produced;
        for (const auto& o : occurrences) produced.insert(o.recurrence_id);
        for (const auto& [rid, e] : current)
            if (!produced.count(rid))
                stmt(s, "DELETE FROM meetings WHERE id = :id").use(static_cast<long long>(e.id)).run();
        for (const auto& o : occurrences) {
            auto it = current.find(o.recurrence_id);
            if (it != current.end() && it->second.overridden) continue;  // changed on its own: kept
            meeting m = impl::occurrence_meeting(r, o);
            im.check_overlap(s, m, m.start_utc, m.end_utc, 0, r.id, overlap);
            m.updated_at = r.updated_at;
            if (it == current.end()) {
                m.sequence = r.sequence;
                m.created_at = r.updated_at;
                im.insert_meeting(s, m);
            } else {
                // Kept as the same row so that what hangs off the meeting id stays attached.
                m.id = it->second.id;
                m.sequence = std::max(r.sequence, it->second.sequence + (changed ? 1 : 0));
                im.update_meeting_row(s, m);
                if (m.sequence != it->second.sequence) im.queue_meeting_change(s, m);
                // As update_meeting: more seats move the occurrence's waitlist now.
                if (capacity_raised(old->fields.capacity, m.capacity)) im.promote_in(s, m.id, m.capacity);
            }
        }
        return r;
    });
}

void store::delete_series(id_t id) {
    auto& im = *impl_;
    im.write([&](soci::session& s, write_context&) {
        if (!im.exists(s, "series", id)) throw not_found("no series with id " + std::to_string(id));
        stmt(s, "DELETE FROM meetings WHERE series_id = :id").use(static_cast<long long>(id)).run();
        stmt(s, "DELETE FROM series WHERE id = :id").use(static_cast<long long>(id)).run();
    });
}

page<series> store::list_series(const name_filter& f) {
    auto& im = *impl_;
    return im.read([&](soci::session& s) {
        // name_filter over series: q matches the title, kind the meeting type.
        auto p = im.list_named<series, series_row>(s, series_select, "title", "type", "organisation_id = :o", f);
        std::vector<series*> items;
        for (auto& x : p.items) items.push_back(&x);
        im.load_links(s, "series", items);
        return p;
    });
}

// ----- tokens ----------------------------------------------------------------------------------

api_token store::create_token(api_token t, const std::string& token_hash) {
    require_one_of("role", t.role, token_roles);
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            if (t.role == "organiser" && !t.organisation_id)
                throw invalid_reference("organisation_id", "an organiser token needs an organisation");
            if (t.organisation_id) im.require_organisation(s, *t.organisation_id, "organisation_id");
            long long same = 0;
            stmt(s, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = :h").use(token_hash).into(same).one();
            if (same) throw conflict("token_hash", "a token with this hash exists");
            api_token r = t;
            r.created_at = now_unix();
            r.revoked_at.reset();
            stmt st(s,
                    "INSERT INTO api_tokens (role, name, organisation_id, token_hash, created_at, last_used_at) "
                    "VALUES (:r, :n, :o, :h, :c, :l) RETURNING id");
            st.use(r.role).use(r.name).use(r.organisation_id).use(token_hash);
            st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.last_used_at));
            long long id = 0;
            st.into(id).one();
            r.id = id;
            return r;
        },
        {.retry_unique = false, .feed_visible = false});
}

std::optional<api_token> store::find_token_by_hash(const std::string& token_hash) {
    return impl_->read([&](soci::session& s) -> std::optional<api_token> {
        stmt st(s, std::string(token_select) + " WHERE token_hash = :h AND revoked_at IS NULL");
        st.use(token_hash);
        token_row row;
        row.into(st);
        if (!st.one()) return std::nullopt;
        return row.to_model();
    });
}

void store::revoke_token(id_t id) {
    impl_->write(
        [&](soci::session& s, write_context&) {
            long long found = 0;
            if (!stmt(s, "SELECT id FROM api_tokens WHERE id = :id").use(static_cast<long long>(id)).into(found).one())
                throw not_found("no token with id " + std::to_string(id));
            // Revoking twice keeps the first revocation time.
            stmt(s, "UPDATE api_tokens SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL")
                .use(static_cast<long long>(now_unix()))
                .use(static_cast<long long>(id))
                .run();
        },
        {.retry_unique = false, .feed_visible = false});
}

std::vector<api_token> store::list_tokens() {
    return impl_->read([](soci::session& s) {
        stmt st(s, std::string(token_select) + " ORDER BY id");
        token_row row;
        row.into(st);
        std::vector<api_token> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    });
}

// ----- feed tokens -----------------------------------------------------------------------------

namespace {

const char* const feed_token_select =
    "SELECT id, name, organisation_id, types, network_ids, organisation_ids, created_at, rotated_at, revoked_at "
    "FROM feed_tokens";

std::string join_ids(const std::vector<id_t>& ids) {
    std::vector<std::string> parts;
    for (id_t id : ids) parts.push_back(std::to_string(id));
    return join(parts, ',');
}

std::vector<id_t> split_ids(const std::string& s) {
    std::vector<id_t> out;
    for (const auto& part : split(s, ',')) out.push_back(std::stoll(part));
    return out;
}

struct feed_token_row {
    long long id = 0;
    std::string name;
    nullable<long long> organisation_id;
    std::string types, network_ids, organisation_ids;
    long long created_at = 0, rotated_at = 0;
    nullable<long long> revoked_at;
    void into(stmt& s) {
        s.into(id).into(name).into(organisation_id).into(types).into(network_ids).into(organisation_ids);
        s.into(created_at).into(rotated_at).into(revoked_at);
    }
    feed_token to_model() const {
        feed_token t;
        t.id = id;
        t.name = name;
        t.organisation_id = organisation_id.get();
        t.types = split(types, ',');
        t.network_ids = split_ids(network_ids);
        t.organisation_ids = split_ids(organisation_ids);
        t.created_at = created_at;
        t.rotated_at = rotated_at;
        t.revoked_at = revoked_at.get();
        return t;
    }
};

std::optional<feed_token> feed_token_where(soci::session& s, const std::string& where, long long id,
                                           const std::string* text) {
    stmt st(s, std::string(feed_token_select) + " WHERE " + where);
    if (text)
        st.use(*text);
    else
        st.use(id);
    feed_token_row row;
    row.into(st);
    if (!st.one()) return std::nullopt;
    return row.to_model();
}

void require_free_feed_token_hash(soci::session& s, const std::string& token_hash) {
    long long same = 0;
    stmt(s, "SELECT COUNT(*) FROM feed_tokens WHERE token_hash = :h").use(token_hash).into(same).one();
    if (same) throw conflict("token_hash", "a feed token with this hash exists");
}

}  // namespace

feed_token store::create_feed_token(feed_token t, const std::string& token_hash) {
    for (const auto& type : t.types) require_one_of("types", type, meeting_types);
    std::sort(t.types.begin(), t.types.end());
    t.types.erase(std::unique(t.types.begin(), t.types.end()), t.types.end());
    t.network_ids = sorted_unique(t.network_ids);
    t.organisation_ids = sorted_unique(t.organisation_ids);
    auto& im = *impl_;
    // Tokens are not feed content: change_counter stays.
    return im.write(
        [&](soci::session& s, write_context&) {
            if (t.organisation_id) im.require_organisation(s, *t.organisation_id, "organisation_id");
            for (id_t o : t.organisation_ids) im.require_organisation(s, o, "organisation_ids");
            im.require_networks(s, t.network_ids);
            require_free_feed_token_hash(s, token_hash);
            feed_token r = t;
            r.created_at = now_unix();
            r.rotated_at = 0;
            r.revoked_at.reset();
            stmt st(s,
                    "INSERT INTO feed_tokens (name, organisation_id, types, network_ids, organisation_ids, "
                    "token_hash, created_at, rotated_at) VALUES (:n, :o, :t, :ni, :oi, :h, :c, :r) RETURNING id");
            st.use(r.name).use(r.organisation_id).use(join(r.types, ',')).use(join_ids(r.network_ids));
            st.use(join_ids(r.organisation_ids)).use(token_hash);
            st.use(static_cast<long long>(r.created_at)).use(static_cast<long long>(r.rotated_at));
            long long id = 0;
            st.into(id).one();
            r.id = id;
            return r;
        },
        {.retry_unique = false, .feed_visible = false});
}

std::optional<feed_token> store::find_feed_token_by_hash(const std::string& token_hash) {
    return impl_->read([&](soci::session& s) {
        return feed_token_where(s, "token_hash = :h AND revoked_at IS NULL", 0, &token_hash);
    });
}

std::optional<feed_token> store::find_feed_token(id_t id) {
    return impl_->read([&](soci::session& s) { return feed_token_where(s, "id = :id", id, nullptr); });
}

feed_token store::rotate_feed_token(id_t id, const std::string& new_token_hash) {
    return impl_->write(
        [&](soci::session& s, write_context&) {
            auto t = feed_token_where(s, "id = :id AND revoked_at IS NULL", id, nullptr);
            if (!t) throw not_found("no active feed token with id " + std::to_string(id));
            require_free_feed_token_hash(s, new_token_hash);
            t->rotated_at = now_unix();
            stmt(s, "UPDATE feed_tokens SET token_hash = :h, rotated_at = :r WHERE id = :id")
                .use(new_token_hash)
                .use(static_cast<long long>(t->rotated_at))
                .use(static_cast<long long>(id))
                .run();
            return *t;
        },
        // Raises change_counter: every instance's cached copy of the feed behind the old link
        // must stop answering.
        {.retry_unique = false, .feed_visible = true});
}

void store::revoke_feed_token(id_t id) {
    impl_->write(
        [&](soci::session& s, write_context& ctx) {
            long long found = 0;
            nullable<long long> revoked_at;
            if (!stmt(s, "SELECT id, revoked_at FROM feed_tokens WHERE id = :id")
                     .use(static_cast<long long>(id))
                     .into(found)
                     .into(revoked_at)
                     .one())
                throw not_found("no feed token with id " + std::to_string(id));
            if (revoked_at.get()) ctx.changed = false;  // nothing new for the feeds
            // Revoking twice keeps the first revocation time.
            stmt(s, "UPDATE feed_tokens SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL")
                .use(static_cast<long long>(now_unix()))
                .use(static_cast<long long>(id))
                .run();
        },
        {.retry_unique = false, .feed_visible = true});  // as rotate: cached copies must go
}

std::vector<feed_token> store::list_feed_tokens(std::optional<id_t> organisation_id) {
    return impl_->read([&](soci::session& s) {
        std::string q = feed_token_select;
        if (organisation_id) q += " WHERE organisation_id = :o";
        stmt st(s, q + " ORDER BY id");
        if (organisation_id) st.use(static_cast<long long>(*organisation_id));
        feed_token_row row;
        row.into(st);
        std::vector<feed_token> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    });
}

// ----- sign-ups (RSVPs) ------------------------------------------------------------------------

namespace {

constexpr std::string_view rsvp_languages[] = {"sv", "en"};

void validate_rsvp_party(int party_size) {
    if (party_size < 1) throw std::invalid_argument("kal::db: party_size must be at least 1");
}

}  // namespace

sign_up_result store::sign_up(rsvp r, const std::string& manage_token_hash, std::int64_t now, bool by_organiser) {
    validate_rsvp_party(r.party_size);
    require_one_of("language", r.language, rsvp_languages);
    if (r.email.empty()) throw std::invalid_argument("kal::db: a sign-up needs an e-mail address");
    auto& im = *impl_;
    const std::string key = detail::unicode_lower(r.email);
    return im.write(
        [&](soci::session& s, write_context&) -> sign_up_result {
            auto gate = im.lock_meeting_for_rsvps(s, r.meeting_id);
            // A repeated sign-up (double click, retried request) gets the one it made, whatever
            // has happened to the meeting since.
            long long existing = 0;
            if (stmt(s, "SELECT id FROM rsvps WHERE meeting_id = :m AND email_key = :k AND status <> 'cancelled'")
                    .use(static_cast<long long>(r.meeting_id))
                    .use(key)
                    .into(existing)
                    .one())
                return {*im.rsvp_where(s, "r.id = :id", existing, nullptr), false};
            if (gate.status == "draft") throw sign_up_refused(sign_up_refusal::draft, "the meeting is not published");
            if (gate.status == "cancelled")
                throw sign_up_refused(sign_up_refusal::cancelled, "the meeting is cancelled");
            if (gate.start_utc <= now) throw sign_up_refused(sign_up_refusal::started, "the meeting has started");
            if (!by_organiser && gate.registration_deadline_utc && *gate.registration_deadline_utc < now)
                throw sign_up_refused(sign_up_refusal::deadline_passed, "the registration deadline has passed");
            if (r.organisation_id) {
                if (!im.exists(s, "organisations", *r.organisation_id))
                    throw invalid_reference("organisation",
                                            "no organisation with id " + std::to_string(*r.organisation_id));
                r.organisation_name.clear();
            } else if (!r.organisation_name.empty()) {
                r.organisation_id = im.organisation_named(s, r.organisation_name);
                if (r.organisation_id) r.organisation_name.clear();
            }
            im.check_quota(s, r, r.party_size);
            long long same_hash = 0;
            stmt(s, "SELECT COUNT(*) FROM rsvps WHERE token_hash = :h").use(manage_token_hash).into(same_hash).one();
            if (same_hash) throw conflict("token_hash", "a sign-up with this token hash exists");

            long long waiting = 0;
            stmt(s, "SELECT COUNT(*) FROM rsvps WHERE meeting_id = :m AND status = 'waitlisted'")
                .use(static_cast<long long>(r.meeting_id))
                .into(waiting)
                .one();
            bool fits = !gate.capacity || im.confirmed_seats(s, r.meeting_id) + r.party_size <= *gate.capacity;
            // Nobody overtakes the waitlist, not even a party small enough for the free seats.
            std::string status = waiting == 0 && fits ? "confirmed" : "waitlisted";
            auto t = now_unix();
            stmt st(s,
                    "INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_id, organisation_name, "
                    "party_size, needs, language, status, token_hash, created_at, updated_at) "
                    "VALUES (:m, :n, :e, :k, :o, :on, :p, :nd, :l, :s, :h, :c, :u) RETURNING id");
            st.use(static_cast<long long>(r.meeting_id)).use(r.name).use(r.email).use(key).use(r.organisation_id);
            st.use(r.organisation_name).use(r.party_size).use(r.needs).use(r.language).use(status);
            st.use(manage_token_hash).use(static_cast<long long>(t)).use(static_cast<long long>(t));
            long long id = 0;
            st.into(id).one();
            auto stored = *im.rsvp_where(s, "r.id = :id", id, nullptr);
            im.enqueue(s, status, stored, status + ":" + std::to_string(id), true);
            return {stored, true};
        },
        rsvp_write);
}

std::optional<rsvp> store::find_rsvp(id_t id) {
    return impl_->read([&](soci::session& s) { return impl_->rsvp_where(s, "r.id = :id", id, nullptr); });
}

std::optional<rsvp> store::find_rsvp_by_token_hash(const std::string& manage_token_hash) {
    return impl_->read([&](soci::session& s) -> std::optional<rsvp> {
        if (auto r = impl_->rsvp_where(s, "r.token_hash = :h", 0, &manage_token_hash)) return r;
        // The links in e-mails have secrets of their own.
        long long id = 0;
        if (!stmt(s, "SELECT rsvp_id FROM rsvp_tokens WHERE token_hash = :h").use(manage_token_hash).into(id).one())
            return std::nullopt;
        return impl_->rsvp_where(s, "r.id = :id", id, nullptr);
    });
}

rsvp store::update_rsvp(id_t id, int party_size, const std::string& needs) {
    validate_rsvp_party(party_size);
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            auto [r, gate] = im.lock_rsvp(s, id);
            if (r.status == "cancelled") throw conflict("status", "the sign-up is cancelled");
            if (r.status == "confirmed" && party_size > r.party_size) {
                const auto& capacity = gate.capacity;
                if (capacity && im.confirmed_seats(s, r.meeting_id) - r.party_size + party_size > *capacity)
                    throw conflict("party_size", "not enough free seats for a party of " + std::to_string(party_size));
            }
            if (party_size > r.party_size) im.check_quota(s, r, party_size - r.party_size);
            stmt(s, "UPDATE rsvps SET party_size = :p, needs = :n, updated_at = :u WHERE id = :id")
                .use(party_size)
                .use(needs)
                .use(static_cast<long long>(now_unix()))
                .use(static_cast<long long>(id))
                .run();
            // A smaller party frees seats; a waitlisted party of another size may now fit.
            im.promote_in(s, r.meeting_id, gate.capacity);
            return *im.rsvp_where(s, "r.id = :id", id, nullptr);
        },
        rsvp_write);
}

std::pair<rsvp, std::vector<id_t>> store::cancel_rsvp(id_t id) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) -> std::pair<rsvp, std::vector<id_t>> {
            auto [r, gate] = im.lock_rsvp(s, id);
            if (r.status == "cancelled") return {r, {}};
            auto t = now_unix();
            stmt(s, "UPDATE rsvps SET status = 'cancelled', cancelled_at = :c, updated_at = :u WHERE id = :id")
                .use(static_cast<long long>(t))
                .use(static_cast<long long>(t))
                .use(static_cast<long long>(id))
                .run();
            auto promoted = im.promote_in(s, r.meeting_id, gate.capacity);
            auto cancelled = *im.rsvp_where(s, "r.id = :id", id, nullptr);
            im.enqueue(s, "rsvp_cancelled", cancelled, "rsvp_cancelled:" + std::to_string(id), false);
            return {cancelled, promoted};
        },
        rsvp_write);
}

rsvp store::confirm_from_waitlist(id_t id) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            auto r = im.lock_rsvp(s, id).first;
            if (r.status == "cancelled") throw conflict("status", "the sign-up is cancelled");
            if (r.status == "confirmed") return r;
            im.set_rsvp_status(s, id, "confirmed", now_unix());
            im.enqueue_for(s, "promoted", id, "promoted:" + std::to_string(id), true);
            return *im.rsvp_where(s, "r.id = :id", id, nullptr);
        },
        rsvp_write);
}

std::vector<rsvp> store::list_rsvps(id_t meeting_id, const std::vector<std::string>& statuses,
                                    std::optional<id_t> organisation_id) {
    for (const auto& st : statuses) require_one_of("status", st, rsvp_statuses);
    return impl_->read([&](soci::session& s) {
        conditions where;
        where.add("r.meeting_id = ?", {static_cast<long long>(meeting_id)});
        where.add_in("r.status", statuses);
        if (organisation_id) where.add("r.organisation_id = ?", {static_cast<long long>(*organisation_id)});
        int n = 0;
        stmt st(s, std::string(rsvp_select) + where.where(n) + " ORDER BY r.id");
        where.bind(st);
        rsvp_row row;
        row.into(st);
        std::vector<rsvp> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    });
}

void store::set_meeting_quota(id_t meeting_id, std::optional<int> per_organisation) {
    if (per_organisation && *per_organisation < 1)
        throw std::invalid_argument("kal::db: a quota per organisation must be at least 1");
    auto& im = *impl_;
    im.write(
        [&](soci::session& s, write_context&) {
            im.lock_meeting_for_rsvps(s, meeting_id);
            // A lower quota than already used turns nobody away; it applies to new sign-ups.
            stmt(s, "DELETE FROM meeting_quotas WHERE meeting_id = :m").use(static_cast<long long>(meeting_id)).run();
            if (per_organisation)
                stmt(s, "INSERT INTO meeting_quotas (meeting_id, per_organisation) VALUES (:m, :q)")
                    .use(static_cast<long long>(meeting_id))
                    .use(*per_organisation)
                    .run();
        },
        rsvp_write);
}

std::optional<int> store::meeting_quota(id_t meeting_id) {
    return impl_->read([&](soci::session& s) {
        nullable<int> quota;
        stmt(s, "SELECT per_organisation FROM meeting_quotas WHERE meeting_id = :m")
            .use(static_cast<long long>(meeting_id))
            .into(quota)
            .one();
        return quota.get();
    });
}

std::vector<id_t> store::promote_waitlist(id_t meeting_id) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            return im.promote_in(s, meeting_id, im.lock_meeting_for_rsvps(s, meeting_id).capacity);
        },
        rsvp_write);
}

int store::anonymise_rsvps_before(std::int64_t ended_before) {
    return impl_->write(
        [&](soci::session& s, write_context&) {
            // The placeholders are unique per row, so the unique token hash and the index of
            // active e-mails hold without a trace of the person.
            const char* ended = "SELECT id FROM rsvps WHERE anonymised_at IS NULL AND meeting_id IN "
                                "(SELECT id FROM meetings WHERE end_utc < :e)";
            stmt(s, std::string("UPDATE outbox SET recipient = '', link_token = '' WHERE rsvp_id IN (") + ended + ")")
                .use(static_cast<long long>(ended_before))
                .run();
            stmt(s, std::string("DELETE FROM rsvp_tokens WHERE rsvp_id IN (") + ended + ")")
                .use(static_cast<long long>(ended_before))
                .run();
            stmt(s, "UPDATE checkins SET name = '', person_key = 'anonymised-' || CAST(id AS TEXT), anonymised_at = :t "
                    "WHERE anonymised_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE end_utc < :e)")
                .use(static_cast<long long>(now_unix()))
                .use(static_cast<long long>(ended_before))
                .run();
            return static_cast<int>(
                stmt(s, "UPDATE rsvps SET name = '', email = '', email_key = 'anonymised-' || CAST(id AS TEXT), "
                        "needs = '', token_hash = 'anonymised-' || CAST(id AS TEXT), anonymised_at = :t "
                        "WHERE anonymised_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE end_utc < :e)")
                    .use(static_cast<long long>(now_unix()))
                    .use(static_cast<long long>(ended_before))
                    .run());
        },
        rsvp_write);
}

int store::erase_rsvps_of(const std::string& email) {
    auto& im = *impl_;
    const std::string key = detail::unicode_lower(email);
    return im.write(
        [&](soci::session& s, write_context&) {
            // Active sign-ups hold seats: their meetings are locked (in id order, so two erasures
            // cannot deadlock) and their waitlists move once the rows are gone.
            std::vector<id_t> meetings;
            {
                stmt st(s, "SELECT DISTINCT meeting_id FROM rsvps WHERE email_key = :k AND status <> 'cancelled' "
                           "ORDER BY meeting_id");
                st.use(key);
                long long m = 0;
                st.into(m);
                while (st.next()) meetings.push_back(m);
            }
            std::vector<std::optional<int>> capacities;
            for (id_t m : meetings) capacities.push_back(im.lock_meeting_for_rsvps(s, m).capacity);
            stmt(s, "DELETE FROM checkins WHERE rsvp_id IN (SELECT id FROM rsvps WHERE email_key = :k)").use(key).run();
            auto erased = stmt(s, "DELETE FROM rsvps WHERE email_key = :k").use(key).run();
            for (std::size_t i = 0; i < meetings.size(); ++i) im.promote_in(s, meetings[i], capacities[i]);
            return static_cast<int>(erased);
        },
        rsvp_write);
}

void store::erase_rsvp(id_t id) {
    auto& im = *impl_;
    im.write(
        [&](soci::session& s, write_context&) {
            auto [r, gate] = im.lock_rsvp(s, id);
            stmt(s, "DELETE FROM checkins WHERE rsvp_id = :id").use(static_cast<long long>(id)).run();
            stmt(s, "DELETE FROM rsvps WHERE id = :id").use(static_cast<long long>(id)).run();
            if (r.status == "confirmed") im.promote_in(s, r.meeting_id, gate.capacity);
        },
        rsvp_write);
}

personal_data store::personal_data_of(const std::string& email) {
    const std::string key = detail::unicode_lower(email);
    return impl_->read([&](soci::session& s) {
        personal_data out;
        {
            stmt st(s, std::string(rsvp_select) + " WHERE r.email_key = :k ORDER BY r.id");
            st.use(key);
            rsvp_row row;
            row.into(st);
            while (st.next()) out.rsvps.push_back(row.to_model());
        }
        stmt st(s, std::string(checkin_select) +
                       " WHERE c.rsvp_id IN (SELECT id FROM rsvps WHERE email_key = :k) ORDER BY c.id");
        st.use(key);
        checkin_row row;
        row.into(st);
        while (st.next()) out.checkins.push_back(row.to_model());
        return out;
    });
}

check_in_result store::check_in(checkin c) {
    if (c.people < 0) throw std::invalid_argument("kal::db: people must not be negative");
    if (!c.rsvp_id && c.name.empty()) throw std::invalid_argument("kal::db: a walk-in needs a name");
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) -> check_in_result {
            // The meeting's lock serialises check-ins of one meeting, so the look-up below and
            // the insert cannot race; the unique index on person_key holds it regardless.
            auto gate = im.lock_meeting_for_rsvps(s, c.meeting_id);
            if (gate.status != "published")
                throw conflict("meeting", gate.status == "draft" ? "the meeting is not published"
                                                                 : "the meeting is cancelled");
            std::string person_key;
            if (c.rsvp_id) {
                auto r = im.rsvp_where(s, "r.id = :id", static_cast<long long>(*c.rsvp_id), nullptr);
                if (!r || r->meeting_id != c.meeting_id || r->anonymised_at)
                    throw invalid_reference("rsvp", "no sign-up " + std::to_string(*c.rsvp_id) + " for this meeting");
                person_key = "rsvp:" + std::to_string(r->id);
                c.name.clear();
                c.organisation_id = r->organisation_id;
                c.organisation_name = r->organisation_name;
                if (c.people == 0) c.people = r->party_size;
            } else {
                if (c.organisation_id) {
                    if (!im.exists(s, "organisations", *c.organisation_id))
                        throw invalid_reference("organisation",
                                                "no organisation with id " + std::to_string(*c.organisation_id));
                    c.organisation_name.clear();
                } else if (!c.organisation_name.empty()) {
                    c.organisation_id = im.organisation_named(s, c.organisation_name);
                    if (c.organisation_id) c.organisation_name.clear();
                }
                if (c.people == 0) c.people = 1;
                person_key = "walkin:" + detail::unicode_lower(c.name) + "\x1f" +
                             (c.organisation_id ? "#" + std::to_string(*c.organisation_id)
                                                : detail::unicode_lower(c.organisation_name));
            }
            long long existing = 0;
            if (stmt(s, "SELECT id FROM checkins WHERE meeting_id = :m AND person_key = :k")
                    .use(static_cast<long long>(c.meeting_id))
                    .use(person_key)
                    .into(existing)
                    .one())
                return {*im.checkin_where(s, "c.id = :id AND c.meeting_id = :m", existing,
                                          static_cast<long long>(c.meeting_id)),
                        false};
            stmt st(s,
                    "INSERT INTO checkins (meeting_id, rsvp_id, name, person_key, organisation_id, organisation_name, "
                    "people, created_at) VALUES (:m, :r, :n, :k, :o, :on, :p, :c) RETURNING id");
            st.use(static_cast<long long>(c.meeting_id)).use(c.rsvp_id).use(c.name).use(person_key);
            st.use(c.organisation_id).use(c.organisation_name).use(c.people).use(static_cast<long long>(now_unix()));
            long long id = 0;
            st.into(id).one();
            return {*im.checkin_where(s, "c.id = :id AND c.meeting_id = :m", id, static_cast<long long>(c.meeting_id)),
                    true};
        },
        rsvp_write);
}

void store::undo_check_in(id_t meeting_id, id_t checkin_id) {
    auto& im = *impl_;
    im.write(
        [&](soci::session& s, write_context&) {
            im.lock_meeting_for_rsvps(s, meeting_id);
            auto n = stmt(s, "DELETE FROM checkins WHERE id = :id AND meeting_id = :m")
                         .use(static_cast<long long>(checkin_id))
                         .use(static_cast<long long>(meeting_id))
                         .run();
            if (n == 0) throw not_found("no check-in " + std::to_string(checkin_id) + " at this meeting");
        },
        rsvp_write);
}

std::vector<checkin> store::list_checkins(id_t meeting_id) {
    return impl_->read([&](soci::session& s) {
        stmt st(s, std::string(checkin_select) + " WHERE c.meeting_id = :m ORDER BY c.id");
        st.use(static_cast<long long>(meeting_id));
        checkin_row row;
        row.into(st);
        std::vector<checkin> out;
        while (st.next()) out.push_back(row.to_model());
        return out;
    });
}

std::vector<attendance> store::attendance_of(const std::vector<id_t>& meeting_ids) {
    auto& im = *impl_;
    return im.read([&](soci::session& s) {
        std::unordered_map<id_t, attendance> by_id;
        // Organisations per meeting, keyed by id ("#12") or lower-cased free text.
        std::unordered_map<id_t, std::map<std::string, organisation_presence>> orgs;
        auto presence = [&](id_t m, std::optional<id_t> org, const std::string& free_text) -> organisation_presence* {
            if (!org && free_text.empty()) return nullptr;
            auto key = org ? "#" + std::to_string(*org) : detail::unicode_lower(free_text);
            auto& p = orgs[m][key];
            p.organisation_id = org;
            if (!org) p.name = free_text;
            return &p;
        };
        im.for_id_lists(meeting_ids, nullptr, [&](const std::string& in, auto&& bind) {
            {
                stmt st(s, "SELECT id, capacity FROM meetings WHERE id IN (" + in + ")");
                bind(st);
                long long id = 0;
                nullable<int> capacity;
                st.into(id).into(capacity);
                while (st.next()) {
                    auto& a = by_id[id];
                    a.meeting_id = id;
                    a.capacity = capacity.get();
                }
            }
            {
                // Each sign-up once, with whether it was checked in.
                stmt st(s, "SELECT r.meeting_id, r.status, r.party_size, r.organisation_id, r.organisation_name, "
                           "(SELECT COUNT(*) FROM checkins c WHERE c.rsvp_id = r.id) FROM rsvps r WHERE r.meeting_id IN (" +
                               in + ") ORDER BY r.id");
                bind(st);
                long long m = 0, came = 0;
                std::string status, org_name;
                int party = 0;
                nullable<long long> org;
                st.into(m).into(status).into(party).into(org).into(org_name).into(came);
                while (st.next()) {
                    auto& a = by_id[m];
                    auto& count = status == "confirmed" ? a.confirmed : status == "waitlisted" ? a.waitlisted : a.cancelled;
                    ++count.entries;
                    count.people += party;
                    if (status == "confirmed" && came == 0) {
                        ++a.no_shows.entries;
                        a.no_shows.people += party;
                    }
                    if (status != "cancelled")
                        if (auto* p = presence(m, org.get(), org_name)) {
                            ++p->signed_up.entries;
                            p->signed_up.people += party;
                        }
                }
            }
            stmt st(s, "SELECT meeting_id, rsvp_id, organisation_id, organisation_name, people FROM checkins "
                       "WHERE meeting_id IN (" + in + ") ORDER BY id");
            bind(st);
            long long m = 0;
            nullable<long long> rsvp_id, org;
            std::string org_name;
            int people = 0;
            st.into(m).into(rsvp_id).into(org).into(org_name).into(people);
            while (st.next()) {
                auto& a = by_id[m];
                ++a.checked_in.entries;
                a.checked_in.people += people;
                if (!rsvp_id.get()) {
                    ++a.walk_ins.entries;
                    a.walk_ins.people += people;
                }
                if (auto* p = presence(m, org.get(), org_name)) {
                    ++p->attended.entries;
                    p->attended.people += people;
                }
            }
        });
        // Names of the known organisations, in one query per chunk.
        std::vector<id_t> org_ids;
        for (auto& [m, list] : orgs)
            for (auto& [k, p] : list)
                if (p.organisation_id) org_ids.push_back(*p.organisation_id);
        std::sort(org_ids.begin(), org_ids.end());
        org_ids.erase(std::unique(org_ids.begin(), org_ids.end()), org_ids.end());
        std::unordered_map<id_t, std::string> names;
        im.for_id_lists(org_ids, nullptr, [&](const std::string& in, auto&& bind) {
            stmt st(s, "SELECT id, name FROM organisations WHERE id IN (" + in + ")");
            bind(st);
            long long id = 0;
            std::string name;
            st.into(id).into(name);
            while (st.next()) names[id] = name;
        });
        std::vector<attendance> out;
        for (id_t id : meeting_ids) {
            auto it = by_id.find(id);
            if (it == by_id.end() || it->second.meeting_id == 0) continue;
            auto a = it->second;
            for (auto& [k, p] : orgs[id]) {
                if (p.organisation_id) p.name = names.count(*p.organisation_id) ? names[*p.organisation_id] : "";
                a.organisations.push_back(p);
            }
            std::sort(a.organisations.begin(), a.organisations.end(),
                      [](const auto& x, const auto& y) { return x.name < y.name; });
            out.push_back(std::move(a));
        }
        return out;
    });
}

// ----- the outbox ------------------------------------------------------------------------------

namespace {
constexpr write_options outbox_write{.retry_unique = false, .feed_visible = false};

std::vector<outbox_message> read_messages(stmt& st) {
    outbox_row row;
    row.into(st);
    std::vector<outbox_message> out;
    while (st.next()) out.push_back(row.to_model());
    return out;
}
}  // namespace

std::vector<outbox_message> store::claim_messages(const std::string& worker, std::int64_t now,
                                                  std::int64_t lease_seconds, int limit) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            // Due: pending and its time has come, or claimed by a worker that has not finished
            // in time (it crashed, or lost its database connection).
            std::string pick = "SELECT id FROM outbox WHERE (state = 'pending' AND next_attempt_at <= :n1) "
                               "OR (state = 'sending' AND claimed_until < :n2) ORDER BY next_attempt_at, id LIMIT :l";
            if (im.dialect_ == dialect::postgresql) pick += " FOR UPDATE SKIP LOCKED";
            std::vector<long long> ids;
            {
                stmt st(s, pick);
                st.use(static_cast<long long>(now)).use(static_cast<long long>(now)).use(limit);
                long long id = 0;
                st.into(id);
                while (st.next()) ids.push_back(id);
            }
            std::vector<outbox_message> out;
            for (auto id : ids) {
                stmt(s, "UPDATE outbox SET state = 'sending', claimed_until = :u, claimed_by = :w, attempts = attempts + 1 "
                        "WHERE id = :id")
                    .use(static_cast<long long>(now + lease_seconds))
                    .use(worker)
                    .use(id)
                    .run();
                stmt st(s, std::string(outbox_select) + " WHERE o.id = :id");
                st.use(id);
                auto one = read_messages(st);
                if (!one.empty()) out.push_back(std::move(one.front()));
            }
            return out;
        },
        outbox_write);
}

void store::mark_sent(id_t id, std::int64_t now) {
    impl_->write(
        [&](soci::session& s, write_context&) {
            stmt(s, "UPDATE outbox SET state = 'sent', sent_at = :t, link_token = '', claimed_until = NULL, "
                    "last_error = '' WHERE id = :id")
                .use(static_cast<long long>(now))
                .use(static_cast<long long>(id))
                .run();
        },
        outbox_write);
}

void store::mark_retry(id_t id, std::int64_t next_attempt_at, const std::string& error) {
    impl_->write(
        [&](soci::session& s, write_context&) {
            stmt(s, "UPDATE outbox SET state = 'pending', next_attempt_at = :n, claimed_until = NULL, last_error = :e "
                    "WHERE id = :id AND state = 'sending'")
                .use(static_cast<long long>(next_attempt_at))
                .use(error)
                .use(static_cast<long long>(id))
                .run();
        },
        outbox_write);
}

void store::mark_failed(id_t id, const std::string& error) {
    impl_->write(
        [&](soci::session& s, write_context&) {
            stmt(s, "UPDATE outbox SET state = 'failed', claimed_until = NULL, last_error = :e WHERE id = :id")
                .use(error)
                .use(static_cast<long long>(id))
                .run();
        },
        outbox_write);
}

void store::mark_skipped(id_t id, const std::string& reason) {
    impl_->write(
        [&](soci::session& s, write_context&) {
            stmt(s, "UPDATE outbox SET state = 'skipped', claimed_until = NULL, link_token = '', last_error = :e "
                    "WHERE id = :id")
                .use(reason)
                .use(static_cast<long long>(id))
                .run();
        },
        outbox_write);
}

std::optional<outbox_message> store::find_message(id_t id) {
    return impl_->read([&](soci::session& s) -> std::optional<outbox_message> {
        stmt st(s, std::string(outbox_select) + " WHERE o.id = :id");
        st.use(static_cast<long long>(id));
        auto list = read_messages(st);
        if (list.empty()) return std::nullopt;
        return list.front();
    });
}

std::vector<outbox_message> store::list_messages(id_t meeting_id) {
    return impl_->read([&](soci::session& s) {
        stmt st(s, std::string(outbox_select) + " WHERE o.meeting_id = :m ORDER BY o.id");
        st.use(static_cast<long long>(meeting_id));
        return read_messages(st);
    });
}

outbox_message store::resend_message(id_t id, std::int64_t now) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) {
            std::string state;
            if (!stmt(s, "SELECT state FROM outbox WHERE id = :id").use(static_cast<long long>(id)).into(state).one())
                throw not_found("no message with id " + std::to_string(id));
            if (state != "failed" && state != "skipped")
                throw conflict("state", "only a failed or skipped message can be sent again (this one is " + state + ")");
            stmt(s, "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = :n, created_at = :c, "
                    "last_error = '' WHERE id = :id")
                .use(static_cast<long long>(now))
                .use(static_cast<long long>(now))
                .use(static_cast<long long>(id))
                .run();
            stmt st(s, std::string(outbox_select) + " WHERE o.id = :id");
            st.use(static_cast<long long>(id));
            return read_messages(st).front();
        },
        outbox_write);
}

std::vector<std::pair<std::string, std::int64_t>> store::message_counts() {
    return impl_->read([&](soci::session& s) {
        std::vector<std::pair<std::string, std::int64_t>> out;
        stmt st(s, "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state");
        std::string state;
        long long n = 0;
        st.into(state).into(n);
        while (st.next()) out.emplace_back(state, n);
        return out;
    });
}

std::vector<reminder_candidate> store::reminder_candidates(std::int64_t from_utc, std::int64_t to_utc) {
    return impl_->read([&](soci::session& s) {
        stmt st(s, "SELECT m.id, m.type, m.all_day, m.start_local, m.time_zone, m.start_utc, r.offsets "
                   "FROM meetings m LEFT JOIN meeting_reminders r ON r.meeting_id = m.id "
                   "WHERE m.status = 'published' AND m.start_utc > :f AND m.start_utc <= :t "
                   "AND EXISTS (SELECT 1 FROM rsvps x WHERE x.meeting_id = m.id AND x.status = 'confirmed' "
                   "AND x.anonymised_at IS NULL) ORDER BY m.start_utc, m.id");
        st.use(static_cast<long long>(from_utc)).use(static_cast<long long>(to_utc));
        long long id = 0, start_utc = 0;
        std::string type, start_local, tz;
        int all_day = 0;
        nullable<std::string> offsets;
        st.into(id).into(type).into(all_day).into(start_local).into(tz).into(start_utc).into(offsets);
        std::vector<reminder_candidate> out;
        while (st.next()) {
            reminder_candidate c;
            c.meeting_id = id;
            c.type = type;
            c.all_day = all_day != 0;
            c.start_local = start_local;
            c.time_zone = tz;
            c.start_utc = start_utc;
            if (auto o = offsets.get()) c.offsets = split_offsets(*o);
            out.push_back(std::move(c));
        }
        return out;
    });
}

int store::plan_reminder(id_t meeting_id, std::int64_t start_utc, std::int64_t offset_seconds,
                         std::int64_t due_utc, bool skip, std::int64_t now) {
    auto& im = *impl_;
    return im.write(
        [&](soci::session& s, write_context&) -> int {
            // Under the meeting's lock, like every sign-up write: the confirmed list cannot
            // change meanwhile, and two instances planning at once do it once.
            auto gate = im.lock_meeting_for_rsvps(s, meeting_id);
            long long planned = 0;
            stmt(s, "SELECT COUNT(*) FROM reminder_plans WHERE meeting_id = :m AND start_utc = :s AND offset_seconds = :o")
                .use(static_cast<long long>(meeting_id))
                .use(static_cast<long long>(start_utc))
                .use(static_cast<long long>(offset_seconds))
                .into(planned)
                .one();
            if (planned) return -1;
            stmt(s, "INSERT INTO reminder_plans (meeting_id, start_utc, offset_seconds, planned_at, skipped) "
                    "VALUES (:m, :s, :o, :p, :k)")
                .use(static_cast<long long>(meeting_id))
                .use(static_cast<long long>(start_utc))
                .use(static_cast<long long>(offset_seconds))
                .use(static_cast<long long>(now))
                .use(skip ? 1 : 0)
                .run();
            // The meeting moved since the planner read it, or is no longer published: nothing.
            if (skip || gate.status != "published" || gate.start_utc != start_utc) return 0;
            stmt st(s, std::string(rsvp_select) +
                           " WHERE r.meeting_id = :m AND r.status = 'confirmed' AND r.anonymised_at IS NULL "
                           "AND r.created_at <= :d ORDER BY r.id");
            st.use(static_cast<long long>(meeting_id)).use(static_cast<long long>(due_utc));
            rsvp_row row;
            row.into(st);
            std::vector<rsvp> list;
            while (st.next()) list.push_back(row.to_model());
            for (const auto& r : list)
                im.enqueue(s, "reminder", r,
                           "reminder:" + std::to_string(r.id) + ":" + std::to_string(start_utc) + ":" +
                               std::to_string(offset_seconds),
                           true);
            return static_cast<int>(list.size());
        },
        outbox_write);
}

void store::set_meeting_reminders(id_t meeting_id, std::optional<std::vector<std::int64_t>> offsets) {
    auto& im = *impl_;
    im.write(
        [&](soci::session& s, write_context&) {
            if (!im.exists(s, "meetings", meeting_id)) throw not_found("no meeting with id " + std::to_string(meeting_id));
            stmt(s, "DELETE FROM meeting_reminders WHERE meeting_id = :m").use(static_cast<long long>(meeting_id)).run();
            if (offsets)
                stmt(s, "INSERT INTO meeting_reminders (meeting_id, offsets) VALUES (:m, :o)")
                    .use(static_cast<long long>(meeting_id))
                    .use(join_offsets(*offsets))
                    .run();
        },
        outbox_write);
}

std::optional<std::vector<std::int64_t>> store::meeting_reminders(id_t meeting_id) {
    return impl_->read([&](soci::session& s) -> std::optional<std::vector<std::int64_t>> {
        std::string offsets;
        if (!stmt(s, "SELECT offsets FROM meeting_reminders WHERE meeting_id = :m")
                 .use(static_cast<long long>(meeting_id))
                 .into(offsets)
                 .one())
            return std::nullopt;
        return split_offsets(offsets);
    });
}

// ----- testing ---------------------------------------------------------------------------------

std::uint64_t testing::statements_started() { return statements_started_count.load(std::memory_order_relaxed); }

}  // namespace kal::db
