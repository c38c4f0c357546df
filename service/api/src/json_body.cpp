#include "json_body.hpp"

namespace kal::service::api {

json_body::json_body(const http::request& req) {
    auto content_type = req.header("content-type").value_or("");
    auto media = content_type.substr(0, content_type.find(';'));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (media != "application/json" && media != "application/merge-patch+json") {
        unreadable.body = app::error(app::error_kind::unsupported, "Content-Type must be application/json");
        return;
    }
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 32;
    auto value = boost::json::parse(req.body, ec, {}, options);
    if (ec) {
        unreadable.body = app::error(app::error_kind::bad_request, "The body is not valid JSON: " + ec.message());
        return;
    }
    if (!value.is_object()) {
        unreadable.body = app::error(app::error_kind::bad_request, "The body must be a JSON object");
        return;
    }
    owned_ = std::move(value.as_object());
}

json_body::json_body(const boost::json::object& object, std::string prefix, app::unreadable_input* into)
    : object_(&object), prefix_(std::move(prefix)), into_(into) {}

std::string json_body::field_name(std::string_view name) const {
    return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void json_body::error(std::string_view field, std::string message) {
    into_->fields.push_back({field_name(field), std::move(message), "type"});
}

void json_body::only(std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : *object_) {
        bool known = false;
        for (auto a : allowed) known = known || a == std::string_view(key);
        if (!known) into_->fields.push_back({field_name(key), "unknown field", "unknown_field"});
    }
}

bool json_body::has(std::string_view name) const { return object_->contains(name); }
const boost::json::value* json_body::raw(std::string_view name) const { return object_->if_contains(name); }

std::optional<std::string> json_body::text(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) {
        error(name, "must be a string");
        return std::nullopt;
    }
    return std::string(v->get_string());
}

std::optional<std::string> json_body::text_not_null(std::string_view name) {
    auto v = object_->if_contains(name);
    if (v && v->is_null()) into_->fields.push_back({field_name(name), "is required", "required"});
    return text(name);
}

std::optional<std::int64_t> json_body::integer(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->get_uint64());
    error(name, "must be a whole number");
    return std::nullopt;
}

std::optional<bool> json_body::boolean(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) {
        error(name, "must be true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

std::optional<double> json_body::number(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) {
        error(name, "must be a number");
        return std::nullopt;
    }
    return v->to_number<double>();
}

std::optional<std::vector<std::int64_t>> json_body::id_list(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
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
    return ids;
}

std::optional<std::vector<std::string>> json_body::text_list(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_array()) {
        error(name, "must be an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : v->get_array()) {
        if (!item.is_string()) {
            error(name, "must be an array of strings");
            return std::nullopt;
        }
        out.emplace_back(item.get_string());
    }
    return out;
}

app::nullable<std::int64_t> json_body::nullable_integer(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_null()) return std::optional<std::int64_t>{};
    if (auto i = integer(name)) return std::optional<std::int64_t>{*i};
    return std::nullopt;
}

app::nullable<std::string> json_body::nullable_text(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_null()) return std::optional<std::string>{};
    if (auto s = text(name)) return std::optional<std::string>{*s};
    return std::nullopt;
}

app::nullable<double> json_body::nullable_number(std::string_view name) {
    auto v = object_->if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_null()) return std::optional<double>{};
    if (auto d = number(name)) return std::optional<double>{*d};
    return std::nullopt;
}

}  // namespace kal::service::api
