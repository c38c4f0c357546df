// The commands of `kalendarium`: serve, migrate, demo-data, token, user.

#include "kal/service/cli/commands.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "kal/calendar/time.hpp"
#include "kal/config/config.hpp"
#include "kal/db/api_tokens.hpp"
#include "kal/db/database.hpp"
#include "kal/db/directory.hpp"
#include "kal/service/api/api.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/accounts.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/texts.hpp"
#include "kal/service/cli/demo_data.hpp"
#include "kal/service/http/server.hpp"
#include "kal/service/web/web.hpp"
#include "kal/service/workers/housekeeping.hpp"
#include "kal/service/workers/mail_worker.hpp"

namespace kal::service::cli {

namespace cfg = kal::config;

const char* const usage = R"(kalendarium — the meetings of Överenskommelsen in Borås

Usage:
  kalendarium serve [--config FILE] [--port N] [--listen ADDR] [--db URL] [--demo]
  kalendarium migrate [--config FILE] [--db URL]
  kalendarium token create --role admin|organiser --name TEXT [--organisation ID] [--config FILE] [--db URL]
  kalendarium token create --user ID --name TEXT [--config FILE] [--db URL]
  kalendarium token revoke ID [--config FILE] [--db URL]
  kalendarium token list [--config FILE] [--db URL]
  kalendarium user invite --email ADDRESS --role admin|organiser [--organisation ID]... [--name TEXT]
                          [--language sv|en] [--send] [--config FILE] [--db URL]
  kalendarium user list [--config FILE] [--db URL]
  kalendarium user deactivate ID [--config FILE] [--db URL]
  kalendarium demo-data [--config FILE] [--db URL]
  kalendarium COMMAND --help

Configuration: defaults < --config FILE (or KALENDARIUM_CONFIG) < KALENDARIUM_* variables < flags.
See config/kalendarium.example.toml for every key.
)";

const std::map<std::string, std::string> command_helps = {
    {"serve", R"(kalendarium serve [--config FILE] [--port N] [--listen ADDR] [--db URL] [--demo]
  Applies pending migrations and serves HTTP until SIGTERM or SIGINT, then finishes in-flight
  requests (server.shutdown_grace) and exits 0.
  --demo  loads the demo data into an empty database, creates an organiser token for the demo
          organiser and a demo admin account (admin@kalendarium.example), and prints the URLs,
          a one-time sign-in link for the demo admin and the token (what `make run` does).
)"},
    {"migrate", "kalendarium migrate [--config FILE] [--db URL]\n  Applies pending database migrations and prints the schema version.\n"},
    {"token", R"(kalendarium token create --role admin|organiser --name TEXT [--organisation ID]
  Creates an API token and prints it once; only its hash is stored. Organiser tokens need the
  organisation they may write for.
kalendarium token create --user ID --name TEXT
  Creates an API token of a user (see `user list`); it acts with the user's rights as they are
  when it is used, and stops working when the user is deactivated.
kalendarium token revoke ID
  Revokes a token by its id (see `token list`).
kalendarium token list
  Lists tokens (ids, roles, organisations, users, names; never the tokens).
)"},
    {"user", R"(kalendarium user invite --email ADDRESS --role admin|organiser [--organisation ID]...
                        [--name TEXT] [--language sv|en] [--send]
  Creates an account (or gives the one the address has the organisations, and the admin role when
  asked) and prints a one-time sign-in link on stdout: {server.public_base_url}/logga-in/{secret}.
  The link works once, for accounts.invitation_link_lifetime; only its hash is stored. An
  organiser needs at least one --organisation (repeat it for more). --send also mails the link in
  an invitation (when mail.smtp_url is set; a running service sends it).
kalendarium user list
  Lists accounts: id, role, active or deactivated, organisations, e-mail address, name.
kalendarium user deactivate ID
  Deactivates an account: it can no longer sign in, its sessions end, its unused links and API
  tokens stop working. Its e-mail address and name stay until an admin erases the address
  (POST /api/v1/admin/personal-data/erase).
)"},
    {"demo-data", "kalendarium demo-data [--config FILE] [--db URL]\n  Loads the Borås demo data into an empty database.\n"},
};

arguments parse_arguments(int argc, char** argv, int first, const std::vector<std::string>& switch_names) {
    arguments a;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.starts_with("--")) {
            auto name = arg.substr(2);
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                a.options[name.substr(0, eq)] = name.substr(eq + 1);
                a.repeated[name.substr(0, eq)].push_back(name.substr(eq + 1));
            } else if (std::find(switch_names.begin(), switch_names.end(), name) != switch_names.end()) {
                a.switches.push_back(name);
            } else {
                if (i + 1 >= argc) throw usage_error("option --" + name + " needs a value");
                a.options[name] = argv[++i];
                a.repeated[name].push_back(a.options[name]);
            }
        } else {
            a.positional.push_back(arg);
        }
    }
    return a;
}

bool has_switch(const arguments& a, const std::string& name) {
    return std::find(a.switches.begin(), a.switches.end(), name) != a.switches.end();
}

namespace {

cfg::settings load_settings(const arguments& a, const std::vector<std::string>& allowed_options) {
    for (const auto& [name, value] : a.options)
        if (std::find(allowed_options.begin(), allowed_options.end(), name) == allowed_options.end())
            throw usage_error("unknown option --" + name);
    cfg::sources sources;
    sources.environment = cfg::process_environment();
    if (auto it = a.options.find("config"); it != a.options.end()) sources.file = it->second;
    else if (auto env = sources.environment.find("KALENDARIUM_CONFIG"); env != sources.environment.end())
        sources.file = env->second;
    static const std::map<std::string, std::string> flag_keys = {
        {"port", "server.port"}, {"listen", "server.listen_address"}, {"db", "database.url"}};
    for (const auto& [flag, key] : flag_keys)
        if (auto it = a.options.find(flag); it != a.options.end()) sources.flags[key] = it->second;
    return cfg::load(sources);
}

void setup_logging(const cfg::settings& s) {
    // Logs go to stderr; stdout carries only what a command prints for its user.
    auto logger = spdlog::stderr_logger_mt("kalendarium");
    spdlog::set_default_logger(logger);
    if (s.log.format == "json")
        spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
    else
        spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
    spdlog::set_level(spdlog::level::from_str(s.log.level));
}

}  // namespace

namespace {

db::database_options database_options(const cfg::settings& s) {
    db::database_options o;
    o.url = s.database.url;
    o.pool_size = static_cast<std::size_t>(s.database.pool_size);
    o.lease_timeout = s.database.lease_timeout;
    o.busy_timeout = s.database.busy_timeout;
    return o;
}

// libical's time zones are loaded before the I/O threads start (they are not thread-safe to
// load), and a default zone that does not exist stops the start.
void warm_up(const cfg::settings& s) {
    std::vector<std::string> zones = {s.calendar.default_time_zone, "UTC", "Europe/Stockholm"};
    kal::calendar::warm_up_time_zones(zones);
    if (!kal::calendar::is_known_time_zone(s.calendar.default_time_zone))
        throw cfg::config_error("calendar.default_time_zone", "is not a known IANA time zone");
    if (auto problems = app::check_texts(); !problems.empty())
        throw std::runtime_error("texts: " + problems.front());
}

const std::vector<std::string> common_options = {"config", "db"};

// The demo admin's address (.example is reserved: no mail can reach anyone by it).
constexpr const char* demo_admin_email = "admin@kalendarium.example";

// The URLs `serve` prints, and with --demo the demo admin's sign-in link and the demo
// organiser's token. The token's example stays the last line (tests read up to it).
void print_banner(const cfg::settings& settings, std::uint16_t port, const std::optional<std::string>& demo_token,
                  const std::optional<std::string>& demo_sign_in) {
    std::string base = "http://" + settings.server.listen_address + ":" + std::to_string(port);
    std::cout << "Kalendarium lyssnar på / is listening on " << base << "\n"
              << "  Kalendern / the calendar:  " << base << "/  (English: " << base << "/en/)\n"
              << "  Möten / meetings:   " << base << "/api/v1/meetings\n"
              << "  Nätverk / networks: " << base << "/api/v1/networks\n"
              << "  Lokaler / venues:   " << base << "/api/v1/venues\n"
              << "  API-beskrivning:    " << base << "/api/openapi.json\n"
              << "  Hälsa / health:     " << base << "/healthz\n";
    if (demo_sign_in)
        std::cout << "  Logga in som demoadministratör / sign in as the demo admin (" << demo_admin_email
                  << ", en gång / once):\n    " << *demo_sign_in << "\n";
    if (demo_token)
        std::cout << "  Organisatörstoken / organiser token (visas en gång / shown once):\n    " << *demo_token
                  << "\n  Exempel: curl -H 'Authorization: Bearer " << *demo_token << "' " << base
                  << "/api/v1/meetings?status=draft\n";
    std::cout << std::flush;
}

}  // namespace

int serve(const arguments& a) {
    auto allowed = common_options;
    allowed.insert(allowed.end(), {"port", "listen"});
    auto settings = load_settings(a, allowed);
    setup_logging(settings);
    warm_up(settings);
    db::database database(database_options(settings));
    auto version = database.migrate();
    spdlog::info(R"("event":"migrated","schema_version":{})", version);
    app::context ctx(settings, database);

    std::optional<std::string> demo_token, demo_sign_in;
    if (has_switch(a, "demo")) {
        auto summary = load_demo_data(database, settings, ctx.now());
        if (summary.organiser_organisation != 0)
            demo_token = app::issue_api_token(database, ctx.now(), db::token_role::organiser,
                                              "make run demo organiser", summary.organiser_organisation)
                             .first;
        app::invitation_input admin;
        admin.email = demo_admin_email;
        admin.name = "Demo Admin";
        admin.role = "admin";
        demo_sign_in = app::invite_user_as_operator(ctx, admin, false).link_url;
    }

    http::metrics metrics;
    http::router routes;
    auto pages = web::make_site(settings);  // page templates with a problem stop the start (exit 2)
    api::add_routes(routes, ctx, metrics);
    web::add_routes(routes, ctx, pages);
    const auto answers = web::browser_answers(pages, api::problem_answers());
    // Before serving: templates an operator got wrong stop the start (exit 2).
    workers::mail_worker mailer(ctx);
    http::server server(settings, routes, answers, metrics);
    auto port = server.start(true);
    workers::housekeeping housekeeping(ctx);
    spdlog::info(R"("event":"listening","address":"{}","port":{})", settings.server.listen_address, port);
    print_banner(settings, port, demo_token, demo_sign_in);
    server.wait();
    spdlog::info(R"("event":"stopped")");
    return 0;
}

int migrate(const arguments& a) {
    auto settings = load_settings(a, common_options);
    setup_logging(settings);
    db::database database(database_options(settings));
    std::cout << "schema version " << database.migrate() << "\n";
    return 0;
}

int demo_data(const arguments& a) {
    auto settings = load_settings(a, common_options);
    setup_logging(settings);
    warm_up(settings);
    db::database database(database_options(settings));
    database.migrate();
    auto summary = load_demo_data(database, settings, app::system_now());
    std::cout << (summary.loaded ? "demo data loaded\n" : "the database already has data; nothing loaded\n");
    return 0;
}

namespace {

db::id_t id_argument(const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        auto id = std::stoll(text, &used);
        if (used == text.size()) return id;
    } catch (const std::exception&) {
    }
    throw usage_error(what);
}

// What a use case refused, as one line for the terminal (the fields it names, or its detail).
std::string refusal(const app::error& e) {
    std::string out;
    for (const auto& f : e.fields) out += (out.empty() ? "" : "; ") + f.field + ": " + f.message;
    return out.empty() ? e.what() : out;
}

int token_create(db::database& database, const arguments& a) {
    auto role_text = a.options.count("role") ? a.options.at("role") : "";
    auto name = a.options.count("name") ? a.options.at("name") : "";
    if (auto user = a.options.find("user"); user != a.options.end()) {
        if (!role_text.empty() || a.options.count("organisation"))
            throw usage_error("a user's token has the user's rights: give --user without --role or --organisation");
        if (name.empty()) throw usage_error("token create needs --name");
        auto user_id = id_argument(user->second, "--user takes a user id");
        try {
            auto [plain, record] = app::issue_user_api_token(database, app::system_now(), user_id, name);
            std::cout << plain << "\n";
            std::cerr << "token " << record.id << " of user " << user_id << " created; it is shown only this once\n";
        } catch (const app::error& e) {
            throw usage_error("no active user with id " + user->second);
        }
        return 0;
    }
    if (role_text.empty() || name.empty()) throw usage_error("token create needs --role and --name");
    auto role = db::parse_token_role(role_text);
    if (!role) throw usage_error("role must be admin or organiser");
    std::optional<db::id_t> organisation;
    if (auto it = a.options.find("organisation"); it != a.options.end())
        organisation = id_argument(it->second, "--organisation takes an organisation id");
    if (*role == db::token_role::organiser && !organisation)
        throw usage_error("an organiser token needs --organisation ID");
    try {
        auto [plain, record] = app::issue_api_token(database, app::system_now(), *role, name, organisation);
        std::cout << plain << "\n";
        std::cerr << "token " << record.id << " (" << db::to_text(record.role) << ") created; it is shown only this once\n";
    } catch (const app::error&) {
        throw usage_error("no organisation with id " + a.options.at("organisation"));
    }
    return 0;
}

int token_revoke(db::database& database, const arguments& a) {
    if (a.positional.size() != 2) throw usage_error("token revoke needs the token id");
    auto id = id_argument(a.positional[1], "token revoke needs a numeric token id");
    try {
        database.write(app::system_now(), [&](db::unit_of_work& w) { db::api_tokens{w}.revoke(id); });
    } catch (const db::not_found&) {
        std::cerr << "kalendarium: no token with id " << id << "\n";
        return 1;
    }
    std::cout << "token " << id << " revoked\n";
    return 0;
}

int token_list(db::database& database) {
    auto tokens = database.read([](db::unit_of_work& w) { return db::api_tokens{w}.list(); });
    for (const auto& t : tokens)
        std::cout << t.id << "\t" << db::to_text(t.role) << "\t"
                  << (t.organisation_id ? std::to_string(*t.organisation_id) : "-") << "\t"
                  << (t.user_id ? "user " + std::to_string(*t.user_id) : "-") << "\t"
                  << (t.revoked_at ? "revoked" : "active") << "\t" << t.name << "\n";
    return 0;
}

}  // namespace

int token(const arguments& a) {
    if (a.positional.empty()) throw usage_error("token needs create, revoke or list");
    const auto& action = a.positional[0];
    auto allowed = common_options;
    if (action == "create") allowed.insert(allowed.end(), {"role", "name", "organisation", "user"});
    auto settings = load_settings(a, allowed);
    setup_logging(settings);
    db::database database(database_options(settings));
    database.migrate();
    if (action == "create") return token_create(database, a);
    if (action == "revoke") return token_revoke(database, a);
    if (action == "list") return token_list(database);
    throw usage_error("unknown token action " + action);
}

namespace {

int user_invite(app::context& ctx, const arguments& a) {
    app::invitation_input in;
    auto option = [&](const char* name) -> std::optional<std::string> {
        if (auto it = a.options.find(name); it != a.options.end()) return it->second;
        return std::nullopt;
    };
    in.email = option("email");
    in.name = option("name");
    in.language = option("language");
    in.role = option("role");
    if (!in.email || !in.role) throw usage_error("user invite needs --email and --role");
    if (auto it = a.repeated.find("organisation"); it != a.repeated.end()) {
        std::vector<db::id_t> ids;
        for (const auto& text : it->second) ids.push_back(id_argument(text, "--organisation takes an organisation id"));
        in.organisation_ids = std::move(ids);
    }
    const bool send = has_switch(a, "send");
    app::operator_invitation invited;
    try {
        invited = app::invite_user_as_operator(ctx, in, send);
    } catch (...) {
        auto e = app::classify(std::current_exception());
        if (!e) throw;
        throw usage_error(refusal(*e));
    }
    // The link on stdout alone, so that it can be piped; what happened on stderr.
    std::cout << invited.link_url << "\n";
    const auto lifetime =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.accounts.invitation_link_lifetime).count();
    std::cerr << "user " << invited.user.id << " (" << db::to_text(invited.user.role) << ") "
              << (invited.created ? "created" : "already had an account; organisations added")
              << "; the link works once, for " << app::duration_text(lifetime, db::language::en)
              << (invited.mailed ? "; it was also mailed" : send ? "; not mailed: mail.smtp_url is not set" : "")
              << "\n";
    return 0;
}

int user_list(app::context& ctx) {
    for (const auto& u : app::list_users_as_operator(ctx)) {
        std::string organisations;
        for (auto id : u.organisation_ids) organisations += (organisations.empty() ? "" : ",") + std::to_string(id);
        std::cout << u.id << "\t" << db::to_text(u.role) << "\t" << (u.active() ? "active" : "deactivated") << "\t"
                  << (organisations.empty() ? "-" : organisations) << "\t" << u.email << "\t" << u.name << "\n";
    }
    return 0;
}

int user_deactivate(app::context& ctx, const arguments& a) {
    if (a.positional.size() != 2) throw usage_error("user deactivate needs the user id");
    auto id = id_argument(a.positional[1], "user deactivate needs a numeric user id");
    try {
        app::deactivate_user_as_operator(ctx, id);
    } catch (const db::not_found&) {
        std::cerr << "kalendarium: no user with id " << id << "\n";
        return 1;
    }
    std::cout << "user " << id << " deactivated\n";
    return 0;
}

}  // namespace

int user(const arguments& a) {
    if (a.positional.empty()) throw usage_error("user needs invite, list or deactivate");
    const auto& action = a.positional[0];
    auto allowed = common_options;
    if (action == "invite") allowed.insert(allowed.end(), {"email", "role", "organisation", "name", "language"});
    auto settings = load_settings(a, allowed);
    setup_logging(settings);
    db::database database(database_options(settings));
    database.migrate();
    app::context ctx(settings, database);
    if (action == "invite") return user_invite(ctx, a);
    if (action == "list") return user_list(ctx);
    if (action == "deactivate") return user_deactivate(ctx, a);
    throw usage_error("unknown user action " + action);
}

const char* command_help(const std::string& command) {
    auto it = command_helps.find(command);
    return it == command_helps.end() ? nullptr : it->second.c_str();
}

}  // namespace kal::service::cli
