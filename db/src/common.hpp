#pragma once
// Small helpers shared by the repositories in db/src.

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kal/db/errors.hpp"
#include "kal/db/model.hpp"
#include "sql.hpp"

namespace kal::db::detail {

// Upper bound of a page, whatever the caller asks for.
inline constexpr int max_page_limit = 1000;
// Ids bound into one IN list; longer lists are read in chunks. Far below the bound-parameter
// limits of both databases (SQLite 32766, PostgreSQL 65535).
inline constexpr std::size_t max_in_list = 500;

inline int clamp_limit(int limit) { return std::clamp(limit, 1, max_page_limit); }

inline long long ll(std::int64_t v) { return static_cast<long long>(v); }

// A LIKE pattern matching `q` anywhere, with %, _ and \ taken literally (ESCAPE '\').
inline std::string like_pattern(const std::string& q) {
    std::string out = "%";
    for (char c : q) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

inline std::string join(const std::vector<std::string>& parts, char sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

inline std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

inline std::string join_numbers(const std::vector<std::int64_t>& numbers) {
    std::string out;
    for (auto n : numbers) out += (out.empty() ? "" : ",") + std::to_string(n);
    return out;
}

// Numbers stored joined by ','. A part that is not a number is a corrupt row: error (internal).
inline std::vector<std::int64_t> split_numbers(std::string_view text) {
    std::vector<std::int64_t> out;
    for (const auto& part : split(text, ',')) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
        if (ec != std::errc() || end != part.data() + part.size())
            throw error("kal::db: a stored list of numbers is corrupt");
        out.push_back(n);
    }
    return out;
}

inline std::vector<id_t> sorted_unique(std::vector<id_t> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// An enumeration read from its column. A text outside the enum's table is a corrupt row (the
// columns' CHECKs allow only the table's texts): error (internal).
template <class E>
E stored(std::optional<E> parsed, const char* column) {
    if (!parsed) throw error(std::string("kal::db: an unknown value is stored in ") + column);
    return *parsed;
}

// Whether a row with this id exists in `table` (a constant of the caller, never input).
inline bool exists(soci::session& s, const char* table, id_t id) {
    long long n = 0;
    stmt(s, std::string("SELECT COUNT(*) FROM ") + table + " WHERE id = :id").use(ll(id)).into(n).one();
    return n > 0;
}

inline void require_organisation(soci::session& s, id_t id, const std::string& field) {
    if (!exists(s, "organisations", id))
        throw invalid_reference(field, "no organisation with id " + std::to_string(id));
}

}  // namespace kal::db::detail
