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

std::optional<std::string> percent_decoded(std::string_view text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int high = i + 1 < text.size() ? digit(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? digit(text[i + 2]) : -1;
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
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

dictionary& add_listed_meeting(dictionary& list, const db::meeting& m, const app::surroundings& around,
                               db::language language, const std::string& time) {
    auto shown = listed(m, around, language);
    auto& item = list.add("meeting");
    item.set("item_time", time)
        .set("item_href", localised(language, "/moten/" + std::to_string(m.id)))
        .set("item_title", m.title)
        .set("item_type", app::label(m.type, language))
        .set("item_place", shown.place)
        .include("meeting_item", "meeting_item.html");
    if (m.status == db::meeting_status::cancelled) {
        item.show("cancelled");
        return item;
    }
    item.show("not_cancelled");
    if (shown.full) item.show("item_full");
    if (!shown.seats.empty()) item.show("item_has_seats").set("item_seats", shown.seats);
    return item;
}

// ---- subscribing (web-directory) -------------------------------------------------------------

void add_subscription(dictionary& d, const site& pages, const offered_feed& feed) {
    const auto& settings = pages.settings();
    const auto url = pages.absolute(feed.path);
    const auto webcal = url.substr(url.find("://") + 3);  // the template writes the scheme
    const auto calendar_name = settings.feeds.calendar_name + " – " + feed.name;
    auto& item = d.add("subscription");
    item.set("sub_id", feed.id)
        .set("sub_name", feed.name)
        .set("sub_url", url)
        .set("sub_webcal", webcal)
        // Google Calendar adds a calendar by URL from its cid parameter, the webcal:// address;
        // Outlook on the web from addfromweb's url (the https:// address) and name. Neither is
        // documented by its maker; both are what Google's and Microsoft's own "subscribe" links
        // send, and the page gives the address and steps beside them.
        .set("sub_google_cid", percent_encoded("webcal://" + webcal))
        .set("sub_url_encoded", percent_encoded(url))
        .set("sub_name_encoded", percent_encoded(calendar_name))
        .include("subscription", "subscription.html");
    item.show(feed.with_hint ? "sub_hint" : "sub_no_hint");
    if (!feed.atom_path.empty()) item.show("sub_has_atom").set("sub_atom", feed.atom_path);
}

void link_atom_feed(page_frame& frame, const std::string& collection, const std::string& key, const std::string& name) {
    const auto& t = app::texts::of(frame.language);
    frame.feed_href = collection.empty() ? "/feeds/all.atom" : "/feeds/" + collection + "/" + key + ".atom";
    frame.feed_title = name.empty() ? t["atom.all"] + " (Atom)" : name + " – " + t["atom.link"];
}

}  // namespace kal::service::web
