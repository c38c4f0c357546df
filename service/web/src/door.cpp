// The door (issue 12, item 7; org-people): /arrangor/moten/{id}/incheckning, phone first, and the
// check-in link of a confirmation's QR code, /incheckning/{token}. Thin: each page reads the
// request, calls one use case (app/door.hpp, app/attendance.hpp) and fills a template.
//
// - The list: everyone signed up (confirmed first, then the waiting list), each with one large
//   button: "Checka in", or once in, "Ångra". The search is a GET form (?sok=); the script
//   incheckning.js (the one script of the site, allowed by this page's Content-Security-Policy
//   alone) filters the same list as one types and refreshes the counts and the list every ten
//   seconds, so that a second phone's ticks show up. Without it all works by POST–redirect–GET.
// - Every POST redirects back to the list (with the search kept and the person's row as the
//   fragment) and says what was done in a notice; a walk-in with errors is the page again, 422,
//   with the GOV.UK error summary.
// - The QR link carries a secret: Referrer-Policy no-referrer on it and its answers. Its GET only
//   shows the person and a button; the POST checks in (mail scanners follow links, and a camera
//   app opening the link must not tick anybody by itself).

#include <algorithm>
#include <charconv>

#include "kal/calendar/time.hpp"
#include "kal/service/app/attendance.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/door.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"
#include "pages.hpp"

namespace kal::service::web {

extern const std::string_view embedded_static_paths[];
extern const std::string_view embedded_static_texts[];
extern const std::size_t embedded_static_count;

namespace {

// The page's script, under a name that changes with its bytes (cached for a year).
struct door_script {
    std::string body, path;
    door_script() {
        for (std::size_t i = 0; i < embedded_static_count; ++i)
            if (embedded_static_paths[i] == "incheckning.js") body = std::string(embedded_static_texts[i]);
        path = "/static/incheckning." + app::content_hash(body).substr(0, 16) + ".js";
    }
};
const door_script& script() {
    static const door_script s;
    return s;
}

// The door's page may run its own script and fetch itself; nothing else changes.
void allow_door_script(http::response& r) {
    r.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
                 "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
}

db::id_t id_of(const request& req, const char* name) {
    const auto& text = req.params.at(name);
    db::id_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) throw app::not_found("No such page");
    return id;
}

std::string door_path(db::id_t meeting_id) { return "/arrangor/moten/" + std::to_string(meeting_id) + "/incheckning"; }

std::string party_text(int people, db::language language) {
    const auto& t = app::texts::of(language);
    return people == 1 ? t["door.party_one"] : filled(t["door.party_many"], {{"count", std::to_string(people)}});
}

std::string time_of(std::int64_t utc, const db::meeting& m, db::language language) {
    return app::clock_text(calendar::to_local(utc, m.time_zone), language);
}

// Where a POST of the list goes back to: the list, with the search kept, at the person's row,
// and what was done as a code (klart: in, ut, ny) and a row (vem), never a name: a name in an
// address would stay in the browser's history.
std::string back_to(db::language language, db::id_t meeting_id, const std::string& search, const char* done,
                    const std::string& row) {
    // Without a search the list is long: back at the row. With one, at the top, where the notice
    // and the search box are, ready for the next person.
    return with_query(localised(language, door_path(meeting_id)), {{"sok", search}, {"klart", done}, {"vem", row}}) +
           (search.empty() ? "#" + row : "");
}

// The notice of what the last POST did, in words, with the name from the list on the page.
std::string notice_of(const request& req, const app::door_view& view, db::language language) {
    const auto& t = app::texts::of(language);
    const auto done = req.query_value("klart").value_or("");
    const auto row = req.query_value("vem").value_or("");
    std::string name;
    for (const auto& e : view.sign_ups)
        if ("anmalan-" + std::to_string(e.rsvp.id) == row) name = e.rsvp.name;
    for (const auto& c : view.walk_ins)
        if ("utan-anmalan-" + std::to_string(c.id) == row) name = c.name;
    if (done == "in" && !name.empty()) return filled(t["door.done"], {{"name", name}});
    if (done == "ny" && !name.empty()) return filled(t["door.walked_in"], {{"name", name}});
    if (done == "ut") return name.empty() ? t["door.undone_plain"] : filled(t["door.undone"], {{"name", name}});
    return {};
}

struct walk_in_values {
    std::string name, organisation, party_size;
};

response door_page(app::context& ctx, const site& pages, request& req, db::language language,
                   const signed_in_request& s, const walk_in_values& typed = {},
                   const std::optional<refused_input>& refused = std::nullopt) {
    const auto& t = app::texts::of(language);
    const auto meeting_id = id_of(req, "id");
    const auto search = req.query_value("sok").value_or("");
    const auto view = app::door_of(ctx, s.who, meeting_id, search);
    const auto& m = view.meeting;
    dictionary d(&pages.texts(language));
    d.set("door_title", filled(t["door.title_of"], {{"meeting", m.title}}));
    d.set("door_lead", filled(t["door.lead"], {{"when", app::when_text(m, language)}}));
    d.set("door_meeting_href", localised(language, "/moten/" + std::to_string(m.id)));
    d.set("door_sign_ups_href", localised(language, "/arrangor/moten/" + std::to_string(m.id) + "/anmalningar"));
    d.set("door_action", localised(language, door_path(m.id)));
    d.set("door_search", search);
    d.set("door_csrf", s.csrf);
    const int expected = view.counts.confirmed.people;
    d.set("door_counts_checked_in", filled(t["door.counts_checked_in"],
                                           {{"checked_in", std::to_string(view.counts.checked_in.people)},
                                            {"expected", std::to_string(expected)}}));
    d.set("door_counts_walk_ins",
          filled(t["door.counts_walk_ins"], {{"count", std::to_string(view.counts.walk_ins.people)}}));
    if (view.searched) {
        d.show("door_searched");
        d.set("door_search_result", filled(t["door.search_result"], {{"search", search}}));
        d.set("door_clear_href", localised(language, door_path(m.id)));
    }
    if (const auto notice = notice_of(req, view, language); !notice.empty())
        d.show("door_notice").set("door_notice_text", notice);
    for (const auto& e : view.sign_ups) {
        auto& row = d.add("door_person");
        const auto& r = e.rsvp;
        row.set("person_id", "anmalan-" + std::to_string(r.id));
        row.set("person_name", r.name);
        std::string who = e.organisation;
        const auto party = party_text(r.party_size, language);
        who += (who.empty() ? "" : " · ") + party;
        if (!r.needs.empty()) who += " · " + filled(t["door.needs"], {{"needs", r.needs}});
        row.set("person_details", who);
        row.set("person_search", e.rsvp.name + " " + e.organisation);
        if (r.status == db::rsvp_status::waitlisted) row.show("person_waitlisted");
        if (e.checkin) {
            row.show("person_checked_in");
            row.set("person_time", filled(t["door.checked_in_at"], {{"time", time_of(e.checkin->created_at, m, language)}}));
            row.set("person_undo_action",
                    localised(language, door_path(m.id) + "/angra/" + std::to_string(e.checkin->id)));
            row.set("person_undo_who", filled(t["door.undo_who"], {{"name", r.name}}));
            row.set("person_rsvp", std::to_string(r.id));
        } else {
            row.show("person_not_checked_in");
            row.set("person_check_in_action",
                    localised(language, door_path(m.id) + "/anmalningar/" + std::to_string(r.id)));
        }
    }
    if (view.sign_ups.empty()) {
        d.show("door_no_people");
        d.set("door_no_people_text", view.searched ? t["door.list_no_match"] : t["door.list_empty"]);
    } else {
        d.show("door_has_people");
    }
    for (const auto& c : view.walk_ins) {
        auto& row = d.add("door_walk_in");
        row.set("walk_in_id", "utan-anmalan-" + std::to_string(c.id));
        row.set("walk_in_name", c.name);
        std::string who = c.organisation_name;
        who += (who.empty() ? "" : " · ") + party_text(c.people, language);
        row.set("walk_in_details", who);
        row.set("walk_in_search", c.name + " " + c.organisation_name);
        row.set("walk_in_time", filled(t["door.checked_in_at"], {{"time", time_of(c.created_at, m, language)}}));
        row.set("walk_in_undo_action", localised(language, door_path(m.id) + "/angra/" + std::to_string(c.id)));
        row.set("walk_in_undo_who", filled(t["door.undo_who"], {{"name", c.name}}));
    }
    if (view.walk_ins.empty()) d.show("door_no_walk_ins");
    else d.show("door_has_walk_ins");
    d.set("walk_in_action", localised(language, door_path(m.id) + "/utan-anmalan"));
    d.set("walk_in_name_value", typed.name);
    d.set("walk_in_organisation_value", typed.organisation);
    d.set("walk_in_party_value", typed.party_size.empty() ? "1" : typed.party_size);
    if (refused)
        fill_form_errors(d, refused->errors, language,
                         {{"name", "utan-anmalan-namn", "walk_in_name"},
                          {"organisation", "utan-anmalan-organisation", "walk_in_organisation"},
                          {"party_size", "utan-anmalan-antal", "walk_in_party"}},
                         "door", "utan-anmalan-namn");
    d.set("door_script", script().path);
    page_frame frame;
    frame.language = language;
    frame.path = door_path(m.id);
    frame.query = query_string({{"sok", search}});
    frame.title = t["door.title"];  // the meeting is in the heading; a title says where one is, short
    frame.section = section::none;
    frame.content_template = "door.html";
    frame.head_template = "door_head.html";
    auto r = render_signed_in(pages, frame, d, s, refused ? refused->status : 200);
    allow_door_script(r);
    return r;
}

response check_in_sign_up(app::context& ctx, const site&, request& req, db::language language,
                          const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    app::check_in_input in;
    in.rsvp_id = id_of(req, "rsvp");
    app::check_in(ctx, s.who, meeting_id, in);
    return see_other_private(back_to(language, meeting_id, s.form.text("sok").value_or(""), "in",
                                     "anmalan-" + std::to_string(*in.rsvp_id)));
}

// Undoes a check-in; the row it goes back to is the sign-up's (a walk-in's row is gone with it).
response undo(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    const auto checkin_id = id_of(req, "checkin");
    std::string row = "incheckning";
    const auto rsvp = s.form.text("anmalan");
    if (rsvp && std::all_of(rsvp->begin(), rsvp->end(), [](char c) { return c >= '0' && c <= '9'; }))
        row = "anmalan-" + *rsvp;
    app::undo_check_in(ctx, s.who, meeting_id, checkin_id);
    return see_other_private(back_to(language, meeting_id, s.form.text("sok").value_or(""), "ut", row));
}

response walk_in(app::context& ctx, const site& pages, request& req, db::language language,
                 const signed_in_request& s) {
    const auto meeting_id = id_of(req, "id");
    walk_in_values typed{s.form.value("namn").value_or(""), s.form.value("organisation").value_or(""),
                         s.form.value("antal").value_or("")};
    app::check_in_input in;
    in.name = s.form.text("namn").value_or("");
    if (auto o = s.form.text("organisation")) in.organisation_name = *o;
    if (auto p = s.form.text("antal")) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), n);
        if (ec != std::errc() || end != p->data() + p->size()) in.unreadable.fields.push_back({"party_size", "must be a whole number", "not_a_number"});
        else in.party_size = n;
    }
    db::check_in_result done;
    if (auto refused = refusal_of([&] { done = app::check_in(ctx, s.who, meeting_id, in); }))
        return door_page(ctx, pages, req, language, s, typed, refused);
    return see_other_private(
        back_to(language, meeting_id, "", "ny", "utan-anmalan-" + std::to_string(done.stored.id)));
}

// ---- the QR link -------------------------------------------------------------------------------

void no_referrer(http::response& r) { r.set_header("Referrer-Policy", "no-referrer"); }

response link_page(app::context& ctx, const site& pages, request& req, db::language language,
                   const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto& secret = req.params.at("token");
    const auto link = app::check_in_link_of(ctx, s.who, secret);
    const auto& m = link.meeting;
    const auto& r = link.entry.rsvp;
    dictionary d(&pages.texts(language));
    d.set("qr_meeting", m.title);
    d.set("qr_when", app::when_text(m, language));
    d.set("qr_name", r.name);
    d.set("qr_organisation", link.entry.organisation.empty() ? "–" : link.entry.organisation);
    d.set("qr_party", party_text(r.party_size, language));
    d.set("qr_needs", r.needs.empty() ? "–" : r.needs);
    d.set("qr_status", r.status == db::rsvp_status::confirmed    ? t["door.link_status_confirmed"]
                         : r.status == db::rsvp_status::waitlisted ? t["door.link_status_waitlisted"]
                                                                   : t["door.link_status_cancelled"]);
    d.set("qr_door_href", localised(language, door_path(m.id)));
    d.set("qr_csrf", s.csrf);
    if (link.entry.checkin) {
        d.show("qr_checked_in");
        d.set("qr_checked_in_text", filled(t["door.link_checked_in"],
                                             {{"name", r.name}, {"time", time_of(link.entry.checkin->created_at, m, language)}}));
    } else if (r.status != db::rsvp_status::cancelled && m.status == db::meeting_status::published) {
        d.show("qr_may_check_in");
        d.set("qr_action", localised(language, "/incheckning/" + secret));
        d.set("qr_check_in_text", filled(t["door.link_check_in"], {{"name", r.name}}));
    }
    page_frame frame;
    frame.language = language;
    frame.path = "/incheckning/" + secret;
    frame.title = t["door.link_title"];
    frame.section = section::none;
    frame.content_template = "check_in_link.html";
    auto answer = render_signed_in(pages, frame, d, s);
    no_referrer(answer);
    return answer;
}

response link_check_in(app::context& ctx, const site&, request& req, db::language language,
                       const signed_in_request& s) {
    const auto& secret = req.params.at("token");
    app::check_in_by_link(ctx, s.who, secret);
    auto answer = see_other_private(localised(language, "/incheckning/" + secret));
    no_referrer(answer);
    return answer;
}

}  // namespace

void add_door_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    routes.add(
        "GET", script().path,
        [](request&) {
            http::response r;
            r.shared_body = std::make_shared<const std::string>(script().body);
            r.set_header("Content-Type", "text/javascript; charset=utf-8");
            r.set_header("Cache-Control", "public, max-age=31536000, immutable");
            return r;
        },
        http::runs_on::io_thread);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/moten/{id}/incheckning",
                       [](app::context& c, const site& p, request& req, db::language l, const signed_in_request& s) {
                           return door_page(c, p, req, l, s);
                       });
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/incheckning/anmalningar/{rsvp}",
                       check_in_sign_up);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/incheckning/angra/{checkin}", undo);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/moten/{id}/incheckning/utan-anmalan", walk_in);
    add_signed_in_page(routes, ctx, pages, "GET", "/incheckning/{token}", link_page, secret_in_path::yes);
    add_signed_in_page(routes, ctx, pages, "POST", "/incheckning/{token}", link_check_in);
}

}  // namespace kal::service::web
