#pragma once
// The rules every text a person types must meet, whichever adapter it came through: a length in
// characters, no control characters, one line where one line is meant; and what counts as an
// e-mail address or a web address.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kal/service/app/errors.hpp"

namespace kal::service::app {

enum class text_kind {
    single_line,  // no control characters at all
    multi_line,   // newlines allowed (CRLF and lone CR become LF), no other control characters
};

// The value normalised (line breaks), or nullopt with `problem` set (its message and code).
std::optional<std::string> check_text(std::string_view value, std::size_t max_length, text_kind kind,
                                      field_error& problem);

// Checks `value` for `field` and records a problem in `errors`. required: absent or blank is an
// error. Returns the normalised value (nullopt when absent or wrong).
std::optional<std::string> read_text(field_errors& errors, const std::string& field,
                                     const std::optional<std::string>& value, std::size_t max_length, bool required,
                                     text_kind kind = text_kind::single_line);

// An absolute http(s) URL with a host, without spaces or control characters.
bool is_http_url(std::string_view value);
// An address mail can be sent to (one @, a dot in the domain, ASCII, no spaces or specials).
bool is_email(std::string_view value);

}  // namespace kal::service::app
