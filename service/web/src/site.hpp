#pragma once
// The machinery every page shares (private to web/): the templates, the texts of each language
// as template values, the stylesheet under a content-hash name, the frame of a page (head,
// header, navigation, footer) and the headers every page answers with.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/db/enums.hpp"
#include "kal/service/http/message.hpp"
#include "kal/service/templating/templates.hpp"

namespace kal::service::web {

using templating::dictionary;

// Which part of the site a page belongs to (the navigation marks it).
enum class section {
    calendar,
    venues,
    networks,
    subscribe,
    report,
    none,
    // the organisers' frame (issue 12, organiser.hpp)
    organiser_overview,
    organiser_meetings,
    organiser_series,
    organiser_sessions,
    organiser_tokens,
    // the organisers' directory pages and the import (org-dir, issue 12)
    organiser_organisations,
    organiser_networks,
    organiser_venues,
    organiser_import,
    organiser_users,
};

// What the frame of a page needs to know about it.
struct page_frame {
    db::language language = db::language::sv;
    // The page's address without the language prefix ("/moten/12"); the Swedish page is at it,
    // the English one at "/en" + it.
    std::string path = "/";
    std::string query;  // kept on the language link and the alternates, without "?"
    std::string title;
    std::string description;
    web::section section = section::none;
    // The page's template for {{>content}}, and what {{>head}} adds to <head> (JSON-LD, OpenGraph).
    std::string content_template;
    std::string head_template = "empty.html";
    // An Atom feed of what the page lists, for <link rel="alternate">.
    std::string feed_href;
    std::string feed_title;
    // The frame itself: the site's layout, or the embed's own minimal one (no header, navigation
    // or footer) for a page that other sites show in an <iframe>, which alone may be framed.
    std::string layout_template = "layout.html";
    bool may_be_framed = false;
    // A signed-in page (organiser.hpp's render_signed_in): the organisers' navigation, the
    // user's name and the sign-out button instead of the public navigation.
    bool organiser = false;
};

class site {
public:
    explicit site(const config::settings& settings);

    const config::settings& settings() const { return settings_; }
    // "/static/kalendarium.<hash>.css"
    const std::string& css_path() const { return css_path_; }
    const std::string& css() const { return css_; }
    const std::string& logo_path() const { return logo_path_; }  // empty without a logo
    const std::string& logo() const { return logo_; }
    const std::string& logo_type() const { return logo_type_; }

    // A dictionary for a page of `language`: every text of the language (as t_<section>_<key>)
    // and the frame's values are looked up in it; the page adds its own.
    const dictionary& texts(db::language language) const;

    // The whole page: the frame around the page's template, with the headers of a page.
    http::response render(const page_frame& frame, dictionary& values, int status = 200) const;
    // A document of the site that is not a page (an Atom feed): its template alone, no frame.
    std::string expand(std::string_view template_name, const dictionary& values) const;

    // "" or "/en": what a path of the page's language starts with.
    static std::string prefix(db::language language) { return language == db::language::en ? "/en" : ""; }
    // The absolute address of a path.
    std::string absolute(std::string_view path) const;

private:
    const config::settings& settings_;
    templating::template_set templates_;
    std::unique_ptr<dictionary> sv_, en_;
    std::string css_, css_path_;
    std::string logo_, logo_path_, logo_type_;
};

// Headers every HTML answer carries: a strict Content-Security-Policy without inline script or
// style, no framing (except for the embed), no sniffing, a referrer policy.
void set_page_headers(http::response& r, bool may_be_framed = false);

// The language of a request by its path ("/en/..." is English).
db::language language_of(const http::request& req);

}  // namespace kal::service::web
