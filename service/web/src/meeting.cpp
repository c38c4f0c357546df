// A meeting's page (/moten/{id}): title, type and theme, time in words, place with a map link
// and the venue's accessibility in words, organiser and networks, documents, seats, the
// registration deadline, a series' coming dates, the sign-up form (or why there is none), "add
// to calendar" apart from "subscribe", and the meeting as a schema.org Event in JSON-LD.
// A series' link (/serier/{id}, the URL of a series in every feed) leads to its next meeting.

#include "meeting.hpp"

#include <cstdio>

#include "forms.hpp"
#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/texts.hpp"

namespace kal::service::web {

std::string filled(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [name, value] : values) {
        const auto marker = "{" + name + "}";
        for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + value.size()))
            text.replace(at, marker.size(), value);
    }
    return text;
}

namespace {

// How long `text` is in a title as html-validate counts it: escaped, in UTF-16 units.
std::size_t title_length(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0) == 0x80) continue;
        switch (c) {
            case '<':
            case '>':
                n += 4;
                break;
            case '&':
            case '\'':
                n += 5;
                break;
            case '"':
                n += 6;
                break;
            default:
                n += c >= 0xF0 ? 2 : 1;  // four UTF-8 bytes: a surrogate pair
        }
    }
    return n;
}

constexpr std::size_t longest_title = 70;

}  // namespace

std::string page_title(const site& pages, db::language language, const std::string& text) {
    const auto& s = pages.settings().site;
    const auto frame = title_length(" – " + (language == db::language::en ? s.service_name_en : s.service_name));
    const auto budget = longest_title > frame + 10 ? longest_title - frame : 10;
    if (title_length(text) <= budget) return text;
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        auto len = std::size_t(1);
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0xF0)
            len = 4;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        if (title_length(out + text.substr(i, len)) + 1 > budget) break;
        out += text.substr(i, len);
        i += len;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "…";
}

std::string place_text(const db::meeting& m, const std::optional<db::venue>& venue, db::language language) {
    if (venue) return venue->name + (venue->address.empty() ? "" : ", " + venue->address);
    if (!m.location.empty()) return m.location;
    return app::texts::of(language)["meeting.online_only"];
}

namespace {

// "20261203T170000Z" (Google) from "2026-12-03T17:00:00Z".
std::string compact(std::string rfc3339) {
    std::erase(rfc3339, '-');
    std::erase(rfc3339, ':');
    return rfc3339;
}

// At most `n` characters of UTF-8 text, cut at a character boundary.
std::string shortened(const std::string& text, std::size_t n) {
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (characters++ == n) return text.substr(0, i) + "…";
    }
    return text;
}

std::string id_path(const char* prefix, db::id_t id) { return prefix + std::to_string(id); }

}  // namespace

void fill_calendar_links(dictionary& d, const site& pages, const db::meeting& m, const std::string& where,
                         db::language language) {
    const auto page = pages.absolute(localised(language, id_path("/moten/", m.id)));
    const auto details = (m.description.empty() ? std::string() : shortened(m.description, 500) + "\n\n") + page;
    std::string google_dates, outlook_start, outlook_end;
    if (m.all_day) {
        google_dates = compact(m.start_local.substr(0, 10)) + "/" + compact(m.end_local.substr(0, 10));
        outlook_start = m.start_local.substr(0, 10);
        outlook_end = m.end_local.substr(0, 10);
    } else {
        // Times in UTC with Z: both services show them in the reader's own zone.
        outlook_start = calendar::format_rfc3339_utc(m.start_utc);
        outlook_end = calendar::format_rfc3339_utc(m.end_utc);
        google_dates = compact(outlook_start) + "/" + compact(outlook_end);
    }
    d.set("ics_href", id_path("/feeds/meetings/", m.id) + ".ics");
    d.set("google_href", "https://calendar.google.com/calendar/render?" + query_string({{"action", "TEMPLATE"},
                                                                                        {"text", m.title},
                                                                                        {"dates", google_dates},
                                                                                        {"details", details},
                                                                                        {"location", where}}));
    std::vector<std::pair<std::string, std::string>> outlook{{"subject", m.title},
                                                             {"startdt", outlook_start},
                                                             {"enddt", outlook_end},
                                                             {"body", details},
                                                             {"location", where}};
    if (m.all_day) outlook.emplace_back("allday", "true");
    d.set("outlook_href", "https://outlook.office.com/calendar/action/compose?" + query_string(outlook));
}

namespace {

// ---- the facts ---------------------------------------------------------------------------------

std::string coordinate(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5f", value);
    return buf;
}

void fill_place(dictionary& d, const app::meeting_details& md, db::language language) {
    const auto& t = app::texts::of(language);
    const auto& m = md.meeting;
    d.set("place_text", place_text(m, md.venue, language));
    if (md.venue) {
        const auto& v = *md.venue;
        d.set("place_name", v.name);
        if (v.latitude && v.longitude) {
            auto lat = coordinate(*v.latitude), lon = coordinate(*v.longitude);
            d.show("place_has_map")
                .set("map_href",
                     "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=17/" + lat + "/" + lon)
                .set("map_text", t["meeting.map"]);
        } else if (!v.address.empty()) {
            d.show("place_has_map")
                .set("map_href", "https://www.openstreetmap.org/search?" + query_string({{"query", v.address}}))
                .set("map_text", t["meeting.map_search"]);
        }
        d.show("has_venue");
        d.add("access_item").set("access_text", t[v.step_free ? "meeting.step_free" : "meeting.not_step_free"]);
        d.add("access_item").set("access_text", t[v.hearing_loop ? "meeting.hearing_loop" : "meeting.no_hearing_loop"]);
        d.add("access_item")
            .set("access_text", t[v.accessible_toilet ? "meeting.accessible_toilet" : "meeting.no_accessible_toilet"]);
        if (!v.accessibility_notes.empty()) d.show("has_access_notes").set("access_notes", v.accessibility_notes);
    } else if (!m.location.empty()) {
        d.set("place_name", m.location);
        d.show("place_has_map")
            .set("map_href", "https://www.openstreetmap.org/search?" + query_string({{"query", m.location}}))
            .set("map_text", t["meeting.map_search"]);
    }
    if (!m.online_url.empty()) d.show("has_online").set("online_href", m.online_url);
}

std::string status_text(const app::meeting_details& md, std::int64_t now, db::language language) {
    const auto& t = app::texts::of(language);
    const auto& m = md.meeting;
    if (m.status == db::meeting_status::cancelled) return t["meeting.status_cancelled"];
    if (m.end_utc <= now) return t["meeting.status_over"];
    if (!md.planned_start.empty())
        return filled(t["meeting.status_moved"], {{"planned", app::moment_text(md.planned_start, language)}});
    return t["meeting.status_planned"];
}

void fill_facts(dictionary& d, const app::meeting_details& md, std::int64_t now, db::language language) {
    const auto& t = app::texts::of(language);
    const auto& m = md.meeting;
    d.set("meeting_status", status_text(md, now, language));
    fill_place(d, md, language);
    if (md.organiser)
        d.show("has_organiser")
            .set("organiser_href", localised(language, "/organisationer/" + md.organiser->slug))
            .set("organiser_name", md.organiser->name);
    if (!md.networks.empty()) d.show("has_networks");
    for (const auto& n : md.networks)
        d.add("network").set("network_href", localised(language, "/natverk/" + n.slug)).set("network_name", n.name);
    // Seats matter while one may still come: not for a cancelled meeting or one that is over.
    const bool coming = m.status != db::meeting_status::cancelled && m.end_utc > now;
    if (md.seats.capacity && coming) {
        d.show("has_seats");
        const auto capacity = std::to_string(*md.seats.capacity);
        if (md.seats.full())
            d.set("seats_text", t["meeting.full"]);
        else if (auto left = md.seats.seats_left(); left == 1)
            d.set("seats_text", filled(t["meeting.one_seat_left"], {{"capacity", capacity}}));
        else
            d.set("seats_text",
                  filled(t["meeting.seats_left"], {{"left", std::to_string(*left)}, {"capacity", capacity}}));
        if (md.seats.waitlisted > 0)
            d.show("has_waiting")
                .set("waiting_text", filled(t["meeting.waiting"], {{"n", std::to_string(md.seats.waitlisted)}}));
    }
    if (md.per_organisation && coming) {
        d.show("has_seats").show("has_quota");
        if (!md.seats.capacity) d.set("seats_text", "");
        d.set("quota_text", filled(t["meeting.per_organisation"], {{"n", std::to_string(*md.per_organisation)}}));
    }
    if (m.registration_deadline_utc) {
        d.show("has_deadline")
            .set("deadline_text",
                 app::moment_text(calendar::to_local(*m.registration_deadline_utc, m.time_zone), language));
        if (*m.registration_deadline_utc < now) d.show("deadline_passed");
    }
}

// The description as paragraphs (split at blank lines) of lines.
void fill_about(dictionary& d, const std::string& description) {
    std::vector<std::vector<std::string>> paragraphs(1);
    std::size_t start = 0;
    while (start <= description.size()) {
        auto end = description.find('\n', start);
        auto line = description.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (line.find_first_not_of(" \t") == std::string::npos) {
            if (!paragraphs.back().empty()) paragraphs.emplace_back();
        } else {
            paragraphs.back().push_back(line);
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (paragraphs.back().empty()) paragraphs.pop_back();
    if (paragraphs.empty()) return;
    d.show("has_about");
    for (const auto& p : paragraphs) {
        auto& item = d.add("paragraph");
        for (const auto& line : p) item.add("line").set("line_text", line);
    }
}

void fill_series_and_documents(dictionary& d, const app::meeting_details& md, db::language language) {
    if (!md.meeting.documents.empty()) d.show("has_documents");
    for (const auto& doc : md.meeting.documents)
        d.add("document").set("document_href", doc.url).set("document_title", doc.title);
    if (!md.coming.empty()) d.show("has_coming");
    for (const auto& o : md.coming) {
        auto& item = d.add("coming").set("coming_href", localised(language, id_path("/moten/", o.id)));
        item.set("coming_when", app::when_text(o, language));
        item.show(o.status == db::meeting_status::cancelled ? "coming_cancelled" : "coming_not_cancelled");
    }
}

// A label inside a sentence: "Nätverksträffar" -> "nätverksträffar", "Övriga möten" -> "övriga
// möten"; an abbreviation ("FRÖ-möten") keeps its capitals.
std::string in_sentence(std::string label) {
    if (label.size() >= 2 && std::isupper(static_cast<unsigned char>(label[0])) &&
        !std::isupper(static_cast<unsigned char>(label[1])))
        label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
    // Latin-1 capitals in UTF-8 (C3 80..C3 9E, not the multiplication sign C3 97): Å, Ä, Ö, ...
    else if (label.size() >= 3 && static_cast<unsigned char>(label[0]) == 0xC3 &&
             static_cast<unsigned char>(label[1]) >= 0x80 && static_cast<unsigned char>(label[1]) <= 0x9E &&
             static_cast<unsigned char>(label[1]) != 0x97 && !std::isupper(static_cast<unsigned char>(label[2])))
        label[1] = static_cast<char>(static_cast<unsigned char>(label[1]) + 0x20);
    return label;
}

// The live feeds this meeting is in: its type, its organiser, its networks.
void fill_feeds(dictionary& d, const site& pages, const app::meeting_details& md, db::language language) {
    const auto& t = app::texts::of(language);
    auto feed = [&](const std::string& name, const std::string& path) {
        // The browser makes the https link whole with the address it used; "webcal:" is in the
        // template, as ctemplate lets only http(s) begin a link it fills in.
        const auto https = pages.absolute(path);
        d.add("feed")
            .set("feed_name", name)
            .set("feed_https", path)
            .set("feed_webcal", https.substr(https.find("://") + 1));
    };
    feed(filled(t["meeting.feed_type"], {{"type", in_sentence(app::plural_label(md.meeting.type, language))}}),
         "/feeds/types/" + std::string(db::to_text(md.meeting.type)) + ".ics");
    if (md.organiser)
        feed(filled(t["meeting.feed_organiser"], {{"name", md.organiser->name}}),
             "/feeds/organisations/" + md.organiser->slug + ".ics");
    for (const auto& n : md.networks) feed(n.name, "/feeds/networks/" + n.slug + ".ics");
    d.set("subscribe_href", localised(language, "/prenumerera"));
}

// ---- the sign-up -------------------------------------------------------------------------------

void fill_sign_up(dictionary& d, const app::meeting_details& md, const sign_up_form* form, const std::string& token,
                  db::language language) {
    const auto& t = app::texts::of(language);
    const auto& m = md.meeting;
    using state = app::sign_up_state;
    if (md.sign_ups == state::cancelled || md.sign_ups == state::started || md.sign_ups == state::deadline_passed) {
        d.show("sign_up_closed");
        if (md.sign_ups == state::cancelled)
            d.set("closed_text", t["sign_up.closed_cancelled"]);
        else if (md.sign_ups == state::started)
            d.set("closed_text", t["sign_up.closed_started"]);
        else
            d.set("closed_text",
                  filled(t["sign_up.closed_deadline"],
                         {{"deadline", app::moment_text(calendar::to_local(*m.registration_deadline_utc, m.time_zone),
                                                        language)}}));
        return;  // a form sent just as sign-up closed: the reason above says it all
    }
    d.show("sign_up_open");
    d.include("sign_up_form", "sign_up_form.html")
        .include("error_summary", "error_summary.html")
        .include("party_size_field", "party_size_field.html")
        .include("needs_fields", "needs_fields.html")
        .include("language_field", "language_field.html");
    d.set("sign_up_action", localised(language, id_path("/moten/", m.id) + "/anmalan"));
    d.set("csrf_token", token);
    d.set("privacy_href", localised(language, "/integritet"));
    const bool waitlist = md.sign_ups == state::waitlist;
    if (waitlist) d.show("sign_up_waitlist");
    d.set("submit_text", t[waitlist ? "sign_up.submit_waitlist" : "sign_up.submit"]);
    for (const auto& name : md.organisation_names) d.add("known_organisation").set("known_organisation_name", name);
    sign_up_form empty;
    const auto& f = form ? *form : empty;
    d.set("name_value", f.name).set("email_value", f.email).set("organisation_value", f.organisation);
    d.set("party_size_value", f.party_size).set("needs_value", f.other);
    if (f.interpreter) d.show("need_interpreter_checked");
    if (f.hearing_loop) d.show("need_hearing_loop_checked");
    if (f.food) d.show("need_food_checked");
    const auto mail_language = f.language.empty() ? std::string(db::to_text(language)) : f.language;
    if (mail_language == "en")
        d.show("language_en_checked");
    else
        d.show("language_sv_checked");
    if (f.consent) d.show("consent_checked");
    if (!f.errors.empty()) {
        d.set("errors_title", t["sign_up.errors_title"]);
        fill_field_errors(d, f.errors, language);
    }
}

// ---- JSON-LD and OpenGraph ---------------------------------------------------------------------

// "Sandwalls plats 4, 503 38 Borås" -> street "Sandwalls plats 4", postal code "503 38",
// locality "Borås". An address of another shape is the street as it is.
struct address_parts {
    std::string street, postal_code, locality;
};
address_parts parts_of(const std::string& address) {
    address_parts out{address, {}, {}};
    auto comma = address.rfind(',');
    if (comma == std::string::npos) return out;
    auto last = address.substr(comma + 1);
    last.erase(0, last.find_first_not_of(' '));
    std::size_t digits = 0, i = 0;
    for (; i < last.size() && digits < 5; ++i) {
        if (std::isdigit(static_cast<unsigned char>(last[i])))
            ++digits;
        else if (last[i] != ' ')
            break;
    }
    if (digits != 5 || i >= last.size()) return out;
    out.street = address.substr(0, comma);
    out.postal_code = last.substr(0, i);
    while (!out.postal_code.empty() && out.postal_code.back() == ' ') out.postal_code.pop_back();
    out.locality = last.substr(i);
    out.locality.erase(0, out.locality.find_first_not_of(' '));
    return out;
}

// The offset form schema.org asks for: "2026-12-03T18:00:00+01:00", or the date of an all-day
// meeting (its last day as the end).
std::string ld_time(const db::meeting& m, bool end) {
    if (m.all_day) return end ? calendar::add_days(m.end_local.substr(0, 10), -1) : m.start_local.substr(0, 10);
    return calendar::format_rfc3339(end ? m.end_utc : m.start_utc, m.time_zone);
}

void fill_head(dictionary& d, const site& pages, const app::meeting_details& md, const std::string& description,
               db::language language) {
    const auto& m = md.meeting;
    const auto url = pages.absolute(localised(language, id_path("/moten/", m.id)));
    d.set("og_title", m.title).set("og_description", description).set("og_url", url);
    d.set("og_locale", language == db::language::en ? "en_GB" : "sv_SE");
    d.set("ld_name", m.title).set("ld_description", description).set("ld_url", url);
    d.set("ld_start", ld_time(m, false)).set("ld_end", ld_time(m, true));
    // Cancelled; or an occurrence moved from where its series' rule put it, the only move the
    // stored data proves (see meeting_details::planned_start); else as planned.
    std::string status = "EventScheduled";
    if (m.status == db::meeting_status::cancelled)
        status = "EventCancelled";
    else if (!md.planned_start.empty()) {
        status = "EventRescheduled";
        d.show("ld_moved")
            .set("ld_previous_start",
                 m.all_day ? md.planned_start.substr(0, 10)
                           : calendar::format_rfc3339(calendar::to_utc(md.planned_start, m.time_zone), m.time_zone));
    }
    d.set("ld_status", status);
    const bool physical = md.venue || !m.location.empty();
    const bool online = !m.online_url.empty();
    d.set("ld_attendance", physical && online ? "MixedEventAttendanceMode"
                           : online           ? "OnlineEventAttendanceMode"
                                              : "OfflineEventAttendanceMode");
    if (physical || online) d.show("ld_has_location");
    if (physical) {
        auto& place = d.add("ld_place");
        const auto name = md.venue ? md.venue->name : m.location;
        const auto parts = parts_of(md.venue && !md.venue->address.empty() ? md.venue->address : m.location);
        place.set("ld_place_name", name).set("ld_street", parts.street);
        if (!parts.postal_code.empty()) place.show("ld_has_postal_code").set("ld_postal_code", parts.postal_code);
        if (!parts.locality.empty()) place.show("ld_has_locality").set("ld_locality", parts.locality);
        if (md.venue && md.venue->latitude && md.venue->longitude)
            place.show("ld_geo")
                .set("ld_latitude", coordinate(*md.venue->latitude))
                .set("ld_longitude", coordinate(*md.venue->longitude));
    }
    if (physical && online) d.show("ld_both");
    if (online) d.show("ld_virtual").set("ld_online_url", m.online_url);
    const auto organiser_name = md.organiser ? md.organiser->name : pages.settings().site.organisation_name;
    d.set("ld_organiser_name", organiser_name);
    d.set("ld_organiser_url", md.organiser
                                  ? pages.absolute(localised(language, "/organisationer/" + md.organiser->slug))
                                  : pages.absolute(localised(language, "/")));
}

// A short description for previews and JSON-LD: the meeting's own, else its type and time.
std::string summary_of(const db::meeting& m, db::language language) {
    std::string text =
        m.description.empty() ? app::label(m.type, language) + ", " + app::when_text(m, language) : m.description;
    std::replace(text.begin(), text.end(), '\n', ' ');
    return shortened(text, 300);
}

db::id_t id_of(const request& req, const char* name = "id") {
    auto id = app::parse_id(req.params.at(name));
    if (!id) throw app::not_found("No such page");
    return *id;
}

response meeting(app::context& ctx, const site& pages, request& req, db::language language) {
    return meeting_page(ctx, pages, req, language, id_of(req));
}

// The link of a series (the URL of its master event in every feed) leads to its next meeting.
response series(app::context& ctx, const site&, request& req, db::language language) {
    response r;
    r.status = 302;  // the next meeting changes as time goes by
    r.set_header("Location", localised(language, id_path("/moten/", app::series_landing(ctx, id_of(req)))));
    r.set_header("Cache-Control", "no-cache");
    return r;
}

}  // namespace

response meeting_page(app::context& ctx, const site& pages, const request& req, db::language language,
                      db::id_t meeting_id, const sign_up_form* form, int status) {
    const auto& t = app::texts::of(language);
    const auto md = app::meeting_details_of(ctx, {}, meeting_id);
    const auto& m = md.meeting;
    const auto now = ctx.now();
    const auto token = forms::token_for(req, ctx.settings);
    dictionary d(&pages.texts(language));
    d.set("meeting_type", app::label(m.type, language)).set("meeting_title", m.title);
    if (!m.theme.empty()) d.show("meeting_has_theme").set("meeting_theme", m.theme);
    d.show(m.status == db::meeting_status::cancelled ? "meeting_cancelled" : "meeting_not_cancelled");
    d.set("meeting_start", m.all_day ? m.start_local.substr(0, 10) : m.start_local.substr(0, 16));
    d.set("meeting_when", app::when_text(m, language));
    fill_facts(d, md, now, language);
    fill_about(d, m.description);
    fill_series_and_documents(d, md, language);
    fill_sign_up(d, md, form, token, language);
    if (m.status != db::meeting_status::cancelled && m.end_utc > now) {
        d.show("may_add").include("calendar_links", "calendar_links.html");
        fill_calendar_links(d, pages, m, place_text(m, md.venue, language), language);
    }
    fill_feeds(d, pages, md, language);
    const auto said = req.query_value("anmald");
    if (said == "ja")
        d.show("notice_thanks");
    else if (said == "redan")
        d.show("notice_already");
    if (req.query_value("raderad") == "ja") d.show("notice_erased");
    const auto description = summary_of(m, language);
    fill_head(d, pages, md, description, language);

    page_frame frame;
    frame.language = language;
    frame.path = id_path("/moten/", m.id);
    const bool errors = form && !form->errors.empty();
    frame.title = page_title(
        pages, language,
        (errors ? t["meeting.error_title_prefix"] + " " : std::string()) +
            (m.status == db::meeting_status::cancelled ? t["meeting.cancelled"] + ": " : std::string()) + m.title);
    frame.description = description;
    frame.section = section::calendar;
    frame.content_template = "meeting.html";
    frame.head_template = "meeting_head.html";
    auto r = pages.render(frame, d, status);
    forms::set_cookie(r, token, ctx.settings);
    return r;
}

void add_meeting_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/moten/{id}", meeting);
    add_page(routes, ctx, pages, "GET", "/serier/{id}", series);
}

}  // namespace kal::service::web
