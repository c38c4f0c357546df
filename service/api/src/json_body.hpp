#pragma once
// Reading a JSON request body into the application's inputs. Only what JSON itself decides is
// checked here (the media type, the syntax, the type of each field, unknown fields); every rule
// about values is the use case's. What cannot be read is recorded in `unreadable` for the use
// case to report after it has checked who is asking.

#include <boost/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/service/app/errors.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/http/message.hpp"

namespace kal::service::api {

class json_body {
public:
    // The body of `req` as an object: a Content-Type other than application/json is an
    // unreadable body (415), as is one that does not parse or is not an object (400).
    explicit json_body(const http::request& req);
    json_body(const json_body&) = delete;
    json_body& operator=(const json_body&) = delete;
    // A nested object ("documents[1]", "accessibility").
    json_body(const boost::json::object& object, std::string prefix, app::unreadable_input* into);

    app::unreadable_input unreadable;  // what could not be read (for the top-level body)

    // Every field not in `allowed` is an error ("unknown field").
    void only(std::initializer_list<std::string_view> allowed);
    bool has(std::string_view name) const;
    const boost::json::value* raw(std::string_view name) const;

    // Absent or null: nullopt. A value of another type: nullopt and an error naming the field.
    std::optional<std::string> text(std::string_view name);
    // As text, but null is an error ("is required"): for fields that may be left out but never
    // cleared (a title).
    std::optional<std::string> text_not_null(std::string_view name);
    std::optional<std::int64_t> integer(std::string_view name);
    std::optional<bool> boolean(std::string_view name);
    std::optional<double> number(std::string_view name);
    std::optional<std::vector<std::int64_t>> id_list(std::string_view name);
    std::optional<std::vector<std::string>> text_list(std::string_view name);
    // absent / null / value
    app::nullable<std::int64_t> nullable_integer(std::string_view name);
    app::nullable<std::string> nullable_text(std::string_view name);
    app::nullable<double> nullable_number(std::string_view name);

    void error(std::string_view field, std::string message);
    std::string field_name(std::string_view name) const;

private:
    boost::json::object owned_;
    const boost::json::object* object_ = &owned_;
    std::string prefix_;
    app::unreadable_input* into_ = &unreadable;
};

}  // namespace kal::service::api
