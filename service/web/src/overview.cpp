// Översikt (/arrangor, issue 12 item 3): what an organiser's organisations have coming, their
// drafts, and what needs attention. One use case (app::organiser_overview_of) reads it all.

#include "kal/service/app/dates.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

std::string id_path(const char* prefix, db::id_t id) { return prefix + std::to_string(id); }

void add_row(dictionary& list, const char* section, const app::overview_meeting& o, const app::surroundings& around,
             db::language language) {
    const auto& t = app::texts::of(language);
    const auto& m = o.meeting;
    auto& row = list.add(section);
    row.set("ov_title", m.title)
        .set("ov_edit_href", localised(language, id_path("/arrangor/moten/", m.id)))
        .set("ov_when", app::when_text(m, language))
        .set("ov_place", listed(m, around, language).place)
        .set("ov_taken", std::to_string(o.seats.confirmed_people))
        .set("ov_capacity", o.seats.capacity ? std::to_string(*o.seats.capacity) : t["organiser.no_limit"])
        .set("ov_waitlist", std::to_string(o.seats.waitlisted));
    if (const auto* org = around.organiser_of(m)) row.set("ov_organisation", org->name);
    if (m.status == db::meeting_status::cancelled) row.show("ov_cancelled");
    else row.show("ov_not_cancelled");
}

response overview(app::context& ctx, const site& pages, request&, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto ov = app::organiser_overview_of(ctx, s.who);
    dictionary d(&pages.texts(language));
    d.set("ov_greeting", filled(t["organiser.overview_greeting"], {{"name", s.user.name.empty() ? s.user.email : s.user.name}}));
    for (const auto& org : ov.organisations) d.add("ov_organisation_item").set("ov_organisation_name", org.name);
    if (!ov.organisations.empty()) d.show("ov_has_organisations");
    if (ov.admin) d.show("ov_admin");
    d.set("ov_new_meeting_href", localised(language, "/arrangor/moten/ny"));
    d.set("ov_new_series_href", localised(language, "/arrangor/serier/ny"));
    for (const auto& o : ov.coming) add_row(d, "ov_coming", o, ov.around, language);
    if (ov.coming.empty()) d.show("ov_no_coming");
    else d.show("ov_has_coming");
    // The rest are in the calendar: each of the user's organisations filtered, or all for an admin.
    if (ov.more_coming > 0) {
        d.show("ov_more_coming");
        d.set("ov_more_coming_text",
              filled(t[ov.more_than_read ? "organiser.coming_more_at_least" : "organiser.coming_more"],
                     {{"shown", std::to_string(ov.coming.size())}, {"count", std::to_string(ov.more_coming)}}));
        if (ov.admin || ov.organisations.empty())
            d.add("ov_more_link")
                .set("ov_more_href", localised(language, "/"))
                .set("ov_more_name", t["organiser.coming_more_all"]);
        else
            for (const auto& org : ov.organisations)
                d.add("ov_more_link")
                    .set("ov_more_href", with_query(localised(language, "/"), {{"arrangor", org.slug}}))
                    .set("ov_more_name", filled(t["organiser.coming_more_of"], {{"organisation", org.name}}));
    }
    for (const auto& o : ov.drafts) add_row(d, "ov_draft", o, ov.around, language);
    if (ov.drafts.empty()) d.show("ov_no_drafts");
    else d.show("ov_has_drafts");
    // What needs attention, each a sentence that links to the meeting.
    bool any_attention = false;
    auto attention = [&](const app::overview_meeting& o, const std::string& text) {
        any_attention = true;
        d.add("ov_attention")
            .set("ov_attention_text", text)
            .set("ov_attention_href", localised(language, id_path("/arrangor/moten/", o.meeting.id)))
            .set("ov_attention_title", o.meeting.title);
    };
    // The shown meetings first, then those after the fiftieth that need attention too.
    std::vector<const app::overview_meeting*> to_check;
    for (const auto& o : ov.coming) to_check.push_back(&o);
    for (const auto& o : ov.later_needing_attention) to_check.push_back(&o);
    for (const auto* shown : to_check) {
        const auto& o = *shown;
        if (o.seats.capacity && o.seats.confirmed_people > *o.seats.capacity)
            attention(o, filled(t["organiser.attention_overbooked"],
                                {{"taken", std::to_string(o.seats.confirmed_people)},
                                 {"capacity", std::to_string(*o.seats.capacity)}}));
        if (o.failed_messages == 1) attention(o, t["organiser.attention_failed_one"]);
        else if (o.failed_messages > 1)
            attention(o, filled(t["organiser.attention_failed"], {{"count", std::to_string(o.failed_messages)}}));
        for (const auto& other : o.venue_conflicts)
            attention(o, filled(t["organiser.attention_conflict"],
                                {{"other", other.title}, {"when", app::when_text(other, language)}}));
    }
    if (ov.fro_target) {
        d.show("ov_fro");
        d.set("ov_fro_text", filled(t["organiser.fro_target"], {{"year", std::to_string(ov.year)},
                                                                {"held", std::to_string(ov.fro_held)},
                                                                {"planned", std::to_string(ov.fro_planned)},
                                                                {"target", std::to_string(*ov.fro_target)}}));
        const int missing = *ov.fro_target - ov.fro_held - ov.fro_planned;
        d.set("ov_fro_verdict", missing > 0 ? filled(t["organiser.fro_missing"], {{"count", std::to_string(missing)}})
                                            : t["organiser.fro_reached"]);
    }
    if (any_attention) d.show("ov_has_attention");
    else d.show("ov_no_attention");
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor";
    frame.title = t["organiser.overview_title"];
    frame.section = section::organiser_overview;
    frame.content_template = "organiser_overview.html";
    return render_signed_in(pages, frame, d, s);
}

}  // namespace

void add_overview_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor", overview);
}

}  // namespace kal::service::web
