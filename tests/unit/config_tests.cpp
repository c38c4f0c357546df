#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "kal/config/config.hpp"

namespace cfg = kal::config;

namespace {

std::string example_path() { return std::string(KAL_SOURCE_DIR) + "/config/kalendarium.example.toml"; }

std::string write_temp(const std::string& text) {
    static int n = 0;
    auto path = std::filesystem::temp_directory_path() /
                ("kal-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".toml");
    std::ofstream(path) << text;
    return path.string();
}

std::string key_of_error(const cfg::sources& s) {
    try {
        cfg::load(s);
    } catch (const cfg::config_error& e) {
        return e.key;
    }
    return "(no error)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_valid_and_local) {
    auto s = cfg::load({});
    BOOST_TEST(s.server.port == 8080);
    BOOST_TEST(s.server.listen_address == "127.0.0.1");
    BOOST_TEST(s.database.url == "sqlite:var/kalendarium.db");
    BOOST_TEST(s.calendar.default_time_zone == "Europe/Stockholm");
}

BOOST_AUTO_TEST_CASE(example_file_documents_every_key_with_its_default) {
    std::ifstream in(example_path());
    BOOST_REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    std::string body = text.str();
    for (const auto& key : cfg::keys()) {
        auto dot = key.find('.');
        auto section = "[" + key.substr(0, dot) + "]";
        auto name = key.substr(dot + 1);
        BOOST_TEST_CONTEXT(key) {
            BOOST_TEST(body.find(section) != std::string::npos);
            BOOST_TEST(std::regex_search(body, std::regex("\n" + name + " = ")));
        }
    }
    // Loading the example gives exactly the defaults: the file cannot drift from the code.
    auto from_file = cfg::load({.file = example_path()});
    auto defaults = cfg::load({});
    BOOST_TEST(from_file.server.port == defaults.server.port);
    BOOST_TEST(from_file.server.body_limit == defaults.server.body_limit);
    BOOST_TEST(from_file.server.header_limit == defaults.server.header_limit);
    BOOST_TEST(from_file.server.idle_timeout.count() == defaults.server.idle_timeout.count());
    BOOST_TEST(from_file.server.max_connections_per_address == defaults.server.max_connections_per_address);
    BOOST_TEST(from_file.server.head_timeout.count() == defaults.server.head_timeout.count());
    BOOST_TEST(from_file.server.linger_timeout.count() == defaults.server.linger_timeout.count());
    BOOST_TEST(from_file.server.linger_bytes == defaults.server.linger_bytes);
    BOOST_TEST(from_file.database.lease_timeout.count() == defaults.database.lease_timeout.count());
    BOOST_TEST(from_file.database.url == defaults.database.url);
    BOOST_TEST(from_file.log.format == defaults.log.format);
    BOOST_TEST(from_file.rsvps.anonymise_after_days == defaults.rsvps.anonymise_after_days);
    BOOST_TEST(from_file.rsvps.rate_limit_per_minute == defaults.rsvps.rate_limit_per_minute);
    BOOST_TEST(from_file.rsvps.trusted_proxies == defaults.rsvps.trusted_proxies);
    BOOST_TEST(from_file.reports.targets == defaults.reports.targets);
    BOOST_TEST(from_file.mail.reminders == defaults.mail.reminders);
    BOOST_TEST(from_file.mail.from_name == defaults.mail.from_name);
    BOOST_TEST(from_file.mail.give_up_after.count() == defaults.mail.give_up_after.count());
    BOOST_TEST(from_file.mail.keep_finished_for.count() == defaults.mail.keep_finished_for.count());
    BOOST_TEST(from_file.mail.late_reminder_min_lead.count() == defaults.mail.late_reminder_min_lead.count());
    BOOST_TEST(from_file.accounts.sign_in_link_lifetime.count() == defaults.accounts.sign_in_link_lifetime.count());
    BOOST_TEST(from_file.accounts.invitation_link_lifetime.count() ==
               defaults.accounts.invitation_link_lifetime.count());
    BOOST_TEST(from_file.accounts.session_idle_timeout.count() == defaults.accounts.session_idle_timeout.count());
    BOOST_TEST(from_file.accounts.session_lifetime.count() == defaults.accounts.session_lifetime.count());
    BOOST_TEST(from_file.accounts.sign_in_requests_per_address == defaults.accounts.sign_in_requests_per_address);
    BOOST_TEST(from_file.accounts.sign_in_requests_per_client == defaults.accounts.sign_in_requests_per_client);
}

BOOST_AUTO_TEST_CASE(the_outbox_keeps_finished_messages_ninety_days_or_as_set) {
    BOOST_TEST(cfg::load({}).mail.keep_finished_for.count() == 90LL * 24 * 3600 * 1000);
    BOOST_TEST(cfg::load({.flags = {{"mail.keep_finished_for", "0"}}}).mail.keep_finished_for.count() == 0);
    BOOST_TEST(cfg::load({.flags = {{"mail.keep_finished_for", "30d"}}}).mail.keep_finished_for.count() ==
               30LL * 24 * 3600 * 1000);
    BOOST_TEST(key_of_error({.flags = {{"mail.keep_finished_for", "1h"}}}) == "mail.keep_finished_for");
    BOOST_TEST(key_of_error({.flags = {{"mail.keep_finished_for", "4000d"}}}) == "mail.keep_finished_for");
}

BOOST_AUTO_TEST_CASE(account_settings_are_checked_and_days_are_a_duration) {
    auto s = cfg::load({});
    BOOST_TEST(s.accounts.sign_in_link_lifetime.count() == 15 * 60 * 1000);
    BOOST_TEST(s.accounts.session_lifetime.count() == 7LL * 24 * 3600 * 1000);
    BOOST_TEST(cfg::load({.flags = {{"accounts.session_lifetime", "2d"}}}).accounts.session_lifetime.count() ==
               2LL * 24 * 3600 * 1000);
    BOOST_TEST(key_of_error({.flags = {{"accounts.session_idle_timeout", "1m"}}}) == "accounts.session_idle_timeout");
    BOOST_TEST(key_of_error({.flags = {{"accounts.session_idle_timeout", "8d"}}}) == "accounts.session_lifetime");
    BOOST_TEST(key_of_error({.flags = {{"accounts.sign_in_link_lifetime", "2d"}}}) ==
               "accounts.sign_in_link_lifetime");
    BOOST_TEST(key_of_error({.flags = {{"accounts.invitation_link_lifetime", "1m"}}}) ==
               "accounts.invitation_link_lifetime");
    BOOST_TEST(key_of_error({.flags = {{"accounts.sign_in_requests_per_client", "-1"}}}) ==
               "accounts.sign_in_requests_per_client");
    BOOST_TEST(key_of_error({.environment = {{"KALENDARIUM_ACCOUNTS_SIGN_IN_REQUESTS_PER_ADDRESS", "x"}}}) ==
               "accounts.sign_in_requests_per_address");
}

BOOST_AUTO_TEST_CASE(mail_settings_are_checked_and_reminders_parsed) {
    auto defaults = cfg::reminder_defaults(cfg::load({}));
    BOOST_TEST((defaults.at("fro") == std::vector<std::int64_t>{7 * 86400, 86400}));
    BOOST_TEST((defaults.at("network") == std::vector<std::int64_t>{86400}));
    auto s = cfg::load({.flags = {{"mail.reminders", "fro=2h 7d  30m,other="}}});
    BOOST_TEST((cfg::reminder_defaults(s).at("fro") == std::vector<std::int64_t>{7 * 86400, 7200, 1800}));
    BOOST_TEST(cfg::reminder_defaults(s).at("other").empty());
    BOOST_TEST(key_of_error({.flags = {{"mail.reminders", "fro=7x"}}}) == "mail.reminders");
    BOOST_TEST(key_of_error({.flags = {{"mail.reminders", "fro=0d"}}}) == "mail.reminders");
    BOOST_TEST(key_of_error({.flags = {{"mail.reminders", "fro=100d"}}}) == "mail.reminders");
    BOOST_TEST(key_of_error({.flags = {{"mail.smtp_url", "http://mail"}}}) == "mail.smtp_url");
    BOOST_TEST(key_of_error({.flags = {{"mail.tls", "yes"}}}) == "mail.tls");
    BOOST_TEST(key_of_error({.flags = {{"mail.from_address", "Kalendarium <a@b.se>"}}}) == "mail.from_address");
    BOOST_TEST(key_of_error({.flags = {{"mail.from_name", "A\nBcc: x@y.se"}}}) == "mail.from_name");
    BOOST_TEST(key_of_error({.flags = {{"mail.retry_max", "1s"}}}) == "mail.retry_max");
    BOOST_TEST(key_of_error({.flags = {{"mail.workers", "0"}}}) == "mail.workers");
    BOOST_TEST(cfg::parse_offset("k", "90d") == 90 * 86400);
}

BOOST_AUTO_TEST_CASE(report_targets_and_trusted_proxies_are_lists) {
    auto s = cfg::load({.flags = {{"reports.targets", " fro = 4, stormote=1 ,network=0"},
                                  {"rsvps.trusted_proxies", "10.0.0.1, ::1"}}});
    auto targets = cfg::report_targets(s);
    BOOST_TEST(targets.size() == 3u);
    BOOST_TEST(targets.at("fro") == 4);
    BOOST_TEST(targets.at("stormote") == 1);
    BOOST_TEST(targets.at("network") == 0);
    auto proxies = cfg::trusted_proxies(s);
    BOOST_TEST(proxies.size() == 2u);
    BOOST_TEST(proxies.at(1) == "::1");
    BOOST_TEST(cfg::report_targets(cfg::load({})).at("fro") == 4);
    BOOST_TEST(key_of_error({.flags = {{"reports.targets", "fro"}}}) == "reports.targets");
    BOOST_TEST(key_of_error({.flags = {{"reports.targets", "fro=-1"}}}) == "reports.targets");
    BOOST_TEST(key_of_error({.flags = {{"reports.targets", "fro=1,fro=2"}}}) == "reports.targets");
    BOOST_TEST(key_of_error({.flags = {{"reports.targets", "FRO=1"}}}) == "reports.targets");
    BOOST_TEST(key_of_error({.flags = {{"rsvps.trusted_proxies", "proxy.example"}}}) == "rsvps.trusted_proxies");
    BOOST_TEST(key_of_error({.flags = {{"rsvps.rate_limit_per_minute", "-1"}}}) == "rsvps.rate_limit_per_minute");
    BOOST_TEST(key_of_error({.flags = {{"rsvps.anonymise_after_days", "99999"}}}) == "rsvps.anonymise_after_days");
}

BOOST_AUTO_TEST_CASE(file_then_environment_then_flags_take_precedence) {
    auto file = write_temp("[server]\nport = 9000\nio_threads = 3\n[database]\nurl = \"sqlite:/tmp/a.db\"\n");
    cfg::sources s{.file = file,
                   .environment = {{"KALENDARIUM_SERVER_PORT", "9001"}, {"KALENDARIUM_LOG_LEVEL", "debug"}},
                   .flags = {{"server.port", "9002"}}};
    auto result = cfg::load(s);
    BOOST_TEST(result.server.port == 9002);        // flag beats environment and file
    BOOST_TEST(result.server.io_threads == 3);     // from the file
    BOOST_TEST(result.log.level == "debug");       // from the environment
    BOOST_TEST(result.database.url == "sqlite:/tmp/a.db");
    s.flags.clear();
    BOOST_TEST(cfg::load(s).server.port == 9001);  // environment beats file
}

BOOST_AUTO_TEST_CASE(durations_and_sizes_accept_units) {
    auto r = cfg::load({.flags = {{"server.read_timeout", "500ms"},
                                  {"server.idle_timeout", "2m"},
                                  {"server.body_limit", "64KiB"},
                                  {"server.header_limit", "2048"}}});
    BOOST_TEST(r.server.read_timeout.count() == 500);
    BOOST_TEST(r.server.idle_timeout.count() == 120000);
    BOOST_TEST(r.server.body_limit == 64u * 1024u);
    BOOST_TEST(r.server.header_limit == 2048u);
}

BOOST_AUTO_TEST_CASE(invalid_values_name_their_key) {
    BOOST_TEST(key_of_error({.flags = {{"server.port", "70000"}}}) == "server.port");
    BOOST_TEST(key_of_error({.flags = {{"server.port", "eighty"}}}) == "server.port");
    BOOST_TEST(key_of_error({.flags = {{"server.io_threads", "0"}}}) == "server.io_threads");
    BOOST_TEST(key_of_error({.flags = {{"server.read_timeout", "5 parsecs"}}}) == "server.read_timeout");
    BOOST_TEST(key_of_error({.flags = {{"server.body_limit", "12"}}}) == "server.body_limit");
    BOOST_TEST(key_of_error({.flags = {{"database.url", "mysql://x"}}}) == "database.url");
    BOOST_TEST(key_of_error({.flags = {{"server.public_base_url", "ftp://x"}}}) == "server.public_base_url");
    BOOST_TEST(key_of_error({.flags = {{"log.level", "loud"}}}) == "log.level");
    BOOST_TEST(key_of_error({.flags = {{"log.format", "xml"}}}) == "log.format");
    BOOST_TEST(key_of_error({.flags = {{"no.such_key", "1"}}}) == "no.such_key");
    BOOST_TEST(key_of_error({.environment = {{"KALENDARIUM_SERVER_PROT", "1"}}}) == "KALENDARIUM_SERVER_PROT");
    BOOST_TEST(key_of_error({.file = write_temp("[server]\nportt = 1\n")}) == "server.portt");
    BOOST_TEST(key_of_error({.file = write_temp("[server]\nport = \n")}) == "config");
    BOOST_TEST(key_of_error({.file = std::string("/nonexistent/kal.toml")}) == "config");
}

// Issue 14: the limits that keep one client from locking out the others, and the drain after an
// early answer; the cap per address is well below max_connections by default.
BOOST_AUTO_TEST_CASE(connection_fairness_keys_have_defaults_environment_variables_and_checks) {
    auto d = cfg::load({});
    BOOST_TEST(d.server.max_connections_per_address == 256);
    BOOST_TEST(d.server.max_connections_per_address * 4 <= d.server.max_connections);
    BOOST_TEST(d.server.head_timeout.count() == 10000);
    BOOST_TEST((d.server.head_timeout < d.server.read_timeout));
    BOOST_TEST(d.server.linger_timeout.count() == 2000);
    BOOST_TEST(d.server.linger_bytes == 4u * 1024u * 1024u);
    auto e = cfg::load({.environment = {{"KALENDARIUM_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "16"},
                                        {"KALENDARIUM_SERVER_HEAD_TIMEOUT", "3s"},
                                        {"KALENDARIUM_SERVER_LINGER_TIMEOUT", "0s"},
                                        {"KALENDARIUM_SERVER_LINGER_BYTES", "64KiB"}}});
    BOOST_TEST(e.server.max_connections_per_address == 16);
    BOOST_TEST(e.server.head_timeout.count() == 3000);
    BOOST_TEST(e.server.linger_timeout.count() == 0);  // 0 closes at once
    BOOST_TEST(e.server.linger_bytes == 64u * 1024u);
    BOOST_TEST(key_of_error({.flags = {{"server.max_connections_per_address", "0"}}}) ==
               "server.max_connections_per_address");
    BOOST_TEST(key_of_error({.flags = {{"server.max_connections_per_address", "many"}}}) ==
               "server.max_connections_per_address");
    BOOST_TEST(key_of_error({.flags = {{"server.head_timeout", "0s"}}}) == "server.head_timeout");
    BOOST_TEST(key_of_error({.flags = {{"server.linger_timeout", "-1s"}}}) == "server.linger_timeout");
    BOOST_TEST(key_of_error({.flags = {{"server.linger_bytes", "lots"}}}) == "server.linger_bytes");
    BOOST_TEST(key_of_error({.flags = {{"server.header_limit", "2MiB"}}}) == "server.header_limit");
}

BOOST_AUTO_TEST_CASE(environment_names_follow_the_keys) {
    BOOST_TEST(cfg::environment_name("server.port") == "KALENDARIUM_SERVER_PORT");
    BOOST_TEST(cfg::environment_name("database.pool_size") == "KALENDARIUM_DATABASE_POOL_SIZE");
}
