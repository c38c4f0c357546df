#include "kal/service/app/lookup.hpp"

#include <charconv>
#include <cstring>
#include <sodium.h>

#include "kal/db/directory.hpp"

namespace kal::service::app {

std::optional<db::id_t> parse_id(const std::string& text) {
    db::id_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || p != text.data() + text.size() || id < 1 || text.front() == '+') return std::nullopt;
    return id;
}

std::string cursor_text(const db::cursor& c) {
    std::string plain = "1:" + std::to_string(c.sort_key) + ":" + std::to_string(c.id);
    std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<db::cursor> cursor_of(const std::string& text) {
    if (text.size() > 200) return std::nullopt;
    std::string plain(text.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(plain.data()), plain.size(), text.c_str(), text.size(),
                          nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return std::nullopt;
    plain.resize(length);
    if (!plain.starts_with("1:")) return std::nullopt;
    auto colon = plain.find(':', 2);
    if (colon == std::string::npos) return std::nullopt;
    db::cursor c;
    auto parse = [](std::string_view s, std::int64_t& v) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
    };
    if (!parse(std::string_view(plain).substr(2, colon - 2), c.sort_key) ||
        !parse(std::string_view(plain).substr(colon + 1), c.id))
        return std::nullopt;
    return c;
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
