// The yearly follow-up as JSON or CSV: GET /api/v1/reports/year/{year}. Definitions in
// app/reports.hpp.

#include "common.hpp"
#include "kal/service/app/reports.hpp"

namespace kal::service::api {
namespace json = boost::json;

namespace {

json::object tally_json(const app::tally& t) {
    json::object j{{"held", t.held},
                   {"cancelled", t.cancelled},
                   {"planned", t.planned},
                   {"signed_up_people", t.signed_up_people},
                   {"attended_people", t.attended_people},
                   {"walk_in_people", t.walk_in_people},
                   {"no_show_people", t.no_show_people},
                   {"organisations_attended", t.organisations_attended.size()},
                   {"organisations_signed_up", t.organisations_signed_up.size()},
                   {"meetings_with_capacity", t.with_capacity},
                   {"full_meetings", t.full}};
    auto share = t.full_share();
    j["full_share"] = share ? json::value(*share) : json::value(nullptr);
    return j;
}

json::object report_json(const app::year_report& r) {
    json::array types, networks, months;
    for (const auto& [type, t] : r.by_type) {
        auto j = tally_json(t);
        j["type"] = db::to_text(type);
        auto target = r.targets.find(type);
        j["target"] = target == r.targets.end() ? json::value(nullptr) : json::value(target->second);
        if (target != r.targets.end()) {
            j["target_reached"] = t.held >= target->second;
            j["target_within_reach"] = t.held + t.planned >= target->second;
        }
        types.push_back(std::move(j));
    }
    for (const auto& [id, t] : r.by_network) {
        auto j = tally_json(t);
        j["network_id"] = id;
        auto n = r.networks.find(id);
        j["name"] = n == r.networks.end() ? "" : n->second.name;
        j["slug"] = n == r.networks.end() ? "" : n->second.slug;
        j["kind"] = n == r.networks.end() ? "" : std::string(db::to_text(n->second.kind));
        networks.push_back(std::move(j));
    }
    for (std::size_t i = 0; i < r.by_month.size(); ++i) {
        auto j = tally_json(r.by_month[i]);
        j["month"] = app::month_key(r.year, i);
        months.push_back(std::move(j));
    }
    return json::object{{"year", r.year},
                        {"time_zone", r.time_zone},
                        {"generated_at", utc_text(r.generated_at)},
                        {"totals", tally_json(r.total)},
                        {"by_type", std::move(types)},
                        {"by_network", std::move(networks)},
                        {"by_month", std::move(months)}};
}

// One row per section: the year's totals, each type, each network, each month.
response report_csv(const app::year_report& r, char separator) {
    std::vector<std::vector<std::string>> rows{{"section", "key", "name", "target", "held", "cancelled", "planned",
                                                "signed_up_people", "attended_people", "walk_in_people",
                                                "no_show_people", "organisations_attended", "organisations_signed_up",
                                                "meetings_with_capacity", "full_meetings"}};
    auto line = [&](const std::string& section, const std::string& key, const std::string& name,
                    const std::string& target, const app::tally& t) {
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
        line("type", std::string(db::to_text(type)), "", it == r.targets.end() ? "" : std::to_string(it->second), t);
    }
    for (const auto& [id, t] : r.by_network) {
        auto n = r.networks.find(id);
        line("network", n == r.networks.end() ? std::to_string(id) : n->second.slug,
             n == r.networks.end() ? "" : n->second.name, "", t);
    }
    for (std::size_t i = 0; i < r.by_month.size(); ++i) line("month", app::month_key(r.year, i), "", "", r.by_month[i]);
    return csv_response(rows, separator, "uppfoljning-" + std::to_string(r.year) + ".csv");
}

response yearly_report(app::context& ctx, request& req) {
    const auto& text = req.params.at("year");
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
        throw app::not_found("No report for year " + text + " (a year is four digits, 2000-2100)");
    const char separator = csv_separator(req);
    // ?format=csv gives the CSV to a plain link (the report page's download links), which cannot
    // send Accept: text/csv.
    const auto format = req.query_value("format");
    if (format && *format != "csv" && *format != "json") throw app::bad_parameter("format", "must be csv or json");
    auto report = app::yearly_report(ctx, std::stoi(text));
    const bool csv = format ? *format == "csv" : wants_csv(req);
    auto res = csv ? report_csv(report, separator) : json_ok(200, report_json(report));
    res.set_header("Cache-Control", "no-cache");
    return res;
}

}  // namespace

void add_report_routes(http::router& routes, app::context& ctx) {
    app::targets_of(ctx.settings);  // a type in reports.targets that is none stops the start (exit 2)
    routes.add("GET", "/api/v1/reports/year/{year}", bind(ctx, yearly_report));
}

}  // namespace kal::service::api
