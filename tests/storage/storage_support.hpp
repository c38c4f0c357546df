#pragma once
// Shared pieces of the storage suite (one binary, storage_tests, run as storage.sqlite and
// storage.postgresql): a fresh migrated database per test, a test clock, and `calls`, which runs
// each repository call as a unit of work of its own, the way most single requests do. Tests
// that are about units of work themselves (several writes in one, what a unit returns, counted
// transactions) use the database directly.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <set>
#include <cstdint>
#include <limits>
#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kal/db/api_tokens.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/database.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/feeds.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/outbox.hpp"
#include "kal/db/personal_data.hpp"
#include "kal/db/reminders.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/db/testing.hpp"
#include "test_db.hpp"

namespace kal::db {
// Boost.Test prints the values of a failed comparison: enumerations as their stored text.
template <class E>
    requires std::is_enum_v<E> && requires(E e) { to_text(e); }
std::ostream& operator<<(std::ostream& out, E value) {
    return out << to_text(value);
}
}  // namespace kal::db

// Inside kal::db, so the suite names db's types unqualified without a using-directive in a header.
namespace kal::db::storage_test {

using kal::test::count_rows;
namespace db = kal::db;
using db_id = kal::db::id_t;  // ::id_t of <sys/types.h> makes plain id_t ambiguous here

inline constexpr std::int64_t t0 = 1767258000;  // 2026-01-01 09:00 UTC
inline constexpr std::int64_t hour = 3600;
inline constexpr std::int64_t day = 24 * hour;
inline constexpr int latest_schema = 13;  // the highest NNNN of db/migrations/*/
// How many migrations there are.
inline constexpr int applied_migrations = 13;
// The test clock's default: a day before the meetings at t0, so sign-ups to them are open.
inline constexpr std::int64_t before_start = t0 - day;

std::string current_test_name();

// How many meetings have kept sign-up counts (schema 0012's meeting_sign_up_counts, which the
// sign-up decides by) other than a count of their sign-ups says, or none at all.
std::int64_t meetings_counted_wrong(const std::string& url);

// How many meetings have kept network or document texts (schema 0013's linked_networks and
// linked_documents, which lists and single meetings are read from) other than their rows in
// meeting_networks and meeting_documents say: as many items, and each row's item among them.
std::int64_t meetings_linked_wrong(const std::string& url);

// Opened and migrated (up_to: to that version only, for tests of upgrades).
std::unique_ptr<database> open_database(const std::string& url, std::size_t pool = 8,
                                        int up_to = std::numeric_limits<int>::max());

// Each call one unit of work, written at `now` (the test clock).
class calls {
public:
    explicit calls(database& db) : db_(db) {}
    database& db() { return db_; }
    instant now = before_start;

    template <class F>
    auto write(F&& fn) {
        return db_.write(now, std::forward<F>(fn));
    }
    template <class F>
    auto read(F&& fn) {
        return db_.read(std::forward<F>(fn));
    }

    int migrate() { return db_.migrate(); }
    int schema_version() { return db_.schema_version(); }
    void ping() { db_.ping(); }
    std::size_t pool_in_use() { return db_.pool_in_use(); }
    std::int64_t change_counter();

    organisation create_organisation(const organisation& o);
    std::optional<organisation> find_organisation(db_id id);
    std::optional<organisation> find_organisation_by_slug(const std::string& slug);
    organisation update_organisation(const organisation& o);
    void delete_organisation(db_id id);
    page<organisation> list_organisations(const organisation_filter& f);
    network create_network(const network& n);
    std::optional<network> find_network(db_id id);
    std::optional<network> find_network_by_slug(const std::string& slug);
    network update_network(const network& n);
    void delete_network(db_id id);
    page<network> list_networks(const network_filter& f);
    venue create_venue(const venue& v);
    std::optional<venue> find_venue(db_id id);
    std::optional<venue> find_venue_by_slug(const std::string& slug);
    venue update_venue(const venue& v);
    void delete_venue(db_id id);
    page<venue> list_venues(const venue_filter& f);

    meeting create_meeting(const meeting& m, venue_overlap overlap);
    std::optional<meeting> find_meeting(db_id id);
    std::optional<meeting> find_meeting_by_uid(const std::string& uid);
    meeting_change update_meeting(const meeting& m, venue_overlap overlap);
    meeting_change cancel_meeting(db_id id);
    meeting_removal delete_meeting(db_id id);
    page<meeting> list_meetings(const meeting_filter& f);
    series create_series(const series& s, const std::vector<occurrence>& o, venue_overlap overlap);
    std::optional<series> find_series(db_id id);
    series_change update_series(const series& s, const std::vector<occurrence>& o, venue_overlap overlap);
    series_removal delete_series(db_id id);
    page<series> list_series(const series_filter& f);

    feed_snapshot load_feed(const feed_filter& f);  // in a snapshot unit
    feed_token create_feed_token(const feed_token& t, const std::string& hash);
    std::optional<feed_token> find_feed_token_by_hash(const std::string& hash);
    std::optional<feed_token> find_feed_token(db_id id);
    feed_token rotate_feed_token(db_id id, const std::string& hash);
    void revoke_feed_token(db_id id);
    std::vector<feed_token> list_feed_tokens(std::optional<db_id> organisation_id);

    api_token create_token(const api_token& t, const std::string& hash);
    std::optional<api_token> find_token_by_hash(const std::string& hash);
    void revoke_token(db_id id);
    std::vector<api_token> list_tokens();

    sign_up_result sign_up(const rsvp& r, const std::string& hash, signed_up_by by = signed_up_by::holder);
    std::optional<rsvp> find_rsvp(db_id id);
    std::optional<rsvp> find_rsvp_by_token_hash(const std::string& hash);
    rsvp_update update_rsvp(db_id id, int party_size, const std::string& needs);
    rsvp_cancellation cancel_rsvp(db_id id);
    waitlist_move confirm_from_waitlist(db_id id);
    std::vector<rsvp> list_rsvps(db_id meeting_id, const std::vector<rsvp_status>& statuses,
                                 std::optional<db_id> organisation_id);
    void set_meeting_quota(db_id meeting_id, std::optional<int> per_organisation);
    std::optional<int> meeting_quota(db_id meeting_id);
    std::vector<rsvp> promote_waitlist(db_id meeting_id);

    check_in_result check_in(const checkin& c);
    void undo_check_in(db_id meeting_id, db_id checkin_id);
    std::vector<checkin> list_checkins(db_id meeting_id);
    std::vector<meeting_attendance> attendance_of(const std::vector<db_id>& meeting_ids);

    personal_record personal_data_of(const std::string& email);
    erasure erase_rsvps_of(const std::string& email);
    erasure erase_rsvp(db_id id);
    int anonymise_rsvps_before(instant ended_before);

    bool enqueue(const new_message& m);
    std::vector<outbox_message> claim_messages(const std::string& worker, std::int64_t lease_seconds, int limit);
    void mark_sent(db_id id);
    void mark_retry(db_id id, instant next_attempt_at, const std::string& error);
    void mark_failed(db_id id, const std::string& error);
    std::optional<outbox_message> find_message(db_id id);
    std::vector<outbox_message> list_messages(db_id meeting_id);
    outbox_message resend_message(db_id id);
    std::vector<std::pair<message_state, std::int64_t>> message_counts();

    std::vector<reminder_candidate> reminder_candidates(instant from, instant to);
    std::optional<reminder_batch> plan_reminder(const reminder_key& key, instant due, bool skip, db_id after = 0,
                                                std::size_t limit = std::numeric_limits<std::size_t>::max());
    void set_meeting_reminders(db_id meeting_id, const std::optional<std::vector<std::int64_t>>& offsets);
    std::optional<std::vector<std::int64_t>> meeting_reminders(db_id meeting_id);

private:
    database& db_;
};

// A fresh, migrated database for the running test.
struct fresh_store {
    std::string url = kal::test::fresh_database_url(current_test_name());
    std::unique_ptr<database> database_ = open_database(url);
    std::unique_ptr<calls> db = std::make_unique<calls>(*database_);

    db_id org(const std::string& name = "Föreningen Ödegärdet");
    db_id place(const std::string& name = "Träffpunkt Norrby");
    db_id net(const std::string& name = "Områdesnätverk Norr");
    // Closes the database (the test may then change the file or open it again).
    void close() {
        db.reset();
        database_.reset();
    }
};

meeting at(db_id organisation_id, std::int64_t start, std::int64_t end, std::optional<db_id> venue_id = {},
           meeting_status status = meeting_status::published, std::string title = "FRÖ-möte");

std::vector<db_id> ids_of(const page<meeting>& p);
std::vector<db_id> ids_of(const std::vector<meeting>& ms);
std::vector<db_id> ids_of(const std::vector<rsvp>& rs);
template <class T>
std::vector<db_id> ids_of_all(const std::vector<T>& items) {
    std::vector<db_id> out;
    for (const auto& x : items) out.push_back(x.id);
    return out;
}

// Runs work(0..total-1) on `threads` threads.
template <class F>
void run_concurrently(int threads, int total, F work) {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = next++; i < total; i = next++) work(i);
        });
    for (auto& t : pool) t.join();
}

// Runs one statement on the test's database with a connection of its own, bypassing db/.
void run_sql(const std::string& url, const std::string& sql);
// The same, for a statement the database may refuse: whether it ran.
bool try_sql(const std::string& url, const std::string& sql);

// Weekly occurrences from t0 (2026-01-01 10:00 local), each two hours; `skip` leaves one out.
std::vector<occurrence> weekly(int count, int skip = -1);
series template_series(db_id org, std::optional<db_id> venue, std::vector<db_id> nets = {});

// ---- sign-ups -----------------------------------------------------------------------------------

std::string fresh_token_hash();
rsvp person(db_id meeting_id, const std::string& email, int party_size = 1, std::optional<db_id> organisation_id = {});
// Signs up at the test clock's `now` (before_start unless the test moved it).
sign_up_result sign(calls& db, db_id meeting_id, const std::string& email, int party_size = 1,
                    std::optional<db_id> organisation_id = {});
// A confirmed sign-up as a service before schema 0010 wrote it, its row only: for a database
// migrated to an older version, where the store's sign_up cannot run (on PostgreSQL it calls
// kal_sign_up, which 0010 adds).
rsvp sign_before_0010(calls& db, const std::string& url, db_id meeting_id, const std::string& email);
db_id meeting_with_capacity(fresh_store& f, std::optional<int> capacity);
std::vector<rsvp> with_status(calls& db, db_id meeting_id, rsvp_status status);
int people(const std::vector<rsvp>& rs);
std::vector<int> positions(const std::vector<rsvp>& waitlisted);  // waitlist positions in list order
std::vector<int> one_to(int n);

template <class F>
void expect_refusal(F&& call, sign_up_refusal reason) {
    try {
        call();
        BOOST_ERROR("the sign-up was not refused");
    } catch (const sign_up_refused& e) {
        BOOST_TEST(static_cast<int>(e.reason) == static_cast<int>(reason));
    }
}

// The field of the error of type E (invalid_reference, invalid_value, conflict) `call` throws, or
// "(accepted)".
template <class E, class F>
std::string field_of(F&& call) {
    try {
        call();
    } catch (const E& e) {
        return e.field;
    }
    return "(accepted)";
}

template <class F>
std::string reference_field_of(F&& call) {
    return field_of<invalid_reference>(std::forward<F>(call));
}

}  // namespace kal::db::storage_test
