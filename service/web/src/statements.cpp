// The two statements every page's footer links to: the accessibility statement
// (tillgänglighetsredogörelse, after Digg's template) and the privacy notice (GDPR art. 13).
//
// Their prose lives in per-language templates (templates/sv/accessibility.html,
// en/accessibility.html, sv/privacy.html, en/privacy.html), not in texts/*.toml: each is pages of
// headed sections, lists and links inside sentences, which as TOML keys would be dozens of
// fragments glued in an order that only one language has, with the markup between them in the
// template. The values that differ between cities (who runs the site, whom to write to, the
// assessment date, how long sign-ups are kept) come from the configuration.

#include "kal/service/app/dates.hpp"
#include "kal/service/app/texts.hpp"
#include "page_cache.hpp"
#include "pages.hpp"

namespace kal::service::web {

namespace {

std::string language_folder(db::language language) { return language == db::language::en ? "en/" : "sv/"; }

response statement(const site& pages, db::language language, const std::string& path, const std::string& key,
                   const std::string& file, dictionary& d) {
    const auto& t = app::texts::of(language);
    page_frame frame;
    frame.language = language;
    frame.path = path;
    frame.title = t["statements." + key + "_title"];
    frame.description = t["statements." + key + "_description"];
    frame.content_template = language_folder(language) + file;
    return pages.render(frame, d);
}

response accessibility(app::context& ctx, const site& pages, request&, db::language language) {
    const auto& s = ctx.settings.site;
    dictionary d(&pages.texts(language));
    d.set("statement_address", pages.absolute("/"));
    d.set("statement_contact", s.accessibility_contact);
    d.set("assessed_date", s.accessibility_assessed);
    d.set("assessed_text", app::date_text(s.accessibility_assessed, language));
    return statement(pages, language, "/tillganglighet", "accessibility", "accessibility.html", d);
}

response privacy(app::context& ctx, const site& pages, request&, db::language language) {
    const auto& s = ctx.settings;
    dictionary d(&pages.texts(language));
    d.set("statement_controller", s.site.controller);
    d.set("statement_controller_contact", s.site.controller_contact);
    d.set("statement_dpo", s.site.data_protection_officer);
    if (s.rsvps.anonymise_after_days > 0)
        d.show("anonymise_later").set("anonymise_days", std::to_string(s.rsvps.anonymise_after_days));
    else
        d.show("anonymise_at_once");
    return statement(pages, language, "/integritet", "privacy", "privacy.html", d);
}

}  // namespace

void add_statement_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_cached_page(routes, ctx, pages, "/tillganglighet", accessibility);
    add_cached_page(routes, ctx, pages, "/integritet", privacy);
}

}  // namespace kal::service::web
