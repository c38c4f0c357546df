#pragma once
// What the page handlers share (private to web/): registering a page in both languages, reading
// a page's query, and the words a meeting is shown with in lists.

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "kal/service/app/context.hpp"
#include "kal/service/app/errors.hpp"
#include "kal/service/app/listings.hpp"
#include "kal/service/http/router.hpp"
#include "site.hpp"

namespace kal::service::web {

using http::request;
using http::response;

// A page handler: the context, the site, the request and its language.
using page_handler = std::function<response(app::context&, const site&, request&, db::language)>;

// Adds `pattern` ("/moten/{id}") in Swedish and under "/en" in English ("/" and "/en/" for the
// start page).
void add_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages, const std::string& method,
              const std::string& pattern, page_handler handler);

// "/moten/12" in the page's language ("/en/moten/12").
std::string localised(db::language language, const std::string& path);

// A query string from name/value pairs, each value percent-encoded; empty values left out.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters);
std::string percent_encoded(std::string_view text);
// The bytes percent_encoded(text) was made from; nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decoded(std::string_view text);
// "/manad/2026-12?typ=fro": a path with the query of `parameters` (the path alone when all are empty).
std::string with_query(const std::string& path, const std::vector<std::pair<std::string, std::string>>& parameters);

// The words a meeting is listed with: its time, its place, seats.
struct listed_meeting {
    std::string time;   // "kl. 18.00–20.00"
    std::string place;  // "Kulturhuset, Lilla salen, P A Halls Terrass 1" or "Digitalt möte"
    std::string seats;  // "12 platser kvar", or empty
    bool full = false;
};
listed_meeting listed(const db::meeting& m, const app::surroundings& around, db::language language);
// One meeting of a list: an item of the section `meeting` of `list` that includes
// meeting_item.html, its time said as `time` (the agenda: the times of its day; elsewhere the
// whole of when_text).
dictionary& add_listed_meeting(dictionary& list, const db::meeting& m, const app::surroundings& around,
                               db::language language, const std::string& time);

// ---- choosing things in forms (the calendar's filters, the embed's choice)

namespace detail {
template <class Thing>
const Thing& thing_of(const Thing& t) {
    return t;
}
template <class Key, class Thing>
const Thing& thing_of(const std::pair<const Key, Thing>& entry) {
    return entry.second;
}
}  // namespace detail

// The network, organisation or venue of `things` (a map by id or a list) whose slug or id is
// `wanted`: nullptr when `wanted` is empty, a bad parameter named `parameter` when none is. A
// filter naming nothing is a mistake to say, not an empty calendar that looks as if nothing
// were planned.
template <class Range>
const auto* named_in(const Range& things, const std::string& wanted, const char* parameter) {
    using thing = std::remove_cvref_t<decltype(detail::thing_of(*std::begin(things)))>;
    if (wanted.empty()) return static_cast<const thing*>(nullptr);
    for (const auto& entry : things) {
        const auto& t = detail::thing_of(entry);
        if (t.slug == wanted || std::to_string(t.id) == wanted) return &t;
    }
    throw app::bad_parameter(parameter, "names nothing in the directory");
}

// An option of a <select>: what it sends, what it says, and another value that selects it (an
// id where the value is a slug).
struct choice {
    std::string value, label, alias;
};
template <class Range>
std::vector<choice> choices_of(const Range& things) {
    std::vector<choice> out;
    for (const auto& entry : things) {
        const auto& t = detail::thing_of(entry);
        out.push_back({t.slug, t.name, std::to_string(t.id)});
    }
    return out;
}
// The meeting types by their labels ("FRÖ-möte") or plural labels ("FRÖ-möten").
std::vector<choice> type_choices(db::language language, bool plural);

// A labelled <select> with an "all" option first (select_field.html, an item of the section
// select_field): the choices in Swedish order, `selected` chosen.
struct select_field {
    std::string id, name, label, all;
};
void add_select(dictionary& d, const select_field& field, std::vector<choice> choices, const std::string& selected);

// ---- subscribing: the directory's pages, /prenumerera and the Atom feeds (web-directory) ----

// A calendar feed a page offers: its address to copy and the links that subscribe to it in each
// program (subscription.html, an item of the section `subscription`).
struct offered_feed {
    std::string id;          // the address field's id, unique on the page
    std::string name;        // what it holds, in the page's language ("FRÖ-möten")
    std::string path;        // "/feeds/types/fro.ics", with its query for a custom feed
    std::string atom_path;   // "/feeds/types/fro.atom", or empty when there is none
    bool with_hint = false;  // say how to copy the address
};
void add_subscription(dictionary& d, const site& pages, const offered_feed& feed);

// The Atom feed of a scope ("types", "networks", "organisations", "venues" and a key; "" for all
// meetings) as the <link rel="alternate"> of a page that lists its meetings.
void link_atom_feed(page_frame& frame, const std::string& collection, const std::string& key, const std::string& name);

// Page routes of each part of the site.
void add_calendar_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// The embed (/inbaddning), the one page any origin may frame, and the page explaining it (/badda-in).
void add_embed_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
bool is_embed_path(std::string_view path);
void add_static_files(http::router& routes, std::shared_ptr<const site> pages);
// A meeting's page and a series' link; signing up; the holder's own page (meeting.cpp,
// sign_up.cpp, manage.cpp).
void add_meeting_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_sign_up_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_manage_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// Uppföljning (report.cpp) and the accessibility statement and privacy notice (statements.cpp).
void add_report_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_statement_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
// Nätverk, organisationer and lokaler, each a list and a page per network, organisation and
// venue (directory.cpp); /prenumerera (subscribe.cpp); the Atom feeds (atom.cpp).
void add_directory_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_subscribe_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_atom_feeds(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);

}  // namespace kal::service::web
