#include "pages.hpp"

#include <algorithm>

#include "kal/service/app/collation.hpp"
#include "kal/service/app/dates.hpp"
#include "kal/service/app/texts.hpp"

namespace kal::service::web {

void add_page(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages, const std::string& method,
              const std::string& pattern, page_handler handler) {
    auto bound = [&ctx, pages, handler](db::language language) {
        return [&ctx, pages, handler, language](request& req) { return handler(ctx, *pages, req, language); };
    };
    routes.add(method, pattern, bound(db::language::sv));
    routes.add(method, pattern == "/" ? "/en/" : "/en" + pattern, bound(db::language::en));
}

std::string localised(db::language language, const std::string& path) {
    if (language != db::language::en) return path;
    return path == "/" ? "/en/" : "/en" + path;
}

std::string percent_encoded(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters) {
    std::string out;
    for (const auto& [name, value] : parameters) {
        if (value.empty()) continue;
        out += (out.empty() ? "" : "&") + name + "=" + percent_encoded(value);
    }
    return out;
}

std::string with_query(const std::string& path, const std::vector<std::pair<std::string, std::string>>& parameters) {
    auto query = query_string(parameters);
    return query.empty() ? path : path + "?" + query;
}

std::vector<choice> type_choices(db::language language, bool plural) {
    std::vector<choice> out;
    for (const auto& [type, text] : db::meeting_type_texts)
        out.push_back({std::string(text), plural ? app::plural_label(type, language) : app::label(type, language), {}});
    return out;
}

void add_select(dictionary& d, const select_field& field, std::vector<choice> choices, const std::string& selected) {
    std::sort(choices.begin(), choices.end(),
              [](const choice& a, const choice& b) { return app::swedish_less(a.label, b.label); });
    auto& f = d.add("select_field");
    f.set("field_id", field.id)
        .set("field_name", field.name)
        .set("field_label", field.label)
        .set("field_all", field.all);
    for (const auto& c : choices) {
        auto& o = f.add("field_option").set("option_value", c.value).set("option_label", c.label);
        if (!selected.empty() && (c.value == selected || c.alias == selected)) o.show("option_selected");
    }
    d.include("select_field", "select_field.html");
}

listed_meeting listed(const db::meeting& m, const app::surroundings& around, db::language language) {
    const auto& t = app::texts::of(language);
    listed_meeting out;
    out.time = app::time_span_text(m, language);
    if (const auto* v = around.venue_of(m)) out.place = v->name + (v->address.empty() ? "" : ", " + v->address);
    else if (!m.location.empty()) out.place = m.location;
    else if (!m.online_url.empty()) out.place = t["calendar.online"];
    if (auto s = around.seats.find(m.id); s != around.seats.end()) {
        out.full = s->second.full();
        if (out.full) out.seats = t["calendar.waitlist_open"];
        else if (auto left = s->second.seats_left(); left == 1) out.seats = t["calendar.one_seat_left"];
        else if (left) out.seats = std::to_string(*left) + " " + t["calendar.seats_left"];
    }
    return out;
}

}  // namespace kal::service::web
