#include "kal/service/json_input.hpp"

#include "mail/message.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace kal::service {

boost::json::object parse_json_object(const request& req) {
    auto content_type = req.header("content-type").value_or("");
    auto semicolon = content_type.find(';');
    auto media = content_type.substr(0, semicolon);
    while (!media.empty() && media.back() == ' ') media.pop_back();
    for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (media != "application/json" && media != "application/merge-patch+json")
        throw problems::unsupported_media_type("application/json");
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 32;
    auto value = boost::json::parse(req.body, ec, {}, options);
    if (ec) throw problems::bad_request("The body is not valid JSON: " + ec.message());
    if (!value.is_object()) throw problems::bad_request("The body must be a JSON object");
    return std::move(value.as_object());
}

std::optional<std::string> check_text(std::string_view value, std::size_t max_length, text_kind kind,
                                      std::string& message) {
    std::string out;
    out.reserve(value.size());
    std::size_t characters = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        if ((c & 0xC0) != 0x80) ++characters;  // count UTF-8 lead bytes (JSON input is valid UTF-8)
        if (c == '\r') {
            if (kind == text_kind::single_line) {
                message = "must be a single line";
                return std::nullopt;
            }
            out += '\n';
            if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
            continue;
        }
        if (c == '\n' && kind == text_kind::single_line) {
            message = "must be a single line";
            return std::nullopt;
        }
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            message = "contains a control character";
            return std::nullopt;
        }
        out += static_cast<char>(c);
    }
    if (characters > max_length) {
        message = "at most " + std::to_string(max_length) + " characters";
        return std::nullopt;
    }
    return out;
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

json_fields::json_fields(const boost::json::object& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string json_fields::field_name(std::string_view name) const {
    return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void json_fields::error(std::string_view field, std::string message) {
    errors_.push_back({field_name(field), std::move(message)});
}

void json_fields::only(std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object_) {
        bool known = false;
        for (auto a : allowed) known = known || a == std::string_view(key);
        if (!known) error(key, "unknown field");
    }
}

bool json_fields::has(std::string_view name) const { return object_.contains(name); }

bool json_fields::is_null(std::string_view name) const {
    auto v = object_.if_contains(name);
    return v && v->is_null();
}

const boost::json::value* json_fields::raw(std::string_view name) const { return object_.if_contains(name); }

std::optional<std::string> json_fields::text(std::string_view name, std::size_t max_length, bool required,
                                             text_kind kind) {
    auto v = object_.if_contains(name);
    if (!v || v->is_null()) {
        if (required) error(name, "is required");
        return std::nullopt;
    }
    if (!v->is_string()) {
        error(name, "must be a string");
        return std::nullopt;
    }
    std::string message;
    auto checked = check_text(v->get_string(), max_length, kind, message);
    if (!checked) {
        error(name, message);
        return std::nullopt;
    }
    if (required && checked->find_first_not_of(" \t\n") == std::string::npos) {
        error(name, "must not be empty");
        return std::nullopt;
    }
    return checked;
}

std::optional<std::int64_t> json_fields::integer(std::string_view name, std::int64_t min, std::int64_t max,
                                                 bool required) {
    auto v = object_.if_contains(name);
    if (!v || v->is_null()) {
        if (required) error(name, "is required");
        return std::nullopt;
    }
    std::int64_t n = 0;
    if (v->is_int64()) {
        n = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        n = static_cast<std::int64_t>(v->get_uint64());
    } else {
        error(name, "must be a whole number");
        return std::nullopt;
    }
    if (n < min || n > max) {
        error(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> json_fields::boolean(std::string_view name, bool required) {
    auto v = object_.if_contains(name);
    if (!v || v->is_null()) {
        if (required) error(name, "is required");
        return std::nullopt;
    }
    if (!v->is_bool()) {
        error(name, "must be true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

std::optional<std::vector<std::int64_t>> json_fields::id_list(std::string_view name, bool required) {
    auto v = object_.if_contains(name);
    if (!v || v->is_null()) {
        if (required) error(name, "is required");
        return std::nullopt;
    }
    if (!v->is_array() || v->get_array().size() > 100) {
        error(name, "must be an array of at most 100 ids");
        return std::nullopt;
    }
    std::vector<std::int64_t> ids;
    for (const auto& item : v->get_array()) {
        if (!item.is_int64() || item.get_int64() <= 0) {
            error(name, "must contain positive whole numbers");
            return std::nullopt;
        }
        ids.push_back(item.get_int64());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

void json_fields::throw_if_errors() const {
    if (!errors_.empty()) throw problems::validation(errors_);
}

}  // namespace kal::service
