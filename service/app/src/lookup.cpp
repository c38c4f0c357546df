#include "kal/service/app/lookup.hpp"

#include <charconv>

#include "kal/db/directory.hpp"

namespace kal::service::app {

std::optional<db::id_t> parse_id(const std::string& text) {
    db::id_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || p != text.data() + text.size() || id < 1 || text.front() == '+') return std::nullopt;
    return id;
}

namespace {
bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

template <class Repository>
db::id_t id_or_slug(db::unit_of_work& w, const std::string& text) {
    if (all_digits(text)) return parse_id(text).value_or(-1);
    if (auto found = Repository{w}.find_by_slug(text)) return found->id;
    return -1;
}
}  // namespace

db::id_t network_id_or_slug(db::unit_of_work& w, const std::string& t) { return id_or_slug<db::networks>(w, t); }
db::id_t organisation_id_or_slug(db::unit_of_work& w, const std::string& t) {
    return id_or_slug<db::organisations>(w, t);
}
db::id_t venue_id_or_slug(db::unit_of_work& w, const std::string& t) { return id_or_slug<db::venues>(w, t); }

}  // namespace kal::service::app
