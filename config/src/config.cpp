#include "kal/config/config.hpp"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <functional>
#include <limits>
#include <type_traits>
#include <toml++/toml.h>

extern char** environ;

namespace kal::config {
namespace {

// One configuration key: how to set it from text (environment, flags) and from TOML.
struct key_spec {
    std::string key;
    std::function<void(settings&, const std::string&)> from_text;
    std::function<void(settings&, const toml::node&)> from_toml;
};

[[noreturn]] void fail(const std::string& key, const std::string& message) { throw config_error(key, message); }

std::string trim(std::string s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

std::int64_t parse_integer(const std::string& key, const std::string& text) {
    std::int64_t v = 0;
    auto t = trim(text);
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || t.empty()) fail(key, "expected a whole number, got \"" + text + "\"");
    return v;
}

// "30s", "500ms", "2m", "1h", "7d" or a bare number of seconds.
std::chrono::milliseconds parse_duration(const std::string& key, const std::string& text) {
    auto t = trim(text);
    std::size_t digits = 0;
    while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
    if (digits == 0) fail(key, "expected a duration such as 30s, 500ms, 2m or 7d, got \"" + text + "\"");
    auto n = parse_integer(key, t.substr(0, digits));
    auto unit = t.substr(digits);
    if (unit.empty() || unit == "s") return std::chrono::seconds(n);
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit == "m") return std::chrono::minutes(n);
    if (unit == "h") return std::chrono::hours(n);
    if (unit == "d") return std::chrono::days(n);
    fail(key, "unknown duration unit \"" + unit + "\" (use ms, s, m, h or d)");
}

// "1048576", "64KiB", "1MiB".
std::size_t parse_size(const std::string& key, const std::string& text) {
    auto t = trim(text);
    std::size_t digits = 0;
    while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
    if (digits == 0) fail(key, "expected a size such as 1048576, 64KiB or 1MiB, got \"" + text + "\"");
    auto n = static_cast<std::size_t>(parse_integer(key, t.substr(0, digits)));
    auto unit = t.substr(digits);
    if (unit.empty() || unit == "B") return n;
    if (unit == "KiB") return n * 1024;
    if (unit == "MiB") return n * 1024 * 1024;
    fail(key, "unknown size unit \"" + unit + "\" (use B, KiB or MiB)");
}

std::string toml_as_text(const std::string& key, const toml::node& node) {
    if (auto s = node.as_string()) return s->get();
    if (auto i = node.as_integer()) return std::to_string(i->get());
    if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
    fail(key, "expected a string or a number");
}

key_spec text_key(std::string key, std::function<void(settings&, const std::string&)> set) {
    auto from_toml = [key, set](settings& s, const toml::node& n) { set(s, toml_as_text(key, n)); };
    return {std::move(key), std::move(set), std::move(from_toml)};
}

template <class Section, class T>
key_spec make_key(std::string key, Section settings::*section, T Section::*member) {
    auto setter = [key, section, member](settings& s, const std::string& text) {
        T& target = (s.*section).*member;
        if constexpr (std::is_same_v<T, std::string>) {
            target = text;
        } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
            target = parse_duration(key, text);
        } else if constexpr (std::is_same_v<T, std::size_t>) {
            target = parse_size(key, text);
        } else {
            auto v = parse_integer(key, text);
            if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
                v > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
                fail(key, "out of range: " + text);
            target = static_cast<T>(v);
        }
    };
    return text_key(std::move(key), setter);
}

const std::vector<key_spec>& key_table() {
    static const std::vector<key_spec> table = {
        make_key("server.listen_address", &settings::server, &server_settings::listen_address),
        make_key("server.port", &settings::server, &server_settings::port),
        make_key("server.io_threads", &settings::server, &server_settings::io_threads),
        make_key("server.max_connections", &settings::server, &server_settings::max_connections),
        make_key("server.max_connections_per_address", &settings::server,
                 &server_settings::max_connections_per_address),
        make_key("server.body_limit", &settings::server, &server_settings::body_limit),
        make_key("server.header_limit", &settings::server, &server_settings::header_limit),
        make_key("server.head_timeout", &settings::server, &server_settings::head_timeout),
        make_key("server.read_timeout", &settings::server, &server_settings::read_timeout),
        make_key("server.write_timeout", &settings::server, &server_settings::write_timeout),
        make_key("server.idle_timeout", &settings::server, &server_settings::idle_timeout),
        make_key("server.linger_timeout", &settings::server, &server_settings::linger_timeout),
        make_key("server.linger_bytes", &settings::server, &server_settings::linger_bytes),
        make_key("server.shutdown_grace", &settings::server, &server_settings::shutdown_grace),
        make_key("server.public_base_url", &settings::server, &server_settings::public_base_url),
        make_key("database.url", &settings::database, &database_settings::url),
        make_key("database.pool_size", &settings::database, &database_settings::pool_size),
        make_key("database.lease_timeout", &settings::database, &database_settings::lease_timeout),
        make_key("database.busy_timeout", &settings::database, &database_settings::busy_timeout),
        make_key("calendar.default_time_zone", &settings::calendar, &calendar_settings::default_time_zone),
        make_key("calendar.series_horizon_days", &settings::calendar, &calendar_settings::series_horizon_days),
        make_key("calendar.series_max_occurrences", &settings::calendar,
                 &calendar_settings::series_max_occurrences),
        make_key("feeds.refresh_interval", &settings::feeds, &feed_settings::refresh_interval),
        make_key("feeds.window_past_days", &settings::feeds, &feed_settings::window_past_days),
        make_key("feeds.window_future_days", &settings::feeds, &feed_settings::window_future_days),
        make_key("feeds.cancelled_retention", &settings::feeds, &feed_settings::cancelled_retention),
        make_key("feeds.change_poll_interval", &settings::feeds, &feed_settings::change_poll_interval),
        make_key("feeds.cache_entries", &settings::feeds, &feed_settings::cache_entries),
        make_key("feeds.cache_memory", &settings::feeds, &feed_settings::cache_memory),
        make_key("feeds.size_warning", &settings::feeds, &feed_settings::size_warning),
        make_key("feeds.calendar_name", &settings::feeds, &feed_settings::calendar_name),
        make_key("rsvps.anonymise_after_days", &settings::rsvps, &rsvp_settings::anonymise_after_days),
        make_key("rsvps.anonymise_interval", &settings::rsvps, &rsvp_settings::anonymise_interval),
        make_key("rsvps.rate_limit_per_minute", &settings::rsvps, &rsvp_settings::rate_limit_per_minute),
        make_key("rsvps.trusted_proxies", &settings::rsvps, &rsvp_settings::trusted_proxies),
        make_key("reports.targets", &settings::reports, &report_settings::targets),
        make_key("mail.smtp_url", &settings::mail, &mail_settings::smtp_url),
        make_key("mail.tls", &settings::mail, &mail_settings::tls),
        make_key("mail.username", &settings::mail, &mail_settings::username),
        make_key("mail.password", &settings::mail, &mail_settings::password),
        make_key("mail.timeout", &settings::mail, &mail_settings::timeout),
        make_key("mail.ca_file", &settings::mail, &mail_settings::ca_file),
        make_key("mail.from_address", &settings::mail, &mail_settings::from_address),
        make_key("mail.from_name", &settings::mail, &mail_settings::from_name),
        make_key("mail.reply_to", &settings::mail, &mail_settings::reply_to),
        make_key("mail.message_id_domain", &settings::mail, &mail_settings::message_id_domain),
        make_key("mail.template_dir", &settings::mail, &mail_settings::template_dir),
        make_key("mail.workers", &settings::mail, &mail_settings::workers),
        make_key("mail.batch_size", &settings::mail, &mail_settings::batch_size),
        make_key("mail.poll_interval", &settings::mail, &mail_settings::poll_interval),
        make_key("mail.claim_timeout", &settings::mail, &mail_settings::claim_timeout),
        make_key("mail.retry_initial", &settings::mail, &mail_settings::retry_initial),
        make_key("mail.retry_max", &settings::mail, &mail_settings::retry_max),
        make_key("mail.give_up_after", &settings::mail, &mail_settings::give_up_after),
        make_key("mail.keep_finished_for", &settings::mail, &mail_settings::keep_finished_for),
        make_key("mail.reminders", &settings::mail, &mail_settings::reminders),
        make_key("mail.reminder_grace", &settings::mail, &mail_settings::reminder_grace),
        make_key("mail.late_reminder_min_lead", &settings::mail, &mail_settings::late_reminder_min_lead),
        make_key("site.organisation_name", &settings::site, &site_settings::organisation_name),
        make_key("site.service_name", &settings::site, &site_settings::service_name),
        make_key("site.service_name_en", &settings::site, &site_settings::service_name_en),
        make_key("site.logo_file", &settings::site, &site_settings::logo_file),
        make_key("site.accent_colour", &settings::site, &site_settings::accent_colour),
        make_key("site.contact_email", &settings::site, &site_settings::contact_email),
        make_key("site.accessibility_assessed", &settings::site, &site_settings::accessibility_assessed),
        make_key("site.accessibility_contact", &settings::site, &site_settings::accessibility_contact),
        make_key("site.controller", &settings::site, &site_settings::controller),
        make_key("site.controller_contact", &settings::site, &site_settings::controller_contact),
        make_key("site.data_protection_officer", &settings::site, &site_settings::data_protection_officer),
        make_key("site.page_max_age", &settings::site, &site_settings::page_max_age),
        make_key("accounts.sign_in_link_lifetime", &settings::accounts, &account_settings::sign_in_link_lifetime),
        make_key("accounts.invitation_link_lifetime", &settings::accounts,
                 &account_settings::invitation_link_lifetime),
        make_key("accounts.session_idle_timeout", &settings::accounts, &account_settings::session_idle_timeout),
        make_key("accounts.session_lifetime", &settings::accounts, &account_settings::session_lifetime),
        make_key("accounts.sign_in_requests_per_address", &settings::accounts,
                 &account_settings::sign_in_requests_per_address),
        make_key("accounts.sign_in_requests_per_client", &settings::accounts,
                 &account_settings::sign_in_requests_per_client),
        make_key("log.level", &settings::log, &log_settings::level),
        make_key("log.format", &settings::log, &log_settings::format),
    };
    return table;
}

const key_spec* find_key(const std::string& key) {
    for (const auto& k : key_table())
        if (k.key == key) return &k;
    return nullptr;
}

// name@domain, nothing a mail header could be split by.
bool plain_address(const std::string& a) {
    auto at = a.find('@');
    return at != std::string::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == std::string::npos &&
           a.find_first_of(" <>()[],;:\"\\\r\n\t") == std::string::npos;
}

// Relative luminance of an sRGB colour (WCAG 2.1).
double luminance(int r, int g, int b) {
    auto channel = [](int c) {
        double v = c / 255.0;
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

double contrast(double a, double b) { return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05); }

void validate_site(const site_settings& site) {
    auto one_line = [](const std::string& key, const std::string& v) {
        if (v.empty() || v.size() > 200 || v.find_first_of("\r\n") != std::string::npos)
            fail(key, "one line of 1 to 200 characters");
    };
    one_line("site.organisation_name", site.organisation_name);
    one_line("site.service_name", site.service_name);
    one_line("site.service_name_en", site.service_name_en);
    one_line("site.controller", site.controller);
    const auto& c = site.accent_colour;
    if (c.size() != 7 || c[0] != '#' || c.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos)
        fail("site.accent_colour", "must be a colour #rrggbb");
    const int r = std::stoi(c.substr(1, 2), nullptr, 16), g = std::stoi(c.substr(3, 2), nullptr, 16),
              b = std::stoi(c.substr(5, 2), nullptr, 16);
    // Links and buttons are drawn in it on white and on the light surface (#f3f2f1), and white
    // text on it: WCAG 2.1 AA wants 4.5:1 for each (docs/architecture.md, "The look").
    const double l = luminance(r, g, b);
    if (contrast(l, 1.0) < 4.5 || contrast(l, luminance(0xf3, 0xf2, 0xf1)) < 4.5)
        fail("site.accent_colour", "needs a contrast of at least 4.5:1 against white and #f3f2f1 (WCAG 2.1 AA)");
    if (!site.logo_file.empty()) {
        if (!site.logo_file.ends_with(".svg") && !site.logo_file.ends_with(".png"))
            fail("site.logo_file", "must be an .svg or .png file");
        if (!std::filesystem::is_regular_file(site.logo_file)) fail("site.logo_file", "no such file: " + site.logo_file);
    }
    for (auto [key, value] : {std::pair{"site.contact_email", &site.contact_email},
                              std::pair{"site.accessibility_contact", &site.accessibility_contact},
                              std::pair{"site.controller_contact", &site.controller_contact},
                              std::pair{"site.data_protection_officer", &site.data_protection_officer}})
        if (!plain_address(*value)) fail(key, "must be a plain e-mail address");
    const auto& d = site.accessibility_assessed;
    if (d.size() != 10 || d[4] != '-' || d[7] != '-' ||
        d.find_first_not_of("0123456789-") != std::string::npos)
        fail("site.accessibility_assessed", "must be a date YYYY-MM-DD");
    if (site.page_max_age < std::chrono::seconds(1) || site.page_max_age > std::chrono::hours(1))
        fail("site.page_max_age", "from 1s to 1h");
}

void validate(const settings& s) {
    auto positive = [](const std::string& key, std::int64_t v) {
        if (v <= 0) fail(key, "must be greater than zero");
    };
    validate_site(s.site);
    if (s.server.listen_address.empty()) fail("server.listen_address", "must not be empty");
    positive("server.io_threads", s.server.io_threads);
    if (s.server.io_threads > 256) fail("server.io_threads", "at most 256");
    positive("server.max_connections", s.server.max_connections);
    positive("server.max_connections_per_address", s.server.max_connections_per_address);
    if (s.server.body_limit < 1024) fail("server.body_limit", "at least 1KiB");
    if (s.server.header_limit < 1024) fail("server.header_limit", "at least 1KiB");
    if (s.server.header_limit > 1024 * 1024) fail("server.header_limit", "at most 1MiB");
    positive("server.head_timeout", s.server.head_timeout.count());
    positive("server.read_timeout", s.server.read_timeout.count());
    positive("server.write_timeout", s.server.write_timeout.count());
    positive("server.idle_timeout", s.server.idle_timeout.count());
    if (s.server.linger_timeout.count() < 0) fail("server.linger_timeout", "must not be negative");
    if (s.server.shutdown_grace.count() < 0) fail("server.shutdown_grace", "must not be negative");
    const auto& base = s.server.public_base_url;
    if (!(base.starts_with("http://") || base.starts_with("https://")) || base.ends_with("/"))
        fail("server.public_base_url", "must start with http:// or https:// and not end with /");
    const auto& url = s.database.url;
    if (!(url.starts_with("sqlite:") || url.starts_with("postgresql://") || url.starts_with("postgres://")))
        fail("database.url", "must be sqlite:PATH or postgresql://user@host/db");
    if (url == "sqlite:") fail("database.url", "sqlite: needs a file path");
    positive("database.pool_size", s.database.pool_size);
    if (s.database.pool_size > 256) fail("database.pool_size", "at most 256");
    positive("database.lease_timeout", s.database.lease_timeout.count());
    positive("database.busy_timeout", s.database.busy_timeout.count());
    if (s.calendar.default_time_zone.empty()) fail("calendar.default_time_zone", "must not be empty");
    positive("calendar.series_horizon_days", s.calendar.series_horizon_days);
    positive("calendar.series_max_occurrences", s.calendar.series_max_occurrences);
    if (s.feeds.refresh_interval < std::chrono::minutes(1)) fail("feeds.refresh_interval", "at least 1m");
    if (s.feeds.window_past_days < 0 || s.feeds.window_past_days > 3650)
        fail("feeds.window_past_days", "must be from 0 to 3650");
    if (s.feeds.window_future_days < 1 || s.feeds.window_future_days > 3650)
        fail("feeds.window_future_days", "must be from 1 to 3650");
    if (s.feeds.cancelled_retention.count() < 0) fail("feeds.cancelled_retention", "must not be negative");
    if (s.feeds.change_poll_interval.count() < 0) fail("feeds.change_poll_interval", "must not be negative");
    positive("feeds.cache_entries", s.feeds.cache_entries);
    if (s.feeds.cache_memory < 64 * 1024) fail("feeds.cache_memory", "must be at least 64KiB");
    if (s.feeds.calendar_name.empty() || s.feeds.calendar_name.size() > 200)
        fail("feeds.calendar_name", "must be 1 to 200 characters");
    if (s.rsvps.anonymise_after_days < 0 || s.rsvps.anonymise_after_days > 3650)
        fail("rsvps.anonymise_after_days", "must be from 0 to 3650");
    if (s.rsvps.anonymise_interval < std::chrono::seconds(1)) fail("rsvps.anonymise_interval", "at least 1s");
    if (s.rsvps.rate_limit_per_minute < 0 || s.rsvps.rate_limit_per_minute > 1000000)
        fail("rsvps.rate_limit_per_minute", "must be from 0 (unlimited) to 1000000");
    trusted_proxies(s);
    report_targets(s);
    const auto& m = s.mail;
    if (!m.smtp_url.empty() && !m.smtp_url.starts_with("smtp://") && !m.smtp_url.starts_with("smtps://"))
        fail("mail.smtp_url", "must start with smtp:// or smtps:// (or be empty: no mail)");
    if (m.tls != "none" && m.tls != "starttls" && m.tls != "try") fail("mail.tls", "must be none, starttls or try");
    if (!m.ca_file.empty() && !std::filesystem::is_regular_file(m.ca_file))
        fail("mail.ca_file", "no such file: " + m.ca_file);
    if (!plain_address(m.from_address)) fail("mail.from_address", "must be a plain e-mail address");
    if (!m.reply_to.empty() && !plain_address(m.reply_to)) fail("mail.reply_to", "must be a plain e-mail address");
    if (m.from_name.find_first_of("\r\n") != std::string::npos || m.from_name.size() > 200)
        fail("mail.from_name", "one line of at most 200 characters");
    if (!m.message_id_domain.empty() &&
        m.message_id_domain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos)
        fail("mail.message_id_domain", "a lower-case domain name");
    if (m.workers < 1 || m.workers > 32) fail("mail.workers", "must be from 1 to 32");
    if (m.batch_size < 1 || m.batch_size > 1000) fail("mail.batch_size", "must be from 1 to 1000");
    if (m.poll_interval < std::chrono::milliseconds(10)) fail("mail.poll_interval", "at least 10ms");
    if (m.claim_timeout < std::chrono::seconds(1)) fail("mail.claim_timeout", "at least 1s");
    if (m.timeout < std::chrono::seconds(1)) fail("mail.timeout", "at least 1s");
    if (m.retry_initial < std::chrono::milliseconds(10)) fail("mail.retry_initial", "at least 10ms");
    if (m.retry_max < m.retry_initial) fail("mail.retry_max", "must not be less than mail.retry_initial");
    if (m.give_up_after < std::chrono::seconds(1)) fail("mail.give_up_after", "at least 1s");
    // Shorter than give_up_after would delete what organisers are meant to see failed and resend.
    if (m.keep_finished_for.count() != 0 && (m.keep_finished_for < m.give_up_after ||
                                             m.keep_finished_for > std::chrono::days(3650)))
        fail("mail.keep_finished_for", "must be 0 (keep) or from mail.give_up_after to 3650d");
    if (m.reminder_grace.count() < 0) fail("mail.reminder_grace", "must not be negative");
    if (m.late_reminder_min_lead.count() < 0) fail("mail.late_reminder_min_lead", "must not be negative");
    reminder_defaults(s);
    const auto& a = s.accounts;
    if (a.sign_in_link_lifetime < std::chrono::minutes(1) || a.sign_in_link_lifetime > std::chrono::hours(24))
        fail("accounts.sign_in_link_lifetime", "must be from 1m to 24h");
    if (a.invitation_link_lifetime < a.sign_in_link_lifetime || a.invitation_link_lifetime > std::chrono::days(30))
        fail("accounts.invitation_link_lifetime", "must be from accounts.sign_in_link_lifetime to 30d");
    // Activity is written at most every tenth of the idle timeout (and every 5 minutes), so a
    // shorter one would be written at almost every request.
    if (a.session_idle_timeout < std::chrono::minutes(5)) fail("accounts.session_idle_timeout", "at least 5m");
    if (a.session_lifetime < a.session_idle_timeout || a.session_lifetime > std::chrono::days(366))
        fail("accounts.session_lifetime", "must be from accounts.session_idle_timeout to 366d");
    if (a.sign_in_requests_per_address < 0 || a.sign_in_requests_per_address > 1000000)
        fail("accounts.sign_in_requests_per_address", "must be from 0 (unlimited) to 1000000");
    if (a.sign_in_requests_per_client < 0 || a.sign_in_requests_per_client > 1000000)
        fail("accounts.sign_in_requests_per_client", "must be from 0 (unlimited) to 1000000");
    static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(levels.begin(), levels.end(), s.log.level) == levels.end())
        fail("log.level", "must be one of trace, debug, info, warn, error, off");
    if (s.log.format != "json" && s.log.format != "text") fail("log.format", "must be json or text");
}

void apply_table(settings& s, const toml::table& table, const std::string& prefix) {
    for (const auto& [k, node] : table) {
        std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (auto sub = node.as_table()) {
            if (!prefix.empty()) fail(key, "unknown section");
            apply_table(s, *sub, key);
            continue;
        }
        const auto* spec = find_key(key);
        if (!spec) fail(key, "unknown key");
        spec->from_toml(s, node);
    }
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        auto item = trim(text.substr(start, comma - start));
        if (!item.empty()) out.push_back(item);
        start = comma + 1;
    }
    return out;
}

}  // namespace

std::map<std::string, int> report_targets(const settings& s) {
    std::map<std::string, int> out;
    for (const auto& item : split_list(s.reports.targets)) {
        auto eq = item.find('=');
        if (eq == std::string::npos) fail("reports.targets", "expected type=count, got \"" + item + "\"");
        auto type = trim(item.substr(0, eq));
        if (type.empty() || type.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
            fail("reports.targets", "not a meeting type: \"" + type + "\"");
        auto count = parse_integer("reports.targets", item.substr(eq + 1));
        if (count < 0 || count > 1000) fail("reports.targets", "a target must be from 0 to 1000");
        if (!out.emplace(type, static_cast<int>(count)).second)
            fail("reports.targets", "type \"" + type + "\" given twice");
    }
    return out;
}

std::int64_t parse_offset(const std::string& key, const std::string& text) {
    auto t = trim(text);
    std::size_t digits = 0;
    while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
    if (digits == 0 || digits + 1 != t.size()) fail(key, "expected an offset such as 7d, 1d, 2h or 30m, got \"" + text + "\"");
    auto n = parse_integer(key, t.substr(0, digits));
    std::int64_t unit = t.back() == 'd' ? 86400 : t.back() == 'h' ? 3600 : t.back() == 'm' ? 60 : 0;
    if (unit == 0) fail(key, "unknown unit in \"" + text + "\" (use d, h or m)");
    if (n < 1 || n * unit > 90 * 86400) fail(key, "an offset must be from 1m to 90d");
    return n * unit;
}

std::map<std::string, std::vector<std::int64_t>> reminder_defaults(const settings& s) {
    std::map<std::string, std::vector<std::int64_t>> out;
    for (const auto& item : split_list(s.mail.reminders)) {
        auto eq = item.find('=');
        if (eq == std::string::npos) fail("mail.reminders", "expected type=offsets, got \"" + item + "\"");
        auto type = trim(item.substr(0, eq));
        if (type.empty() || type.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
            fail("mail.reminders", "not a meeting type: \"" + type + "\"");
        std::vector<std::int64_t> offsets;
        std::string rest = item.substr(eq + 1);
        std::size_t start = 0;
        while (start < rest.size()) {
            auto space = rest.find(' ', start);
            if (space == std::string::npos) space = rest.size();
            if (space > start) offsets.push_back(parse_offset("mail.reminders", rest.substr(start, space - start)));
            start = space + 1;
        }
        std::sort(offsets.rbegin(), offsets.rend());
        offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
        if (!out.emplace(type, std::move(offsets)).second) fail("mail.reminders", "type \"" + type + "\" given twice");
    }
    return out;
}

std::vector<std::string> trusted_proxies(const settings& s) {
    auto out = split_list(s.rsvps.trusted_proxies);
    for (const auto& a : out)
        if (a.size() > 45 || a.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos)
            fail("rsvps.trusted_proxies", "not an IP address: \"" + a + "\"");
    return out;
}

std::string environment_name(const std::string& key) {
    std::string name = "KALENDARIUM_";
    for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::vector<std::string> keys() {
    std::vector<std::string> out;
    for (const auto& k : key_table()) out.push_back(k.key);
    return out;
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        if (!entry.starts_with("KALENDARIUM_")) continue;
        auto eq = entry.find('=');
        if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

settings load(const sources& from) {
    settings s;
    if (from.file) {
        toml::table table;
        try {
            table = toml::parse_file(*from.file);
        } catch (const toml::parse_error& e) {
            const auto& where = e.source().begin;
            throw config_error("config", *from.file + ":" + std::to_string(where.line) + ":" +
                                             std::to_string(where.column) + ": " + std::string(e.description()));
        }
        apply_table(s, table, "");
    }
    // Unknown KALENDARIUM_* variables are most likely typos; name them rather than ignore them.
    for (const auto& [name, value] : from.environment) {
        if (!name.starts_with("KALENDARIUM_") || name == "KALENDARIUM_CONFIG") continue;
        bool known = false;
        for (const auto& spec : key_table()) {
            if (environment_name(spec.key) == name) {
                spec.from_text(s, value);
                known = true;
            }
        }
        if (!known) fail(name, "unknown configuration variable");
    }
    for (const auto& [key, value] : from.flags) {
        const auto* spec = find_key(key);
        if (!spec) fail(key, "unknown key");
        spec->from_text(s, value);
    }
    validate(s);
    return s;
}

}  // namespace kal::config
