// The change log of a meeting (issue 12, item 9; org-people): /arrangor/moten/{id}/andringar,
// for the meeting's organisers and admins. One use case (app::change_log_of) and the meeting's
// title (app::find_meeting); the words of fields and statuses from the texts. add_change_log
// fills the same table for a series' and a venue's page (org-dir).

#include <charconv>

#include "kal/calendar/time.hpp"
#include "kal/service/app/change_log.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

// A logged value in words: statuses by their word, local times as a moment, yes and no, empty as
// a dash.
std::string value_text(const std::string& field, const std::string& value, db::language language) {
    const auto& t = app::texts::of(language);
    if (value.empty()) return t["change_log.empty"];
    if (field == "status" && t.has("change_log.status_" + value)) return t["change_log.status_" + value];
    if ((field == "start" || field == "end" || field == "occurrence") && value.size() >= 16)
        return app::moment_text(value, language);
    if (value == "true" || value == "false") return t["org_directory.value_" + value];
    return value;
}

// A field's word: the meeting's fields (change_log), a venue's and a series' own (org_directory).
std::string field_text(const std::string& field, db::language language) {
    const auto& t = app::texts::of(language);
    if (t.has("change_log.field_" + field)) return t["change_log.field_" + field];
    if (t.has("org_directory.field_" + field)) return t["org_directory.field_" + field];
    return field;
}

response change_log_page(app::context& ctx, const site& pages, request& req, db::language language,
                         const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto& text = req.params.at("id");
    db::id_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) throw app::not_found("No such page");
    const auto entries = app::change_log_of(ctx, s.who, id);
    const auto m = app::find_meeting(ctx, s.who, id);
    dictionary d(&pages.texts(language));
    d.set("cl_title", filled(t["change_log.title_of"], {{"meeting", m.title}}));
    d.set("cl_sign_ups_href", localised(language, "/arrangor/moten/" + std::to_string(id) + "/anmalningar"));
    d.set("cl_door_href", localised(language, "/arrangor/moten/" + std::to_string(id) + "/incheckning"));
    add_change_log(d, entries, language, m.time_zone, t["change_log.caption"]);
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor/moten/" + std::to_string(id) + "/andringar";
    frame.title = t["change_log.title"];
    frame.section = section::none;
    frame.content_template = "change_log.html";
    return render_signed_in(pages, frame, d, s);
}

}  // namespace

void add_change_log(dictionary& d, const std::vector<db::change_entry>& entries, db::language language,
                    const std::string& time_zone, const std::string& caption) {
    const auto& t = app::texts::of(language);
    for (const auto& e : entries) {
        auto& row = d.add("cl_entry");
        row.set("cl_when", app::moment_text(calendar::to_local(e.at, time_zone), language));
        row.set("cl_who", !e.user_name.empty() ? e.user_name
                          : e.api_token_id     ? t["change_log.who_token"]
                          : e.user_id          ? t["change_log.who_unknown"]
                                               : t["change_log.who_public"]);
        const auto field_word = field_text(e.field, language);
        std::string what;
        if (e.subject == "sign_up") {
            what = e.sign_up_name.empty() ? t["change_log.sign_up_anonymised"]
                                          : filled(t["change_log.sign_up"], {{"name", e.sign_up_name}});
            if (t.has("change_log.action_" + e.action)) what += " " + t["change_log.action_" + e.action];
        } else if (e.subject == "meeting" && e.action == "created") {
            what = t["change_log.meeting_created"];
        } else if (e.subject == "meeting" && e.action == "cancelled" && e.field == "status") {
            what = t["change_log.meeting_cancelled"];
        } else if ((e.subject == "series" || e.subject == "venue") && e.action == "created") {
            what = t["org_directory." + e.subject + "_created"];
        } else if (e.subject == "series" && e.action == "skipped") {
            what = t["org_directory.series_skipped"];
        } else {
            what = filled(t["change_log." + e.subject + "_changed"], {{"field", field_word}});
        }
        row.set("cl_what", what);
        row.set("cl_before", value_text(e.field, e.before, language));
        row.set("cl_after", value_text(e.field, e.after, language));
    }
    d.show(entries.empty() ? "cl_no_entries" : "cl_has_entries");
    d.set("cl_caption", caption);
    d.include("change_log_table", "change_log_table.html");
}

void add_change_log_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/andringar", change_log_page);
}

}  // namespace kal::service::web
