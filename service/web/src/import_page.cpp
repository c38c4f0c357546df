// The import by upload (issue 12 item 8; org-dir): /arrangor/import takes an .ics file as
// multipart/form-data with the organisation and the type and status of new meetings;
// app::stage_import checks it with the import's own dry run and keeps it for this session, and the
// answer is a 303 to its preview, /arrangor/import/{id}, which shows what would be created and
// updated; only the preview's button (a POST to the same address) imports, with
// app::confirm_import, the calendar kept on the server: the browser never sends it again. Every
// problem of the file is said on the form: the file's own (none, empty, too large, not text, more
// than one) beside its field, the calendar's (a line, an event) listed one by one.

#include <algorithm>

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/import.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

const std::vector<form_field_place> places = {
    {"file", "import-fil", "file"},
    {"organisation", "import-arrangor", "organisation"},
    {"type", "import-typ", "type"},
    {"status", "import-status-published", "status"},
};

bool is_form_field(const std::string& field) {
    return std::any_of(places.begin(), places.end(), [&](const auto& p) { return field == p.field; });
}

struct import_form {
    std::string organisation, type = "other", status = "published";
};

// A problem of the calendar in the page's language: where (a line or an event's UID) and what.
std::string problem_text(const app::field_error& e, db::language language) {
    const auto& t = app::texts::of(language);
    const auto what = t.has("org_import.problem_" + e.code) ? t["org_import.problem_" + e.code] : e.message;
    if (e.field == "body") return what;
    return e.field + ": " + what;
}

response form_page(app::context& ctx, const site& pages, const request& req, db::language language,
                   const signed_in_request& s, const import_form& f, const std::vector<app::field_error>& errors = {},
                   int status = 200) {
    const auto& t = app::texts::of(language);
    const auto choices = app::meeting_form_choices_of(ctx, s.who);
    dictionary d(&pages.texts(language));
    d.set("im_action", localised(language, "/arrangor/import"));
    // After a confirmed import: how many were created and updated (numbers only in the address).
    const auto created = req.query_value("skapade").value_or("");
    const auto updated = req.query_value("uppdaterade").value_or("");
    auto is_count = [](const std::string& v) {
        return !v.empty() && v.size() <= 6 && v.find_first_not_of("0123456789") == std::string::npos;
    };
    if (errors.empty() && is_count(created) && is_count(updated))
        d.show("im_done").set("im_done_text", filled(t["org_import.done"], {{"created", created}, {"updated", updated}}));
    // The form's own fields beside them; the calendar's problems listed, and said once for the file.
    std::vector<app::field_error> on_form;
    for (const auto& e : errors) {
        if (is_form_field(e.field)) {
            on_form.push_back(e);
        } else {
            d.show("im_has_problems");
            d.add("im_problem").set("im_problem_text", problem_text(e, language));
        }
    }
    if (on_form.size() < errors.size()) on_form.push_back({"file", "the calendar cannot be imported", "calendar"});
    if (!on_form.empty()) fill_form_errors(d, on_form, language, places, "org_import", "import-fil");
    for (const auto& o : choices.organisations) {
        auto& item = d.add("organisation_option").set("option_value", std::to_string(o.id)).set("option_label", o.name);
        if (f.organisation == std::to_string(o.id) || (f.organisation.empty() && choices.organisations.size() == 1))
            item.show("option_selected");
    }
    for (const auto& [type, text] : db::meeting_type_texts) {
        auto& o = d.add("type_option").set("option_value", std::string(text)).set("option_label", app::label(type, language));
        if (f.type == text) o.show("option_selected");
    }
    d.show(f.status == "draft" ? "status_draft_checked" : "status_published_checked");
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor/import";
    frame.title = (errors.empty() ? std::string() : t["meeting.error_title_prefix"] + " ") + t["org_import.title"];
    frame.section = section::organiser_import;
    frame.content_template = "org_import.html";
    return render_signed_in(pages, frame, d, s, status);
}

// Runs `act`; the refusals a person can mend on the form (validation, and a bad choice of the
// form's own selects, which the use case says as bad_request naming the field) are returned.
std::optional<std::pair<int, std::vector<app::field_error>>> form_refusal(const std::function<void()>& act) {
    try {
        act();
        return std::nullopt;
    } catch (...) {
        auto e = app::classify(std::current_exception());
        if (!e) throw;
        const bool mendable = e->kind == app::error_kind::validation ||
                              (e->kind == app::error_kind::bad_request && !e->fields.empty() &&
                               std::all_of(e->fields.begin(), e->fields.end(),
                                           [](const auto& f) { return is_form_field(f.field); }));
        if (!mendable) throw;
        auto fields = e->fields;
        if (fields.empty()) fields.push_back({"file", e->what(), e->code});
        return std::make_pair(422, fields);
    }
}

response show_form(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return form_page(ctx, pages, req, language, s, import_form{});
}

response upload(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    import_form f;
    f.organisation = s.form.text("arrangor").value_or("");
    f.type = s.form.text("typ").value_or("other");
    f.status = s.form.text("status").value_or("published");
    const auto files = s.form.files("fil");
    if (files.size() > 1)
        return form_page(ctx, pages, req, language, s, f, {{"file", "choose one file", "one_file"}}, 422);
    app::import_request in;
    if (!f.organisation.empty()) in.organisation = f.organisation;
    in.type = f.type;
    in.status = f.status;
    std::string file_name;
    if (!files.empty()) {
        in.calendar = files.front()->content;
        file_name = files.front()->file_name;
    }
    std::string id;
    if (auto refused = form_refusal([&] { id = app::stage_import(ctx, s.who, in, file_name); }))
        return form_page(ctx, pages, req, language, s, f, refused->second, refused->first);
    return see_other_private(localised(language, "/arrangor/import/" + id));
}

response preview(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto& id = req.params.at("id");
    app::staged_preview p;
    if (auto refused = form_refusal([&] { p = app::staged_import_of(ctx, s.who, id); }))
        return form_page(ctx, pages, req, language, s, import_form{}, refused->second, refused->first);
    dictionary d(&pages.texts(language));
    d.set("ip_file", p.file_name.empty() ? t["org_import.no_file_name"] : p.file_name);
    d.set("ip_organisation", p.organisation.name);
    const auto type = db::parse_meeting_type(p.type);
    d.set("ip_type", type ? app::label(*type, language) : p.type);
    d.set("ip_status", t[p.status == "draft" ? "org_import.status_draft" : "org_import.status_published"]);
    int created = 0, updated = 0;
    for (const auto& item : p.preview.items) {
        (item.created ? created : updated)++;
        d.add("ip_item")
            .set("ip_title", item.meeting.title)
            .set("ip_when", app::when_text(item.meeting, language))
            .set("ip_action", t[item.created ? "org_import.action_create" : "org_import.action_update"]);
    }
    d.set("ip_summary", filled(t["org_import.summary"], {{"created", std::to_string(created)}, {"updated", std::to_string(updated)}}));
    d.set("ip_expires", filled(t["org_import.expires"],
                               {{"time", app::moment_text(calendar::to_local(p.expires_at, ctx.settings.calendar.default_time_zone),
                                                          language)}}));
    d.set("ip_confirm_action", localised(language, "/arrangor/import/" + id));
    d.set("ip_back_href", localised(language, "/arrangor/import"));
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor/import/" + id;
    frame.title = t["org_import.preview_title"];
    frame.section = section::organiser_import;
    frame.content_template = "org_import_preview.html";
    auto answer = render_signed_in(pages, frame, d, s);
    // The address holds the preview's id: it goes to no other site.
    answer.set_header("Referrer-Policy", "no-referrer");
    return answer;
}

response confirm(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    app::import_result done;
    if (auto refused = form_refusal([&] { done = app::confirm_import(ctx, s.who, req.params.at("id")); }))
        return form_page(ctx, pages, req, language, s, import_form{}, refused->second, refused->first);
    const auto created = std::count_if(done.items.begin(), done.items.end(), [](const auto& i) { return i.created; });
    const auto updated = static_cast<std::ptrdiff_t>(done.items.size()) - created;
    return see_other_private(localised(language, "/arrangor/import") + "?skapade=" + std::to_string(created) +
                             "&uppdaterade=" + std::to_string(updated));
}

}  // namespace

void add_import_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/import", show_form);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/import", upload);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/import/{id}", preview);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/import/{id}", confirm);
}

}  // namespace kal::service::web
