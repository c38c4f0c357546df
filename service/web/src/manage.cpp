// The holder's own page (/anmalan/{token}), the link in every answer and e-mail: the receipt
// after signing up (?ny=1), the sign-up's status and details, changing the party size and needs,
// cancelling, erasing for good (after a page that asks), "add to calendar" and the holder's own
// feed. Every change is a POST with the form token; a GET changes nothing, so mail scanners that
// follow links change nothing. The secret is in the address: no-store, no referrer. A wrong,
// unknown or anonymised link is a 404 page that says nothing about why.
// The old page of the e-mails sent before it (/rsvp/{token}) leads here.

#include "forms.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/sign_ups.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"

namespace kal::service::web {

namespace {

const std::string& token_of(const request& req) { return req.params.at("token"); }

app::held_sign_up held(app::context& ctx, const request& req) {
    auto h = app::sign_up_of_secret(ctx, token_of(req));
    if (!h) throw app::not_found("No such sign-up");
    return std::move(*h);
}

// What every answer that carries the secret in its address says to browsers and caches.
void keep_private(response& r) {
    r.set_header("Cache-Control", "no-store");
    r.set_header("Referrer-Policy", "no-referrer");
}

response see_other(const std::string& location) {
    response r;
    r.status = 303;
    r.set_header("Location", location);
    keep_private(r);
    return r;
}

std::string page_path(const request& req) { return "/anmalan/" + token_of(req); }

bool active(const db::rsvp& r) { return r.status != db::rsvp_status::cancelled; }

void fill_meeting(dictionary& d, const app::held_sign_up& h, db::language language) {
    const auto& m = h.meeting;
    d.set("meeting_title", m.title).set("meeting_when", app::when_text(m, language));
    d.set("meeting_href", localised(language, "/moten/" + std::to_string(m.id)));
    d.set("place_text", place_text(m, h.venue, language));
    d.show(m.status == db::meeting_status::cancelled ? "meeting_cancelled" : "meeting_not_cancelled");
}

void fill_sign_up(dictionary& d, const app::held_sign_up& h, db::language language) {
    const auto& r = h.rsvp;
    const auto& t = app::texts::of(language);
    const auto position = std::to_string(r.waitlist_position.value_or(0));
    switch (r.status) {
        case db::rsvp_status::confirmed:
            d.show("status_confirmed").set("rsvp_status", t["manage.status_confirmed"]);
            break;
        case db::rsvp_status::waitlisted:
            d.show("status_waitlisted")
                .set("waitlisted_text", filled(t["manage.waitlisted"], {{"position", position}}))
                .set("rsvp_status", filled(t["manage.status_waitlisted"], {{"position", position}}));
            break;
        case db::rsvp_status::cancelled:
            d.show("status_cancelled").set("rsvp_status", t["manage.status_cancelled"]);
            break;
    }
    d.set("rsvp_name", r.name).set("rsvp_email", r.email);
    d.set("rsvp_organisation", h.organisation.empty() ? t["manage.none"] : h.organisation);
    d.set("rsvp_party_size", std::to_string(r.party_size));
    if (r.needs.empty()) d.add("needs_line").set("needs_line_text", t["manage.none"]);
    std::size_t start = 0;
    while (start < r.needs.size()) {
        auto end = r.needs.find('\n', start);
        d.add("needs_line").set("needs_line_text", r.needs.substr(start, end == std::string::npos ? end : end - start));
        start = end == std::string::npos ? r.needs.size() : end + 1;
    }
    d.set("rsvp_language", t[r.language == db::language::en ? "manage.language_en" : "manage.language_sv"]);
}

// The holder's page; with `form` it shows that change form again with its errors.
response manage_page(app::context& ctx, const site& pages, const request& req, db::language language,
                     const sign_up_form* form = nullptr, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto h = held(ctx, req);
    const auto& r = h.rsvp;
    const auto& m = h.meeting;
    const auto token = forms::token_for(req, ctx.settings);
    dictionary d(&pages.texts(language));
    const bool fresh = req.query_value("ny") == "1";
    d.set("manage_heading", t[fresh ? "manage.title_new" : "manage.title"]);
    fill_meeting(d, h, language);
    fill_sign_up(d, h, language);
    if (req.query_value("andrad") == "1" && !form) d.show("notice_changed");
    const bool open = active(r) && !h.meeting_ended && m.status != db::meeting_status::cancelled;
    if (open) {
        d.show("may_change").show("is_active");
        d.include("error_summary", "error_summary.html")
            .include("party_size_field", "party_size_field.html")
            .include("needs_fields", "needs_fields.html")
            .include("language_field", "language_field.html")
            .include("calendar_links", "calendar_links.html");
        d.set("csrf_token", token);
        d.set("manage_action", localised(language, page_path(req)));
        d.set("cancel_action", localised(language, page_path(req) + "/avboka"));
        sign_up_form held_values;
        held_values.party_size = std::to_string(r.party_size);
        read_needs(r.needs, held_values);
        held_values.language = std::string(db::to_text(r.language));
        const auto& f = form ? *form : held_values;
        d.set("party_size_value", f.party_size).set("needs_value", f.other);
        if (f.interpreter) d.show("need_interpreter_checked");
        if (f.hearing_loop) d.show("need_hearing_loop_checked");
        if (f.food) d.show("need_food_checked");
        d.show(f.language == "en" ? "language_en_checked" : "language_sv_checked");
        if (form && !form->errors.empty()) {
            d.set("errors_title", t["manage.errors_title"]);
            fill_field_errors(d, form->errors, language);
        }
        fill_calendar_links(d, pages, m, place_text(m, h.venue, language), language);
        const auto path = "/feeds/rsvp/" + token_of(req) + ".ics";
        const auto feed = pages.absolute(path);
        // "webcal:" is in the template: ctemplate lets only http(s) begin a link it fills in.
        d.set("own_feed_https", path).set("own_feed_webcal", feed.substr(feed.find("://") + 1));
    }
    if (active(r) && h.meeting_ended) d.show("meeting_ended");
    d.set("erase_href", localised(language, page_path(req) + "/radera"));

    page_frame frame;
    frame.language = language;
    frame.path = page_path(req);
    const bool errors = form && !form->errors.empty();
    frame.title = page_title(pages, language,
                             (errors ? t["meeting.error_title_prefix"] + " " : std::string()) +
                                 t[fresh ? "manage.title_new" : "manage.title"] + ": " + m.title);
    frame.content_template = "manage.html";
    auto answer = pages.render(frame, d, status);
    keep_private(answer);
    if (open) forms::set_cookie(answer, token, ctx.settings);
    return answer;
}

response show(app::context& ctx, const site& pages, request& req, db::language language) {
    return manage_page(ctx, pages, req, language);
}

response change(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto f = forms::receive(req, ctx.settings);
    sign_up_form form;
    form.party_size = f.text("antal").value_or("");
    form.other = f.text("ovrigt").value_or("");
    form.language = f.text("sprak").value_or("");
    for (const auto& ticked : f.values("behov")) {
        form.interpreter = form.interpreter || ticked == "tolk";
        form.hearing_loop = form.hearing_loop || ticked == "horslinga";
        form.food = form.food || ticked == "mat";
    }
    app::sign_up_changes changes;
    changes.party_size = read_count(form.party_size, "party_size", changes.unreadable);
    changes.needs = needs_text(form.interpreter, form.hearing_loop, form.food, form.other);
    if (!form.language.empty()) changes.language = form.language;
    try {
        app::change_sign_up(ctx, token_of(req), changes);
    } catch (...) {
        auto e = app::classify(std::current_exception());
        if (!e || (e->kind != app::error_kind::validation && e->kind != app::error_kind::conflict)) throw;
        form.errors = e->fields;
        if (form.errors.empty()) form.errors.push_back({"form", e->what(), e->code});
        return manage_page(ctx, pages, req, language, &form, e->kind == app::error_kind::conflict ? 409 : 422);
    }
    return see_other(localised(language, page_path(req)) + "?andrad=1");
}

response cancel(app::context& ctx, const site&, request& req, db::language language) {
    forms::receive(req, ctx.settings);
    app::cancel_sign_up(ctx, token_of(req));
    return see_other(localised(language, page_path(req)));
}

// The question before erasing: a page whose only button sends the POST that erases.
response ask_to_erase(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto& t = app::texts::of(language);
    const auto h = held(ctx, req);
    const auto token = forms::token_for(req, ctx.settings);
    dictionary d(&pages.texts(language));
    d.set("meeting_title", h.meeting.title).set("meeting_when", app::when_text(h.meeting, language));
    d.set("erase_action", localised(language, page_path(req) + "/radera"));
    d.set("manage_href", localised(language, page_path(req)));
    d.set("csrf_token", token);
    page_frame frame;
    frame.language = language;
    frame.path = page_path(req) + "/radera";
    frame.title = t["manage.erase_title"];
    frame.content_template = "erase.html";
    auto answer = pages.render(frame, d);
    keep_private(answer);
    forms::set_cookie(answer, token, ctx.settings);
    return answer;
}

response erase(app::context& ctx, const site&, request& req, db::language language) {
    forms::receive(req, ctx.settings);
    const auto meeting_id = app::erase_sign_up(ctx, token_of(req));
    return see_other(localised(language, "/moten/" + std::to_string(meeting_id)) + "?raderad=ja");
}

}  // namespace

void add_manage_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/anmalan/{token}", show);
    add_page(routes, ctx, pages, "POST", "/anmalan/{token}", change);
    add_page(routes, ctx, pages, "POST", "/anmalan/{token}/avboka", cancel);
    add_page(routes, ctx, pages, "GET", "/anmalan/{token}/radera", ask_to_erase);
    add_page(routes, ctx, pages, "POST", "/anmalan/{token}/radera", erase);
    // The page of the e-mails sent before this one: its links keep working, forever.
    routes.add(
        "GET", "/rsvp/{token}",
        [](request& req) {
            response r;
            r.status = 301;
            r.set_header("Location", "/anmalan/" + percent_encoded(token_of(req)));
            keep_private(r);
            return r;
        },
        http::runs_on::io_thread);
}

}  // namespace kal::service::web
