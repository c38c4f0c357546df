#pragma once
// Public pages answered from the render cache, as feeds are (app/render_cache.hpp): a page
// handler opts in by registering with add_cached_page instead of add_page. Its answer is
// then kept under the page's language, path and sorted query, used while the database's change
// counter has not moved and for at most site.page_max_age, and answered with ETag,
// Last-Modified, 304 and Cache-Control: public.
//
// Only for pages that hold no personal data and depend on nothing but the database, the day and
// the address: never a page behind a secret link, never one whose form carries a per-person
// token. As a guard, an answer is stored only when it is a 200 whose headers are those every
// page has (so one that sets a cookie, a Cache-Control of its own, a redirect or another framing
// policy is passed through uncached).

#include <string>

#include "pages.hpp"

namespace kal::service::web {

// Like add_page(routes, ctx, pages, "GET", pattern, handler), with the answer cached. A page made
// to be shown in another site's frame (the embed) passes may_be_framed, and its answers, cached
// or not, carry that framing policy (set_page_headers).
void add_cached_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages,
                     const std::string& pattern, page_handler handler, bool may_be_framed = false);

// The key of a page in the render cache: its language, path and query (names sorted, the values
// of a repeated name in their order, each percent-encoded).
std::string page_cache_key(const request& req, db::language language);

}  // namespace kal::service::web
