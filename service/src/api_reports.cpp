// The yearly follow-up of the compact's meetings, for the stormöte and the city's annual report:
// GET /api/v1/reports/year/{year}, as JSON or (Accept: text/csv) CSV. Aggregates only: counts of
// meetings and people, and organisations; never a person.
//
// Definitions (also in docs/architecture.md and the OpenAPI document):
// - A meeting belongs to the year in which it starts, in calendar.default_time_zone. Drafts are
//   left out. Cancelled: status cancelled. Held: published and started by now. Planned:
//   published and not yet started.
// - signed_up_people: party sizes of confirmed and waitlisted sign-ups of held and planned
//   meetings. attended_people, walk_in_people: check-ins (party sizes) at held meetings.
//   no_show_people: confirmed sign-ups of held meetings without a check-in.
// - organisations_attended: distinct organisations with a check-in at a held meeting (a known
//   organisation by id, free text by its exact text); organisations_signed_up: distinct
//   organisations with a sign-up for a held or planned meeting.
// - full: a held meeting with a capacity whose confirmed people reached it, or that had someone
//   on its waitlist; full_share = full / held meetings with a capacity (null when none).

#include <boost/json.hpp>

#include <array>
#include <map>
#include <set>

#include "api_common.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/scheduling.hpp"
#include "routes.hpp"

namespace kal::service::detail {
namespace json = boost::json;

namespace {

struct tally {
    int held = 0, cancelled = 0, planned = 0;
    int signed_up_people = 0, attended_people = 0, walk_in_people = 0, no_show_people = 0;
    int with_capacity = 0, full = 0;
    std::set<std::string> organisations_attended, organisations_signed_up;

    void add(const db::meeting& m, const db::attendance* a, std::int64_t now) {
        if (m.status == "cancelled") {
            ++cancelled;
            return;
        }
        const bool started = m.start_utc <= now;
        ++(started ? held : planned);
        if (!a) return;
        signed_up_people += a->confirmed.people + a->waitlisted.people;
        for (const auto& o : a->organisations) {
            auto key = o.organisation_id ? "#" + std::to_string(*o.organisation_id) : "=" + o.name;
            if (o.signed_up.entries > 0) organisations_signed_up.insert(key);
            if (started && o.attended.entries > 0) organisations_attended.insert(key);
        }
        if (!started) return;
        attended_people += a->checked_in.people;
        walk_in_people += a->walk_ins.people;
        no_show_people += a->no_shows.people;
        if (a->capacity) {
            ++with_capacity;
            if (a->confirmed.people >= *a->capacity || a->waitlisted.entries > 0) ++full;
        }
    }

    json::object to_json() const {
        json::object j{{"held", held},
                       {"cancelled", cancelled},
                       {"planned", planned},
                       {"signed_up_people", signed_up_people},
                       {"attended_people", attended_people},
                       {"walk_in_people", walk_in_people},
                       {"no_show_people", no_show_people},
                       {"organisations_attended", organisations_attended.size()},
                       {"organisations_signed_up", organisations_signed_up.size()},
                       {"meetings_with_capacity", with_capacity},
                       {"full_meetings", full}};
        j["full_share"] = with_capacity ? json::value(static_cast<double>(full) / with_capacity) : json::value(nullptr);
        return j;
    }
};

struct year_report {
    int year = 0;
    std::string time_zone;
    std::int64_t generated_at = 0;
    tally total;
    std::map<std::string, tally> by_type;
    std::map<std::string, int> targets;
    std::map<db::id_t, tally> by_network;
    std::map<db::id_t, db::network> networks;
    std::array<tally, 12> by_month;
};

year_report build_report(db::store& store, const config::settings& settings, int year) {
    year_report r;
    r.year = year;
    r.time_zone = settings.calendar.default_time_zone;
    r.generated_at = now_utc();
    r.targets = config::report_targets(settings);
    const auto from = calendar::to_utc(std::to_string(year) + "-01-01T00:00:00", r.time_zone);
    const auto to = calendar::to_utc(std::to_string(year + 1) + "-01-01T00:00:00", r.time_zone);

    db::meeting_filter f;
    f.from_utc = from;
    f.to_utc = to;
    f.statuses = {"published", "cancelled"};
    f.limit = 200;
    std::vector<db::meeting> meetings;
    for (;;) {
        auto page = store.list_meetings(f);
        for (auto& m : page.items)
            if (m.start_utc >= from) meetings.push_back(std::move(m));
        if (!page.next) break;
        f.after = page.next;
    }
    std::vector<db::id_t> ids;
    for (const auto& m : meetings) ids.push_back(m.id);
    std::map<db::id_t, db::attendance> attendance;
    for (auto& a : store.attendance_of(ids)) attendance.emplace(a.meeting_id, std::move(a));

    for (const auto& t : db::meeting_types) r.by_type[std::string(t)];
    for (const auto& m : meetings) {
        auto it = attendance.find(m.id);
        const db::attendance* a = it == attendance.end() ? nullptr : &it->second;
        r.total.add(m, a, r.generated_at);
        r.by_type[m.type].add(m, a, r.generated_at);
        for (auto n : m.network_ids) r.by_network[n].add(m, a, r.generated_at);
        auto month = std::stoi(calendar::to_local(m.start_utc, r.time_zone).substr(5, 2));
        r.by_month.at(static_cast<std::size_t>(month - 1)).add(m, a, r.generated_at);
    }
    for (const auto& [id, t] : r.by_network)
        if (auto n = store.find_network(id)) r.networks.emplace(id, *n);
    return r;
}

// "2026-03" for the month with index 2.
std::string month_key(int year, std::size_t index) {
    auto m = std::to_string(index + 1);
    return std::to_string(year) + "-" + (m.size() == 1 ? "0" + m : m);
}

json::value target_json(const year_report& r, const std::string& type) {
    auto it = r.targets.find(type);
    if (it == r.targets.end()) return nullptr;
    return it->second;
}

json::object report_json(const year_report& r) {
    json::array types, networks, months;
    for (const auto& [type, t] : r.by_type) {
        auto j = t.to_json();
        j["type"] = type;
        j["target"] = target_json(r, type);
        if (auto it = r.targets.find(type); it != r.targets.end()) {
            j["target_reached"] = t.held >= it->second;
            j["target_within_reach"] = t.held + t.planned >= it->second;
        }
        types.push_back(std::move(j));
    }
    for (const auto& [id, t] : r.by_network) {
        auto j = t.to_json();
        j["network_id"] = id;
        auto n = r.networks.find(id);
        j["name"] = n == r.networks.end() ? "" : n->second.name;
        j["slug"] = n == r.networks.end() ? "" : n->second.slug;
        j["kind"] = n == r.networks.end() ? "" : n->second.kind;
        networks.push_back(std::move(j));
    }
    for (std::size_t i = 0; i < r.by_month.size(); ++i) {
        auto j = r.by_month[i].to_json();
        j["month"] = month_key(r.year, i);
        months.push_back(std::move(j));
    }
    return json::object{{"year", r.year},
                        {"time_zone", r.time_zone},
                        {"generated_at", utc_text(r.generated_at)},
                        {"totals", r.total.to_json()},
                        {"by_type", std::move(types)},
                        {"by_network", std::move(networks)},
                        {"by_month", std::move(months)}};
}

// One row per section: the year's totals, each type, each network, each month.
response report_csv(const year_report& r, char separator) {
    std::vector<std::vector<std::string>> rows{{"section", "key", "name", "target", "held", "cancelled", "planned",
                                                "signed_up_people", "attended_people", "walk_in_people",
                                                "no_show_people", "organisations_attended", "organisations_signed_up",
                                                "meetings_with_capacity", "full_meetings"}};
    auto line = [&](const std::string& section, const std::string& key, const std::string& name,
                    const std::string& target, const tally& t) {
        rows.push_back({section, key, name, target, std::to_string(t.held), std::to_string(t.cancelled),
                        std::to_string(t.planned), std::to_string(t.signed_up_people),
                        std::to_string(t.attended_people), std::to_string(t.walk_in_people),
                        std::to_string(t.no_show_people), std::to_string(t.organisations_attended.size()),
                        std::to_string(t.organisations_signed_up.size()), std::to_string(t.with_capacity),
                        std::to_string(t.full)});
    };
    line("year", std::to_string(r.year), "", "", r.total);
    for (const auto& [type, t] : r.by_type) {
        auto it = r.targets.find(type);
        line("type", type, "", it == r.targets.end() ? "" : std::to_string(it->second), t);
    }
    for (const auto& [id, t] : r.by_network) {
        auto n = r.networks.find(id);
        line("network", n == r.networks.end() ? std::to_string(id) : n->second.slug,
             n == r.networks.end() ? "" : n->second.name, "", t);
    }
    for (std::size_t i = 0; i < r.by_month.size(); ++i) line("month", month_key(r.year, i), "", "", r.by_month[i]);
    return csv_response(rows, separator, "uppfoljning-" + std::to_string(r.year) + ".csv");
}

}  // namespace

void register_report_routes(router& routes, app_context& ctx) {
    auto& store = ctx.store;
    const auto& settings = ctx.settings;
    // Types named in reports.targets must be meeting types: checked when the routes are made,
    // so that a typo stops the service at start (exit 2) rather than vanishing from reports.
    for (const auto& [type, n] : config::report_targets(settings))
        if (!db::is_one_of(type, db::meeting_types))
            throw config::config_error("reports.targets", "not a meeting type: \"" + type + "\"");

    routes.add("GET", "/api/v1/reports/year/{year}", [&store, &settings](request& req) {
        const auto& text = req.params.at("year");
        if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
            throw problems::not_found("No report for year " + text + " (a year is four digits, 2000-2100)");
        int year = std::stoi(text);
        if (year < 2000 || year > 2100)
            throw problems::not_found("No report for year " + text + " (a year is four digits, 2000-2100)");
        char separator = ',';
        if (auto sep = req.query_value("separator")) {
            if (*sep == "semicolon") separator = ';';
            else if (*sep != "comma") throw bad_parameter("separator", "must be comma or semicolon");
        }
        auto report = build_report(store, settings, year);
        response res = req.header("accept").value_or("").find("text/csv") != std::string::npos
                           ? report_csv(report, separator)
                           : json_ok(200, report_json(report));
        res.set_header("Cache-Control", "no-cache");
        return res;
    });
}

}  // namespace kal::service::detail
