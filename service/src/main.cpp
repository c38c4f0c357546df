// kalendarium: the command line. Only wires the modules together.

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kal/calendar/time.hpp"
#include "kal/config/config.hpp"
#include "kal/db/store.hpp"
#include "kal/service/api.hpp"
#include "kal/service/auth.hpp"
#include "kal/service/demo_data.hpp"
#include "kal/service/housekeeping.hpp"
#include "kal/service/mail_worker.hpp"
#include "kal/service/server.hpp"

namespace {

namespace cfg = kal::config;
namespace svc = kal::service;

constexpr const char* usage = R"(kalendarium — the meetings of Överenskommelsen in Borås

Usage:
  kalendarium serve [--config FILE] [--port N] [--listen ADDR] [--db URL] [--demo]
  kalendarium migrate [--config FILE] [--db URL]
  kalendarium token create --role admin|organiser --name TEXT [--organisation ID] [--config FILE] [--db URL]
  kalendarium token revoke ID [--config FILE] [--db URL]
  kalendarium token list [--config FILE] [--db URL]
  kalendarium demo-data [--config FILE] [--db URL]
  kalendarium COMMAND --help

Configuration: defaults < --config FILE (or KALENDARIUM_CONFIG) < KALENDARIUM_* variables < flags.
See config/kalendarium.example.toml for every key.
)";

const std::map<std::string, std::string> command_help = {
    {"serve", R"(kalendarium serve [--config FILE] [--port N] [--listen ADDR] [--db URL] [--demo]
  Applies pending migrations and serves HTTP until SIGTERM or SIGINT, then finishes in-flight
  requests (server.shutdown_grace) and exits 0.
  --demo  loads the demo data into an empty database, creates an organiser token for the demo
          organiser and prints the URLs and the token (what `make run` does).
)"},
    {"migrate", "kalendarium migrate [--config FILE] [--db URL]\n  Applies pending database migrations and prints the schema version.\n"},
    {"token", R"(kalendarium token create --role admin|organiser --name TEXT [--organisation ID]
  Creates an API token and prints it once; only its hash is stored. Organiser tokens need the
  organisation they may write for.
kalendarium token revoke ID
  Revokes a token by its id (see `token list`).
kalendarium token list
  Lists tokens (ids, roles, names; never the tokens).
)"},
    {"demo-data", "kalendarium demo-data [--config FILE] [--db URL]\n  Loads the Borås demo data into an empty database.\n"},
};

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // --name value
    std::vector<std::string> switches;           // --demo, --help
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
            } else if (std::find(switch_names.begin(), switch_names.end(), name) != switch_names.end()) {
                a.switches.push_back(name);
            } else {
                if (i + 1 >= argc) throw usage_error("option --" + name + " needs a value");
                a.options[name] = argv[++i];
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

kal::db::store_options store_options(const cfg::settings& s) {
    kal::db::store_options o;
    o.url = s.database.url;
    o.pool_size = static_cast<std::size_t>(s.database.pool_size);
    o.lease_timeout = s.database.lease_timeout;
    o.busy_timeout = s.database.busy_timeout;
    // Mail is written to the outbox only when there is somewhere to send it.
    o.outbox.enabled = !s.mail.smtp_url.empty();
    o.outbox.message_id_domain = !s.mail.message_id_domain.empty()
                                     ? s.mail.message_id_domain
                                     : s.mail.from_address.substr(s.mail.from_address.find('@') + 1);
    o.outbox.new_link_token = [] {
        auto secret = "kalr_" + svc::new_token().substr(4);  // the form of a manage link (rsvp_of_secret)
        return std::pair<std::string, std::string>{secret, svc::hash_token(secret)};
    };
    return o;
}

void warm_up(const cfg::settings& s) {
    std::vector<std::string> zones = {s.calendar.default_time_zone, "UTC", "Europe/Stockholm"};
    kal::calendar::warm_up_time_zones(zones);
    if (!kal::calendar::is_known_time_zone(s.calendar.default_time_zone))
        throw cfg::config_error("calendar.default_time_zone", "is not a known IANA time zone");
}

const std::vector<std::string> common_options = {"config", "db"};

int serve(const arguments& a) {
    auto allowed = common_options;
    allowed.insert(allowed.end(), {"port", "listen"});
    auto settings = load_settings(a, allowed);
    setup_logging(settings);
    warm_up(settings);
    kal::db::store store(store_options(settings));
    auto version = store.migrate();
    spdlog::info(R"("event":"migrated","schema_version":{})", version);

    std::optional<std::string> demo_token;
    if (has_switch(a, "demo")) {
        auto summary = svc::load_demo_data(store, settings);
        if (summary.organiser_organisation != 0)
            demo_token = svc::issue_token(store, "organiser", "make run demo organiser",
                                          summary.organiser_organisation)
                             .first;
    }

    svc::metrics metrics;
    svc::router routes;
    svc::app_context ctx{settings, store, metrics};
    svc::register_routes(routes, ctx);
    // Before serving: templates an operator got wrong stop the start (exit 2).
    svc::mail_worker mailer(settings, store);
    svc::server server(settings, routes, metrics, store);
    auto port = server.start(true);
    svc::housekeeping housekeeping(settings, store);
    spdlog::info(R"("event":"listening","address":"{}","port":{})", settings.server.listen_address, port);

    std::string base = "http://" + settings.server.listen_address + ":" + std::to_string(port);
    std::cout << "Kalendarium lyssnar på / is listening on " << base << "\n"
              << "  Möten / meetings:   " << base << "/api/v1/meetings\n"
              << "  Nätverk / networks: " << base << "/api/v1/networks\n"
              << "  Lokaler / venues:   " << base << "/api/v1/venues\n"
              << "  API-beskrivning:    " << base << "/api/openapi.json\n"
              << "  Hälsa / health:     " << base << "/healthz\n";
    if (demo_token)
        std::cout << "  Organisatörstoken / organiser token (visas en gång / shown once):\n    " << *demo_token
                  << "\n  Exempel: curl -H 'Authorization: Bearer " << *demo_token << "' " << base
                  << "/api/v1/meetings?status=draft\n";
    std::cout << std::flush;
    server.wait();
    spdlog::info(R"("event":"stopped")");
    return 0;
}

int migrate(const arguments& a) {
    auto settings = load_settings(a, common_options);
    setup_logging(settings);
    kal::db::store store(store_options(settings));
    std::cout << "schema version " << store.migrate() << "\n";
    return 0;
}

int demo_data(const arguments& a) {
    auto settings = load_settings(a, common_options);
    setup_logging(settings);
    warm_up(settings);
    kal::db::store store(store_options(settings));
    store.migrate();
    auto summary = svc::load_demo_data(store, settings);
    std::cout << (summary.loaded ? "demo data loaded\n" : "the database already has data; nothing loaded\n");
    return 0;
}

int token(const arguments& a) {
    if (a.positional.empty()) throw usage_error("token needs create, revoke or list");
    const auto& action = a.positional[0];
    auto allowed = common_options;
    if (action == "create") allowed.insert(allowed.end(), {"role", "name", "organisation"});
    auto settings = load_settings(a, allowed);
    setup_logging(settings);
    kal::db::store store(store_options(settings));
    store.migrate();
    if (action == "create") {
        auto role = a.options.count("role") ? a.options.at("role") : "";
        auto name = a.options.count("name") ? a.options.at("name") : "";
        if (role.empty() || name.empty()) throw usage_error("token create needs --role and --name");
        std::optional<kal::db::id_t> organisation;
        if (auto it = a.options.find("organisation"); it != a.options.end()) {
            try {
                organisation = std::stoll(it->second);
            } catch (const std::exception&) {
                throw usage_error("--organisation takes an organisation id");
            }
            if (!store.find_organisation(*organisation))
                throw usage_error("no organisation with id " + it->second);
        }
        try {
            auto [plain, record] = svc::issue_token(store, role, name, organisation);
            std::cout << plain << "\n";
            std::cerr << "token " << record.id << " (" << record.role << ") created; it is shown only this once\n";
        } catch (const std::invalid_argument& e) {
            throw usage_error(e.what());
        }
        return 0;
    }
    if (action == "revoke") {
        if (a.positional.size() != 2) throw usage_error("token revoke needs the token id");
        kal::db::id_t id = 0;
        try {
            id = std::stoll(a.positional[1]);
        } catch (const std::exception&) {
            throw usage_error("token revoke needs a numeric token id");
        }
        try {
            store.revoke_token(id);
        } catch (const kal::db::not_found&) {
            std::cerr << "kalendarium: no token with id " << id << "\n";
            return 1;
        }
        std::cout << "token " << id << " revoked\n";
        return 0;
    }
    if (action == "list") {
        for (const auto& t : store.list_tokens())
            std::cout << t.id << "\t" << t.role << "\t" << (t.organisation_id ? std::to_string(*t.organisation_id) : "-")
                      << "\t" << (t.revoked_at ? "revoked" : "active") << "\t" << t.name << "\n";
        return 0;
    }
    throw usage_error("unknown token action " + action);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << usage;
        return 2;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage;
        return 0;
    }
    svc::server::ignore_broken_pipes();  // before any thread starts
    try {
        svc::init_crypto();
        auto args = parse_arguments(argc, argv, 2, {"demo", "help"});
        if (has_switch(args, "help")) {
            auto it = command_help.find(command);
            if (it == command_help.end()) throw usage_error("unknown command " + command);
            std::cout << it->second;
            return 0;
        }
        if (command == "serve") return serve(args);
        if (command == "migrate") return migrate(args);
        if (command == "token") return token(args);
        if (command == "demo-data") return demo_data(args);
        throw usage_error("unknown command " + command);
    } catch (const usage_error& e) {
        std::cerr << "kalendarium: " << e.what() << "\n(see kalendarium --help)\n";
        return 2;
    } catch (const cfg::config_error& e) {
        std::cerr << "kalendarium: invalid configuration: " << e.what() << "\n";
        return 2;
    } catch (const kal::db::unavailable& e) {
        std::cerr << "kalendarium: database unavailable: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "kalendarium: " << e.what() << "\n";
        return 1;
    }
}
