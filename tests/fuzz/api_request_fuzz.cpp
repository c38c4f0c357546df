// libFuzzer target for what a routed request carries into the API: the JSON bodies of every
// resource, path values and query strings, through the real router and handlers (as `kalendarium
// serve` builds them) on a SQLite database of the process's own. An input is four lines and a
// body:
//   METHOD PATTERN   a route ("POST /api/v1/meetings"); another text picks one by its bytes
//   VALUE            every path parameter's value (decoded bytes)
//   QUERY            the query string as sent ("q=%ff&limit=2"), parsed as the server parses it
//   CREDENTIALS      "admin", "none", or a bearer token as given
//   BODY...          the rest, sent as application/json (text/calendar to the import)
// Besides crashes and sanitizer reports, it aborts when the contract breaks:
//   - an answer is 5xx (except 503 from a busy database, which a single process never is);
//   - a problem+json is not valid UTF-8 JSON, or its status is not the answer's;
//   - a JSON answer is not valid JSON.
// Also built without libFuzzer (replay_main.cpp), so that `make test` replays its corpus.
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "kal/calendar/utf8.hpp"
#include "kal/config/config.hpp"
#include "kal/db/database.hpp"
#include "kal/service/api/api.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"

namespace {

namespace http = kal::service::http;
namespace app = kal::service::app;
namespace api = kal::service::api;

[[noreturn]] void broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "contract broken: %s: %s\n", what, kal::calendar::utf8::printable(detail).c_str());
    std::abort();
}

// One service for the process: a fresh SQLite database under the temporary directory, an admin
// token, an organisation and a published meeting (id 1) to aim at.
struct service {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("kal-api-fuzz-" + std::to_string(::getpid()) + ".db")).string();
    kal::config::settings settings;
    kal::db::database database;
    app::context ctx;
    http::metrics metrics;
    http::router routes;
    std::string admin;

    static kal::config::settings settings_for(const std::string& path) {
        kal::config::sources from;
        from.flags["database.url"] = "sqlite:" + path;
        from.flags["rsvps.rate_limit_per_minute"] = "0";
        return kal::config::load(from);
    }
    static kal::db::database_options options_of(const kal::config::settings& s) {
        kal::db::database_options o;
        o.url = s.database.url;
        return o;
    }
    service() : settings(settings_for(fresh(path))), database(options_of(settings)), ctx(settings, database) {
        app::init_crypto();
        database.migrate();
        api::add_routes(routes, ctx, metrics);
        admin = app::issue_api_token(database, ctx.now(), kal::db::token_role::admin, "fuzz", std::nullopt).first;
        app::credentials who{admin};
        app::organisation_input o;
        o.name = "Föreningen Fuzz";
        auto org = app::create_organisation(ctx, who, o);
        app::meeting_input m;
        m.type = "fro";
        m.title = "FRÖ-möte";
        m.start = "2030-03-12T18:00";
        m.end = "2030-03-12T20:00";
        m.organisation_id = org.id;
        m.status = "published";
        app::create_meeting(ctx, who, m, kal::db::venue_overlap::refuse);
    }
    ~service() {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    static const std::string& fresh(const std::string& p) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
        return p;
    }
};

service& the_service() {
    static service s;
    return s;
}

std::string_view next_line(std::string_view& rest) {
    const auto eol = rest.find('\n');
    auto line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& s = the_service();
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const auto route_line = next_line(rest);
    const auto value = next_line(rest);
    const auto query = next_line(rest);
    const auto credentials = next_line(rest);
    const auto& all = s.routes.routes();
    const http::route* route = nullptr;
    for (const auto& r : all)
        if (r.method + " " + r.pattern == route_line) route = &r;
    if (!route) {
        std::size_t sum = 0;
        for (unsigned char c : route_line) sum += c;
        route = &all[sum % all.size()];
    }

    http::request req;
    req.method = route->method;
    // The path as sent: the pattern with each parameter percent-encoded, so that the router
    // decodes the value back (and checks it as text) as it would from the wire.
    std::string encoded;
    for (unsigned char c : value) {
        static const char* hex = "0123456789ABCDEF";
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') encoded += static_cast<char>(c);
        else encoded += {'%', hex[c >> 4], hex[c & 15]};
    }
    std::string path = route->pattern;
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open + encoded.size())) {
        const auto close = path.find('}', open);
        path.replace(open, close - open + 1, encoded);
    }
    req.raw_path = req.path = path;
    req.target = path + (query.empty() ? "" : "?" + std::string(query));
    // As a std::string: an empty std::string_view may have no data, and Boost.URL 1.81 then
    // takes the C-string path and reads address 0 (the fuzzer's first, empty input found it).
    const std::string query_text(query);
    if (auto params = boost::urls::parse_query(query_text)) {
        for (const auto& p : *params) req.query.emplace(p.key, p.value);
    } else {
        return 0;  // the server refuses it before the router: not this target's business
    }
    if (credentials == "admin") req.headers["authorization"] = "Bearer " + s.admin;
    else if (!credentials.empty() && credentials != "none") req.headers["authorization"] = "Bearer " + std::string(credentials);
    req.headers["content-type"] = route->pattern == "/api/v1/import" ? "text/calendar" : "application/json";
    req.body = std::string(rest);

    // As the server does: match, run, turn what is thrown into an answer.
    const auto answers = api::problem_answers();
    http::response res;
    auto found = s.routes.match(req);
    if (found.refused) {
        res = answers.from_refusal(&req, *found.refused);
    } else if (!found.found) {
        res = answers.from_refusal(&req, http::refusal{found.allowed.empty() ? 404 : 405, "no route", found.allowed});
    } else {
        try {
            std::optional<http::response> fast;
            if (found.found->fast) fast = found.found->fast(req);
            res = fast ? std::move(*fast) : found.found->fn(req);
        } catch (...) {
            res = answers.from_exception(req, std::current_exception());
        }
    }
    if (res.status >= 500) broken("a 5xx answer", route->method + " " + route->pattern + ": " + res.body);
    const auto type = res.header("Content-Type").value_or("");
    const auto& body = res.shared_body ? *res.shared_body : res.body;
    if (type == "application/problem+json" || type.starts_with("application/json")) {
        boost::system::error_code ec;
        auto v = boost::json::parse(body, ec);  // refuses malformed UTF-8 in strings
        if (ec) broken("an answer that is not valid JSON", body);
        if (type == "application/problem+json" &&
            (!v.is_object() || !v.as_object().contains("status") || v.as_object().at("status") != boost::json::value(res.status)))
            broken("a problem whose status is not the answer's", body);
    }
    return 0;
}
