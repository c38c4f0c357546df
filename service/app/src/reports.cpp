#include "kal/service/app/reports.hpp"

#include "kal/calendar/time.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/errors.hpp"

namespace kal::service::app {

void tally::add(const db::meeting& m, const db::meeting_attendance* a, std::int64_t now) {
    if (m.status == db::meeting_status::cancelled) {
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

std::optional<double> tally::full_share() const {
    if (!with_capacity) return std::nullopt;
    return static_cast<double>(full) / with_capacity;
}

std::map<db::meeting_type, int> targets_of(const config::settings& settings) {
    std::map<db::meeting_type, int> out;
    for (const auto& [type, n] : config::report_targets(settings)) {
        auto t = db::parse_meeting_type(type);
        if (!t) throw config::config_error("reports.targets", "not a meeting type: \"" + type + "\"");
        out[*t] = n;
    }
    return out;
}

std::string month_key(int year, std::size_t index) {
    auto m = std::to_string(index + 1);
    return std::to_string(year) + "-" + (m.size() == 1 ? "0" + m : m);
}

namespace {

void check_year(int year) {
    if (year < 2000 || year > 2100)
        throw not_found("No report for year " + std::to_string(year) + " (a year is four digits, 2000-2100)");
}

// The published and cancelled meetings that start in `year` (local to `zone`), in start order.
std::vector<db::meeting> meetings_of_year(db::unit_of_work& w, int year, const std::string& zone,
                                          std::optional<db::meeting_type> type = std::nullopt) {
    const auto from = calendar::to_utc(std::to_string(year) + "-01-01T00:00:00", zone);
    const auto to = calendar::to_utc(std::to_string(year + 1) + "-01-01T00:00:00", zone);
    db::meeting_filter f;
    f.from_utc = from;
    f.to_utc = to;
    f.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    if (type) f.types = {*type};
    f.limit = 1000;
    std::vector<db::meeting> meetings;
    for (;;) {
        auto page = db::meetings{w}.list(f);
        for (auto& m : page.items)
            if (m.start_utc >= from) meetings.push_back(std::move(m));
        if (!page.next) break;
        f.after = page.next;
    }
    return meetings;
}

}  // namespace

tally held_and_planned(context& ctx, int year, db::meeting_type type) {
    check_year(year);
    const auto now = ctx.now();
    tally t;
    ctx.database.snapshot([&](db::unit_of_work& w) {
        for (const auto& m : meetings_of_year(w, year, ctx.settings.calendar.default_time_zone, type))
            t.add(m, nullptr, now);  // without attendance: held, planned and cancelled only
    });
    return t;
}

year_report yearly_report(context& ctx, int year) {
    check_year(year);
    year_report r;
    r.year = year;
    r.time_zone = ctx.settings.calendar.default_time_zone;
    r.generated_at = ctx.now();
    r.targets = targets_of(ctx.settings);
    ctx.database.snapshot([&](db::unit_of_work& w) {
        const auto meetings = meetings_of_year(w, year, r.time_zone);
        std::vector<db::id_t> ids;
        for (const auto& m : meetings) ids.push_back(m.id);
        std::map<db::id_t, db::meeting_attendance> attendance;
        for (auto& a : db::attendance{w}.of(ids)) attendance.emplace(a.meeting_id, std::move(a));

        for (const auto& [type, text] : db::meeting_type_texts) r.by_type[type];
        for (const auto& m : meetings) {
            auto it = attendance.find(m.id);
            const db::meeting_attendance* a = it == attendance.end() ? nullptr : &it->second;
            r.total.add(m, a, r.generated_at);
            r.by_type[m.type].add(m, a, r.generated_at);
            for (auto n : m.network_ids) r.by_network[n].add(m, a, r.generated_at);
            auto month = std::stoi(calendar::to_local(m.start_utc, r.time_zone).substr(5, 2));
            r.by_month.at(static_cast<std::size_t>(month - 1)).add(m, a, r.generated_at);
        }
        for (const auto& [id, t] : r.by_network)
            if (auto n = db::networks{w}.find(id)) r.networks.emplace(id, *n);
        db::meeting_filter earliest;
        earliest.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
        earliest.limit = 1;
        if (auto first = db::meetings{w}.list(earliest); !first.items.empty())
            r.first_year = std::stoi(calendar::to_local(first.items.front().start_utc, r.time_zone).substr(0, 4));
    });
    return r;
}

}  // namespace kal::service::app
