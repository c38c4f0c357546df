#pragma once
// What the tests of service/app share: a fresh database per test (SQLite, or PostgreSQL with
// KAL_TEST_DB=postgresql), settings with mail written (never sent), a clock the test moves, an
// admin and an organiser token, and two organisations.

#include <boost/test/unit_test.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "kal/db/database.hpp"
#include "kal/db/outbox.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "test_db.hpp"

namespace kal::app_test {

namespace app = kal::service::app;
namespace db = kal::db;

// 2026-12-01T12:00:00Z: the tests' "now", moved by hand where a test needs time to pass.
constexpr std::int64_t t0 = 1796126400;

// `flags`: more settings by dotted key, over the tests' own.
inline kal::config::settings settings_for(const std::string& url, bool mail,
                                          const std::map<std::string, std::string>& flags = {}) {
    kal::config::sources from;
    from.flags["database.url"] = url;
    if (mail) from.flags["mail.smtp_url"] = "smtp://127.0.0.1:1";  // only written, never sent here
    from.flags["rsvps.rate_limit_per_minute"] = "3";
    for (const auto& [key, value] : flags) from.flags[key] = value;
    return kal::config::load(from);
}

inline db::database_options options_of(const kal::config::settings& s) {
    db::database_options o;
    o.url = s.database.url;
    o.pool_size = 4;
    return o;
}

struct fixture {
    std::string url;
    kal::config::settings settings;
    db::database database;
    std::int64_t now = t0;
    app::context ctx;
    app::credentials admin;
    app::credentials organiser;  // writes for `organisation`
    db::id_t organisation = 0;
    db::id_t other_organisation = 0;

    explicit fixture(bool mail = true, const std::map<std::string, std::string>& flags = {})
        : url(kal::test::fresh_database_url(std::string(boost::unit_test::framework::current_test_case().p_name))),
          settings(settings_for(url, mail, flags)),
          database(options_of(settings)),
          ctx(settings, database, [this] { return now; }) {
        app::init_crypto();
        database.migrate();
        admin.bearer_token = app::issue_api_token(database, now, db::token_role::admin, "admin", std::nullopt).first;
        app::organisation_input a, b;
        a.name = "Föreningen Ett";
        b.name = "Föreningen Två";
        organisation = app::create_organisation(ctx, admin, a).id;
        other_organisation = app::create_organisation(ctx, admin, b).id;
        organiser.bearer_token =
            app::issue_api_token(database, now, db::token_role::organiser, "org", organisation).first;
    }

    app::meeting_input meeting(std::string start = "2026-12-10T18:00", std::string end = "2026-12-10T20:00") {
        app::meeting_input in;
        in.type = "fro";
        in.title = "FRÖ-möte";
        in.start = std::move(start);
        in.end = std::move(end);
        in.organisation_id = organisation;
        in.status = "published";
        return in;
    }

    app::sign_up_input person(const std::string& name, const std::string& email) {
        app::sign_up_input in;
        in.name = name;
        in.email = email;
        in.consent = true;
        return in;
    }

    std::vector<db::outbox_message> outbox(db::id_t meeting_id) {
        return database.read([&](db::unit_of_work& w) { return db::outbox{w}.list(meeting_id); });
    }
};

inline bool names_field(const app::error& e, const std::string& field) {
    for (const auto& f : e.fields)
        if (f.field == field) return true;
    return false;
}

template <class F>
app::error error_of(F&& f) {
    try {
        f();
    } catch (const app::error& e) {
        return e;
    }
    BOOST_FAIL("no app::error was thrown");
    throw std::logic_error("unreachable");
}

}  // namespace kal::app_test
