// The meeting form (issue 12 item 4): /arrangor/moten/ny creates, /arrangor/moten/{id} edits,
// /arrangor/moten/{id}/kopiera starts a new meeting from an old one ("same as last year's
// stormöte"), /arrangor/moten/{id}/stall-in cancels, /arrangor/moten/{id}/radera deletes after
// saying how many signed-up people it concerns. Every field of the API's meeting, the times as
// date and time inputs in the meeting's own zone. A venue booked at the same time is answered
// with a warning that names the other meeting and a box to book it anyway. The rules are
// app::create_meeting's and app::update_meeting's; the form only reads and shows.

#include <algorithm>

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

constexpr int document_rows = 3;  // empty rows besides the documents a meeting has

// The form as a person filled it in (or as a stored meeting fills it).
struct meeting_form {
    std::string type = "other", title, description, theme;
    bool all_day = false;
    std::string start_date, start_time, end_date, end_time, time_zone = "Europe/Stockholm";
    std::string venue;  // a venue's id, or empty
    std::string location, online_url, organisation;
    std::vector<std::string> networks;
    std::string capacity, deadline_date, deadline_time;
    std::vector<std::pair<std::string, std::string>> documents;  // title, url
    bool book_anyway = false;
};

db::id_t id_of(const request& req) {
    const auto& text = req.params.at("id");
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos)
        throw app::not_found("No such meeting");
    return std::stoll(text);
}

std::string meeting_path(db::id_t id) { return "/arrangor/moten/" + std::to_string(id); }

// "2026-12-03T18:00:00" -> date "2026-12-03", time "18:00".
void split(const std::string& local, std::string& date, std::string& time) {
    date = local.substr(0, 10);
    time = local.size() >= 16 ? local.substr(11, 5) : "";
}

meeting_form form_of(const db::meeting& m) {
    meeting_form f;
    f.type = std::string(db::to_text(m.type));
    f.title = m.title;
    f.description = m.description;
    f.theme = m.theme;
    f.all_day = m.all_day;
    f.time_zone = m.time_zone;
    if (m.all_day) {
        f.start_date = m.start_local.substr(0, 10);
        // Stored as the exclusive end (RFC 5545); a person gives the last day.
        f.end_date = calendar::add_days(m.end_local.substr(0, 10), -1);
    } else {
        split(m.start_local, f.start_date, f.start_time);
        split(m.end_local, f.end_date, f.end_time);
        if (f.end_date == f.start_date) f.end_date.clear();  // the same day: no need to say it
    }
    if (m.venue_id) f.venue = std::to_string(*m.venue_id);
    f.location = m.location;
    f.online_url = m.online_url;
    f.organisation = std::to_string(m.organisation_id);
    for (auto n : m.network_ids) f.networks.push_back(std::to_string(n));
    if (m.capacity) f.capacity = std::to_string(*m.capacity);
    if (m.registration_deadline_utc)
        split(calendar::to_local(*m.registration_deadline_utc, m.time_zone), f.deadline_date, f.deadline_time);
    for (const auto& d : m.documents) f.documents.emplace_back(d.title, d.url);
    return f;
}

meeting_form form_of(const forms::form& sent) {
    meeting_form f;
    auto text = [&](const char* name) { return sent.text(name).value_or(""); };
    f.type = text("typ");
    f.title = text("titel");
    f.description = sent.value("beskrivning").value_or("");
    f.theme = text("tema");
    f.all_day = sent.value("heldag") == "ja";
    f.start_date = text("startdatum");
    f.start_time = text("starttid");
    f.end_date = text("slutdatum");
    f.end_time = text("sluttid");
    f.time_zone = text("tidszon");
    f.venue = text("lokal");
    f.location = text("plats");
    f.online_url = text("lank");
    f.organisation = text("arrangor");
    f.networks = sent.values("natverk");
    f.capacity = text("platser");
    f.deadline_date = text("sista_datum");
    f.deadline_time = text("sista_tid");
    for (int i = 1; i <= 50; ++i) {
        auto title = sent.text("dokument_titel_" + std::to_string(i)).value_or("");
        auto url = sent.text("dokument_lank_" + std::to_string(i)).value_or("");
        if (!sent.has("dokument_titel_" + std::to_string(i)) && !sent.has("dokument_lank_" + std::to_string(i))) break;
        if (!title.empty() || !url.empty()) f.documents.emplace_back(title, url);
    }
    f.book_anyway = sent.value("boka_anda") == "ja";
    return f;
}

std::optional<db::id_t> read_id(const std::string& text, const char* field, app::unreadable_input& unreadable) {
    if (text.empty()) return std::nullopt;
    if (text.size() <= 15 && text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
    unreadable.fields.push_back({field, "must be one of the choices", "invalid"});
    return std::nullopt;
}

// The form as the use case's input: every field given (a form sends them all), empty ones cleared.
app::meeting_input input_of(const meeting_form& f, const std::string& status) {
    app::meeting_input in;
    in.type = f.type;
    in.title = f.title;
    in.description = f.description;
    in.theme = f.theme;
    in.all_day = f.all_day;
    in.time_zone = f.time_zone.empty() ? "Europe/Stockholm" : f.time_zone;
    if (f.all_day) {
        in.start = f.start_date;
        in.end = f.end_date.empty() ? f.start_date : f.end_date;
    } else {
        in.start = f.start_date + "T" + f.start_time;
        in.end = (f.end_date.empty() ? f.start_date : f.end_date) + "T" + f.end_time;
        // A timed meeting needs both times: said here, where the form has them apart.
        if (f.start_date.empty() || f.start_time.empty()) {
            in.start.reset();
            in.unreadable.fields.push_back({"start", "needs a date and a time", "required"});
        }
        if (f.end_time.empty()) {
            in.end.reset();
            in.unreadable.fields.push_back({"end", "needs a time", "required"});
        }
    }
    in.venue_id = read_id(f.venue, "venue_id", in.unreadable);
    in.location = f.location;
    in.online_url = f.online_url;
    if (auto org = read_id(f.organisation, "organisation_id", in.unreadable)) in.organisation_id = org;
    else if (f.organisation.empty()) in.unreadable.fields.push_back({"organisation_id", "is required", "required"});
    std::vector<db::id_t> networks;
    for (const auto& n : f.networks)
        if (auto id = read_id(n, "network_ids", in.unreadable)) networks.push_back(*id);
    in.network_ids = networks;
    if (f.capacity.empty()) {
        in.capacity = std::optional<std::int64_t>();
    } else if (f.capacity.size() <= 6 && f.capacity.find_first_not_of("0123456789") == std::string::npos) {
        in.capacity = std::optional<std::int64_t>(std::stoll(f.capacity));
    } else {
        in.unreadable.fields.push_back({"capacity", "must be a whole number", "not_a_number"});
    }
    if (f.deadline_date.empty() && f.deadline_time.empty())
        in.registration_deadline = std::optional<std::string>();
    else
        in.registration_deadline =
            std::optional<std::string>(f.deadline_date + "T" + (f.deadline_time.empty() ? "23:59" : f.deadline_time));
    std::vector<app::document_input> documents;
    for (const auto& [title, url] : f.documents) documents.push_back({title, url});
    in.documents = documents;
    // A cancelled meeting keeps its status (nothing to publish); any other is a draft or published.
    if (!status.empty()) in.status = status;
    return in;
}

// Where each field of the use case is on the form.
const std::vector<form_field_place> places = {
    {"type", "mote-typ", "type"},
    {"title", "mote-titel", "title"},
    {"description", "mote-beskrivning", "description"},
    {"theme", "mote-tema", "theme"},
    {"all_day", "mote-heldag", "all_day"},
    {"start", "mote-startdatum", "start"},
    {"end", "mote-sluttid", "end"},
    {"time_zone", "mote-tidszon", "time_zone"},
    {"venue_id", "mote-lokal", "venue"},
    {"location", "mote-plats", "location"},
    {"online_url", "mote-lank", "online_url"},
    {"organisation_id", "mote-arrangor", "organisation"},
    {"network_ids", "mote-natverk", "networks"},
    {"capacity", "mote-platser", "capacity"},
    {"registration_deadline", "mote-sista-datum", "deadline"},
    {"documents", "mote-dokument", "documents"},
};

std::string venue_label(const db::venue& v, db::language language) {
    const auto& t = app::texts::of(language);
    std::string out = v.name;
    if (v.capacity) out += " – " + filled(t["meeting_form.venue_capacity"], {{"count", std::to_string(*v.capacity)}});
    return out;
}

std::string venue_access(const db::venue& v, db::language language) {
    const auto& t = app::texts::of(language);
    std::string out = t[v.step_free ? "venues.step_free" : "venues.not_step_free"] + ". " +
                      t[v.hearing_loop ? "venues.hearing_loop" : "venues.no_hearing_loop"] + ". " +
                      t[v.accessible_toilet ? "venues.accessible_toilet" : "venues.no_accessible_toilet"] + ".";
    if (!v.accessibility_notes.empty()) out += " " + v.accessibility_notes;
    return out;
}

struct form_state {
    const meeting_form* values = nullptr;
    std::vector<app::field_error> errors;
    std::vector<db::meeting> conflicts;  // the other meetings at the venue, when that was the refusal
    int status = 200;
    bool copied = false;  // a new meeting from an old one: say what to change
};

enum class form_kind { create, edit };

response form_page(app::context& ctx, const site& pages, const request& req, db::language language,
                   const signed_in_request& s, form_kind kind, const meeting_form& values,
                   const std::optional<app::editable_meeting>& editing, const form_state& state = {}) {
    const auto& t = app::texts::of(language);
    const auto choices = app::meeting_form_choices_of(ctx, s.who);
    dictionary d(&pages.texts(language));
    const bool creating = kind == form_kind::create;
    const auto heading = creating ? t["meeting_form.new_title"]
                                  : filled(t["meeting_form.edit_title"], {{"title", editing->meeting.title}});
    d.set("mf_heading", heading);
    d.set("mf_action", localised(language, creating ? "/arrangor/moten/ny" : meeting_path(editing->meeting.id)));
    if (!creating) {
        const auto& m = editing->meeting;
        d.show("mf_editing");
        d.set("mf_status", t["meeting_form.status_" + std::string(db::to_text(m.status))]);
        d.set("mf_public_href", localised(language, "/moten/" + std::to_string(m.id)));
        d.set("mf_copy_href", localised(language, meeting_path(m.id) + "/kopiera"));
        d.set("mf_cancel_href", localised(language, meeting_path(m.id) + "/stall-in"));
        d.set("mf_delete_href", localised(language, meeting_path(m.id) + "/radera"));
        d.set("mf_sign_ups_href", localised(language, meeting_path(m.id) + "/anmalningar"));
        d.set("mf_sign_up_count", filled(t["meeting_form.sign_up_count"], {{"count", std::to_string(editing->sign_ups)},
                                                                            {"people", std::to_string(editing->people)}}));
        if (m.status != db::meeting_status::cancelled) d.show("mf_may_cancel");
        if (m.status == db::meeting_status::published) d.show("mf_is_published");
        if (editing->series) d.show("mf_in_series").set("mf_series_href", localised(language, "/arrangor/serier/" + std::to_string(editing->series->id)));
    }
    if (req.query_value("sparat") == "1" && state.errors.empty()) d.show("mf_saved");
    if (state.copied) d.show("mf_copy_notice");

    const auto& f = values;
    std::map<std::string, std::string> error_of;
    if (!state.errors.empty()) error_of = fill_form_errors(d, state.errors, language, places, "meeting_form", "mote-titel");

    // Type
    for (const auto& [type, text] : db::meeting_type_texts) {
        auto& o = d.add("mf_type_option").set("mf_option_value", std::string(text)).set("mf_option_label", app::label(type, language));
        if (f.type == text) o.show("mf_option_selected");
    }
    d.set("title_value", f.title).set("description_value", f.description).set("theme_value", f.theme);
    if (f.all_day) d.show("all_day_checked");
    d.set("start_date_value", f.start_date).set("start_time_value", f.start_time);
    d.set("end_date_value", f.end_date).set("end_time_value", f.end_time).set("time_zone_value", f.time_zone);
    add_where_fields(d, "mote", choices.venues, {f.venue, f.location, f.online_url, f.capacity}, language);
    for (const auto& o : choices.organisations) {
        auto& item = d.add("mf_organisation_option").set("mf_option_value", std::to_string(o.id)).set("mf_option_label", o.name);
        if (f.organisation == std::to_string(o.id) || (f.organisation.empty() && choices.organisations.size() == 1))
            item.show("mf_option_selected");
    }
    for (const auto& n : choices.networks) {
        auto& item = d.add("mf_network");
        item.set("mf_network_id", std::to_string(n.id)).set("mf_network_name", n.name);
        if (std::find(f.networks.begin(), f.networks.end(), std::to_string(n.id)) != f.networks.end())
            item.show("mf_network_checked");
    }
    d.set("deadline_date_value", f.deadline_date).set("deadline_time_value", f.deadline_time);
    auto documents = f.documents;
    for (int i = 0; i < document_rows; ++i) documents.emplace_back();
    int row = 0;
    for (const auto& [title, url] : documents) {
        ++row;
        d.add("mf_document")
            .set("mf_document_number", std::to_string(row))
            .set("mf_document_title", title)
            .set("mf_document_url", url)
            .set("mf_document_legend", filled(t["meeting_form.document_legend"], {{"number", std::to_string(row)}}));
    }
    // A venue booked at the same time: the other meetings by name, and the choice to book anyway.
    if (!state.conflicts.empty() || (f.book_anyway && !state.errors.empty())) {
        d.show("mf_conflict");
        for (const auto& other : state.conflicts)
            d.add("mf_conflict_meeting").set("mf_conflict_text", other.title + ", " + app::when_text(other, language));
        if (state.conflicts.empty()) d.add("mf_conflict_meeting").set("mf_conflict_text", t["meeting_form.conflict_hidden"]);
        if (f.book_anyway) d.show("mf_book_anyway_checked");
    }
    page_frame frame;
    frame.language = language;
    frame.path = creating ? "/arrangor/moten/ny" : meeting_path(editing->meeting.id);
    frame.title = page_title(pages, language, (state.errors.empty() ? std::string() : t["meeting.error_title_prefix"] + " ") + heading);
    frame.section = creating ? section::organiser_meetings : section::organiser_overview;
    frame.content_template = "meeting_form.html";
    return render_signed_in(pages, frame, d, s, state.status);
}

// Runs a save; a refusal becomes the form again with its errors (and for a booked venue, the
// meetings that hold it).
template <class Save>
response save(app::context& ctx, const site& pages, const request& req, db::language language,
              const signed_in_request& s, form_kind kind, const std::optional<app::editable_meeting>& editing,
              Save&& act) {
    const auto f = form_of(s.form);
    const auto status = s.form.value("atgard") == "publicera" ? "published" : "draft";
    const auto overlap = f.book_anyway ? db::venue_overlap::allow : db::venue_overlap::refuse;
    const auto in = input_of(f, editing && editing->meeting.status == db::meeting_status::cancelled
                                    ? std::string()
                                    : std::string(status));
    db::id_t saved = 0;
    std::vector<db::id_t> holders;
    auto refused = refusal_of([&] {
        try {
            saved = act(in, overlap);
        } catch (...) {
            if (auto e = app::classify(std::current_exception()); e && e->code == "venue-conflict") holders = e->related_ids;
            throw;
        }
    });
    if (refused) {
        form_state state;
        state.errors = refused->errors;
        state.status = refused->status;
        if (!holders.empty()) {
            state.conflicts = app::visible_meetings(ctx, s.who, holders);
        }
        return form_page(ctx, pages, req, language, s, kind, f, editing, state);
    }
    return see_other_private(localised(language, meeting_path(saved)) + "?sparat=1");
}

// ---- the routes ---------------------------------------------------------------------------------

response new_meeting(app::context& ctx, const site& pages, request& req, db::language language,
                     const signed_in_request& s) {
    meeting_form empty;
    return form_page(ctx, pages, req, language, s, form_kind::create, empty, std::nullopt);
}

response create(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return save(ctx, pages, req, language, s, form_kind::create, std::nullopt,
                [&](const app::meeting_input& in, db::venue_overlap overlap) {
                    return app::create_meeting(ctx, s.who, in, overlap).id;
                });
}

response copy(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto original = app::meeting_to_edit(ctx, s.who, id_of(req));
    return form_page(ctx, pages, req, language, s, form_kind::create, form_of(original.meeting), std::nullopt,
                     {nullptr, {}, {}, 200, true});
}

response edit(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto editing = app::meeting_to_edit(ctx, s.who, id_of(req));
    return form_page(ctx, pages, req, language, s, form_kind::edit, form_of(editing.meeting), editing);
}

response update(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto editing = app::meeting_to_edit(ctx, s.who, id_of(req));
    return save(ctx, pages, req, language, s, form_kind::edit, editing,
                [&](const app::meeting_input& in, db::venue_overlap overlap) {
                    return app::update_meeting(ctx, s.who, editing.meeting.id, in, overlap).id;
                });
}

// ---- cancelling and deleting ----------------------------------------------------------------

const std::vector<form_field_place> reason_places = {{"reason", "installt-skal", "reason"}};

response question_page(app::context& ctx, const site& pages, request& req, db::language language,
                       const signed_in_request& s, bool deleting, const std::string& reason = {},
                       const std::vector<app::field_error>& errors = {}, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto editing = app::meeting_to_edit(ctx, s.who, id_of(req));
    const auto& m = editing.meeting;
    dictionary d(&pages.texts(language));
    const auto count = filled(t["meeting_form.sign_up_count"], {{"count", std::to_string(editing.sign_ups)},
                                                                {"people", std::to_string(editing.people)}});
    d.set("q_title", m.title).set("q_when", app::when_text(m, language)).set("q_count", count);
    d.set("q_back_href", localised(language, meeting_path(m.id)));
    d.set("q_cancel_href", localised(language, meeting_path(m.id) + "/stall-in"));
    d.set("q_action", localised(language, meeting_path(m.id) + (deleting ? "/radera" : "/stall-in")));
    if (editing.sign_ups > 0) d.show("q_has_sign_ups");
    else d.show("q_no_sign_ups");
    // Deleting: who of them gets a cancellation by mail, as the use case decides.
    if (editing.told_if_deleted > 0)
        d.show("q_told").set("q_told_text",
                             editing.told_if_deleted == 1
                                 ? t["meeting_form.delete_tells_one"]
                                 : filled(t["meeting_form.delete_tells_many"],
                                          {{"count", std::to_string(editing.told_if_deleted)}}));
    else if (editing.sign_ups > 0)
        d.show("q_not_told");
    if (m.status == db::meeting_status::cancelled) d.show("q_already_cancelled");
    else d.show("q_not_cancelled");
    d.show(deleting ? "q_deleting" : "q_cancelling");
    d.set("reason_value", reason);
    if (!errors.empty()) fill_form_errors(d, errors, language, reason_places, "meeting_form", "installt-skal");
    page_frame frame;
    frame.language = language;
    frame.path = meeting_path(m.id) + (deleting ? "/radera" : "/stall-in");
    frame.title = page_title(pages, language, filled(t[deleting ? "meeting_form.delete_title" : "meeting_form.cancel_title"],
                                                     {{"title", m.title}}));
    frame.section = section::organiser_overview;
    frame.content_template = "meeting_question.html";
    return render_signed_in(pages, frame, d, s, status);
}

response ask_cancel(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return question_page(ctx, pages, req, language, s, false);
}

response cancel(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto id = id_of(req);
    const auto reason = s.form.value("skal").value_or("");
    if (auto refused = refusal_of([&] { app::cancel_meeting(ctx, s.who, id, reason); }))
        return question_page(ctx, pages, req, language, s, false, reason, refused->errors, refused->status);
    return see_other_private(localised(language, meeting_path(id)) + "?sparat=1");
}

response ask_delete(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return question_page(ctx, pages, req, language, s, true);
}

response remove(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    app::delete_meeting(ctx, s.who, id_of(req));
    return see_other_private(localised(language, "/arrangor") + "?raderat=1");
}

}  // namespace

void add_where_fields(dictionary& d, std::string_view id_prefix, const std::vector<db::venue>& venues,
                      const where_values& values, db::language language) {
    d.set("wf_prefix", std::string(id_prefix));
    // Venues: none, or one of the directory's, each with its capacity and accessibility.
    if (values.venue.empty()) d.show("mf_no_venue_checked");
    for (const auto& v : venues) {
        auto& item = d.add("mf_venue");
        item.set("mf_venue_id", std::to_string(v.id))
            .set("mf_venue_label", venue_label(v, language))
            .set("mf_venue_access", venue_access(v, language))
            .set("mf_venue_address", v.address);
        if (values.venue == std::to_string(v.id)) item.show("mf_venue_checked");
    }
    d.set("location_value", values.location).set("online_url_value", values.online_url);
    d.set("capacity_value", values.capacity);
    d.include("where_fields", "meeting_where_fields.html");
}

void add_meeting_form_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    // "ny" before "{id}": the router takes the first pattern that matches.
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/ny", new_meeting);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/ny", create);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}", edit);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}", update);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/kopiera", copy);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/stall-in", ask_cancel);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/stall-in", cancel);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/radera", ask_delete);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/radera", remove);
}

}  // namespace kal::service::web
