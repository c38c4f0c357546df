#include "kal/service/app/text_rules.hpp"

#include <boost/url/parse.hpp>

#include "kal/service/mail/message.hpp"

namespace kal::service::app {

std::optional<std::string> check_text(std::string_view value, std::size_t max_length, text_kind kind,
                                      field_error& problem) {
    std::string out;
    out.reserve(value.size());
    std::size_t characters = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        if ((c & 0xC0) != 0x80) ++characters;  // UTF-8 lead bytes (text arrives checked as UTF-8)
        if (c == '\r') {
            if (kind == text_kind::single_line) {
                problem.message = "must be a single line";
                problem.code = "single_line";
                return std::nullopt;
            }
            out += '\n';
            if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
            continue;
        }
        if (c == '\n' && kind == text_kind::single_line) {
            problem.message = "must be a single line";
            problem.code = "single_line";
            return std::nullopt;
        }
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            problem.message = "contains a control character";
            problem.code = "control_character";
            return std::nullopt;
        }
        out += static_cast<char>(c);
    }
    if (characters > max_length) {
        problem.message = "at most " + std::to_string(max_length) + " characters";
        problem.code = "too_long";
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> read_text(field_errors& errors, const std::string& field,
                                     const std::optional<std::string>& value, std::size_t max_length, bool required,
                                     text_kind kind) {
    if (!value) {
        if (required) errors.add(field, "is required", "required");
        return std::nullopt;
    }
    field_error problem{field, {}, {}};
    auto checked = check_text(*value, max_length, kind, problem);
    if (!checked) {
        errors.add(std::move(problem));
        return std::nullopt;
    }
    if (required && checked->find_first_not_of(" \t\n") == std::string::npos) {
        errors.add(field, "must not be empty", "required");
        return std::nullopt;
    }
    return checked;
}

bool is_http_url(std::string_view value) {
    if (value.size() > 2000) return false;
    for (char c : value)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
    auto parsed = boost::urls::parse_absolute_uri(value);
    if (!parsed) return false;
    auto scheme = parsed->scheme();
    return (scheme == "http" || scheme == "https") && parsed->has_authority() && !parsed->host().empty();
}

bool is_email(std::string_view value) {
    if (value.size() < 3 || value.size() > 254) return false;
    auto at = value.find('@');
    if (at == std::string_view::npos || at == 0 || value.find('@', at + 1) != std::string_view::npos) return false;
    auto domain = value.substr(at + 1);
    auto dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == ',' || c == ';' || c == '<' || c == '>' || c == '"') return false;
    }
    // And what mail can be sent to (ASCII, no doubled dots...): an address taken here must not
    // turn into a message that cannot be composed.
    return mail::is_valid_address(value);
}

}  // namespace kal::service::app
