// The demo data fills the pages whatever the date: its plan checked on every day of four years
// (pure, no database), and the loaded data checked on a real database (SQLite, or PostgreSQL with
// KAL_TEST_DB=postgresql) at dates where calendars are awkward: New Year, summer, 1 December,
// 29 February, and during the stormöte.
#define BOOST_TEST_MODULE demo_data
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <set>

#include "kal/calendar/time.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/database.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/db/testing.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/cli/demo_data.hpp"
#include "test_db.hpp"

namespace cli = kal::service::cli;
namespace demo = kal::service::cli::demo;
namespace db = kal::db;
namespace ch = std::chrono;

namespace {

const std::string tz = "Europe/Stockholm";
constexpr std::int64_t day = 86400;

std::int64_t at(const std::string& local) { return kal::calendar::to_utc(local, tz); }

// The local time of `now` moved by whole calendar months (31 January + 1 month = 28 or 29 February).
std::int64_t months_from(std::int64_t now, int months) {
    const auto local = kal::calendar::to_local(now, tz);
    const ch::year_month ym = ch::year_month{ch::year{std::stoi(local.substr(0, 4))},
                                             ch::month{static_cast<unsigned>(std::stoi(local.substr(5, 2)))}} +
                              ch::months{months};
    const unsigned last =
        static_cast<unsigned>(ch::year_month_day_last{ym.year(), ch::month_day_last{ym.month()}}.day());
    const unsigned dom = std::min(static_cast<unsigned>(std::stoi(local.substr(8, 2))), last);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u%s", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()),
                  dom, local.substr(10).c_str());
    return at(text);
}

bool on_weekend(const std::string& start_local) {
    const ch::sys_days d = ch::year_month_day{ch::year{std::stoi(start_local.substr(0, 4))},
                                              ch::month{static_cast<unsigned>(std::stoi(start_local.substr(5, 2)))},
                                              ch::day{static_cast<unsigned>(std::stoi(start_local.substr(8, 2)))}};
    const ch::weekday w{d};
    return w == ch::Saturday || w == ch::Sunday;
}

kal::config::settings settings_with(const std::string& url) {
    kal::config::sources from;
    if (!url.empty()) from.flags["database.url"] = url;
    return kal::config::load(from);
}

// The least a window of the demo holds, as README.md promises.
constexpr int per_month_at_least = 3;
constexpr int next_seven_days_at_least = 3;

// One meeting as both checks see it.
struct seen {
    std::string title;
    db::meeting_type type;
    db::meeting_status status;
    std::int64_t start, end;
    std::optional<std::size_t> venue;
    std::string start_local;
};

// The promises about when things happen, on what a plan or a database holds.
void check_calendar(const std::vector<seen>& all, std::int64_t now, const std::string& when) {
    BOOST_TEST_CONTEXT(when) {
        const auto year_back = months_from(now, -12), year_ahead = months_from(now, 12);
        int fro_held = 0, fro_planned = 0, stormote_held = 0, stormote_planned = 0, cancelled_ahead = 0,
            cancelled_behind = 0, drafts = 0, next_week = 0, last_week = 0;
        for (const auto& m : all) {
            // Checked plainly and reported when wrong: this runs some twenty million times.
            if (m.start < year_back || m.start >= year_ahead || on_weekend(m.start_local))
                BOOST_ERROR(m.title << " " << m.start_local << " is outside the two years or on a weekend");
            const bool ended = m.end <= now;
            if (m.status == db::meeting_status::draft) {
                ++drafts;
                if (m.start <= now) BOOST_ERROR("the draft " << m.title << " is not ahead");
                continue;
            }
            if (m.status == db::meeting_status::cancelled) {
                ++(m.start > now ? cancelled_ahead : cancelled_behind);
                continue;
            }
            if (m.type == db::meeting_type::fro) ++(ended ? fro_held : fro_planned);
            if (m.type == db::meeting_type::stormote) ++(ended ? stormote_held : stormote_planned);
            if (m.start > now && m.start < now + 7 * day) ++next_week;
            if (ended && m.start >= now - 7 * day) ++last_week;
        }
        // Exactly: the e2e test of `make run` counts the coming ones.
        BOOST_TEST(fro_held == 4);
        BOOST_TEST(fro_planned == 4);
        BOOST_TEST(stormote_held == 1);
        BOOST_TEST(stormote_planned == 1);  // this year's (perhaps under way) or next year's
        BOOST_TEST(cancelled_ahead == 1);
        BOOST_TEST(cancelled_behind == 1);
        BOOST_TEST(drafts == 1);
        BOOST_TEST(next_week >= next_seven_days_at_least);
        BOOST_TEST(last_week >= next_seven_days_at_least);
        for (int k = -12; k < 12; ++k) {
            const auto from = k == 0 ? now : months_from(now, k), to = k == -1 ? now : months_from(now, k + 1);
            int n = 0;
            for (const auto& m : all)
                if (m.status == db::meeting_status::published && m.start >= from && m.start < to) ++n;
            if (n < per_month_at_least)
                BOOST_ERROR("month " << k << " from now (" << kal::calendar::to_local(from, tz).substr(0, 10)
                                     << ") holds " << n);
        }
        // No venue is booked twice at a time (cancelled meetings free it).
        for (std::size_t i = 0; i < all.size(); ++i)
            for (std::size_t j = i + 1; j < all.size(); ++j) {
                const auto &a = all[i], &b = all[j];
                if (a.venue && a.venue == b.venue && a.status != db::meeting_status::cancelled &&
                    b.status != db::meeting_status::cancelled && a.start < b.end && b.start < a.end)
                    BOOST_ERROR(a.title << " " << a.start_local << " and " << b.title << " " << b.start_local);
            }
    }
}

std::vector<seen> seen_in(const demo::plan& p) {
    std::vector<seen> out;
    for (const auto& m : p.meetings) {
        auto status = m.cancelled_at ? db::meeting_status::cancelled : m.fields.status;
        out.push_back({m.fields.title, m.fields.type, status, m.fields.start_utc, m.fields.end_utc, m.venue,
                       m.fields.start_local});
    }
    const auto& f = p.series.series.fields;
    for (const auto& o : p.series.occurrences)
        out.push_back({f.title, f.type, f.status, o.start_utc, o.end_utc, p.series.venue, o.start_local});
    return out;
}

// Sign-up rounds happen before the meeting starts, its deadline and its cancellation, and
// before now; check-ins are planned exactly for meetings that have ended.
void check_turnout(const demo::turnout& t, const db::meeting_fields& f, std::optional<std::int64_t> cancelled_at,
                   std::int64_t now, const std::string& what) {
    std::int64_t last = 0;
    for (const auto& w : t.waves) {
        if (w.at <= last || w.at >= f.start_utc || w.at >= now ||
            (f.registration_deadline_utc && w.at > *f.registration_deadline_utc) ||
            (cancelled_at && w.at >= *cancelled_at))
            BOOST_ERROR(what << " " << f.start_local << ": a sign-up round at " << w.at << " is out of order or late");
        last = w.at;
    }
    if (t.held != (!cancelled_at && f.end_utc <= now))
        BOOST_ERROR(what << " " << f.start_local << ": check-ins planned " << t.held);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_plan_keeps_its_promises_on_every_day_of_four_years) {
    const auto settings = settings_with("");
    // Every day from 2026 to 2029 (2028 is a leap year), in the small hours, during the afternoon
    // stormöte, and during the evening meetings.
    const auto first = at("2026-01-01T00:00:00");
    int plans = 0;
    for (std::int64_t midnight = first; midnight < at("2030-01-01T00:00:00");
         midnight = at(kal::calendar::add_days(kal::calendar::to_local(midnight, tz).substr(0, 10), 1))) {
        for (std::int64_t hours : {0 * 3600 + 1800, 14 * 3600, 18 * 3600 + 1800}) {
            const auto now = midnight + hours;
            const auto p = demo::make_plan(settings, now);
            ++plans;
            const auto when = kal::calendar::to_local(now, tz);
            check_calendar(seen_in(p), now, when);
            bool full_ahead = false, full_behind = false;
            for (const auto& m : p.meetings) {
                check_turnout(m.who, m.fields, m.cancelled_at, now, m.fields.title);
                int parties = 0;
                for (const auto& w : m.who.waves) parties += w.sign_ups - w.cancellations;
                if (m.fields.capacity && parties > *m.fields.capacity && !m.cancelled_at)
                    (m.fields.start_utc > now ? full_ahead : full_behind) = true;
            }
            BOOST_TEST(full_ahead, when);
            BOOST_TEST(full_behind, when);
            const auto& s = p.series;
            BOOST_TEST_REQUIRE(s.turnouts.size() == s.occurrences.size());
            for (std::size_t i = 0; i < s.occurrences.size(); ++i) {
                auto f = s.series.fields;
                f.start_utc = s.occurrences[i].start_utc;
                f.end_utc = s.occurrences[i].end_utc;
                f.start_local = s.occurrences[i].start_local;
                check_turnout(s.turnouts[i], f, std::nullopt, now, "series");
                if (s.occurrences[i].start_local.substr(5, 2) == "07") BOOST_ERROR("no summer break " << when);
            }
            // The monthly series spans the two years, less the summer breaks and holidays at its ends
            // (a first Tuesday on 6 June followed by July leaves eight months and some days).
            BOOST_TEST(s.occurrences.size() >= 17u, when);
            BOOST_TEST(s.occurrences.front().start_utc < months_from(now, -8), when);
            BOOST_TEST(s.occurrences.back().start_utc >= months_from(now, 8), when);
            BOOST_TEST(!s.series.exdates.empty(), when);
        }
    }
    BOOST_TEST(plans == 3 * 1461);
}

BOOST_AUTO_TEST_CASE(the_plan_depends_on_now_alone) {
    const auto settings = settings_with("");
    const auto now = at("2027-03-15T10:00:00");
    const auto a = demo::make_plan(settings, now), b = demo::make_plan(settings, now);
    BOOST_TEST_REQUIRE(a.meetings.size() == b.meetings.size());
    for (std::size_t i = 0; i < a.meetings.size(); ++i) {
        BOOST_TEST(a.meetings[i].fields.title == b.meetings[i].fields.title);
        BOOST_TEST(a.meetings[i].fields.start_utc == b.meetings[i].fields.start_utc);
        BOOST_TEST((a.meetings[i].venue == b.meetings[i].venue));
    }
    // A week later the same yearly meetings are there, at the same dates.
    const auto later = demo::make_plan(settings, now + 7 * day);
    std::set<std::pair<std::string, std::string>> before, after;
    for (const auto& m : a.meetings)
        if (m.fields.type == db::meeting_type::fro || m.fields.type == db::meeting_type::stormote)
            before.insert({m.fields.title, m.fields.start_local});
    for (const auto& m : later.meetings)
        if (m.fields.type == db::meeting_type::fro || m.fields.type == db::meeting_type::stormote)
            after.insert({m.fields.title, m.fields.start_local});
    BOOST_TEST((before == after));
}

namespace {

struct loaded {
    std::string url;
    kal::config::settings settings;
    db::database database;
    cli::demo_summary summary;
    double seconds = 0;
    std::uint64_t statements = 0, transactions = 0;

    loaded(const std::string& name, std::int64_t now)
        : url(kal::test::fresh_database_url(name)), settings(settings_with(url)), database([&] {
              db::database_options o;
              o.url = url;
              return o;
          }()) {
        kal::service::app::init_crypto();
        database.migrate();
        const auto started = ch::steady_clock::now();
        const auto statements_before = db::testing::statements_started();
        const auto transactions_before = db::testing::transactions_started();
        summary = cli::load_demo_data(database, settings, now);
        seconds = ch::duration<double>(ch::steady_clock::now() - started).count();
        statements = db::testing::statements_started() - statements_before;
        transactions = db::testing::transactions_started() - transactions_before;
    }

    std::vector<db::meeting> meetings(bool public_view = false) {
        return database.read([&](db::unit_of_work& w) {
            db::meeting_filter f;
            f.include_all_drafts = !public_view;
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

void check_loaded(const std::string& local_now) {
    const auto now = at(local_now);
    loaded l("demo_" + local_now.substr(0, 13), now);
    BOOST_TEST_MESSAGE("demo data at " << local_now << " on " << kal::test::test_backend() << ": " << l.summary.meetings
                                       << " meetings, " << l.summary.sign_ups << " sign-ups, " << l.summary.check_ins
                                       << " check-ins in " << l.seconds << " s, " << l.transactions << " transactions, "
                                       << l.statements << " statements");
    BOOST_TEST_REQUIRE(l.summary.loaded);
    // What keeps `make run` quick is how the load writes (a few hundred transactions for some
    // 1,700 sign-ups: about 0.3 s on a quiet machine), pinned here by counting rather than by
    // timing, which a loaded machine makes meaningless (12.9 s once beside the browser tests).
    BOOST_TEST(l.transactions < 400u, l.transactions << " transactions");
    BOOST_TEST(l.statements < 20000u, l.statements << " statements");

    const auto all = l.meetings();
    BOOST_TEST(static_cast<int>(all.size()) == l.summary.meetings);
    std::vector<seen> seen_all;
    for (const auto& m : all)
        seen_all.push_back({m.title, m.type, m.status, m.start_utc, m.end_utc,
                            m.venue_id ? std::optional<std::size_t>(*m.venue_id) : std::nullopt, m.start_local});
    check_calendar(seen_all, now, local_now);

    // The draft is the organiser's alone.
    auto drafts = 0;
    for (const auto& m : l.meetings(true)) drafts += m.status == db::meeting_status::draft;
    BOOST_TEST(drafts == 0);

    std::vector<db::id_t> ids;
    for (const auto& m : all) ids.push_back(m.id);
    const auto attendance = l.database.read([&](db::unit_of_work& w) { return db::attendance{w}.of(ids); });
    BOOST_TEST_REQUIRE(attendance.size() == all.size());
    int held = 0, held_with_check_ins = 0, walk_ins = 0, no_shows = 0, sign_ups = 0, check_ins = 0;
    bool full_ahead = false, full_behind = false;
    std::set<std::string> organisations_came;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& m = all[i];
        const auto& a = attendance[i];
        BOOST_TEST_REQUIRE(a.meeting_id == m.id);
        BOOST_TEST_CONTEXT(m.title << " " << m.start_local) {
            const bool ended = m.end_utc <= now;
            if (a.checked_in.entries > 0) BOOST_TEST(ended, "check-ins only once a meeting has ended");
            if (ended && m.status == db::meeting_status::published) {
                ++held;
                held_with_check_ins += a.checked_in.entries > 0;
            }
            walk_ins += a.walk_ins.people;
            if (ended) no_shows += a.no_shows.people;
            check_ins += a.checked_in.entries;
            for (const auto& o : a.organisations)
                if (o.attended.entries) organisations_came.insert(o.name);
            if (m.capacity && m.status == db::meeting_status::published && a.waitlisted.entries > 0) {
                BOOST_TEST(a.confirmed.people <= *m.capacity);
                BOOST_TEST(*m.capacity - a.confirmed.people < 2, "a waitlist only when the seats are taken");
                (m.start_utc > now ? full_ahead : full_behind) = true;
            }
        }
        const auto rsvps = l.database.read([&](db::unit_of_work& w) { return db::rsvps{w}.list(m.id); });
        sign_ups += static_cast<int>(rsvps.size());
        for (const auto& r : rsvps) {
            BOOST_TEST_CONTEXT(m.title << " " << m.start_local << ": " << r.name) {
                BOOST_TEST(r.created_at < m.start_utc, "no sign-up after the meeting started");
                BOOST_TEST(r.created_at < now);
                if (m.registration_deadline_utc) BOOST_TEST(r.created_at <= *m.registration_deadline_utc);
                if (r.cancelled_at) BOOST_TEST(*r.cancelled_at < m.start_utc);
                BOOST_TEST(r.email.ends_with("@example.se"));
            }
        }
        if (m.status == db::meeting_status::draft) BOOST_TEST(rsvps.empty());
    }
    BOOST_TEST(sign_ups == l.summary.sign_ups);
    BOOST_TEST(check_ins == l.summary.check_ins);
    BOOST_TEST(held > 30);
    BOOST_TEST(held_with_check_ins > held * 3 / 4);
    BOOST_TEST(walk_ins > 0);
    BOOST_TEST(no_shows > 0);
    BOOST_TEST(organisations_came.size() >= 8u);
    BOOST_TEST(full_ahead, "a full meeting with a waitlist ahead");
    BOOST_TEST(full_behind, "a full meeting held");

    // The directory: both parties with public contacts, venues with their accessibility.
    l.database.read([&](db::unit_of_work& w) {
        db::organisation_filter of;
        of.limit = 100;
        std::set<db::organisation_kind> kinds;
        for (const auto& o : db::organisations{w}.list(of).items) {
            kinds.insert(o.kind);
            BOOST_TEST(o.contact_public, o.name);
            BOOST_TEST((o.contact_email && o.contact_email->ends_with("example.se")), o.name);
        }
        BOOST_TEST(kinds.count(db::organisation_kind::city_unit) == 1u);
        BOOST_TEST(kinds.count(db::organisation_kind::association) == 1u);
        db::venue_filter vf;
        vf.limit = 100;
        int step_free = 0, loop = 0, toilet = 0, shared = 0;
        for (const auto& v : db::venues{w}.list(vf).items) {
            BOOST_TEST(
                (!v.address.empty() && v.capacity && v.latitude && v.longitude && !v.accessibility_notes.empty()),
                v.name);
            step_free += v.step_free;
            loop += v.hearing_loop;
            toilet += v.accessible_toilet;
            shared += v.shared;
        }
        BOOST_TEST(step_free > 0);
        BOOST_TEST(loop > 0);
        BOOST_TEST(toilet > 0);
        BOOST_TEST(shared > 0);
        BOOST_TEST(step_free < 9);  // and one that is not, with notes that say so
        db::network_filter nf;
        nf.limit = 100;
        std::set<db::network_kind> network_kinds;
        for (const auto& n : db::networks{w}.list(nf).items) {
            network_kinds.insert(n.kind);
            BOOST_TEST(!n.description.empty(), n.name);
            BOOST_TEST(!n.organisation_ids.empty(), n.name);
        }
        for (auto k : {db::network_kind::area_network, db::network_kind::local_council,
                       db::network_kind::interest_network, db::network_kind::samrad, db::network_kind::forum})
            BOOST_TEST(network_kinds.count(k) == 1u);
    });

    // Every kind of meeting on both sides; documents, an online meeting, the series.
    std::map<db::meeting_type, int> ahead, behind;
    int with_documents = 0, online = 0, in_series = 0, all_day = 0;
    std::set<std::string> fro_themes;
    for (const auto& m : all) {
        if (m.status != db::meeting_status::published) continue;
        ++(m.end_utc > now ? ahead : behind)[m.type];
        with_documents += !m.documents.empty();
        online += !m.online_url.empty() && !m.venue_id;
        in_series += m.series_id.has_value();
        all_day += m.all_day;
        if (m.type == db::meeting_type::fro && m.end_utc > now) fro_themes.insert(m.theme);
        if (m.type == db::meeting_type::stormote) BOOST_TEST(m.start_local.substr(5, 2) == "11");
    }
    for (auto type :
         {db::meeting_type::fro, db::meeting_type::stormote, db::meeting_type::network, db::meeting_type::samrad,
          db::meeting_type::dialog, db::meeting_type::training, db::meeting_type::conference}) {
        BOOST_TEST(ahead[type] > 0, db::to_text(type) << " ahead");
        BOOST_TEST(behind[type] > 0, db::to_text(type) << " behind");
    }
    BOOST_TEST(with_documents >= 6);
    BOOST_TEST(online >= 2);
    BOOST_TEST(in_series >= 17);
    BOOST_TEST(all_day == 2);
    for (auto theme :
         {"FRIA – ett integrationsprojekt för nyanlända och idéburna", "Kraftens Hus", "Socialt Hållbart Borås"})
        BOOST_TEST(fro_themes.count(theme) == 1u, theme);

    // A second load finds the data and writes nothing.
    const auto again = cli::load_demo_data(l.database, l.settings, now + day);
    BOOST_TEST(!again.loaded);
    BOOST_TEST(again.organiser_organisation == l.summary.organiser_organisation);
    BOOST_TEST(l.meetings().size() == all.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_demo_is_full_on_new_years_day) { check_loaded("2027-01-01T00:30:00"); }
BOOST_AUTO_TEST_CASE(the_demo_is_full_on_the_first_of_june) { check_loaded("2027-06-01T12:00:00"); }
BOOST_AUTO_TEST_CASE(the_demo_is_full_on_the_first_of_december) { check_loaded("2026-12-01T09:00:00"); }
BOOST_AUTO_TEST_CASE(the_demo_is_full_on_a_leap_day_evening) { check_loaded("2028-02-29T19:00:00"); }
BOOST_AUTO_TEST_CASE(the_demo_is_full_while_the_stormote_is_under_way) { check_loaded("2027-11-25T14:00:00"); }

BOOST_AUTO_TEST_CASE(the_demo_is_the_same_whenever_it_is_loaded_at_the_same_now) {
    const auto now = at("2027-09-20T08:00:00");
    loaded a("demo_same_a", now), b("demo_same_b", now);
    auto people_of = [](loaded& l) {
        std::vector<std::string> out;
        for (const auto& m : l.meetings()) {
            out.push_back(m.title + " " + m.start_local + " " + std::string(db::to_text(m.status)));
            for (const auto& r : l.database.read([&](db::unit_of_work& w) { return db::rsvps{w}.list(m.id); }))
                out.push_back(r.name + " " + std::string(db::to_text(r.status)) + " " + std::to_string(r.party_size) +
                              " " + std::to_string(r.created_at));
            for (const auto& c : l.database.read([&](db::unit_of_work& w) { return db::attendance{w}.list(m.id); }))
                out.push_back("in: " + c.name + " " + std::to_string(c.people));
        }
        return out;
    };
    const auto pa = people_of(a), pb = people_of(b);
    BOOST_TEST(pa.size() > 2000u);
    BOOST_TEST((pa == pb));
}
