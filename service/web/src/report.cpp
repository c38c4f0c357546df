// Uppföljning: the yearly report of app::yearly_report as a page (/uppfoljning/{year}). Each part
// (meetings against the targets, attendance, networks, months) is a chart drawn here as SVG, a
// one-sentence summary and the data table beside it; the figures as CSV come from the API
// (/api/v1/reports/year/{year}?format=csv), so page and file are the same numbers.
//
// The charts are plain SVG in the page (no script, no style attribute: the Content-Security-
// Policy allows neither): bars are rects whose colours come from classes in kalendarium.css,
// each bar carries its value as text, and planned meetings are dashed outlines, so nothing is
// said by colour alone. The geometry is worked out below in viewBox units; the SVG scales with
// its column.

#include <algorithm>
#include <cctype>
#include <cmath>

#include "kal/service/app/dates.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/reports.hpp"
#include "kal/service/app/texts.hpp"
#include "page_cache.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

// The drawing area of every chart, in viewBox units: as wide as a chart is on a page, about, so
// that its 18-unit text reads as text of the page.
constexpr int chart_width = 400;
constexpr int bar_span = 270;   // the longest horizontal bar; the rest of the width is for its value
constexpr int row_height = 58;  // a horizontal bar's label above it, the bar, a gap
constexpr int bar_height = 24;

// A text with its {name} placeholders filled: the texts hold the words and their order, the
// numbers come from here.
std::string fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
    for (const auto& [name, value] : values) {
        const auto marker = "{" + std::string(name) + "}";
        for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + value.size()))
            text.replace(at, marker.size(), value);
    }
    return text;
}

// 1234 as "1 234" (Swedish, a no-break space) or "1,234".
std::string number_text(long n, db::language language) {
    auto digits = std::to_string(n < 0 ? -n : n);
    const std::string separator = language == db::language::en ? "," : "\u00a0";
    for (auto i = static_cast<long>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), separator);
    return (n < 0 ? "-" : "") + digits;
}

// "1 planerat" / "3 planerade": the key's _one or _many form.
std::string counted(const app::texts& t, const std::string& key, int n, db::language language) {
    return n == 1 ? t[key + "_one"] : fill(t[key + "_many"], {{"n", number_text(n, language)}});
}

// A label as a word inside a sentence: "Stormöten" becomes "stormöten", "FRÖ-möten" stays.
std::string in_sentence(std::string label) {
    if (label.size() > 1 && std::isupper(static_cast<unsigned char>(label[0])) &&
        !std::isupper(static_cast<unsigned char>(label[1])))
        label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
    return label;
}

// A length on a scale whose largest value is `largest` (at least 1), never a sliver narrower
// than 2 units for a value above zero.
int scaled(int value, int largest, int span) {
    if (value <= 0) return 0;
    return std::max(2, static_cast<int>(std::lround(static_cast<double>(value) * span / std::max(largest, 1))));
}

// One horizontal bar of a chart: a label above it, a solid part (held, people), a dashed part
// after it (planned), an optional target mark and the value as text after the bar.
struct bar {
    std::string label;
    int solid = 0;
    int dashed = 0;
    std::optional<int> target;
    std::string value;
};

struct chart_text {
    std::string id;  // "diagram-mal": the ids of its title and description derive from it
    std::string title, desc, summary;
};

// Fills a dictionary for report_bar_chart.html.
void bar_chart(dictionary& d, const chart_text& text, const std::vector<bar>& bars) {
    int largest = 1;
    bool any_dashed = false, any_target = false;
    for (const auto& b : bars) {
        largest = std::max({largest, b.solid + b.dashed, b.target.value_or(0)});
        any_dashed = any_dashed || b.dashed > 0;
        any_target = any_target || b.target.has_value();
    }
    d.set("chart_id", text.id).set("chart_title", text.title).set("chart_desc", text.desc);
    d.set("chart_summary", text.summary);
    d.set("chart_width", std::to_string(chart_width));
    d.set("chart_height", std::to_string(static_cast<int>(bars.size()) * row_height + 4));
    d.include("bar_chart", "report_bar_chart.html");
    int top = 0;
    for (const auto& b : bars) {
        auto& row = d.add("chart_row");
        const int bar_y = top + 26;
        const int solid = scaled(b.solid, largest, bar_span);
        const int dashed = scaled(b.dashed, largest, bar_span);
        row.set("chart_label", b.label).set("chart_label_y", std::to_string(top + 18));
        row.set("chart_bar_y", std::to_string(bar_y));
        if (solid > 0) row.show("chart_solid").set("chart_solid_width", std::to_string(solid));
        // The dashed outline is drawn 1 unit inside its box so that its stroke is not cut off.
        if (dashed > 0)
            row.show("chart_dashed")
                .set("chart_dashed_x", std::to_string(solid + 1))
                .set("chart_dashed_width", std::to_string(std::max(1, dashed - 2)));
        int end = solid + dashed;
        if (b.target) {
            const int x = std::max(2, scaled(*b.target, largest, bar_span));
            row.show("chart_target")
                .set("chart_target_x", std::to_string(x))
                .set("chart_target_y1", std::to_string(bar_y - 6))
                .set("chart_target_y2", std::to_string(bar_y + bar_height + 6));
            end = std::max(end, x);
        }
        row.set("chart_value", b.value)
            .set("chart_value_x", std::to_string(end + 8))
            .set("chart_value_y", std::to_string(bar_y + 18));
        top += row_height;
    }
    if (any_dashed || any_target) {
        auto& legend = d.add("chart_legend");
        if (any_dashed) legend.show("legend_planned");
        if (any_target) legend.show("legend_target");
    }
}

// "mars" / "March" and "mar" / "Mar": a month's name from app::month_text ("mars 2026"). Every
// month name of both languages starts with three ASCII letters, its customary short form.
std::string month_name(int year, std::size_t index, db::language language) {
    auto text = app::month_text(app::month_key(year, index), language);
    return text.substr(0, text.find(' '));
}
std::string month_abbreviation(int year, std::size_t index, db::language language) {
    return month_name(year, index, language).substr(0, 3);
}

// The months as columns: attendance per month, each with its value above it.
void month_chart(dictionary& d, const app::year_report& r, db::language language) {
    // Wider than the bar charts: twelve columns with a value above and a month below each.
    constexpr int width = 480, baseline = 200, tallest = 150, left = 12, column = 26;
    constexpr int slot = (width - 2 * left) / 12;
    d.set("month_chart_width", std::to_string(width));
    d.set("month_axis_end", std::to_string(left + 12 * slot));
    int largest = 1;
    for (const auto& m : r.by_month) largest = std::max(largest, m.attended_people);
    for (std::size_t i = 0; i < r.by_month.size(); ++i) {
        const auto& m = r.by_month[i];
        const int height = scaled(m.attended_people, largest, tallest);
        const int x = left + static_cast<int>(i) * slot;
        auto& col = d.add("month_column");
        if (height > 0)
            col.show("month_bar")
                .set("month_bar_x", std::to_string(x + (slot - column) / 2))
                .set("month_bar_y", std::to_string(baseline - height))
                .set("month_bar_height", std::to_string(height));
        col.set("month_center", std::to_string(x + slot / 2));
        col.set("month_value", number_text(m.attended_people, language));
        col.set("month_value_y", std::to_string(baseline - height - 8));
        col.set("month_short", month_abbreviation(r.year, i, language));
    }
}

int percent(int part, int whole) { return whole > 0 ? static_cast<int>(std::lround(100.0 * part / whole)) : 0; }

// Meetings against the targets: a sentence per target, the chart of the targeted types, every
// type in the table.
void fill_targets(dictionary& d, const app::year_report& r, db::language language) {
    const auto& t = app::texts::of(language);
    const auto year = std::to_string(r.year);
    std::vector<bar> bars;
    std::string sentences;
    for (const auto& [type, target] : r.targets) {
        const auto& tally = r.by_type.at(type);
        auto sentence = fill(t[target == 1 ? "report.target_sentence_single" : "report.target_sentence"],
                             {{"held", number_text(tally.held, language)},
                              {"target", number_text(target, language)},
                              {"singular", in_sentence(app::label(type, language))},
                              {"plural", in_sentence(app::plural_label(type, language))}});
        if (tally.planned > 0) sentence += ", " + counted(t, "report.planned", tally.planned, language);
        if (tally.cancelled > 0) sentence += ", " + counted(t, "report.cancelled", tally.cancelled, language);
        const char* verdict = tally.held >= target                   ? "report.target_reached"
                              : tally.held + tally.planned >= target ? "report.target_within_reach"
                              : tally.planned > 0                    ? "report.target_out_of_reach"
                                                                     : "report.target_missed";
        d.add("target_line").set("target_sentence", sentence + ".").set("target_verdict", t[verdict]);
        sentences += (sentences.empty() ? "" : "; ") + sentence;
        bars.push_back({fill(t["report.chart_target_label"], {{"plural", app::plural_label(type, language)},
                                                              {"target", number_text(target, language)}}),
                        tally.held, tally.planned, target,
                        fill(t[tally.planned > 0 ? "report.chart_target_value" : "report.chart_target_value_held"],
                             {{"held", number_text(tally.held, language)},
                              {"planned", number_text(tally.planned, language)},
                              {"target", number_text(target, language)}})});
    }
    if (bars.empty()) {
        d.show("no_targets");
    } else {
        auto& chart = d.add("targets_chart");
        bar_chart(
            chart,
            {"diagram-mal", fill(t["report.targets_chart_title"], {{"year", year}}), sentences + ".", sentences + "."},
            bars);
    }
    for (const auto& [type, tally] : r.by_type) {
        auto& row = d.add("type_row");
        row.set("type_label", app::plural_label(type, language))
            .set("type_held", number_text(tally.held, language))
            .set("type_planned", number_text(tally.planned, language))
            .set("type_cancelled", number_text(tally.cancelled, language));
        if (auto it = r.targets.find(type); it != r.targets.end())
            row.show("type_has_target").set("type_target", number_text(it->second, language));
        else
            row.show("type_no_target");
    }
    const auto& total = r.total;
    d.set("total_held", number_text(total.held, language))
        .set("total_planned", number_text(total.planned, language))
        .set("total_cancelled", number_text(total.cancelled, language));
}

void fill_attendance(dictionary& d, const app::year_report& r, db::language language) {
    const auto& t = app::texts::of(language);
    const auto& total = r.total;
    const auto year = std::to_string(r.year);
    const auto summary = total.held == 0 ? fill(t["report.attendance_none"], {{"year", year}})
                                         : fill(t["report.attendance_summary"],
                                                {{"year", year},
                                                 {"attended", number_text(total.attended_people, language)},
                                                 {"walk_ins", number_text(total.walk_in_people, language)},
                                                 {"no_shows", number_text(total.no_show_people, language)}});
    d.set("attendance_summary", summary);
    d.set("associations_summary",
          fill(t["report.associations_summary"],
               {{"attended", number_text(static_cast<long>(total.organisations_attended.size()), language)},
                {"signed_up", number_text(static_cast<long>(total.organisations_signed_up.size()), language)}}));
    const std::vector<std::pair<const char*, int>> people = {{"report.signed_up", total.signed_up_people},
                                                             {"report.attended", total.attended_people},
                                                             {"report.walk_ins", total.walk_in_people},
                                                             {"report.no_shows", total.no_show_people}};
    std::vector<bar> bars;
    std::string desc;
    for (const auto& [key, n] : people) {
        bars.push_back({t[key], n, 0, std::nullopt, number_text(n, language)});
        desc += (desc.empty() ? "" : ", ") + t[key] + ": " + number_text(n, language);
        d.add("fact").set("fact_label", t[key]).set("fact_value", number_text(n, language));
    }
    auto& chart = d.add("attendance_chart");
    bar_chart(chart,
              {"diagram-deltagande", fill(t["report.attendance_chart_title"], {{"year", year}}), desc + ".", summary},
              bars);
    d.add("fact")
        .set("fact_label", t["report.organisations_attended"])
        .set("fact_value", number_text(static_cast<long>(total.organisations_attended.size()), language));
    d.add("fact")
        .set("fact_label", t["report.organisations_signed_up"])
        .set("fact_value", number_text(static_cast<long>(total.organisations_signed_up.size()), language));
    d.add("fact")
        .set("fact_label", t["report.full_meetings"])
        .set("fact_value", total.with_capacity == 0
                               ? t["report.full_none"]
                               : fill(t["report.full_value"],
                                      {{"full", number_text(total.full, language)},
                                       {"with_capacity", number_text(total.with_capacity, language)},
                                       {"percent", std::to_string(percent(total.full, total.with_capacity))}}));
}

void fill_networks(dictionary& d, const app::year_report& r, db::language language) {
    const auto& t = app::texts::of(language);
    const auto year = std::to_string(r.year);
    if (r.by_network.empty()) {
        d.show("no_networks").set("networks_none", fill(t["report.networks_none"], {{"year", year}}));
        return;
    }
    struct line {
        const db::network* network;
        const app::tally* tally;
    };
    std::vector<line> lines;
    for (const auto& [id, tally] : r.by_network)
        if (auto n = r.networks.find(id); n != r.networks.end()) lines.push_back({&n->second, &tally});
    // Most meetings held first; then most planned; then by name, so the order is stable.
    std::sort(lines.begin(), lines.end(), [](const line& a, const line& b) {
        if (a.tally->held != b.tally->held) return a.tally->held > b.tally->held;
        if (a.tally->planned != b.tally->planned) return a.tally->planned > b.tally->planned;
        return a.network->name < b.network->name;
    });
    std::vector<bar> bars;
    std::string desc;
    for (const auto& [network, tally] : lines) {
        const auto value = tally->planned == 0 ? number_text(tally->held, language)
                                               : fill(t["report.chart_held_planned"],
                                                      {{"held", number_text(tally->held, language)},
                                                       {"planned", number_text(tally->planned, language)}});
        bars.push_back({network->name, tally->held, tally->planned, std::nullopt, value});
        desc += (desc.empty() ? "" : "; ") + network->name + ": " +
                fill(t["report.network_desc"], {{"held", number_text(tally->held, language)},
                                                {"planned", number_text(tally->planned, language)}});
        d.add("network_row")
            .set("network_href", localised(language, "/natverk/" + network->slug))
            .set("network_name", network->name)
            .set("network_held", number_text(tally->held, language))
            .set("network_planned", number_text(tally->planned, language))
            .set("network_cancelled", number_text(tally->cancelled, language))
            .set("network_attended", number_text(tally->attended_people, language))
            .set("network_organisations",
                 number_text(static_cast<long>(tally->organisations_attended.size()), language));
    }
    const auto& first = lines.front();
    const auto summary =
        first.tally->held == 0
            ? fill(t["report.networks_none_held"], {{"year", year}})
            : fill(t["report.networks_summary"], {{"name", first.network->name},
                                                  {"held", number_text(first.tally->held, language)},
                                                  {"count", number_text(static_cast<long>(lines.size()), language)}});
    d.show("has_networks");
    auto& chart = d.add("networks_chart");
    bar_chart(chart, {"diagram-natverk", fill(t["report.networks_chart_title"], {{"year", year}}), desc + ".", summary},
              bars);
}

void fill_months(dictionary& d, const app::year_report& r, db::language language) {
    const auto& t = app::texts::of(language);
    const auto year = std::to_string(r.year);
    month_chart(d, r, language);
    std::size_t busiest = 0;
    std::string desc;
    int planned = 0;
    for (std::size_t i = 0; i < r.by_month.size(); ++i) {
        const auto& m = r.by_month[i];
        if (m.attended_people > r.by_month[busiest].attended_people) busiest = i;
        planned += m.planned;
        desc += (desc.empty() ? "" : ", ") + month_name(r.year, i, language) + " " +
                number_text(m.attended_people, language);
        d.add("month_row")
            .set("month_name", month_name(r.year, i, language))
            .set("month_held", number_text(m.held, language))
            .set("month_planned", number_text(m.planned, language))
            .set("month_cancelled", number_text(m.cancelled, language))
            .set("month_attended", number_text(m.attended_people, language))
            .set("month_organisations", number_text(static_cast<long>(m.organisations_attended.size()), language));
    }
    const auto& top = r.by_month[busiest];
    auto summary = top.attended_people == 0
                       ? fill(t["report.months_none"], {{"year", year}})
                       : fill(t["report.months_summary"], {{"month", month_name(r.year, busiest, language)},
                                                           {"attended", number_text(top.attended_people, language)}});
    if (planned > 0) summary += " " + counted(t, "report.months_planned", planned, language);
    d.set("months_title", fill(t["report.months_chart_title"], {{"year", year}}));
    d.set("months_desc", fill(t["report.months_desc"], {{"months", desc}}));
    d.set("months_summary", summary);
    d.set("total_attended", number_text(r.total.attended_people, language))
        .set("total_organisations", number_text(static_cast<long>(r.total.organisations_attended.size()), language));
}

int year_of(const request& req) {
    const auto& text = req.params.at("year");
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
        throw app::not_found("No report for year " + text + " (a year is four digits, 2000-2100)");
    return std::stoi(text);
}

response year_page(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto report = app::yearly_report(ctx, year_of(req));
    const auto& t = app::texts::of(language);
    const auto year = std::to_string(report.year);
    dictionary d(&pages.texts(language));
    d.set("report_year", year);
    d.set("report_title", fill(t["report.title"], {{"year", year}}));
    d.set("report_as_of",
          fill(t["report.as_of"], {{"date", app::date_text(app::today(ctx.settings, ctx.now()), language)}}));
    const auto csv = "/api/v1/reports/year/" + year + "?format=csv";
    d.set("csv_comma_href", csv).set("csv_semicolon_href", csv + "&separator=semicolon");
    d.set("csv_file", "uppfoljning-" + year + ".csv");
    // Between the first year that has meetings and next year; further years are there by address.
    const int this_year = std::stoi(app::today(ctx.settings, ctx.now()).substr(0, 4));
    if (report.year > std::max(2000, std::min(report.first_year.value_or(this_year), this_year)))
        d.show("has_year_before")
            .set("year_before_href", localised(language, "/uppfoljning/" + std::to_string(report.year - 1)))
            .set("year_before_text", fill(t["report.previous"], {{"year", std::to_string(report.year - 1)}}));
    if (report.year < std::min(2100, this_year + 1))
        d.show("has_year_after")
            .set("year_after_href", localised(language, "/uppfoljning/" + std::to_string(report.year + 1)))
            .set("year_after_text", fill(t["report.next"], {{"year", std::to_string(report.year + 1)}}));
    fill_targets(d, report, language);
    fill_attendance(d, report, language);
    fill_networks(d, report, language);
    fill_months(d, report, language);
    for (const auto* name : {"types_caption", "attendance_caption", "networks_caption", "months_caption"})
        d.set(name, fill(t[std::string("report.") + name], {{"year", year}}));
    page_frame frame;
    frame.language = language;
    frame.path = "/uppfoljning/" + year;
    frame.title = fill(t["report.title"], {{"year", year}});
    frame.description = fill(t["report.description"], {{"year", year}});
    frame.section = section::report;
    frame.content_template = "report.html";
    return pages.render(frame, d);
}

// The report of the current year (in the service's zone) is the report's address in the menu.
response this_year(app::context& ctx, const site&, request&, db::language language) {
    response r;
    r.status = 302;
    r.set_header("Location", localised(language, "/uppfoljning/" + app::today(ctx.settings, ctx.now()).substr(0, 4)));
    r.set_header("Cache-Control", "no-cache");
    return r;
}

}  // namespace

void add_report_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/uppfoljning", this_year);
    add_cached_page(routes, ctx, pages, "/uppfoljning/{year}", year_page);
}

}  // namespace kal::service::web
