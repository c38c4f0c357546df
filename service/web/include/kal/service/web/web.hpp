#pragma once
// The HTML adapter: server-rendered pages in Swedish at / and English under /en/, over the same
// use cases as the JSON API. Pages work without JavaScript; every text a person reads comes from
// service/texts/{sv,en}.toml and every page from a template in service/web/templates/, escaped by
// context (ctemplate's AUTOESCAPE).

#include <memory>

#include "kal/config/config.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/http/router.hpp"

namespace kal::service::web {

class site;

// Reads the page templates, the stylesheet and the logo, once. Throws config::config_error when a
// template has a problem (the start stops with exit 2, as for the mail templates).
std::shared_ptr<const site> make_site(const config::settings& settings);

// Adds every public page (and the stylesheet and logo they use) to `routes`.
void add_routes(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages);

// Errors as people in a browser should see them: an HTML page in the language of the address,
// for requests outside /api/ and /feeds/ that accept text/html; for everything else `api`
// (problem+json).
http::errors_to_answers browser_answers(std::shared_ptr<const site> pages, http::errors_to_answers api);

}  // namespace kal::service::web
