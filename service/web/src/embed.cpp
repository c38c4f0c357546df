// The embed: a compact list of coming meetings (of a network, an organiser, a type) that an
// association shows on its own website in an <iframe> (/inbaddning), the one page any origin may
// frame; and the page that explains it and writes the <iframe> snippet (/badda-in).

#include <charconv>

#include "kal/calendar/time.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/feeds.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/app/texts.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

constexpr int default_count = 10;
constexpr int max_count = 50;

// What an embed shows: its scope, as the snippet's address says it.
struct embed_scope {
    std::string network, organisation, type;
    int count = default_count;

    std::vector<std::pair<std::string, std::string>> parameters(bool with_count = true) const {
        std::vector<std::pair<std::string, std::string>> out{
            {"natverk", network}, {"arrangor", organisation}, {"typ", type}};
        if (with_count && count != default_count) out.emplace_back("antal", std::to_string(count));
        return out;
    }
};

embed_scope scope_of(const request& req) {
    embed_scope s{req.query_value("natverk").value_or(""), req.query_value("arrangor").value_or(""),
                  req.query_value("typ").value_or("")};
    if (!s.type.empty() && !db::parse_meeting_type(s.type)) throw app::bad_parameter("typ", "not a meeting type");
    if (auto count = req.query_value("antal")) {
        auto [end, ec] = std::from_chars(count->data(), count->data() + count->size(), s.count);
        if (ec != std::errc{} || end != count->data() + count->size() || s.count < 1 || s.count > max_count)
            throw app::bad_parameter("antal", "a number from 1 to " + std::to_string(max_count));
    }
    return s;
}

// The network and organiser a scope names, found in the listing's surroundings or the directory.
struct scope_names {
    std::string network, organisation;
};

template <class Directory>
scope_names names_of(const embed_scope& s, const Directory& directory) {
    scope_names out;
    if (const auto* n = named_in(directory.networks, s.network, "natverk")) out.network = n->name;
    if (const auto* o = named_in(directory.organisations, s.organisation, "arrangor")) out.organisation = o->name;
    return out;
}

// "Kommande möten – Nätverket för psykisk ohälsa, FRÖ-möten": what the list holds, in words.
std::string heading_of(const embed_scope& s, const scope_names& names, db::language language) {
    std::string scope;
    auto add = [&](const std::string& part) {
        if (!part.empty()) scope += (scope.empty() ? "" : ", ") + part;
    };
    add(names.network);
    add(names.organisation);
    if (!s.type.empty()) add(app::plural_label(*db::parse_meeting_type(s.type), language));
    const auto& upcoming = app::texts::of(language)["embed.upcoming"];
    return scope.empty() ? upcoming : upcoming + " – " + scope;
}

app::meeting_listing upcoming(app::context& ctx, const embed_scope& s) {
    app::meeting_query q;
    q.from_utc = calendar::to_utc(app::today(ctx.settings, ctx.now()), ctx.settings.calendar.default_time_zone);
    if (!s.type.empty()) q.types = {*db::parse_meeting_type(s.type)};
    q.statuses = {db::meeting_status::published, db::meeting_status::cancelled};
    if (!s.network.empty()) q.network = s.network;
    if (!s.organisation.empty()) q.organisation = s.organisation;
    q.limit = s.count;
    return app::list_meetings_around(ctx, {}, q);
}

response embed(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto scope = scope_of(req);
    const auto listing = upcoming(ctx, scope);
    const auto heading = heading_of(scope, names_of(scope, listing.around), language);
    dictionary d(&pages.texts(language));
    d.set("embed_heading", heading);
    if (listing.page.items.empty()) d.show("embed_none");
    for (const auto& m : listing.page.items) {
        auto shown = listed(m, listing.around, language);
        auto& item = d.add("embed_meeting");
        item.set("embed_when", app::when_text(m, language))
            .set("embed_href", localised(language, "/moten/" + std::to_string(m.id)))
            .set("embed_title", m.title)
            .set("embed_place", shown.place);
        item.show(m.status == db::meeting_status::cancelled ? "embed_cancelled" : "embed_not_cancelled");
        if (!shown.place.empty()) item.show("embed_has_place");
    }
    auto calendar_params = scope.parameters(false);
    d.set("embed_calendar_href", with_query(localised(language, "/"), calendar_params));
    page_frame frame;
    frame.language = language;
    frame.path = "/inbaddning";
    frame.query = query_string(scope.parameters());
    frame.title = heading;
    frame.content_template = "embed.html";
    frame.layout_template = "embed_layout.html";
    frame.may_be_framed = true;
    return pages.render(frame, d);
}

// /badda-in: what the embed is, a form to choose what it shows, and the snippet for the choice.
response embed_help(app::context& ctx, const site& pages, request& req, db::language language) {
    const auto scope = scope_of(req);
    const auto directory = app::directory_choices_of(ctx);  // in Swedish order
    const auto heading = heading_of(scope, names_of(scope, directory), language);
    const auto& t = app::texts::of(language);
    dictionary d(&pages.texts(language));
    add_select(d, {"embed-natverk", "natverk", t["calendar.network"], t["calendar.all_networks"]},
               choices_of(directory.networks), scope.network);
    add_select(d, {"embed-arrangor", "arrangor", t["calendar.organisation"], t["calendar.all_organisations"]},
               choices_of(directory.organisations), scope.organisation);
    add_select(d, {"embed-typ", "typ", t["calendar.type"], t["calendar.all_types"]}, type_choices(language, true),
               scope.type);
    d.set("count_value", std::to_string(scope.count));
    d.set("help_action", localised(language, "/badda-in"));
    const auto embed_path = with_query(localised(language, "/inbaddning"), scope.parameters());
    d.set("embed_src", pages.absolute(embed_path));
    d.set("embed_preview_href", embed_path);
    d.set("embed_heading", heading);
    page_frame frame;
    frame.language = language;
    frame.path = "/badda-in";
    frame.query = query_string(scope.parameters());
    frame.title = t["embed.help_title"];
    frame.description = t["embed.help_lead"];
    frame.section = section::subscribe;
    frame.content_template = "embed_help.html";
    return pages.render(frame, d);
}

}  // namespace

bool is_embed_path(std::string_view path) { return path == "/inbaddning" || path == "/en/inbaddning"; }

void add_embed_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_page(routes, ctx, pages, "GET", "/inbaddning", embed);
    add_page(routes, ctx, pages, "GET", "/badda-in", embed_help);
}

}  // namespace kal::service::web
