// The API's two writers of a meeting (service/api/src/meeting_json.hpp) give the same bytes:
// json_writer straight into the answer, which the hot reads use (issue 13, item 3), and the
// boost::json DOM that the other answers use, in its own memory or in a monotonic arena. Checked
// on every meeting of the demo data and on meetings made of every awkward character. A disabled
// case times the three (`api_json_tests --run_test=the_three_writers_timed`; bench/run.sh runs it).
#define BOOST_TEST_MODULE api_json
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

#include "common.hpp"
#include "kal/db/database.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/cli/demo_data.hpp"
#include "json_writer.hpp"
#include "meeting_json.hpp"
#include "test_db.hpp"

namespace api = kal::service::api;
namespace cli = kal::service::cli;
namespace db = kal::db;
namespace json = boost::json;

namespace {

const std::string base_url = "https://kalendarium.example.se";

// The demo data of 1 December 2026 (some 700 meetings: drafts, cancelled ones, all-day ones,
// series, documents, networks), every meeting, drafts too.
struct demo {
    std::string url = kal::test::fresh_database_url("api_json_demo");
    db::database database{[&] {
        db::database_options o;
        o.url = url;
        return o;
    }()};
    std::vector<db::meeting> meetings;

    demo() {
        kal::service::app::init_crypto();
        database.migrate();
        kal::config::sources from;
        from.flags["database.url"] = url;
        cli::load_demo_data(database, kal::config::load(from), 1796112000);  // 2026-12-01 08:00 UTC
        meetings = database.read([&](db::unit_of_work& w) {
            db::meeting_filter f;
            f.include_all_drafts = true;
            f.limit = 1000;
            std::vector<db::meeting> out;
            for (;;) {
                auto page = db::meetings{w}.list(f);
                out.insert(out.end(), page.items.begin(), page.items.end());
                if (!page.next) return out;
                f.after = page.next;
            }
        });
    }
};

std::string streamed(const db::meeting& m) {
    std::string out;
    api::json_writer w(out);
    api::write_meeting(w, m, base_url);
    return out;
}

std::string in_arena(const db::meeting& m) {
    json::monotonic_resource arena;
    return json::serialize(api::meeting_json(m, base_url, &arena));
}

// A list answer as list_response writes it, from the DOM.
std::string list_of_dom(const db::page<db::meeting>& page) {
    json::array items;
    for (const auto& m : page.items) items.push_back(api::meeting_json(m, base_url));
    json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = page.next ? json::value(api::encode_cursor(*page.next)) : json::value(nullptr);
    return json::serialize(o);
}

// A meeting whose every text holds what JSON must escape, and what it must not.
db::meeting awkward_meeting() {
    db::meeting m;
    m.id = 9007199254740993;  // beyond a double's integers
    m.uid = "uid-\"quoted\"@example.se";
    m.type = db::meeting_type::stormote;
    std::string controls;
    for (int c = 1; c < 0x20; ++c) controls += static_cast<char>(c);
    m.title = "Tab\there, \"citat\", back\\slash, /slash/, DEL\x7f, " + controls;
    m.description = "Rad ett\r\nRad två\u2028\u2029 och 😀 och \xc3\xa5\xc3\xa4\xc3\xb6";
    m.theme = std::string("NUL-fri men \x1f och \x01");
    m.all_day = true;
    m.start_local = "2099-03-02";
    m.end_local = "2099-03-04";
    m.time_zone = "Europe/Stockholm";
    m.start_utc = 4076348400;
    m.end_utc = 4076521200;
    m.venue_id = 7;
    m.location = "</script><script>alert(1)</script>";
    m.online_url = "https://example.se/?a=1&b=\"2\"";
    m.organisation_id = 3;
    m.network_ids = {1, 2, 9223372036854775807};
    m.capacity = 0;
    m.registration_deadline_utc = -1;
    m.status = db::meeting_status::cancelled;
    m.documents = {{"Dagordning \"A\"", "https://example.se/a\\b"}, {"", ""}};
    m.sequence = -3;
    m.series_id = 12;
    m.recurrence_id = "20990302";
    m.overridden = true;
    m.created_at = 0;
    m.updated_at = 4102444800;
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_writers_give_the_same_bytes_for_every_meeting_of_the_demo) {
    demo d;
    BOOST_TEST_REQUIRE(d.meetings.size() > 100u);
    std::size_t all_day = 0, with_documents = 0, in_series = 0;
    for (const auto& m : d.meetings) {
        BOOST_TEST_CONTEXT("meeting " << m.id) {
            const auto dom = json::serialize(api::meeting_json(m, base_url));
            BOOST_TEST(streamed(m) == dom);
            BOOST_TEST(in_arena(m) == dom);
        }
        all_day += m.all_day;
        with_documents += !m.documents.empty();
        in_series += m.series_id.has_value();
    }
    // The demo exercises the branches of the writers.
    BOOST_TEST(all_day > 0u);
    BOOST_TEST(with_documents > 0u);
    BOOST_TEST(in_series > 0u);
    // Lists of 50 with a cursor, and the last without.
    db::page<db::meeting> page;
    page.items.assign(d.meetings.begin(), d.meetings.begin() + 50);
    page.next = db::cursor{page.items.back().start_utc, page.items.back().id};
    BOOST_TEST(api::meeting_list_text(page, base_url) == list_of_dom(page));
    page.next.reset();
    BOOST_TEST(api::meeting_list_text(page, base_url) == list_of_dom(page));
    page.items.clear();
    BOOST_TEST(api::meeting_list_text(page, base_url) == list_of_dom(page));
    BOOST_TEST(api::meeting_list_text(page, base_url) == R"({"items":[],"next_cursor":null})");
}

BOOST_AUTO_TEST_CASE(both_writers_escape_alike) {
    auto m = awkward_meeting();
    const auto dom = json::serialize(api::meeting_json(m, base_url));
    BOOST_TEST(streamed(m) == dom);
    BOOST_TEST(in_arena(m) == dom);
    // And what they write is JSON that reads back as the meeting's texts.
    auto back = json::parse(streamed(m)).as_object();
    BOOST_TEST(back.at("title").as_string() == m.title);
    BOOST_TEST(back.at("description").as_string() == m.description);
    BOOST_TEST(back.at("id").as_int64() == m.id);
    BOOST_TEST(back.at("network_ids").as_array().back().as_int64() == m.network_ids.back());
    // The other branches: no venue, capacity, deadline, series, recurrence or documents.
    m.all_day = false;
    m.start_local = "2099-03-02T18:00";
    m.end_local = "2099-03-02T20:00";
    m.venue_id.reset();
    m.capacity.reset();
    m.registration_deadline_utc.reset();
    m.series_id.reset();
    m.recurrence_id.clear();
    m.documents.clear();
    m.network_ids.clear();
    m.id = -9223372036854775807 - 1;
    BOOST_TEST(streamed(m) == json::serialize(api::meeting_json(m, base_url)));
}

// The writer scans text eight bytes at a time: every character that needs an escape, and some
// that do not (DEL, '/', the bytes of UTF-8), at every position of texts from 0 to 40 bytes, in
// runs, so that each lands at every offset of a word, at a word's edge and in the short tail.
BOOST_AUTO_TEST_CASE(the_word_at_a_time_scan_escapes_at_every_position) {
    std::vector<std::string> specials = {"\"", "\\", "/", "\x7f", "\xc3\xa5", "\xf0\x9f\x98\x80", "\x1f", " ", "\x20\x21"};
    for (int c = 0; c < 0x20; ++c) specials.push_back(std::string(1, static_cast<char>(c)));
    std::size_t texts = 0;
    for (const auto& special : specials)
        for (std::size_t length = 0; length <= 40; ++length)
            for (std::size_t at = 0; at <= length; ++at) {
                std::string text(length, 'a');
                text.insert(at, special);
                if (at + 9 < text.size()) text.insert(at + 9, special);  // a second one in the next word
                std::string out;
                api::json_writer(out).string(text);
                BOOST_TEST_REQUIRE(out == json::serialize(json::value(text)),
                                   "special " << static_cast<int>(static_cast<unsigned char>(special[0])) << " at " << at
                                              << " of " << length);
                ++texts;
            }
    BOOST_TEST(texts > 10000u);
}

// Not a check: times the three writers on the demo's first 50 meetings, as GET /api/v1/meetings
// writes them (run by bench/run.sh; the numbers go to docs/benchmarks.md).
BOOST_AUTO_TEST_CASE(the_three_writers_timed, *boost::unit_test::disabled()) {
    demo d;
    db::page<db::meeting> page;
    page.items.assign(d.meetings.begin(), d.meetings.begin() + 50);
    std::size_t bytes = 0;
    // This thread's CPU time (not the wall clock: the machine is shared), the fastest of ten
    // batches.
    const auto cpu_us = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
    };
    auto time = [&](const char* name, auto&& write) {
        const int rounds = 200;
        for (int i = 0; i < 50; ++i) bytes = write().size();  // warm
        double best = 1e18;
        for (int batch = 0; batch < 10; ++batch) {
            const auto started = cpu_us();
            for (int i = 0; i < rounds; ++i) bytes += write().size() & 1;
            best = std::min(best, (cpu_us() - started) / rounds);
        }
        BOOST_TEST_MESSAGE(name << ": " << best << " us of CPU per list of 50 meetings");
        return best;
    };
    const auto dom = time("boost::json DOM, default allocator, serialize", [&] { return list_of_dom(page); });
    const auto arena = time("boost::json DOM in a monotonic arena, serialize", [&] {
        json::monotonic_resource mr;
        json::array items(&mr);
        for (const auto& m : page.items) items.push_back(api::meeting_json(m, base_url, &mr));
        json::object o(&mr);
        o["items"] = std::move(items);
        o["next_cursor"] = nullptr;
        return json::serialize(o);
    });
    const auto streaming = time("json_writer straight into the string", [&] { return api::meeting_list_text(page, base_url); });
    BOOST_TEST_MESSAGE("ratios to the DOM: arena " << arena / dom << ", json_writer " << streaming / dom << " ("
                                                   << bytes << ")");
    BOOST_TEST(streaming > 0.0);
}
