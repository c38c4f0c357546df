// The router and the API's reading of JSON bodies, as plain functions.
#define BOOST_TEST_MODULE http_units
#include <boost/test/unit_test.hpp>

#include <set>

#include "../../service/api/src/json_body.hpp"
#include "kal/service/http/router.hpp"

namespace http = kal::service::http;

namespace {
http::handler named(std::string name) {
    return [name](http::request&) {
        http::response r;
        r.body = name;
        return r;
    };
}
http::request get(std::string method, std::string path) {
    http::request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(routes_match_by_method_and_pattern_with_parameters_and_suffixes) {
    http::router routes;
    routes.add("GET", "/api/v1/meetings", named("list"));
    routes.add("GET", "/api/v1/meetings/{id}", named("one"));
    routes.add("DELETE", "/api/v1/meetings/{id}", named("delete"));
    routes.add("GET", "/feeds/networks/{slug}.ics", named("feed"));
    auto req = get("GET", "/api/v1/meetings/12");
    auto m = routes.match(req);
    BOOST_TEST_REQUIRE(m.found);
    BOOST_TEST(m.found->pattern == "/api/v1/meetings/{id}");
    BOOST_TEST(req.params.at("id") == "12");
    req = get("GET", "/feeds/networks/integration.ics");
    m = routes.match(req);
    BOOST_TEST_REQUIRE(m.found);
    BOOST_TEST(req.params.at("slug") == "integration");
    req = get("GET", "/feeds/networks/.ics");  // an empty slug names nothing
    BOOST_TEST(!routes.match(req).found);
}

BOOST_AUTO_TEST_CASE(a_path_with_other_methods_lists_them_and_head_is_served_by_get) {
    http::router routes;
    routes.add("GET", "/api/v1/meetings/{id}", named("one"));
    routes.add("DELETE", "/api/v1/meetings/{id}", named("delete"));
    auto req = get("PUT", "/api/v1/meetings/1");
    auto m = routes.match(req);
    BOOST_TEST(!m.found);
    BOOST_TEST(m.allowed == (std::vector<std::string>{"GET", "DELETE", "HEAD"}), boost::test_tools::per_element());
    req = get("HEAD", "/api/v1/meetings/1");
    m = routes.match(req);
    BOOST_TEST_REQUIRE(m.found);
    BOOST_TEST(m.found->method == "GET");
    req = get("GET", "/api/v1/nothing");
    m = routes.match(req);
    BOOST_TEST(!m.found);
    BOOST_TEST(m.allowed.empty());
}

BOOST_AUTO_TEST_CASE(split_path_keeps_empty_segments) {
    BOOST_TEST(http::split_path("/a/b/") == (std::vector<std::string>{"a", "b", ""}), boost::test_tools::per_element());
    BOOST_TEST(http::split_path("/") == (std::vector<std::string>{""}), boost::test_tools::per_element());
}

namespace {
http::request body(std::string content_type, std::string text) {
    http::request r;
    r.headers["content-type"] = std::move(content_type);
    r.body = std::move(text);
    return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_json_body_records_what_it_cannot_read_for_the_use_case) {
    {
        kal::service::api::json_body b(body("text/plain", "{}"));
        BOOST_TEST_REQUIRE(b.unreadable.body.has_value());
        BOOST_TEST((b.unreadable.body->kind == kal::service::app::error_kind::unsupported));
    }
    {
        kal::service::api::json_body b(body("application/json; charset=utf-8", "{\"a\": "));
        BOOST_TEST_REQUIRE(b.unreadable.body.has_value());
        BOOST_TEST((b.unreadable.body->kind == kal::service::app::error_kind::bad_request));
    }
    {
        kal::service::api::json_body b(body("application/json", "[1]"));
        BOOST_TEST(b.unreadable.body.has_value());
    }
    kal::service::api::json_body b(
        body("application/json", R"({"title": 5, "capacity": null, "n": 3, "flag": "yes", "x": 1, "t": null})"));
    b.only({"title", "capacity", "n", "flag", "t"});
    BOOST_TEST(!b.text("title").has_value());
    auto capacity = b.nullable_integer("capacity");
    BOOST_TEST((capacity.has_value() && !capacity->has_value()));  // present and null: cleared
    BOOST_TEST(!b.nullable_integer("absent").has_value());        // absent: unchanged
    BOOST_TEST(b.integer("n").value_or(0) == 3);
    BOOST_TEST(!b.boolean("flag").has_value());
    BOOST_TEST(!b.text_not_null("t").has_value());
    std::set<std::string> fields;
    for (const auto& e : b.unreadable.fields) fields.insert(e.field);
    BOOST_TEST((fields == std::set<std::string>{"title", "flag", "x", "t"}));
}
