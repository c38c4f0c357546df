// Pins docs/openapi.json (the copy compiled into the service) to the router the service really
// builds: the same (method, path) operations, and, by calling the real handlers, the token rules,
// the list parameters, the body rules and the fields of the responses that the document claims.

#define BOOST_TEST_MODULE openapi
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"
#include "kal/service/api/api.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/app/context.hpp"
#include "kal/service/http/message.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"
#include "test_db.hpp"

namespace json = boost::json;
namespace svc = kal::service::http;
namespace app = kal::service::app;
namespace api = kal::service::api;

namespace {

using operation_key = std::pair<std::string, std::string>;  // (METHOD, path template)

const std::vector<std::string> openapi_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The router exactly as `kalendarium serve` builds it, on a fresh migrated database (SQLite
// unless KAL_TEST_DB says otherwise).
struct service_routes {
    kal::config::settings settings;
    kal::db::database database;
    svc::metrics metrics;
    svc::router routes;
    app::context ctx;

    static kal::config::settings load_settings() {
        kal::config::sources from;
        from.flags["database.url"] = kal::test::fresh_database_url("openapi");
        return kal::config::load(from);
    }

    static kal::db::database_options database_options(const kal::config::settings& s) {
        kal::db::database_options o;
        o.url = s.database.url;
        o.pool_size = static_cast<std::size_t>(s.database.pool_size);
        o.lease_timeout = s.database.lease_timeout;
        o.busy_timeout = s.database.busy_timeout;
        return o;
    }

    service_routes() : settings(load_settings()), database(database_options(settings)), ctx(settings, database) {
        database.migrate();
        api::add_routes(routes, ctx, metrics);
    }

    std::set<operation_key> operations() const {
        std::set<operation_key> out;
        for (const auto& r : routes.routes()) out.emplace(r.method, r.pattern);
        return out;
    }

    const svc::route& route(const std::string& method, const std::string& pattern) const {
        for (const auto& r : routes.routes())
            if (r.method == method && r.pattern == pattern) return r;
        throw std::logic_error("no route " + method + " " + pattern);
    }

    // A request the route matches, with every path parameter "1".
    static svc::request request_for(const svc::route& r) {
        svc::request req;
        req.method = r.method;
        std::string path = r.pattern;
        for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
            auto close = path.find('}', open);
            req.params[path.substr(open + 1, close - open - 1)] = "1";
            path.replace(open, close - open + 1, "1");
        }
        req.path = path;
        req.target = path;
        return req;
    }

    // Runs the handler as the server does: any exception becomes the response error_response makes.
    static svc::response call(const svc::route& r, svc::request& req) {
        try {
            auto res = r.fn(req);
            // A cached answer (feeds, anonymous API reads) is sent from shared_body; the checks read body.
            if (res.body.empty() && res.shared_body) res.body = *res.shared_body;
            return res;
        } catch (...) {
            return api::error_answer(req, std::current_exception());
        }
    }
    static svc::response call(const svc::route& r) {
        auto req = request_for(r);
        return call(r, req);
    }
};

const json::object& document() {
    static const json::value doc = json::parse(api::openapi_document());
    return doc.as_object();
}

struct documented_operation {
    std::string method;  // upper case
    std::string path;
    const json::object* op;
};

std::vector<documented_operation> documented_operations() {
    std::vector<documented_operation> out;
    for (const auto& [path, item] : document().at("paths").as_object())
        for (const auto& method : openapi_methods)
            if (auto op = item.as_object().if_contains(method))
                out.push_back({upper(method), std::string(path), &op->as_object()});
    return out;
}

std::set<operation_key> documented_keys() {
    std::set<operation_key> out;
    for (const auto& d : documented_operations()) out.emplace(d.method, d.path);
    return out;
}

std::string describe(const std::set<operation_key>& keys) {
    std::string out;
    for (const auto& [m, p] : keys) out += "\n    " + m + " " + p;
    return out.empty() ? " (none)" : out;
}

bool lists_response(const json::object& op, const std::string& status) {
    return op.at("responses").as_object().contains(status);
}

// The operation's effective security: its own, else the document's.
const json::array& security_of(const json::object& op) {
    if (auto s = op.if_contains("security")) return s->as_array();
    return document().at("security").as_array();
}

bool mentions_bearer(const json::array& security) {
    return std::any_of(security.begin(), security.end(),
                       [](const json::value& req) { return req.as_object().contains("bearerAuth"); });
}

// Required: some requirement names bearerAuth and none is the empty (anonymous) one.
bool requires_token(const json::array& security) {
    bool anonymous_allowed =
        security.empty() ||
        std::any_of(security.begin(), security.end(), [](const json::value& req) { return req.as_object().empty(); });
    return mentions_bearer(security) && !anonymous_allowed;
}

// A local reference "#/components/schemas/Meeting"; null when it names nothing.
const json::value* resolve(const std::string& reference) {
    if (!reference.starts_with("#/")) return nullptr;
    const json::object* object = &document();
    std::size_t start = 2;
    for (;;) {
        auto slash = reference.find('/', start);
        auto name = reference.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        const json::value* at = object->if_contains(name);
        if (!at) return nullptr;
        if (slash == std::string::npos) return at;
        object = at->if_object();
        if (!object) return nullptr;
        start = slash + 1;
    }
}

// Follows a {"$ref": ...} object to what it names.
const json::value& follow(const json::value& v) {
    if (auto o = v.if_object())
        if (auto r = o->if_contains("$ref")) {
            auto target = resolve(std::string(r->as_string()));
            BOOST_TEST_REQUIRE(target != nullptr, "unresolved $ref " << r->as_string());
            return follow(*target);
        }
    return v;
}

// The property names of a schema, through $ref and allOf.
std::set<std::string> property_names(const json::value& schema) {
    std::set<std::string> out;
    const auto& s = follow(schema).as_object();
    if (auto props = s.if_contains("properties"))
        for (const auto& [name, value] : props->as_object()) out.emplace(name);
    if (auto all = s.if_contains("allOf"))
        for (const auto& part : all->as_array()) out.merge(property_names(part));
    return out;
}

std::set<std::string> required_names(const json::value& schema) {
    std::set<std::string> out;
    const auto& s = follow(schema).as_object();
    if (auto req = s.if_contains("required"))
        for (const auto& name : req->as_array()) out.emplace(name.as_string());
    if (auto all = s.if_contains("allOf"))
        for (const auto& part : all->as_array()) out.merge(required_names(part));
    return out;
}

void collect_references(const json::value& v, std::vector<std::string>& out) {
    if (auto o = v.if_object()) {
        for (const auto& [key, child] : *o) {
            if (key == "$ref" && child.is_string())
                out.emplace_back(child.as_string());
            else
                collect_references(child, out);
        }
    } else if (auto a = v.if_array()) {
        for (const auto& child : *a) collect_references(child, out);
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(openapi_document_is_version_3_1) {
    const auto& doc = document();
    BOOST_TEST(json::value_to<std::string>(doc.at("openapi")) == "3.1.0");
    BOOST_TEST(json::value_to<std::string>(doc.at("info").at("title")) == "Kalendarium");
    BOOST_TEST(json::value_to<std::string>(doc.at("servers").at(0).at("url")) == "http://127.0.0.1:8080");
    const auto& bearer = doc.at("components").at("securitySchemes").at("bearerAuth");
    BOOST_TEST(json::value_to<std::string>(bearer.at("type")) == "http");
    BOOST_TEST(json::value_to<std::string>(bearer.at("scheme")) == "bearer");
}

BOOST_AUTO_TEST_CASE(router_routes_and_openapi_paths_are_the_same_set) {
    service_routes service;
    auto in_router = service.operations();
    auto in_doc = documented_keys();
    BOOST_TEST_REQUIRE(!in_router.empty());

    std::set<operation_key> missing_in_doc, missing_in_router;
    std::set_difference(in_router.begin(), in_router.end(), in_doc.begin(), in_doc.end(),
                        std::inserter(missing_in_doc, missing_in_doc.end()));
    std::set_difference(in_doc.begin(), in_doc.end(), in_router.begin(), in_router.end(),
                        std::inserter(missing_in_router, missing_in_router.end()));
    BOOST_TEST(missing_in_doc.empty(), "missing in docs/openapi.json:" << describe(missing_in_doc));
    BOOST_TEST(missing_in_router.empty(), "documented but not routed:" << describe(missing_in_router));
}

BOOST_AUTO_TEST_CASE(head_is_implicit_and_neither_routed_nor_documented) {
    service_routes service;
    for (const auto& [method, path] : service.operations()) BOOST_TEST(method != "HEAD", "router has HEAD " << path);
    for (const auto& d : documented_operations()) BOOST_TEST(d.method != "HEAD", "document lists HEAD " << d.path);
}

BOOST_AUTO_TEST_CASE(every_operation_documents_its_error_responses) {
    for (const auto& d : documented_operations()) {
        const auto name = d.method + " " + d.path;
        if (d.op->contains("requestBody"))
            for (const char* status : {"400", "413", "415", "422"})
                BOOST_TEST(lists_response(*d.op, status), name << " takes a body but does not list " << status);
        // A token that is sent is checked even where it is optional, so a bad one is 401 there too.
        if (mentions_bearer(security_of(*d.op)))
            BOOST_TEST(lists_response(*d.op, "401"), name << " reads a token but does not list 401");
        if (d.path.find("{id}") != std::string::npos)
            BOOST_TEST(lists_response(*d.op, "404"), name << " has an id but does not list 404");
        if (d.path.starts_with("/api/v1/"))
            BOOST_TEST(lists_response(*d.op, "503"), name << " uses the database but does not list 503");
        bool has_success = false;
        for (const auto& [status, response] : d.op->at("responses").as_object())
            has_success = has_success || status.starts_with("2");
        BOOST_TEST(has_success, name << " documents no success response");
    }
}

BOOST_AUTO_TEST_CASE(every_reference_in_the_document_resolves) {
    std::vector<std::string> references;
    collect_references(json::value(document()), references);
    BOOST_TEST_REQUIRE(!references.empty());
    for (const auto& r : references) BOOST_TEST(resolve(r) != nullptr, "unresolved $ref " << r);
}

BOOST_AUTO_TEST_CASE(operations_documented_as_needing_a_token_answer_401_without_one) {
    service_routes service;
    auto documented = documented_operations();
    for (const auto& r : service.routes.routes()) {
        auto d = std::find_if(documented.begin(), documented.end(), [&](const documented_operation& x) {
            return x.method == r.method && x.path == r.pattern;
        });
        if (d == documented.end()) continue;  // reported by router_routes_and_openapi_paths_are_the_same_set
        auto res = service.call(r);
        const auto name = r.method + " " + r.pattern;
        if (requires_token(security_of(*d->op))) {
            BOOST_TEST(res.status == 401, name << " is documented as needing a token but answered " << res.status
                                               << " without one: " << res.body);
            BOOST_TEST(res.header("WWW-Authenticate").has_value(), name << " 401 without WWW-Authenticate");
        } else {
            BOOST_TEST(res.status != 401, name << " is documented as public but answered 401 without a token");
            BOOST_TEST(res.status < 500, name << " answered " << res.status << ": " << res.body);
            BOOST_TEST(lists_response(*d->op, std::to_string(res.status)),
                       name << " answered " << res.status << ", which it does not document");
        }
    }
}

namespace {

// The problems found when `value` is checked against `schema`: JSON types, required and
// undocumented properties, recursively through $ref, oneOf, properties and items.
void shape_errors(const json::value& value, const json::value& schema_ref, const std::string& where,
                  std::vector<std::string>& errors) {
    const auto& schema = follow(schema_ref).as_object();
    if (auto one_of = schema.if_contains("oneOf")) {
        int matches = 0;
        for (const auto& variant : one_of->as_array()) {
            std::vector<std::string> variant_errors;
            shape_errors(value, variant, where, variant_errors);
            matches += variant_errors.empty();
        }
        if (matches != 1) errors.push_back(where + ": matches " + std::to_string(matches) + " of the oneOf variants");
        return;
    }
    if (auto type = schema.if_contains("type")) {
        std::vector<std::string> allowed;
        if (type->is_string())
            allowed.emplace_back(type->as_string());
        else
            for (const auto& t : type->as_array()) allowed.emplace_back(t.as_string());
        auto is = [&](const char* t) { return std::find(allowed.begin(), allowed.end(), t) != allowed.end(); };
        bool ok = (value.is_null() && is("null")) || (value.is_bool() && is("boolean")) ||
                  (value.is_string() && is("string")) || (value.is_object() && is("object")) ||
                  (value.is_array() && is("array")) || ((value.is_int64() || value.is_uint64()) && is("integer")) ||
                  (value.is_number() && is("number"));
        if (!ok) {
            errors.push_back(where + ": " + json::serialize(value) + " is not of type " + json::serialize(*type));
            return;
        }
    }
    if (auto enumeration = schema.if_contains("enum")) {
        const auto& values = enumeration->as_array();
        if (std::find(values.begin(), values.end(), value) == values.end())
            errors.push_back(where + ": " + json::serialize(value) + " is not in the enum");
    }
    if (auto object = value.if_object()) {
        auto documented = property_names(schema_ref);
        for (const auto& name : required_names(schema_ref))
            if (!object->contains(name)) errors.push_back(where + "." + name + ": required but missing");
        const json::object* properties = nullptr;
        if (auto p = schema.if_contains("properties")) properties = &p->as_object();
        for (const auto& [name, child] : *object) {
            if (!documented.contains(std::string(name))) {
                errors.push_back(where + "." + std::string(name) + ": not documented");
                continue;
            }
            if (properties && properties->contains(name))
                shape_errors(child, properties->at(name), where + "." + std::string(name), errors);
        }
    }
    if (auto array = value.if_array())
        if (auto items = schema.if_contains("items"))
            for (std::size_t i = 0; i < array->size(); ++i)
                shape_errors(array->at(i), *items, where + "[" + std::to_string(i) + "]", errors);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += "\n    " + l;
    return out;
}

const json::object& documented_operation_at(const std::string& method, const std::string& path) {
    return document().at("paths").at(path).at(lower(method)).as_object();
}

const json::value& response_schema(const std::string& method, const std::string& path, const std::string& status) {
    return documented_operation_at(method, path)
        .at("responses")
        .at(status)
        .at("content")
        .at("application/json")
        .at("schema");
}

// A service with an admin token, for calling write handlers.
struct service_with_admin : service_routes {
    std::string token;

    service_with_admin() {
        app::init_crypto();
        token = app::issue_api_token(database, app::system_now(), kal::db::token_role::admin, "openapi test admin",
                                     std::nullopt)
                    .first;
    }

    svc::response send(const std::string& method, const std::string& pattern, const std::string& body,
                       const std::string& content_type = "application/json",
                       std::vector<std::pair<std::string, std::string>> query = {}) {
        const auto& r = route(method, pattern);
        auto req = request_for(r);
        req.headers["authorization"] = "Bearer " + token;
        if (!content_type.empty()) req.headers["content-type"] = content_type;
        req.body = body;
        for (auto& [n, v] : query) req.query.emplace(n, v);
        return call(r, req);
    }

    // Sends a write, requires the status, and checks the body against the documented schema.
    json::value checked(const std::string& method, const std::string& pattern, const std::string& body, int status) {
        auto res = send(method, pattern, body);
        BOOST_TEST_REQUIRE(res.status == status,
                           method << " " << pattern << " answered " << res.status << ": " << res.body);
        auto value = json::parse(res.body);
        std::vector<std::string> errors;
        shape_errors(value, response_schema(method, pattern, std::to_string(status)), method + " " + pattern, errors);
        BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));
        return value;
    }
};

// A value each documented list parameter must refuse with 400 naming it; filters by id or slug
// take anything (an unknown slug matches nothing) and are marked by an empty string.
std::string bad_value_of(const std::string& parameter) {
    if (parameter == "limit") return "0";
    if (parameter == "cursor") return "not-a-cursor";
    if (parameter == "q") return std::string(201, 'x');
    if (parameter == "kind" || parameter == "type" || parameter == "status") return "no_such_value";
    if (parameter == "from" || parameter == "to") return "yesterday";
    if (parameter == "series") return "abc";
    if (parameter == "organisation" || parameter == "network" || parameter == "venue") return "";
    BOOST_FAIL("no bad value known for the documented parameter " << parameter);
    return "";
}

std::vector<std::string> query_parameter_names(const json::object& op) {
    std::vector<std::string> names;
    if (auto params = op.if_contains("parameters"))
        for (const auto& p : params->as_array()) {
            const auto& param = follow(p).as_object();
            if (param.at("in").as_string() == "query") names.emplace_back(param.at("name").as_string());
        }
    return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(documented_list_parameters_are_read_by_the_handlers) {
    service_routes service;
    int checked = 0;
    for (const auto& d : documented_operations()) {
        if (d.method != "GET" || d.path.find('{') != std::string::npos) continue;
        // The selection of /feeds/custom.ics is read like the filters of the lists, except that a
        // slug naming nothing is 400 there: a subscription should not be silently empty.
        const bool feed = d.path.starts_with("/feeds/");
        if (!feed && !d.path.starts_with("/api/v1/")) continue;
        const auto& r = service.route(d.method, d.path);
        const auto names = query_parameter_names(*d.op);
        for (const auto& name : names) {
            auto bad = bad_value_of(name);
            const bool matches_nothing = bad.empty() && !feed;
            auto req = service_routes::request_for(r);
            req.query.emplace(name, bad.empty() ? "no-such-slug" : bad);
            if (bad.empty()) bad = "no-such-slug";
            auto res = service_routes::call(r, req);
            ++checked;
            if (feed) {
                // A value that names something (an id is taken as it is) is accepted.
                auto good = service_routes::request_for(r);
                good.query.emplace(name, name == "type" ? "fro" : "1");
                auto ok = service_routes::call(r, good);
                BOOST_TEST(ok.status == 200, d.path << "?" << name << " answered " << ok.status << ": " << ok.body);
            }
            if (matches_nothing) {
                BOOST_TEST(res.status == 200, d.path << "?" << name << "=no-such-slug answered " << res.status);
                BOOST_TEST(res.body.find("\"items\":[]") != std::string::npos, d.path << ": " << res.body);
            } else {
                BOOST_TEST(res.status == 400, d.path << "?" << name << "=" << bad << " answered " << res.status);
                BOOST_TEST(res.body.find("\"field\":\"" + name + "\"") != std::string::npos,
                           d.path << " did not name " << name << ": " << res.body);
            }
        }
        // A feed that takes a selection refuses what it does not document.
        if (feed && !names.empty()) {
            auto req = service_routes::request_for(r);
            req.query.emplace("no_such_parameter", "1");
            auto res = service_routes::call(r, req);
            BOOST_TEST(res.status == 400, d.path << "?no_such_parameter=1 answered " << res.status);
            BOOST_TEST(res.body.find("\"field\":\"no_such_parameter\"") != std::string::npos, d.path << ": " << res.body);
        }
    }
    BOOST_TEST(checked > 20);
}

namespace {

// The rules of a write whose body is an iCalendar file (the import): its media type, its query
// parameters (each documented one read, the required ones required) and its 422.
void check_calendar_write(service_with_admin& service, const documented_operation& d, const std::string& org_id) {
    const auto name = d.method + " " + d.path;
    const auto& content = d.op->at("requestBody").at("content").as_object();
    BOOST_TEST(content.size() == 1u, name << " documents more body types than text/calendar");
    // One event: an empty calendar is refused (422, issue 14).
    const std::string calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openapi test//SV\r\n"
                                 "BEGIN:VEVENT\r\nUID:openapi-1@test\r\nDTSTAMP:20261101T000000Z\r\n"
                                 "DTSTART:20301220T100000Z\r\nDTEND:20301220T110000Z\r\nSUMMARY:Test\r\n"
                                 "END:VEVENT\r\nEND:VCALENDAR\r\n";
    const std::vector<std::pair<std::string, std::string>> organisation = {{"organisation", org_id}};
    BOOST_TEST(service.send(d.method, d.path, calendar, "text/plain", organisation).status == 415, name);
    BOOST_TEST(service.send(d.method, d.path, "{}", "application/json", organisation).status == 415, name);
    BOOST_TEST(service.send(d.method, d.path, calendar, "text/calendar", {{"organisation", org_id}, {"dry_run", "true"}})
                       .status == 200,
               name);

    for (const auto& p : d.op->at("parameters").as_array()) {
        const auto& param = follow(p).as_object();
        if (param.at("in").as_string() != "query") continue;
        const std::string q(param.at("name").as_string());
        std::vector<std::pair<std::string, std::string>> query;
        if (q != "organisation") query.emplace_back("organisation", org_id);
        // The organisation of an import must exist: an unknown slug is 400 here.
        query.emplace_back(q, q == "organisation" ? "no-such-organisation" : q == "dry_run" ? "maybe" : bad_value_of(q));
        auto res = service.send(d.method, d.path, calendar, "text/calendar", query);
        BOOST_TEST(res.status == 400, name << "?" << q << "=" << query.back().second << " answered " << res.status);
        BOOST_TEST(res.body.find("\"field\":\"" + q + "\"") != std::string::npos, name << ": " << res.body);
        if (auto required = param.if_contains("required"); required && required->as_bool()) {
            query.pop_back();
            auto missing = service.send(d.method, d.path, calendar, "text/calendar", query);
            BOOST_TEST(missing.status == 400, name << " without " << q << " answered " << missing.status);
            BOOST_TEST(missing.body.find("\"field\":\"" + q + "\"") != std::string::npos, name << ": " << missing.body);
        }
    }

    // Anything wrong is one 422 naming the lines, and nothing is written.
    auto bad = service.send(d.method, d.path,
                            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:openapi-1@example.se\r\n"
                            "DTSTART:not-a-time\r\nSUMMARY:Möte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                            "text/calendar", organisation);
    BOOST_TEST(bad.status == 422, name << " answered " << bad.status << ": " << bad.body);
    BOOST_TEST(bad.body.find("\"field\":\"line ") != std::string::npos, name << ": " << bad.body);
    auto recurring = service.send(d.method, d.path,
                                  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:openapi-2@example.se\r\n"
                                  "DTSTART;TZID=Europe/Stockholm:20300305T180000\r\n"
                                  "DTEND;TZID=Europe/Stockholm:20300305T200000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
                                  "SUMMARY:Möte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                                  "text/calendar", organisation);
    BOOST_TEST(recurring.status == 422, name << " imported a recurring event: " << recurring.body);
    const auto& meetings = service.route("GET", "/api/v1/meetings");
    auto req = service_routes::request_for(meetings);
    req.headers["authorization"] = "Bearer " + service.token;
    BOOST_TEST(service_routes::call(meetings, req).body.find("\"items\":[]") != std::string::npos,
               name << " wrote although it answered 422");
}

}  // namespace

BOOST_AUTO_TEST_CASE(documented_body_errors_are_what_the_write_handlers_answer) {
    service_with_admin service;
    auto org = service.send("POST", "/api/v1/organisations", R"({"name":"Importföreningen"})");
    BOOST_TEST_REQUIRE(org.status == 201, org.body);
    const auto org_id = std::to_string(json::parse(org.body).at("id").as_int64());
    int calendar_writes = 0;
    for (const auto& d : documented_operations()) {
        if (d.method == "GET") continue;
        const auto name = d.method + " " + d.path;
        // Every body is JSON, except the import's iCalendar file.
        if (auto body = d.op->if_contains("requestBody"); body && body->at("content").as_object().contains("text/calendar")) {
            check_calendar_write(service, d, org_id);
            ++calendar_writes;
            continue;
        }
        // The only query parameter of a write; a value other than true/false is 400.
        for (const auto& q : query_parameter_names(*d.op)) {
            BOOST_TEST(q == "allow_venue_conflict", name << " documents the query parameter " << q);
            auto res = service.send(d.method, d.path, "{}", "application/json", {{q, "maybe"}});
            BOOST_TEST(res.status == 400, name << "?" << q << "=maybe answered " << res.status);
        }
        // Writes to an id would stop at 404 first: the body rules are pinned on the creates.
        if (!d.op->contains("requestBody") || d.path.find('{') != std::string::npos) continue;
        BOOST_TEST(service.send(d.method, d.path, "{}", "text/plain").status == 415, name);
        BOOST_TEST(service.send(d.method, d.path, "{", "application/json").status == 400, name);
        BOOST_TEST(service.send(d.method, d.path, "[]", "application/json").status == 400, name);
        auto unknown = service.send(d.method, d.path, R"({"no_such_field":1})");
        BOOST_TEST(unknown.status == 422, name);
        BOOST_TEST(unknown.body.find(R"({"field":"no_such_field","message":"unknown field"})") != std::string::npos,
                   name << ": " << unknown.body);

        // Every documented input property is one the handler knows; required ones are required.
        const auto& schema = d.op->at("requestBody").at("content").at("application/json").at("schema");
        json::object all_null;
        for (const auto& property : property_names(schema)) all_null[property] = nullptr;
        auto res = service.send(d.method, d.path, json::serialize(all_null));
        BOOST_TEST(res.status == 422, name);
        BOOST_TEST(res.body.find("unknown field") == std::string::npos,
                   name << " refuses a documented property: " << res.body);
        for (const auto& property : required_names(schema))
            BOOST_TEST(res.body.find(R"({"field":")" + property + R"(","message":"is required"})") != std::string::npos,
                       name << " does not require the documented required " << property << ": " << res.body);
    }
    BOOST_TEST(calendar_writes == 1);
}

BOOST_AUTO_TEST_CASE(responses_carry_exactly_the_documented_fields) {
    service_with_admin service;
    auto org = service.checked("POST", "/api/v1/organisations",
                               R"({"name":"Föreningen Solsidan","kind":"association","contact_email":"info@example.se",
                                   "contact_phone":"033-35 70 00"})",
                               201);
    auto org_id = std::to_string(org.at("id").as_int64());
    auto network = service.checked(
        "POST", "/api/v1/networks",
        R"({"name":"Integrationsnätverket","kind":"interest_network","organisation_ids":[)" + org_id + "]}", 201);
    auto network_id = std::to_string(network.at("id").as_int64());
    auto venue = service.checked("POST", "/api/v1/venues",
                                 R"({"name":"Stadsbiblioteket","address":"Österlånggatan 1\n503 31 Borås","capacity":80,
                                     "accessibility":{"step_free":true,"notes":"Hiss"},"latitude":57.72,"longitude":12.94,
                                     "organisation_id":)" +
                                     org_id + "}",
                                 201);
    auto venue_id = std::to_string(venue.at("id").as_int64());
    auto meeting =
        service.checked("POST", "/api/v1/meetings",
                        R"({"type":"fro","title":"FRÖ-möte","start":"2030-03-05T18:00","end":"2030-03-05T20:00",
                                       "organisation_id":)" +
                            org_id + R"(,"venue_id":)" + venue_id +
                            R"(,"status":"published","registration_deadline":"2030-03-01T12:00:00+01:00",
                                       "documents":[{"title":"Dagordning","url":"https://example.se/dagordning.pdf"}]})",
                        201);
    BOOST_TEST(meeting.at("start").as_object().contains("offset_time"));
    auto all_day = service.checked("POST", "/api/v1/meetings",
                                   R"({"type":"stormote","title":"Stormöte","all_day":true,"start":"2030-05-06",
                                       "end":"2030-05-07","organisation_id":)" +
                                       org_id + "}",
                                   201);
    BOOST_TEST(json::value_to<std::string>(all_day.at("end").at("date")) == "2030-05-07");  // the last day, as sent
    service.checked("POST", "/api/v1/series",
                    R"({"type":"network","title":"Nätverksträff","start":"2030-01-08T17:00","end":"2030-01-08T19:00",
                        "organisation_id":)" +
                        org_id + R"(,"rrule":"FREQ=MONTHLY;COUNT=3","status":"published"})",
                    201);

    // The lists and single reads as an anonymous caller and as the admin sees them.
    for (const char* path : {"/api/v1/organisations", "/api/v1/networks", "/api/v1/venues", "/api/v1/meetings",
                             "/api/v1/series", "/api/v1/feeds"}) {
        for (bool with_token : {false, true}) {
            const auto& r = service.route("GET", path);
            auto req = service_routes::request_for(r);
            if (with_token) req.headers["authorization"] = "Bearer " + service.token;
            auto res = service_routes::call(r, req);
            BOOST_TEST_REQUIRE(res.status == 200, path << " answered " << res.status << ": " << res.body);
            auto value = json::parse(res.body);
            BOOST_TEST(!value.at("items").as_array().empty(), path);
            std::vector<std::string> errors;
            shape_errors(value, response_schema("GET", path, "200"), std::string("GET ") + path, errors);
            BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));
        }
    }
    auto meeting_id = std::to_string(meeting.at("id").as_int64());

    // Sign-ups: the new one with its link, a repeat (status only), the holder's reads and writes
    // through the token, and the organisers' list; a full meeting puts the next one on the waitlist.
    auto sign_up = [&](const std::string& id, const std::string& body, int status) {
        const auto& r = service.route("POST", "/api/v1/meetings/{id}/rsvps");
        auto sreq = service_routes::request_for(r);
        sreq.params["id"] = id;
        sreq.headers["content-type"] = "application/json";
        sreq.body = body;
        auto sres = service_routes::call(r, sreq);
        BOOST_TEST_REQUIRE(sres.status == status, "sign-up answered " << sres.status << ": " << sres.body);
        auto value = json::parse(sres.body);
        std::vector<std::string> shape;
        shape_errors(value, response_schema("POST", "/api/v1/meetings/{id}/rsvps", std::to_string(status)), "sign-up",
                     shape);
        BOOST_TEST(shape.empty(), "the response differs from the document:" << joined(shape));
        if (status == 201) BOOST_TEST(sres.header("Cache-Control").value_or("") == "no-store");
        return value;
    };
    auto rsvp = sign_up(meeting_id,
                        R"({"name":"Åsa Öberg","email":"asa@example.se","organisation":)" + org_id +
                            R"(,"party_size":2,"needs":"Rullstol\nGlutenfritt","language":"en","consent":true})",
                        201);
    BOOST_TEST(json::value_to<std::string>(rsvp.at("status")) == "confirmed");
    auto repeated = sign_up(meeting_id, R"({"name":"Åsa","email":"ASA@example.se","consent":true})", 200);
    BOOST_TEST(repeated.at("already_signed_up").as_bool());
    sign_up(meeting_id, R"({"name":"Bo","email":"bo@example.se","organisation":"Grannföreningen","consent":true})", 201);
    auto small = service.checked("POST", "/api/v1/meetings",
                                 R"({"type":"dialog","title":"Liten dialog","start":"2030-04-01T18:00","end":"2030-04-01T19:00",
                                     "capacity":1,"status":"published","organisation_id":)" +
                                     org_id + "}",
                                 201);
    auto small_id = std::to_string(small.at("id").as_int64());
    // Beside the API's url, the meeting's page for people.
    BOOST_TEST(json::value_to<std::string>(small.at("web_url")) ==
               service.settings.server.public_base_url + "/moten/" + small_id);
    sign_up(small_id, R"({"name":"Cia","email":"cia@example.se","consent":true})", 201);
    auto waiting = sign_up(small_id, R"({"name":"Dan","email":"dan@example.se","consent":true})", 201);
    BOOST_TEST(json::value_to<std::string>(waiting.at("status")) == "waitlisted");
    BOOST_TEST(waiting.at("waitlist_position").as_int64() == 1);
    auto waiting_again = sign_up(small_id, R"({"name":"Dan","email":"dan@example.se","consent":true})", 200);
    BOOST_TEST(waiting_again.at("waitlist_position").as_int64() == 1);
    auto draft_id = std::to_string(all_day.at("id").as_int64());
    const auto& sign_up_route = service.route("POST", "/api/v1/meetings/{id}/rsvps");
    auto draft_req = service_routes::request_for(sign_up_route);
    draft_req.params["id"] = draft_id;
    draft_req.headers["content-type"] = "application/json";
    draft_req.body = R"({"name":"Eva","email":"eva@example.se","consent":true})";
    auto refused = service_routes::call(sign_up_route, draft_req);
    BOOST_TEST(refused.status == 409, refused.body);
    BOOST_TEST(refused.body.find(R"("field":"meeting")") != std::string::npos, refused.body);

    // manage_url is the holder's web page; url is the same sign-up in the API, with the same secret.
    auto manage_url = json::value_to<std::string>(rsvp.at("manage_url"));
    auto api_url = json::value_to<std::string>(rsvp.at("url"));
    BOOST_TEST_REQUIRE(api_url.find("/api/v1/rsvp/kalr_") != std::string::npos, api_url);
    auto rsvp_token = api_url.substr(api_url.find("/api/v1/rsvp/") + 13);
    BOOST_TEST(manage_url.ends_with("/anmalan/" + rsvp_token), manage_url);
    auto holder = [&](const std::string& method, const std::string& pattern, const std::string& body) {
        const auto& r = service.route(method, pattern);
        auto hreq = service_routes::request_for(r);
        hreq.params["token"] = rsvp_token;
        if (!body.empty()) {
            hreq.headers["content-type"] = "application/json";
            hreq.body = body;
        }
        auto hres = service_routes::call(r, hreq);
        BOOST_TEST_REQUIRE(hres.status == 200, method << " " << pattern << " answered " << hres.status << ": " << hres.body);
        std::vector<std::string> shape;
        shape_errors(json::parse(hres.body), response_schema(method, pattern, "200"), method + " " + pattern, shape);
        BOOST_TEST(shape.empty(), "the response differs from the document:" << joined(shape));
        return hres;
    };
    BOOST_TEST(holder("GET", "/api/v1/rsvp/{token}", "").header("Cache-Control").value_or("") == "no-store");
    holder("PATCH", "/api/v1/rsvp/{token}", R"({"party_size":1,"needs":""})");
    const auto& rsvps = service.route("GET", "/api/v1/meetings/{id}/rsvps");
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"", ""}, {"status", "confirmed"},
                                                                                     {"organisation", org_id}}) {
        auto lreq = service_routes::request_for(rsvps);
        lreq.params["id"] = meeting_id;
        lreq.headers["authorization"] = "Bearer " + service.token;
        if (!name.empty()) lreq.query.emplace(name, value);
        auto lres = service_routes::call(rsvps, lreq);
        BOOST_TEST_REQUIRE(lres.status == 200, lres.body);
        BOOST_TEST(lres.header("Cache-Control").value_or("") == "no-store");
        auto listed_rsvps = json::parse(lres.body);
        BOOST_TEST(!listed_rsvps.at("items").as_array().empty(), name);
        std::vector<std::string> shape;
        shape_errors(listed_rsvps, response_schema("GET", "/api/v1/meetings/{id}/rsvps", "200"), "rsvps", shape);
        BOOST_TEST(shape.empty(), "the response differs from the document:" << joined(shape));
    }
    // Its documented list parameters are read: a bad value is 400 naming it.
    for (const auto& name : query_parameter_names(documented_operation_at("GET", "/api/v1/meetings/{id}/rsvps"))) {
        auto lreq = service_routes::request_for(rsvps);
        lreq.params["id"] = meeting_id;
        lreq.headers["authorization"] = "Bearer " + service.token;
        lreq.query.emplace(name, name == "status" ? "no_such_value" : "abc");
        auto lres = service_routes::call(rsvps, lreq);
        BOOST_TEST(lres.status == 400, name << " answered " << lres.status);
        BOOST_TEST(lres.body.find("\"field\":\"" + name + "\"") != std::string::npos, lres.body);
    }
    auto cancelled_rsvp = holder("POST", "/api/v1/rsvp/{token}/cancel", "");
    BOOST_TEST(cancelled_rsvp.body.find(R"("status":"cancelled")") != std::string::npos, cancelled_rsvp.body);
    holder("POST", "/api/v1/rsvp/{token}/cancel", "");  // idempotent

    const auto& cancel = service.route("POST", "/api/v1/meetings/{id}/cancel");
    auto req = service_routes::request_for(cancel);
    req.params["id"] = meeting_id;
    req.headers["authorization"] = "Bearer " + service.token;
    auto res = service_routes::call(cancel, req);
    BOOST_TEST_REQUIRE(res.status == 200, res.body);
    std::vector<std::string> errors;
    shape_errors(json::parse(res.body), response_schema("POST", "/api/v1/meetings/{id}/cancel", "200"), "cancel",
                 errors);
    BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));

    // Private feeds: created and rotated with their link, listed without it.
    auto feed_token = service.checked("POST", "/api/v1/feed-tokens",
                                      R"({"name":"Mina möten","types":["fro","stormote"],"network_ids":[)" + network_id +
                                          R"(],"organisation_ids":[)" + org_id + "]}",
                                      201);
    BOOST_TEST(json::value_to<std::string>(feed_token.at("webcal_url")).starts_with("webcal://"));
    auto feed_token_id = std::to_string(feed_token.at("id").as_int64());
    const auto& rotate = service.route("POST", "/api/v1/feed-tokens/{id}/rotate");
    req = service_routes::request_for(rotate);
    req.params["id"] = feed_token_id;
    req.headers["authorization"] = "Bearer " + service.token;
    res = service_routes::call(rotate, req);
    BOOST_TEST_REQUIRE(res.status == 200, res.body);
    auto rotated = json::parse(res.body);
    BOOST_TEST(rotated.at("url") != feed_token.at("url"));
    errors.clear();
    shape_errors(rotated, response_schema("POST", "/api/v1/feed-tokens/{id}/rotate", "200"), "rotate", errors);
    BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));
    const auto& feed_tokens = service.route("GET", "/api/v1/feed-tokens");
    req = service_routes::request_for(feed_tokens);
    req.headers["authorization"] = "Bearer " + service.token;
    res = service_routes::call(feed_tokens, req);
    BOOST_TEST_REQUIRE(res.status == 200, res.body);
    auto listed = json::parse(res.body);
    BOOST_TEST(listed.at("items").as_array().size() == 1u);
    errors.clear();
    shape_errors(listed, response_schema("GET", "/api/v1/feed-tokens", "200"), "GET /api/v1/feed-tokens", errors);
    BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));

    // Attendance: a check-in (201, then 200 for the same), the list, the counts; the yearly
    // report (public); an admin's export and erasure of an address.
    auto checkin_path = "/api/v1/meetings/{id}/checkins";
    auto with_meeting = [&](const std::string& method, const std::string& pattern, const std::string& body) {
        const auto& r = service.route(method, pattern);
        auto areq = service_routes::request_for(r);
        areq.params["id"] = small_id;  // still published (the first meeting is cancelled above)
        areq.headers["authorization"] = "Bearer " + service.token;
        if (!body.empty()) areq.headers["content-type"] = "application/json";
        areq.body = body;
        return service_routes::call(r, areq);
    };
    auto check_shape = [&](const svc::response& got, const std::string& method, const std::string& pattern,
                           int status) {
        BOOST_TEST_REQUIRE(got.status == status, method << " " << pattern << " answered " << got.status << ": "
                                                        << got.body);
        std::vector<std::string> shape;
        shape_errors(json::parse(got.body), response_schema(method, pattern, std::to_string(status)),
                     method + " " + pattern, shape);
        BOOST_TEST(shape.empty(), "the response differs from the document:" << joined(shape));
    };
    check_shape(with_meeting("POST", checkin_path, R"({"name":"Gäst","organisation":"Grannföreningen"})"), "POST",
                checkin_path, 201);
    check_shape(with_meeting("POST", checkin_path, R"({"name":"Gäst","organisation":"Grannföreningen"})"), "POST",
                checkin_path, 200);
    check_shape(with_meeting("POST", checkin_path, R"({"rsvp":)" + std::to_string(waiting.at("id").as_int64()) + "}"),
                "POST", checkin_path, 201);
    check_shape(with_meeting("GET", checkin_path, ""), "GET", checkin_path, 200);
    check_shape(with_meeting("GET", "/api/v1/meetings/{id}/attendance", ""), "GET", "/api/v1/meetings/{id}/attendance",
                200);
    check_shape(with_meeting("PUT", "/api/v1/meetings/{id}/reminders", R"({"offsets":["7d","2h"]})"), "PUT",
                "/api/v1/meetings/{id}/reminders", 200);
    check_shape(with_meeting("GET", "/api/v1/meetings/{id}/reminders", ""), "GET", "/api/v1/meetings/{id}/reminders",
                200);
    check_shape(with_meeting("GET", "/api/v1/meetings/{id}/messages", ""), "GET", "/api/v1/meetings/{id}/messages",
                200);
    {
        const auto& r = service.route("GET", "/api/v1/reports/year/{year}");
        auto rreq = service_routes::request_for(r);
        rreq.params["year"] = "2030";
        check_shape(service_routes::call(r, rreq), "GET", "/api/v1/reports/year/{year}", 200);
    }
    check_shape(service.send("POST", "/api/v1/admin/personal-data/export", R"({"email":"ASA@example.se"})"), "POST",
                "/api/v1/admin/personal-data/export", 200);
    check_shape(service.send("POST", "/api/v1/admin/personal-data/erase", R"({"email":"asa@example.se"})"), "POST",
                "/api/v1/admin/personal-data/erase", 200);

    // The import, as a dry run (200) and for real (201).
    const std::string calendar =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openapi test//SV\r\nBEGIN:VEVENT\r\n"
        "UID:openapi-import@example.se\r\nDTSTAMP:20300101T120000Z\r\n"
        "DTSTART;TZID=Europe/Stockholm:20300305T180000\r\nDTEND;TZID=Europe/Stockholm:20300305T200000\r\n"
        "SUMMARY:Importerat möte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    for (bool dry_run : {true, false}) {
        auto imported = service.send("POST", "/api/v1/import", calendar, "text/calendar",
                                     {{"organisation", org_id}, {"dry_run", dry_run ? "true" : "false"}});
        const int status = dry_run ? 200 : 201;
        BOOST_TEST_REQUIRE(imported.status == status, "import answered " << imported.status << ": " << imported.body);
        auto value = json::parse(imported.body);
        BOOST_TEST(value.at("items").as_array().size() == 1u);
        BOOST_TEST(value.at("items").at(0).at("id").is_null() == dry_run);
        errors.clear();
        shape_errors(value, response_schema("POST", "/api/v1/import", std::to_string(status)), "import", errors);
        BOOST_TEST(errors.empty(), "the response differs from the document:" << joined(errors));
    }
}

namespace {

// The request for a route with the given path parameters filled in.
svc::request request_with(const svc::route& r, const std::map<std::string, std::string>& values) {
    svc::request req;
    req.method = r.method;
    std::string path = r.pattern;
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
        auto close = path.find('}', open);
        const auto& value = values.at(path.substr(open + 1, close - open - 1));
        req.params[path.substr(open + 1, close - open - 1)] = value;
        path.replace(open, close - open + 1, value);
    }
    req.path = path;
    req.target = path;
    return req;
}

std::set<std::string> header_parameter_names(const json::object& op) {
    std::set<std::string> names;
    if (auto params = op.if_contains("parameters"))
        for (const auto& p : params->as_array()) {
            const auto& param = follow(p).as_object();
            if (param.at("in").as_string() == "header") names.emplace(param.at("name").as_string());
        }
    return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(feeds_answer_as_documented_with_their_headers_and_304) {
    service_with_admin service;
    auto created = [&](const std::string& path, const std::string& body) {
        auto res = service.send("POST", path, body);
        BOOST_TEST_REQUIRE(res.status == 201, path << " answered " << res.status << ": " << res.body);
        return json::parse(res.body);
    };
    auto org_id = std::to_string(created("/api/v1/organisations", R"({"name":"Flödet","slug":"openapi"})").at("id").as_int64());
    created("/api/v1/networks", R"({"name":"Flödet","slug":"openapi","organisation_ids":[)" + org_id + "]}");
    created("/api/v1/venues", R"({"name":"Flödet","slug":"openapi","organisation_id":)" + org_id + "}");
    auto meeting = created("/api/v1/meetings", R"({"type":"fro","title":"Flödesmöte","start":"2030-03-05T18:00",
                                                    "end":"2030-03-05T20:00","status":"published","organisation_id":)" +
                                                   org_id + "}");
    auto link = json::value_to<std::string>(created("/api/v1/feed-tokens", R"({"name":"Privat"})").at("url"));
    auto secret = link.substr(link.find("/feeds/private/") + 15);
    secret = secret.substr(0, secret.size() - 4);  // ".ics"
    const auto& sign_up_route = service.route("POST", "/api/v1/meetings/{id}/rsvps");
    auto sign_up_req = service_routes::request_for(sign_up_route);
    sign_up_req.params["id"] = std::to_string(meeting.at("id").as_int64());
    sign_up_req.headers["content-type"] = "application/json";
    sign_up_req.body = R"({"name":"Åsa","email":"asa@example.se","consent":true})";
    auto sign_up_res = service_routes::call(sign_up_route, sign_up_req);
    BOOST_TEST_REQUIRE(sign_up_res.status == 201, sign_up_res.body);
    auto signed_up = json::parse(sign_up_res.body);
    auto feed_url = json::value_to<std::string>(signed_up.at("feed_url"));
    auto rsvp_secret = feed_url.substr(feed_url.find("/feeds/rsvp/") + 12);
    rsvp_secret = rsvp_secret.substr(0, rsvp_secret.size() - 4);  // ".ics"
    const std::map<std::string, std::string> feed_values = {
        {"type", "fro"}, {"slug", "openapi"}, {"id", std::to_string(meeting.at("id").as_int64())}, {"token", secret}};
    const std::map<std::string, std::string> feed_nothing = {
        {"type", "no_such_type"}, {"slug", "no-such-slug"}, {"id", "999999"}, {"token", "kalf_no-such-token"}};

    int feeds = 0;
    for (const auto& d : documented_operations()) {
        if (!d.path.starts_with("/feeds/")) continue;
        ++feeds;
        // The holder's sign-up feed takes the sign-up's secret.
        auto values = feed_values;
        auto nothing = feed_nothing;
        if (d.path.starts_with("/feeds/rsvp/")) {
            values["token"] = rsvp_secret;
            nothing["token"] = "kalr_" + std::string(43, 'A');
        }
        const auto name = d.method + " " + d.path;
        auto conditional = header_parameter_names(*d.op);
        BOOST_TEST(conditional.contains("If-None-Match"), name << " does not document If-None-Match");
        BOOST_TEST(conditional.contains("If-Modified-Since"), name << " does not document If-Modified-Since");
        BOOST_TEST(lists_response(*d.op, "304"), name << " does not document 304");

        const auto& r = service.route(d.method, d.path);
        auto req = request_with(r, values);
        auto res = service_routes::call(r, req);
        BOOST_TEST_REQUIRE(res.status == 200, name << " answered " << res.status << ": " << res.body);
        const auto& ok = d.op->at("responses").at("200").as_object();
        const auto& content = ok.at("content").as_object();
        BOOST_TEST_REQUIRE(content.size() == 1u);
        BOOST_TEST(res.header("Content-Type").value_or("") == std::string(content.begin()->key()), name);
        for (const auto& [header, _] : ok.at("headers").as_object())
            BOOST_TEST(res.header(header).has_value(), name << " 200 without the documented " << header);
        // Feeds are sent from a buffer shared by every response (no copy per request).
        BOOST_TEST_REQUIRE(res.shared_body != nullptr, name);
        BOOST_TEST(res.shared_body->starts_with("BEGIN:VCALENDAR\r\n"), name);
        BOOST_TEST(res.shared_body->find("ATTENDEE") == std::string::npos, name);
        const bool is_private = d.path.starts_with("/feeds/private/") || d.path.starts_with("/feeds/rsvp/");
        BOOST_TEST(res.header("Cache-Control").value_or("").starts_with(is_private ? "private" : "public"), name);

        // The validators it sent make 304, without a body and with the documented headers.
        const auto& not_modified = d.op->at("responses").at("304").as_object();
        for (auto [header, value] : {std::pair{"if-none-match", res.header("ETag").value_or("")},
                                     std::pair{"if-modified-since", res.header("Last-Modified").value_or("")}}) {
            auto again = request_with(r, values);
            again.headers[header] = value;
            auto cached = service_routes::call(r, again);
            BOOST_TEST(cached.status == 304, name << " with " << header << " answered " << cached.status);
            BOOST_TEST(cached.body.empty(), name);
            for (const auto& [h, _] : not_modified.at("headers").as_object())
                BOOST_TEST(cached.header(h).has_value(), name << " 304 without the documented " << h);
        }
        auto other = request_with(r, values);
        other.headers["if-none-match"] = "\"another\"";
        BOOST_TEST(service_routes::call(r, other).status == 200, name);

        // A scope that names nothing is the documented 404.
        if (d.path.find('{') != std::string::npos) {
            auto missing = request_with(r, nothing);
            auto res404 = service_routes::call(r, missing);
            BOOST_TEST(res404.status == 404, name << " for nothing answered " << res404.status);
            BOOST_TEST(lists_response(*d.op, "404"), name);
        }
    }
    BOOST_TEST(feeds == 9);
}
