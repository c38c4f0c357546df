// The stylesheet and the logo, under names that change with their bytes, so they can be cached
// for a year.

#include "pages.hpp"

namespace kal::service::web {

namespace {

http::response immutable(const std::string& body, const std::string& type) {
    http::response r;
    auto shared = std::make_shared<const std::string>(body);
    r.shared_body = shared;
    r.set_header("Content-Type", type);
    r.set_header("Cache-Control", "public, max-age=31536000, immutable");
    return r;
}

}  // namespace

void add_static_files(http::router& routes, std::shared_ptr<const site> pages) {
    auto css = std::make_shared<const std::string>(pages->css());
    routes.add(
        "GET", pages->css_path(),
        [css](request&) {
            http::response r;
            r.shared_body = css;
            r.set_header("Content-Type", "text/css; charset=utf-8");
            r.set_header("Cache-Control", "public, max-age=31536000, immutable");
            return r;
        },
        http::runs_on::io_thread);
    if (!pages->logo_path().empty())
        routes.add(
            "GET", pages->logo_path(), [pages](request&) { return immutable(pages->logo(), pages->logo_type()); },
            http::runs_on::io_thread);
}

}  // namespace kal::service::web
