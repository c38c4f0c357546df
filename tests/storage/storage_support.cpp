#include "storage_support.hpp"

#include <libpq-fe.h>
#include <soci/soci.h>

#include <cstdio>

namespace kal::db::storage_test {
using namespace std::chrono_literals;  // in this source file only

std::string current_test_name() { return boost::unit_test::framework::current_test_case().p_name; }

std::int64_t meetings_counted_wrong(const std::string& url) {
    return std::stoll(kal::test::first_text(
        url,
        "SELECT CAST(COUNT(*) AS TEXT) FROM meetings m LEFT JOIN meeting_sign_up_counts c ON c.meeting_id = m.id "
        "WHERE m.id > :value AND (c.meeting_id IS NULL "
        "OR c.waitlisted <> (SELECT COUNT(*) FROM rsvps r WHERE r.meeting_id = m.id AND r.status = 'waitlisted') "
        "OR c.confirmed_seats <> (SELECT COALESCE(SUM(r.party_size), 0) FROM rsvps r "
        "WHERE r.meeting_id = m.id AND r.status = 'confirmed'))",
        0));
}

std::int64_t meetings_linked_wrong(const std::string& url) {
    // The meetings whose kept texts do not list exactly their links: as many comma-separated
    // items ('' is none) as link rows, and each row's item among them (hex and digits hold no
    // comma, '%' or '_'). The dialects differ only in how a document's item is spelled, as each
    // one's trigger writes it (schema 0013).
    static const char* const on_sqlite = R"sql(
SELECT CAST(COUNT(*) AS TEXT) FROM meetings m WHERE m.id > :value
  AND ((CASE WHEN m.linked_networks = '' THEN 0 ELSE LENGTH(m.linked_networks) - LENGTH(REPLACE(m.linked_networks, ',', '')) + 1 END)
         <> (SELECT COUNT(*) FROM meeting_networks mn WHERE mn.meeting_id = m.id)
    OR EXISTS (SELECT 1 FROM meeting_networks mn WHERE mn.meeting_id = m.id
               AND ',' || m.linked_networks || ',' NOT LIKE '%,' || CAST(mn.network_id AS TEXT) || ',%')
    OR (CASE WHEN m.linked_documents = '' THEN 0 ELSE LENGTH(m.linked_documents) - LENGTH(REPLACE(m.linked_documents, ',', '')) + 1 END)
         <> (SELECT COUNT(*) FROM meeting_documents d WHERE d.meeting_id = m.id)
    OR EXISTS (SELECT 1 FROM meeting_documents d WHERE d.meeting_id = m.id
               AND ',' || m.linked_documents || ',' NOT LIKE '%,' || d.sort_order || ':' || hex(d.title) || ':' || hex(d.url) || ',%')))sql";
    static const char* const on_postgresql = R"sql(
SELECT CAST(COUNT(*) AS TEXT) FROM meetings m WHERE m.id > :value
  AND ((CASE WHEN m.linked_networks = '' THEN 0 ELSE LENGTH(m.linked_networks) - LENGTH(REPLACE(m.linked_networks, ',', '')) + 1 END)
         <> (SELECT COUNT(*) FROM meeting_networks mn WHERE mn.meeting_id = m.id)
    OR EXISTS (SELECT 1 FROM meeting_networks mn WHERE mn.meeting_id = m.id
               AND ',' || m.linked_networks || ',' NOT LIKE '%,' || CAST(mn.network_id AS TEXT) || ',%')
    OR (CASE WHEN m.linked_documents = '' THEN 0 ELSE LENGTH(m.linked_documents) - LENGTH(REPLACE(m.linked_documents, ',', '')) + 1 END)
         <> (SELECT COUNT(*) FROM meeting_documents d WHERE d.meeting_id = m.id)
    OR EXISTS (SELECT 1 FROM meeting_documents d WHERE d.meeting_id = m.id
               AND ',' || m.linked_documents || ',' NOT LIKE '%,' || CAST(d.sort_order AS TEXT) || ':' || encode(convert_to(d.title, 'UTF8'), 'hex') || ':' || encode(convert_to(d.url, 'UTF8'), 'hex') || ',%')))sql";
    return std::stoll(kal::test::first_text(url, url.starts_with("postgresql") ? on_postgresql : on_sqlite, 0));
}

std::unique_ptr<database> open_database(const std::string& url, std::size_t pool, int up_to) {
    database_options o;
    o.url = url;
    o.pool_size = pool;
    o.lease_timeout = 30s;
    auto db = std::make_unique<database>(o);
    db->migrate(up_to);
    return db;
}

// ---- calls --------------------------------------------------------------------------------------

std::int64_t calls::change_counter() {
    return read([](unit_of_work& w) { return feeds{w}.change_counter(); });
}

organisation calls::create_organisation(const organisation& o) {
    return write([&](unit_of_work& w) { return organisations{w}.create(o); });
}
std::optional<organisation> calls::find_organisation(db_id id) {
    return read([&](unit_of_work& w) { return organisations{w}.find(id); });
}
std::optional<organisation> calls::find_organisation_by_slug(const std::string& slug) {
    return read([&](unit_of_work& w) { return organisations{w}.find_by_slug(slug); });
}
organisation calls::update_organisation(const organisation& o) {
    return write([&](unit_of_work& w) { return organisations{w}.update(o); });
}
void calls::delete_organisation(db_id id) {
    write([&](unit_of_work& w) { organisations{w}.remove(id); });
}
page<organisation> calls::list_organisations(const organisation_filter& f) {
    return read([&](unit_of_work& w) { return organisations{w}.list(f); });
}
network calls::create_network(const network& n) {
    return write([&](unit_of_work& w) { return networks{w}.create(n); });
}
std::optional<network> calls::find_network(db_id id) {
    return read([&](unit_of_work& w) { return networks{w}.find(id); });
}
std::optional<network> calls::find_network_by_slug(const std::string& slug) {
    return read([&](unit_of_work& w) { return networks{w}.find_by_slug(slug); });
}
network calls::update_network(const network& n) {
    return write([&](unit_of_work& w) { return networks{w}.update(n); });
}
void calls::delete_network(db_id id) {
    write([&](unit_of_work& w) { networks{w}.remove(id); });
}
page<network> calls::list_networks(const network_filter& f) {
    return read([&](unit_of_work& w) { return networks{w}.list(f); });
}
venue calls::create_venue(const venue& v) {
    return write([&](unit_of_work& w) { return venues{w}.create(v); });
}
std::optional<venue> calls::find_venue(db_id id) {
    return read([&](unit_of_work& w) { return venues{w}.find(id); });
}
std::optional<venue> calls::find_venue_by_slug(const std::string& slug) {
    return read([&](unit_of_work& w) { return venues{w}.find_by_slug(slug); });
}
venue calls::update_venue(const venue& v) {
    return write([&](unit_of_work& w) { return venues{w}.update(v); });
}
void calls::delete_venue(db_id id) {
    write([&](unit_of_work& w) { venues{w}.remove(id); });
}
page<venue> calls::list_venues(const venue_filter& f) {
    return read([&](unit_of_work& w) { return venues{w}.list(f); });
}

meeting calls::create_meeting(const meeting& m, venue_overlap overlap) {
    return write([&](unit_of_work& w) { return meetings{w}.create(m, overlap); });
}
std::optional<meeting> calls::find_meeting(db_id id) {
    return read([&](unit_of_work& w) { return meetings{w}.find(id); });
}
std::optional<meeting> calls::find_meeting_by_uid(const std::string& uid) {
    return read([&](unit_of_work& w) { return meetings{w}.find_by_uid(uid); });
}
meeting_change calls::update_meeting(const meeting& m, venue_overlap overlap) {
    return write([&](unit_of_work& w) { return meetings{w}.update(m, overlap); });
}
meeting_change calls::cancel_meeting(db_id id) {
    return write([&](unit_of_work& w) { return meetings{w}.cancel(id); });
}
meeting_removal calls::delete_meeting(db_id id) {
    return write([&](unit_of_work& w) { return meetings{w}.remove(id); });
}
page<meeting> calls::list_meetings(const meeting_filter& f) {
    return read([&](unit_of_work& w) { return meetings{w}.list(f); });
}
series calls::create_series(const series& s, const std::vector<occurrence>& o, venue_overlap overlap) {
    return write([&](unit_of_work& w) { return meetings{w}.create_series(s, o, overlap); });
}
std::optional<series> calls::find_series(db_id id) {
    return read([&](unit_of_work& w) { return meetings{w}.find_series(id); });
}
series_change calls::update_series(const series& s, const std::vector<occurrence>& o, venue_overlap overlap) {
    return write([&](unit_of_work& w) { return meetings{w}.update_series(s, o, overlap); });
}
series_removal calls::delete_series(db_id id) {
    return write([&](unit_of_work& w) { return meetings{w}.remove_series(id); });
}
page<series> calls::list_series(const series_filter& f) {
    return read([&](unit_of_work& w) { return meetings{w}.list_series(f); });
}

feed_snapshot calls::load_feed(const feed_filter& f) {
    return db_.snapshot([&](unit_of_work& w) { return feeds{w}.load(f); });
}
feed_token calls::create_feed_token(const feed_token& t, const std::string& hash) {
    return write([&](unit_of_work& w) { return feeds{w}.create_token(t, hash); });
}
std::optional<feed_token> calls::find_feed_token_by_hash(const std::string& hash) {
    return read([&](unit_of_work& w) { return feeds{w}.find_token_by_hash(hash); });
}
std::optional<feed_token> calls::find_feed_token(db_id id) {
    return read([&](unit_of_work& w) { return feeds{w}.find_token(id); });
}
feed_token calls::rotate_feed_token(db_id id, const std::string& hash) {
    return write([&](unit_of_work& w) { return feeds{w}.rotate_token(id, hash); });
}
void calls::revoke_feed_token(db_id id) {
    write([&](unit_of_work& w) { feeds{w}.revoke_token(id); });
}
std::vector<feed_token> calls::list_feed_tokens(std::optional<db_id> organisation_id) {
    return read([&](unit_of_work& w) { return feeds{w}.list_tokens(organisation_id); });
}

api_token calls::create_token(const api_token& t, const std::string& hash) {
    return write([&](unit_of_work& w) { return api_tokens{w}.create(t, hash); });
}
std::optional<api_token> calls::find_token_by_hash(const std::string& hash) {
    return read([&](unit_of_work& w) { return api_tokens{w}.find_by_hash(hash); });
}
void calls::revoke_token(db_id id) {
    write([&](unit_of_work& w) { api_tokens{w}.revoke(id); });
}
std::vector<api_token> calls::list_tokens() {
    return read([&](unit_of_work& w) { return api_tokens{w}.list(); });
}

sign_up_result calls::sign_up(const rsvp& r, const std::string& hash, signed_up_by by) {
    return write([&](unit_of_work& w) { return rsvps{w}.sign_up(r, hash, by); });
}
std::optional<rsvp> calls::find_rsvp(db_id id) {
    return read([&](unit_of_work& w) { return rsvps{w}.find(id); });
}
std::optional<rsvp> calls::find_rsvp_by_token_hash(const std::string& hash) {
    return read([&](unit_of_work& w) { return rsvps{w}.find_by_token_hash(hash); });
}
rsvp_update calls::update_rsvp(db_id id, int party_size, const std::string& needs) {
    return write([&](unit_of_work& w) { return rsvps{w}.update(id, party_size, needs); });
}
rsvp_cancellation calls::cancel_rsvp(db_id id) {
    return write([&](unit_of_work& w) { return rsvps{w}.cancel(id); });
}
waitlist_move calls::confirm_from_waitlist(db_id id) {
    return write([&](unit_of_work& w) { return rsvps{w}.confirm_from_waitlist(id); });
}
std::vector<rsvp> calls::list_rsvps(db_id meeting_id, const std::vector<rsvp_status>& statuses,
                                    std::optional<db_id> organisation_id) {
    return read([&](unit_of_work& w) { return rsvps{w}.list(meeting_id, statuses, organisation_id); });
}
void calls::set_meeting_quota(db_id meeting_id, std::optional<int> per_organisation) {
    write([&](unit_of_work& w) { rsvps{w}.set_quota(meeting_id, per_organisation); });
}
std::optional<int> calls::meeting_quota(db_id meeting_id) {
    return read([&](unit_of_work& w) { return rsvps{w}.quota(meeting_id); });
}
std::vector<rsvp> calls::promote_waitlist(db_id meeting_id) {
    return write([&](unit_of_work& w) { return rsvps{w}.promote_waitlist(meeting_id); });
}

check_in_result calls::check_in(const checkin& c) {
    return write([&](unit_of_work& w) { return attendance{w}.check_in(c); });
}
void calls::undo_check_in(db_id meeting_id, db_id checkin_id) {
    write([&](unit_of_work& w) { attendance{w}.undo_check_in(meeting_id, checkin_id); });
}
std::vector<checkin> calls::list_checkins(db_id meeting_id) {
    return read([&](unit_of_work& w) { return attendance{w}.list(meeting_id); });
}
std::vector<meeting_attendance> calls::attendance_of(const std::vector<db_id>& meeting_ids) {
    return read([&](unit_of_work& w) { return attendance{w}.of(meeting_ids); });
}

personal_record calls::personal_data_of(const std::string& email) {
    return read([&](unit_of_work& w) { return personal_data{w}.of(email); });
}
erasure calls::erase_rsvps_of(const std::string& email) {
    return write([&](unit_of_work& w) { return personal_data{w}.erase_address(email); });
}
erasure calls::erase_rsvp(db_id id) {
    return write([&](unit_of_work& w) { return personal_data{w}.erase_rsvp(id); });
}
int calls::anonymise_rsvps_before(instant ended_before) {
    return write([&](unit_of_work& w) { return personal_data{w}.anonymise_ended_before(ended_before); });
}

bool calls::enqueue(const new_message& m) {
    return write([&](unit_of_work& w) { return outbox{w}.enqueue(m); });
}
std::vector<outbox_message> calls::claim_messages(const std::string& worker, std::int64_t lease_seconds, int limit) {
    return write([&](unit_of_work& w) { return outbox{w}.claim(worker, lease_seconds, limit); });
}
void calls::mark_sent(db_id id) {
    write([&](unit_of_work& w) { outbox{w}.mark_sent(id); });
}
void calls::mark_retry(db_id id, instant next_attempt_at, const std::string& error) {
    write([&](unit_of_work& w) { outbox{w}.mark_retry(id, next_attempt_at, error); });
}
void calls::mark_failed(db_id id, const std::string& error) {
    write([&](unit_of_work& w) { outbox{w}.mark_failed(id, error); });
}
std::optional<outbox_message> calls::find_message(db_id id) {
    return read([&](unit_of_work& w) { return outbox{w}.find(id); });
}
std::vector<outbox_message> calls::list_messages(db_id meeting_id) {
    return read([&](unit_of_work& w) { return outbox{w}.list(meeting_id); });
}
outbox_message calls::resend_message(db_id id) {
    return write([&](unit_of_work& w) { return outbox{w}.resend(id); });
}
std::vector<std::pair<message_state, std::int64_t>> calls::message_counts() {
    return read([&](unit_of_work& w) { return outbox{w}.counts(); });
}

std::vector<reminder_candidate> calls::reminder_candidates(instant from, instant to) {
    return read([&](unit_of_work& w) { return reminders{w}.candidates(from, to); });
}
std::optional<reminder_batch> calls::plan_reminder(const reminder_key& key, instant due, bool skip, db_id after,
                                                   std::size_t limit) {
    return write([&](unit_of_work& w) { return reminders{w}.plan(key, due, skip, after, limit); });
}
void calls::set_meeting_reminders(db_id meeting_id, const std::optional<std::vector<std::int64_t>>& offsets) {
    write([&](unit_of_work& w) { reminders{w}.set_offsets(meeting_id, offsets); });
}
std::optional<std::vector<std::int64_t>> calls::meeting_reminders(db_id meeting_id) {
    return read([&](unit_of_work& w) { return reminders{w}.offsets(meeting_id); });
}

// ---- fixtures and helpers -------------------------------------------------------------------------

db_id fresh_store::org(const std::string& name) {
    organisation o;
    o.name = name;
    return db->create_organisation(o).id;
}

db_id fresh_store::place(const std::string& name) {
    venue v;
    v.name = name;
    return db->create_venue(v).id;
}

db_id fresh_store::net(const std::string& name) {
    network n;
    n.name = name;
    return db->create_network(n).id;
}

meeting at(db_id organisation_id, std::int64_t start, std::int64_t end, std::optional<db_id> venue_id,
           meeting_status status, std::string title) {
    meeting m;
    m.type = meeting_type::fro;
    m.title = std::move(title);
    m.start_local = "2026-01-01T10:00:00";
    m.end_local = "2026-01-01T12:00:00";
    m.start_utc = start;
    m.end_utc = end;
    m.venue_id = venue_id;
    m.organisation_id = organisation_id;
    m.status = status;
    return m;
}

std::vector<db_id> ids_of(const page<meeting>& p) { return ids_of(p.items); }

std::vector<db_id> ids_of(const std::vector<meeting>& ms) {
    std::vector<db_id> out;
    for (const auto& m : ms) out.push_back(m.id);
    return out;
}

std::vector<db_id> ids_of(const std::vector<rsvp>& rs) {
    std::vector<db_id> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
}

namespace {

// Runs the statement; the database's error message when it refused it, else nullopt.
std::optional<std::string> sql_refusal(const std::string& url, const std::string& sql) {
    if (url.rfind("sqlite:", 0) == 0) {
        soci::session s("sqlite3", "db=\"" + url.substr(7) + "\"");
        s << "PRAGMA foreign_keys=ON";
        try {
            s << sql;
        } catch (const soci::soci_error& e) {
            return std::string(e.what());
        }
        return std::nullopt;
    }
    PGconn* c = PQconnectdb(url.c_str());
    BOOST_REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (ok) return std::nullopt;
    return message;
}

}  // namespace

void run_sql(const std::string& url, const std::string& sql) {
    auto refused = sql_refusal(url, sql);
    BOOST_REQUIRE_MESSAGE(!refused, sql + ": " + refused.value_or(""));
}

bool try_sql(const std::string& url, const std::string& sql) { return !sql_refusal(url, sql); }

std::vector<occurrence> weekly(int count, int skip) {
    std::vector<occurrence> out;
    for (int i = 0; i < count; ++i) {
        if (i == skip) continue;
        occurrence o;
        char day_text[32];
        std::snprintf(day_text, sizeof day_text, "2026-01-%02dT10:00:00", 1 + 7 * i);
        o.recurrence_id = day_text;
        o.start_local = o.recurrence_id;
        o.end_local = o.recurrence_id.substr(0, 11) + "12:00:00";
        o.start_utc = t0 + i * 7 * 24 * hour;
        o.end_utc = o.start_utc + 2 * hour;
        out.push_back(o);
    }
    return out;
}

series template_series(db_id org, std::optional<db_id> venue, std::vector<db_id> nets) {
    series s;
    static_cast<meeting_fields&>(s.fields) = at(org, t0, t0 + 2 * hour, venue);
    s.fields.title = "Veckoträff";
    s.fields.network_ids = std::move(nets);
    s.fields.documents = {{"Stadgar", "https://example.org/stadgar"}};
    s.rrule = "FREQ=WEEKLY;COUNT=4";
    return s;
}

namespace {
std::atomic<int> token_counter{0};
}

std::string fresh_token_hash() { return "rsvp-hash-" + std::to_string(++token_counter); }

rsvp person(db_id meeting_id, const std::string& email, int party_size, std::optional<db_id> organisation_id) {
    rsvp r;
    r.meeting_id = meeting_id;
    r.name = "Namn " + email;
    r.email = email;
    r.party_size = party_size;
    r.organisation_id = organisation_id;
    return r;
}

sign_up_result sign(calls& db, db_id meeting_id, const std::string& email, int party_size,
                    std::optional<db_id> organisation_id) {
    return db.sign_up(person(meeting_id, email, party_size, organisation_id), fresh_token_hash());
}

rsvp sign_before_0010(calls& db, const std::string& url, db_id meeting_id, const std::string& email) {
    const auto now = std::to_string(db.now);
    run_sql(url,
            "INSERT INTO rsvps (meeting_id, name, email, email_key, organisation_name, party_size, needs, language, "
            "status, token_hash, created_at, updated_at) VALUES (" +
                std::to_string(meeting_id) + ", 'Deltagare', '" + email + "', lower('" + email + "'), '', 1, '', 'sv', " +
                "'confirmed', '" + fresh_token_hash() + "', " + now + ", " + now + ")");
    for (const auto& r : db.list_rsvps(meeting_id, {}, std::nullopt))
        if (r.email == email) return r;
    throw std::runtime_error("sign_before_0010: the row was not written");
}

db_id meeting_with_capacity(fresh_store& f, std::optional<int> capacity) {
    auto m = at(f.org("Arrangör " + std::to_string(++token_counter)), t0, t0 + 2 * hour);
    m.capacity = capacity;
    return f.db->create_meeting(m, venue_overlap::refuse).id;
}

std::vector<rsvp> with_status(calls& db, db_id meeting_id, rsvp_status status) {
    return db.list_rsvps(meeting_id, {status}, std::nullopt);
}

int people(const std::vector<rsvp>& rs) {
    int n = 0;
    for (const auto& r : rs) n += r.party_size;
    return n;
}

std::vector<int> positions(const std::vector<rsvp>& waitlisted) {
    std::vector<int> out;
    for (const auto& r : waitlisted) out.push_back(r.waitlist_position.value_or(-1));
    return out;
}

std::vector<int> one_to(int n) {
    std::vector<int> out;
    for (int i = 1; i <= n; ++i) out.push_back(i);
    return out;
}

}  // namespace kal::db::storage_test
