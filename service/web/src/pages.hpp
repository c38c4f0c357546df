#pragma once
// What the page handlers share (private to web/): registering a page in both languages, reading
// a page's query, and the words a meeting is shown with in lists.

#include <functional>
#include <string>

#include "kal/service/app/context.hpp"
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

// The words a meeting is listed with: its time, its place, seats.
struct listed_meeting {
    std::string time;   // "kl. 18.00–20.00"
    std::string place;  // "Kulturhuset, Lilla salen, P A Halls Terrass 1" or "Digitalt möte"
    std::string seats;  // "12 platser kvar", or empty
    bool full = false;
};
listed_meeting listed(const db::meeting& m, const app::surroundings& around, db::language language);

// Page routes of each part of the site.
void add_calendar_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_static_files(http::router& routes, std::shared_ptr<const site> pages);
// Uppföljning (report.cpp) and the accessibility statement and privacy notice (statements.cpp).
void add_report_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);
void add_statement_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);

}  // namespace kal::service::web
