#include "kal/service/http.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <boost/json.hpp>

namespace kal::service {

std::optional<std::string> request::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> request::query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> request::query_values(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = query.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

void response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return std::nullopt;
}

problem::problem(int status_code, std::string problem_type, std::string problem_title, std::string problem_detail,
                 std::vector<field_error> field_errors)
    : std::runtime_error(problem_detail),
      status(status_code),
      type(std::move(problem_type)),
      title(std::move(problem_title)),
      detail(std::move(problem_detail)),
      errors(std::move(field_errors)) {}

namespace problems {
namespace {
std::string type_uri(const char* name) { return std::string("/api/problems/") + name; }
}  // namespace

problem bad_request(std::string detail) {
    return {400, type_uri("bad-request"), "Felaktig begäran / Bad request", std::move(detail)};
}
problem validation(std::vector<field_error> errors) {
    std::string detail = "Ogiltiga fält / Invalid fields:";
    for (const auto& e : errors) detail += " " + e.field;
    return {422, type_uri("validation"), "Ogiltiga uppgifter / Validation failed", detail, std::move(errors)};
}
problem unauthorized(std::string detail) {
    problem p{401, type_uri("unauthorized"), "Inloggning krävs / Authentication required", std::move(detail)};
    p.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kalendarium\"");
    return p;
}
problem forbidden(std::string detail) {
    return {403, type_uri("forbidden"), "Åtkomst nekad / Forbidden", std::move(detail)};
}
problem not_found(std::string detail) {
    return {404, type_uri("not-found"), "Hittades inte / Not found", std::move(detail)};
}
problem method_not_allowed(const std::vector<std::string>& allowed) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    problem p{405, type_uri("method-not-allowed"), "Metoden stöds inte / Method not allowed",
              "Tillåtna metoder / Allowed methods: " + allow};
    p.headers.emplace_back("Allow", allow);
    return p;
}
problem conflict(std::string detail, std::vector<field_error> errors) {
    return {409, type_uri("conflict"), "Konflikt / Conflict", std::move(detail), std::move(errors)};
}
problem payload_too_large(std::size_t limit) {
    return {413, type_uri("payload-too-large"), "För stor begäran / Payload too large",
            "The request body is larger than " + std::to_string(limit) + " bytes"};
}
problem unsupported_media_type(std::string expected) {
    return {415, type_uri("unsupported-media-type"), "Fel innehållstyp / Unsupported media type",
            "Content-Type must be " + expected};
}
problem header_too_large(std::size_t limit) {
    return {431, type_uri("header-too-large"), "För stora huvuden / Request header fields too large",
            "The request head is larger than " + std::to_string(limit) + " bytes"};
}
problem unavailable(std::string detail, int retry_after_seconds) {
    problem p{503, type_uri("unavailable"), "Tillfälligt otillgänglig / Service unavailable", std::move(detail)};
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}
problem too_many_requests(int retry_after_seconds) {
    problem p{429, type_uri("too-many-requests"), "För många förfrågningar / Too many requests",
              "Too many sign-ups from this address; try again in " + std::to_string(retry_after_seconds) + " s"};
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}
}  // namespace problems

body_file::~body_file() {
    if (fd >= 0) ::close(fd);
}

std::shared_ptr<const body_file> body_file::of(const std::string& bytes) {
    int fd = ::memfd_create("kalendarium-body", MFD_CLOEXEC);
    if (fd < 0) return nullptr;
    auto file = std::make_shared<body_file>();
    file->fd = fd;
    file->size = bytes.size();
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return nullptr;  // the descriptor is closed with `file`
        done += static_cast<std::size_t>(n);
    }
    return file;
}

response to_response(const problem& p) {
    boost::json::object o;
    o["type"] = p.type;
    o["title"] = p.title;
    o["status"] = p.status;
    o["detail"] = p.detail;
    if (!p.errors.empty()) {
        boost::json::array errors;
        for (const auto& e : p.errors) errors.push_back(boost::json::object{{"field", e.field}, {"message", e.message}});
        o["errors"] = std::move(errors);
    }
    response r;
    r.status = p.status;
    r.body = boost::json::serialize(o);
    r.set_header("Content-Type", "application/problem+json");
    for (const auto& [n, v] : p.headers) r.set_header(n, v);
    return r;
}

response json_response(int status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.set_header("Content-Type", "application/json");
    return r;
}

}  // namespace kal::service
