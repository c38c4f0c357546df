#pragma once
// Kalendarium's configuration: defaults < TOML file < environment (KALENDARIUM_*) < flags.
// Every key is documented in config/kalendarium.example.toml; a test keeps the two in step.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kal::config {

struct server_settings {
    std::string listen_address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port (tests)
    int io_threads = 2;
    int max_connections = 1024;
    // Open connections per client address (the TCP peer; rsvps.trusted_proxies are exempt).
    int max_connections_per_address = 256;
    std::size_t body_limit = 1024 * 1024;  // bytes
    std::size_t header_limit = 16 * 1024;  // bytes: the request line and all header lines together
    std::chrono::milliseconds head_timeout{10000};  // the head, from the request's first byte
    std::chrono::milliseconds read_timeout{30000};  // the whole request, from its first byte
    std::chrono::milliseconds write_timeout{30000};
    std::chrono::milliseconds idle_timeout{60000};
    // After an early answer (413, 431, 400 before the body), what the client still sends is read
    // and dropped for at most this long and this much before the connection closes.
    std::chrono::milliseconds linger_timeout{2000};
    std::size_t linger_bytes = 4 * 1024 * 1024;
    std::chrono::milliseconds shutdown_grace{10000};
    std::string public_base_url = "http://127.0.0.1:8080";
};

struct database_settings {
    std::string url = "sqlite:var/kalendarium.db";
    int pool_size = 4;
    std::chrono::milliseconds lease_timeout{2000};
    std::chrono::milliseconds busy_timeout{5000};
};

struct calendar_settings {
    std::string default_time_zone = "Europe/Stockholm";
    int series_horizon_days = 730;      // occurrences of open-ended series are stored this far ahead
    int series_max_occurrences = 500;
};

struct feed_settings {
    std::chrono::milliseconds refresh_interval{3600 * 1000};  // REFRESH-INTERVAL, X-PUBLISHED-TTL, max-age
    int window_past_days = 90;
    int window_future_days = 548;  // 18 months
    // Cancelled meetings stay in feeds (STATUS:CANCELLED) until they have ended plus this long.
    std::chrono::milliseconds cancelled_retention{0};
    // How stale an instance's view of the database's change counter may be before a feed
    // request checks it again (one query); writes through this instance are seen at once.
    std::chrono::milliseconds change_poll_interval{1000};
    int cache_entries = 1000;
    // What the render cache (feeds, pages, anonymous API reads) may hold in bytes, its memory
    // files counted too: arbitrary query strings must not grow it without limit.
    std::size_t cache_memory = 32 * 1024 * 1024;
    std::size_t size_warning = 1024 * 1024;
    std::string calendar_name = "Överenskommelsen i Borås";
};

struct rsvp_settings {
    // Personal data of sign-ups and walk-ins (names, e-mail addresses, needs) is anonymised this
    // many days after the meeting ended; counts and organisations stay for the reports.
    int anonymise_after_days = 180;
    std::chrono::milliseconds anonymise_interval{3600 * 1000};  // how often the job looks
    // Sign-ups per client address and minute (a token bucket of this size); 0 = unlimited.
    int rate_limit_per_minute = 20;
    // Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated, exact).
    std::string trusted_proxies;
};

struct report_settings {
    // Meetings a year per type that the compact aims at, "type=count" comma-separated.
    std::string targets = "fro=4,stormote=1";
};

struct mail_settings {
    // Where messages go: smtp://host:port (plain, or STARTTLS with tls = "starttls") or
    // smtps://host:port (implicit TLS). Empty: no mail is written or sent.
    std::string smtp_url;
    std::string tls = "none";  // none | starttls (required) | try
    std::string username;
    std::string password;
    std::chrono::milliseconds timeout{30000};
    std::string ca_file;  // PEM certificates to trust for the server (a private CA); empty: the system's
    std::string from_address = "no-reply@example.boras.se";  // also the invitations' ORGANIZER
    std::string from_name = "Överenskommelsen i Borås";
    std::string reply_to;           // an address people can answer to; empty: none
    std::string message_id_domain;  // empty: the domain of from_address
    std::string template_dir;       // the operator's templates, laid out as service/mail/templates/; empty: built in
    int workers = 1;                // sending threads per instance
    int batch_size = 20;
    std::chrono::milliseconds poll_interval{1000};
    std::chrono::milliseconds claim_timeout{60000};   // a claimed message not sent by then is taken again
    std::chrono::milliseconds retry_initial{30000};   // doubles after each failed attempt ...
    std::chrono::milliseconds retry_max{3600 * 1000};  // ... up to this
    std::chrono::milliseconds give_up_after{24 * 3600 * 1000};  // then the message is failed
    // Reminders per meeting type: "type=offset offset, ...", offsets like 7d, 1d, 2h, 30m.
    std::string reminders = "fro=7d 1d, stormote=7d 1d, conference=7d 1d, network=1d, samrad=1d, dialog=1d, "
                            "training=1d, other=1d";
    std::chrono::milliseconds reminder_grace{15 * 60 * 1000};  // later than this after its time = late
    // A late reminder (after downtime) still goes out while the meeting is at least this far away.
    std::chrono::milliseconds late_reminder_min_lead{2 * 3600 * 1000};
    // Finished messages (sent, failed, skipped) are deleted this long after they were sent (or
    // written), once their meeting has begun; 0 keeps them for ever. The outbox holds addresses.
    std::chrono::milliseconds keep_finished_for{90LL * 24 * 3600 * 1000};
};

// The web pages: who runs them and how they look (issue 11). The pages' texts are in
// service/texts; these are the parts that differ from one city to another.
struct site_settings {
    std::string organisation_name = "Borås Stad";
    std::string service_name = "Överenskommelsen – möten";
    std::string service_name_en = "The compact – meetings";
    std::string logo_file;                  // an SVG or PNG shown beside the name; empty: none
    std::string accent_colour = "#00567d";  // links and buttons; must keep 4.5:1 contrast
    std::string contact_email = "overenskommelsen@example.boras.se";
    // The accessibility statement (Digg's template) and the privacy notice (GDPR art. 13).
    std::string accessibility_assessed = "2026-12-01";  // date of the last assessment
    std::string accessibility_contact = "overenskommelsen@example.boras.se";
    std::string controller = "Kommunstyrelsen, Borås Stad";  // personuppgiftsansvarig
    std::string controller_contact = "boras.stad@example.boras.se";
    std::string data_protection_officer = "dataskyddsombud@example.boras.se";
    // Public pages are cached (like feeds) and told to browsers as Cache-Control max-age: how old
    // seats and attendance on a cached page may be (changes of meetings are seen at once).
    std::chrono::milliseconds page_max_age{10 * 1000};
};

// Accounts: sign-in by e-mail link and sessions (issue 12).
struct account_settings {
    // A sign-in link someone asked for works once and this long.
    std::chrono::milliseconds sign_in_link_lifetime{15 * 60 * 1000};
    // A link in an invitation works once and this long (it waits in a mailbox; after it, the
    // invitee asks for a sign-in link with their address like everyone else).
    std::chrono::milliseconds invitation_link_lifetime{7LL * 24 * 3600 * 1000};
    // A session ends when it has not been used for this long ...
    std::chrono::milliseconds session_idle_timeout{4LL * 3600 * 1000};
    // ... and at the latest this long after signing in, however much it is used.
    std::chrono::milliseconds session_lifetime{7LL * 24 * 3600 * 1000};
    // Requests for a sign-in link per address and per client address, in an hour (token buckets
    // of this size refilled over an hour, in each instance's memory); 0 = unlimited.
    int sign_in_requests_per_address = 5;
    int sign_in_requests_per_client = 20;
};

struct log_settings {
    std::string level = "info";   // trace, debug, info, warn, error, off
    std::string format = "json";  // json or text
};

struct settings {
    server_settings server;
    database_settings database;
    calendar_settings calendar;
    feed_settings feeds;
    rsvp_settings rsvps;
    report_settings reports;
    mail_settings mail;
    site_settings site;
    account_settings accounts;
    log_settings log;
};

// An invalid value; `key` is the dotted key ("server.port") the operator must fix.
struct config_error : std::runtime_error {
    std::string key;
    config_error(std::string k, const std::string& message)
        : std::runtime_error(k + ": " + message), key(std::move(k)) {}
};

struct sources {
    std::optional<std::string> file;                       // TOML file; a missing file is an error
    std::map<std::string, std::string> environment;        // the process environment
    std::map<std::string, std::string> flags;              // dotted key -> value, from the command line
};

// reports.targets as a map from meeting type to meetings a year (validated by load).
std::map<std::string, int> report_targets(const settings& s);

// rsvps.trusted_proxies as a list of addresses.
std::vector<std::string> trusted_proxies(const settings& s);

// mail.reminders: meeting type -> offsets in seconds before the start (validated by load).
std::map<std::string, std::vector<std::int64_t>> reminder_defaults(const settings& s);
// "7d", "1d", "2h", "30m" -> seconds; throws config_error naming `key`.
std::int64_t parse_offset(const std::string& key, const std::string& text);

// Loads and validates. Throws config_error naming the key of the first problem.
settings load(const sources& from);

// The environment variable that sets a dotted key: "server.port" -> "KALENDARIUM_SERVER_PORT".
std::string environment_name(const std::string& key);

// Every dotted key, in documentation order.
std::vector<std::string> keys();

// The process environment as a map (only KALENDARIUM_* variables).
std::map<std::string, std::string> process_environment();

}  // namespace kal::config
