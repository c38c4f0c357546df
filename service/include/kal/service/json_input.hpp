#pragma once
// Reading untrusted JSON bodies field by field, collecting one error per bad field so that a
// client learns everything wrong with a request at once.

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/service/http.hpp"

namespace kal::service {

// The body as a JSON object: 415 unless Content-Type is application/json, 400 when it does not
// parse or is not an object.
boost::json::object parse_json_object(const request& req);

enum class text_kind {
    single_line,  // no control characters at all
    multi_line,   // newlines allowed (CRLF and lone CR become LF), no other control characters
};

class json_fields {
public:
    explicit json_fields(const boost::json::object& object, std::string prefix = "");

    // Every field not in `allowed` is an error ("unknown field").
    void only(std::initializer_list<std::string_view> allowed);
    bool has(std::string_view name) const;
    bool is_null(std::string_view name) const;
    const boost::json::value* raw(std::string_view name) const;

    // Each returns nullopt when absent, null or wrong, recording an error when wrong, or when
    // absent (or null) and required.
    std::optional<std::string> text(std::string_view name, std::size_t max_length, bool required,
                                     text_kind kind = text_kind::single_line);
    std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max, bool required);
    std::optional<bool> boolean(std::string_view name, bool required);
    std::optional<std::vector<std::int64_t>> id_list(std::string_view name, bool required);

    void error(std::string_view field, std::string message);
    std::string field_name(std::string_view name) const;
    std::vector<field_error>& errors() { return errors_; }
    // Throws problems::validation when any error was recorded.
    void throw_if_errors() const;

private:
    const boost::json::object& object_;
    std::string prefix_;
    std::vector<field_error> errors_;
};

// Checks a text value: valid length in characters, no forbidden control characters. Returns the
// normalised value or an error message.
std::optional<std::string> check_text(std::string_view value, std::size_t max_length, text_kind kind,
                                      std::string& message);

// An absolute http(s) URL without spaces or control characters.
bool is_http_url(std::string_view value);
// A plausible e-mail address (one @, a dot in the domain, no spaces or control characters).
bool is_email(std::string_view value);

}  // namespace kal::service
