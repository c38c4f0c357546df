// The one mapping of every error a request can cause to HTTP (problem+json, RFC 9457).

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "kal/calendar/utf8.hpp"
#include "kal/service/api/api.hpp"

namespace kal::service::api {

namespace {

struct kind_text {
    int status;
    const char* type;
    const char* title;
};

kind_text of(app::error_kind k) {
    switch (k) {
    case app::error_kind::bad_request: return {400, "bad-request", "Felaktig begäran / Bad request"};
    case app::error_kind::unauthenticated: return {401, "unauthorized", "Inloggning krävs / Authentication required"};
    case app::error_kind::forbidden: return {403, "forbidden", "Åtkomst nekad / Forbidden"};
    case app::error_kind::not_found: return {404, "not-found", "Hittades inte / Not found"};
    case app::error_kind::not_allowed: return {405, "method-not-allowed", "Metoden stöds inte / Method not allowed"};
    case app::error_kind::conflict: return {409, "conflict", "Konflikt / Conflict"};
    case app::error_kind::too_large: return {413, "payload-too-large", "För stor begäran / Payload too large"};
    case app::error_kind::unsupported:
        return {415, "unsupported-media-type", "Fel innehållstyp / Unsupported media type"};
    case app::error_kind::validation: return {422, "validation", "Ogiltiga uppgifter / Validation failed"};
    case app::error_kind::rate_limited: return {429, "too-many-requests", "För många förfrågningar / Too many requests"};
    case app::error_kind::unavailable:
        return {503, "unavailable", "Tillfälligt otillgänglig / Service unavailable"};
    }
    return {500, "internal", "Internt fel / Internal error"};
}

std::string json_text(std::string_view s) { return boost::json::serialize(boost::json::value(s)); }

http::response problem_response(int status, std::string type, std::string title, std::string detail,
                                const std::vector<app::field_error>& fields) {
    boost::json::object o;
    o["type"] = std::move(type);
    o["title"] = std::move(title);
    o["status"] = status;
    // Details and field names may quote what a request held: never echoed as raw bytes, so the
    // body is always valid UTF-8 JSON.
    using kal::calendar::utf8::printable;
    o["detail"] = printable(detail);
    if (!fields.empty()) {
        boost::json::array errors;
        for (const auto& e : fields)
            errors.push_back(boost::json::object{{"field", printable(e.field)}, {"message", printable(e.message)}});
        o["errors"] = std::move(errors);
    }
    http::response r;
    r.status = status;
    r.body = boost::json::serialize(o);
    r.set_header("Content-Type", "application/problem+json");
    return r;
}

}  // namespace

http::response problem_answer(const app::error& e) {
    auto k = of(e.kind);
    auto type = std::string("/api/problems/") + (e.code.empty() || e.code == "sign-up-refused" ? k.type : e.code);
    auto r = problem_response(k.status, type, k.title, e.what(), e.fields);
    if (e.retry_after_seconds) r.set_header("Retry-After", std::to_string(*e.retry_after_seconds));
    if (e.kind == app::error_kind::unauthenticated) r.set_header("WWW-Authenticate", "Bearer realm=\"kalendarium\"");
    if (e.kind == app::error_kind::not_allowed) {
        std::string allow;
        for (const auto& m : e.allowed) allow += (allow.empty() ? "" : ", ") + m;
        r.set_header("Allow", allow);
    }
    return r;
}

http::response error_answer(const http::request&, std::exception_ptr error) {
    if (auto e = app::classify(error)) {
        if (e->kind == app::error_kind::unavailable)
            spdlog::warn(R"("event":"database_unavailable","error":{})", json_text(e->what()));
        return problem_answer(*e);
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error(R"("event":"unhandled_exception","error":{})", json_text(e.what()));
    } catch (...) {
        spdlog::error(R"("event":"unhandled_exception","error":"unknown")");
    }
    return problem_response(500, "/api/problems/internal", "Internt fel / Internal error",
                            "Something went wrong on our side; it has been logged.", {});
}

http::response refusal_answer(const http::request*, const http::refusal& r) {
    if (!r.field.empty() && (r.status == 400 || r.status == 404)) {
        // Text the router refused: named, and its value not quoted (problem_response cleans the
        // name, which a client may have sent malformed too).
        app::error e(r.status == 404 ? app::error_kind::not_found : app::error_kind::bad_request, r.detail);
        e.fields.push_back({r.field, "Ingen giltig text (UTF-8 utan NUL) / Not UTF-8 text without NUL", "not_text"});
        return problem_answer(e);
    }
    switch (r.status) {
    case 404: return problem_answer(app::not_found(r.detail));
    case 405: {
        std::string allow;
        for (const auto& m : r.allowed) allow += (allow.empty() ? "" : ", ") + m;
        app::error e(app::error_kind::not_allowed, "Tillåtna metoder / Allowed methods: " + allow);
        e.allowed = r.allowed;
        return problem_answer(e);
    }
    case 413: return problem_answer(app::error(app::error_kind::too_large, r.detail));
    case 431:
        return problem_response(431, "/api/problems/header-too-large",
                                "För stora huvuden / Request header fields too large", r.detail, {});
    case 429: {
        // A client address at its connection cap (server.max_connections_per_address).
        auto res = problem_response(429, "/api/problems/too-many-connections",
                                    "För många anslutningar / Too many connections", r.detail, {});
        res.set_header("Retry-After", std::to_string(r.retry_after_seconds ? r.retry_after_seconds : 1));
        return res;
    }
    case 503: return problem_answer(app::unavailable(r.detail, r.retry_after_seconds ? r.retry_after_seconds : 2));
    default: return problem_answer(app::error(app::error_kind::bad_request, r.detail));
    }
}

http::errors_to_answers problem_answers() { return {error_answer, refusal_answer}; }

}  // namespace kal::service::api
