#include "site.hpp"

#include <fstream>
#include <span>
#include <sstream>

#include "kal/service/app/access.hpp"
#include "kal/service/app/texts.hpp"
#include "vocabulary.hpp"

namespace kal::service::web {

extern const std::string_view embedded_pages_paths[];
extern const std::string_view embedded_pages_texts[];
extern const std::size_t embedded_pages_count;
extern const std::string_view embedded_static_paths[];
extern const std::string_view embedded_static_texts[];
extern const std::size_t embedded_static_count;

namespace {

std::string_view embedded_static(std::string_view path) {
    for (std::size_t i = 0; i < embedded_static_count; ++i)
        if (embedded_static_paths[i] == path) return embedded_static_texts[i];
    throw std::logic_error("static file not compiled in: " + std::string(path));
}

// "layout.skip" -> "t_layout_skip": how a text is named in a template.
std::string text_variable(std::string_view key) {
    std::string out = "t_";
    for (char c : key) out += c == '.' ? '_' : c;
    return out;
}

std::vector<templating::source> page_sources() {
    std::vector<templating::source> out;
    for (std::size_t i = 0; i < embedded_pages_count; ++i) out.push_back({embedded_pages_paths[i], embedded_pages_texts[i]});
    return out;
}

// Every page template may use every text and every value of the vocabulary (vocabulary.hpp): one
// declaration shared by all, so a name no code fills still stops the start.
std::vector<templating::declaration> page_declarations() {
    std::vector<std::string> variables(std::begin(page_variables), std::end(page_variables));
    for (const auto& [key, value] : app::texts::of(db::language::sv).all()) variables.push_back(text_variable(key));
    std::vector<std::string> sections(std::begin(page_sections), std::end(page_sections));
    std::vector<std::string> templates;
    for (std::size_t i = 0; i < embedded_pages_count; ++i) templates.emplace_back(embedded_pages_paths[i]);
    std::vector<templating::include> includes;
    for (const auto& marker : page_includes) {
        templating::include include{std::string(marker.marker), {}};
        for (auto name : marker.templates)
            if (!name.empty()) include.templates.emplace_back(name);
        includes.push_back(std::move(include));
    }
    std::vector<templating::declaration> out;
    for (const auto& name : templates) out.push_back({name, variables, sections, includes});
    return out;
}

std::unique_ptr<dictionary> texts_of(db::language language) {
    auto d = std::make_unique<dictionary>();
    for (const auto& [key, value] : app::texts::of(language).all()) d->set(text_variable(key), value);
    return d;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

site::site(const config::settings& settings)
    : settings_(settings),
      templates_(page_sources(), page_declarations()),
      sv_(texts_of(db::language::sv)),
      en_(texts_of(db::language::en)) {
    if (!templates_.problems().empty())
        throw config::config_error("web templates", templates_.problems().front());
    // The accent colour is the operator's: appended as a rule of its own, so that the file stays
    // one stylesheet (the Content-Security-Policy allows no inline style) and its name changes
    // with its bytes.
    css_ = std::string(embedded_static("kalendarium.css")) + "\n:root { --kal-accent: " +
           settings.site.accent_colour + "; }\n";
    css_path_ = "/static/kalendarium." + app::content_hash(css_).substr(0, 16) + ".css";
    if (!settings.site.logo_file.empty()) {
        logo_ = read_file(settings.site.logo_file);
        const bool svg = settings.site.logo_file.ends_with(".svg");
        logo_type_ = svg ? "image/svg+xml" : "image/png";
        logo_path_ = "/static/logo." + app::content_hash(logo_).substr(0, 16) + (svg ? ".svg" : ".png");
    }
}

const dictionary& site::texts(db::language language) const { return language == db::language::en ? *en_ : *sv_; }

std::string site::absolute(std::string_view path) const { return settings_.server.public_base_url + std::string(path); }

http::response site::render(const page_frame& frame, dictionary& d, int status) const {
    const auto& t = app::texts::of(frame.language);
    const bool en = frame.language == db::language::en;
    const auto query = frame.query.empty() ? std::string() : "?" + frame.query;
    const auto sv_path = frame.path + query;
    const auto en_path = "/en" + (frame.path == "/" ? std::string("/") : frame.path) + query;
    d.set("lang", en ? "en" : "sv");
    d.set("title", frame.title);
    if (!frame.description.empty()) d.show("has_description").set("description", frame.description);
    d.set("css", css_path_);
    d.set("canonical", absolute(en ? en_path : sv_path));
    d.set("alternate_sv", absolute(sv_path));
    d.set("alternate_en", absolute(en_path));
    d.set("other_language_href", en ? sv_path : en_path);
    d.set("organisation_name", settings_.site.organisation_name);
    d.set("service_name", en ? settings_.site.service_name_en : settings_.site.service_name);
    d.set("contact_email", settings_.site.contact_email);
    d.set("prefix", prefix(frame.language));
    d.set("home", en ? "/en/" : "/");
    if (!logo_path_.empty()) d.show("has_logo").set("logo", logo_path_);
    if (!frame.feed_href.empty())
        d.show("feed_link").set("feed_href", frame.feed_href).set("feed_title", frame.feed_title);
    struct nav_entry {
        web::section section;
        const char* path;
        const char* text;
    };
    static const nav_entry nav[] = {{section::calendar, "/", "layout.calendar"},
                                    {section::venues, "/lokaler", "layout.venues"},
                                    {section::networks, "/natverk", "layout.networks"},
                                    {section::subscribe, "/prenumerera", "layout.subscribe"},
                                    {section::report, "/uppfoljning", "layout.report"}};
    // The organisers' pages (issue 12) have a navigation of their own.
    static const nav_entry organiser_nav[] = {{section::organiser_overview, "/arrangor", "organiser.nav_overview"},
                                              {section::organiser_meetings, "/arrangor/moten/ny", "organiser.nav_new_meeting"},
                                              {section::organiser_series, "/arrangor/serier/ny", "organiser.nav_new_series"},
                                              // the directory, the import and the yearly report (org-dir)
                                              {section::organiser_organisations, "/arrangor/organisationer", "org_directory.nav_organisations"},
                                              {section::organiser_networks, "/arrangor/natverk", "org_directory.nav_networks"},
                                              {section::organiser_venues, "/arrangor/lokaler", "org_directory.nav_venues"},
                                              {section::organiser_import, "/arrangor/import", "org_directory.nav_import"},
                                              {section::report, "/uppfoljning", "org_directory.nav_report"},
                                              {section::organiser_users, "/arrangor/anvandare", "organiser.nav_users"},
                                              {section::organiser_sessions, "/konto/sessioner", "organiser.nav_sessions"},
                                              {section::organiser_tokens, "/konto/nycklar", "organiser.nav_tokens"}};
    if (frame.organiser) d.show("organiser_frame").set("nav_label_text", t["organiser.menu"]);
    else d.set("nav_label_text", t["layout.menu"]);
    for (const auto& n : frame.organiser ? std::span<const nav_entry>(organiser_nav) : std::span<const nav_entry>(nav)) {
        auto& item = d.add("nav_item");
        item.set("nav_href", std::string(en && std::string_view(n.path) == "/" ? "/en/" : prefix(frame.language) + n.path));
        item.set("nav_label", t[n.text]);
        if (n.section == frame.section) item.show("nav_current");
    }
    d.include("content", frame.content_template);
    d.include("head", frame.head_template);
    http::response r;
    r.status = status;
    r.body = templates_.expand(frame.layout_template, d);
    r.set_header("Content-Type", "text/html; charset=utf-8");
    r.set_header("Content-Language", en ? "en" : "sv");
    set_page_headers(r, frame.may_be_framed);
    return r;
}

std::string site::expand(std::string_view template_name, const dictionary& values) const {
    return templates_.expand(template_name, values);
}

void set_page_headers(http::response& r, bool may_be_framed) {
    r.set_header("Content-Security-Policy",
                 std::string("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                             "base-uri 'none'; frame-ancestors ") +
                     (may_be_framed ? "*" : "'none'"));
    if (!may_be_framed) r.set_header("X-Frame-Options", "DENY");
    r.set_header("Referrer-Policy", "same-origin");
}

db::language language_of(const http::request& req) {
    return req.path == "/en" || req.path.starts_with("/en/") ? db::language::en : db::language::sv;
}

}  // namespace kal::service::web
