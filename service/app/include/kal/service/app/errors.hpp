#pragma once
// The one error family of a request: every error a request can cause, whichever layer noticed it,
// is an app::error with a kind. The adapters turn it into their answer in one function each:
// api/ into problem+json (RFC 9457), web/ into an HTML page or messages beside form fields.
//
// Field errors carry a stable `code` beside the English message: the API shows the message, the
// web pages look the code up in the page's language and fall back to the message.

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kal::service::app {

enum class error_kind {
    bad_request,      // 400: a parameter or body that cannot be read (names the parameter)
    unauthenticated,  // 401: credentials missing where needed, or not valid
    forbidden,        // 403: valid credentials that may not do this
    not_found,        // 404: nothing there, or nothing this caller may see
    not_allowed,      // 405: the path exists with other methods (`allowed`)
    conflict,         // 409: the request contradicts stored state (double booking, full quota)
    too_large,        // 413: a body above the configured limit
    unsupported,      // 415: a body in a media type the resource does not take
    validation,       // 422: fields with values that break a rule (`fields` names each)
    rate_limited,     // 429: too many attempts from one client (`retry_after_seconds`)
    unavailable,      // 503: the database or another dependency cannot answer now
};

struct field_error {
    std::string field;    // "title", "documents[1].url", a query parameter, "line 12: DTSTART"
    std::string message;  // English, for the API
    std::string code = {};  // stable key for translations ("required", "too_long", ...); may be empty
    bool operator==(const field_error&) const = default;
};

class error : public std::runtime_error {
public:
    error(error_kind kind, std::string detail, std::vector<field_error> fields = {});

    error_kind kind;
    std::vector<field_error> fields;
    // A short name for the kind of problem beyond its status, e.g. "venue-conflict",
    // "sign-up-closed", "quota-full" (the problem type URI ends with it); empty for the plain kind.
    std::string code;
    std::optional<int> retry_after_seconds;        // rate_limited, unavailable
    std::vector<std::string> allowed;              // not_allowed: the methods the path has
    std::vector<std::int64_t> related_ids;         // e.g. the meetings that hold a venue
};

// Short constructors, so that a throw reads as what happened.
error bad_parameter(std::string name, std::string message, std::string code = {});
error validation_failed(std::vector<field_error> fields);
error not_found(std::string detail);
error forbidden(std::string detail);
error unauthenticated(std::string detail);
error conflict(std::string detail, std::vector<field_error> fields = {}, std::string code = {});
error unavailable(std::string detail, int retry_after_seconds);
error rate_limited(int retry_after_seconds);

// The one translation of whatever a layer below threw (db::error and its kinds, calendar::error,
// app::error) into an app::error. nullopt for anything else: an unexpected failure, which the
// adapters answer with 500 and log without request data.
std::optional<error> classify(std::exception_ptr thrown);

// Collects field errors, so that a caller learns everything wrong with a request at once.
class field_errors {
public:
    void add(std::string field, std::string message, std::string code = {});
    void add(field_error e) { errors_.push_back(std::move(e)); }
    void append(const std::vector<field_error>& more);
    bool empty() const { return errors_.empty(); }
    bool has(const std::string& field) const;
    const std::vector<field_error>& list() const { return errors_; }
    // Throws validation_failed(...) when any error was added.
    void throw_if_any() const;

private:
    std::vector<field_error> errors_;
};

// What an adapter could not read of a request (a body that is not JSON, a field of the wrong
// type). A use case reports it only after it has checked who is asking, so that a caller learns
// "who are you" before "what did you send", whichever adapter it came through.
struct unreadable_input {
    std::optional<error> body;          // the whole body (400 malformed, 415 media type)
    std::vector<field_error> fields;    // single fields (reported with the use case's own findings)
    // Throws `body` when set; else adds the fields to `errors`.
    void report(field_errors& errors) const;
    bool empty() const { return !body && fields.empty(); }
};

}  // namespace kal::service::app
