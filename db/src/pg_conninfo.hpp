#pragma once
// SOCI 4.0's PostgreSQL backend re-tokenises its connect string as "key=value" words (looking
// for its own "singlerow" option) and appends '=' to a word without one, which corrupts a
// postgresql:// URI. So URIs are turned into libpq's keyword=value form first, with libpq's own
// parser.

#include <libpq-fe.h>

#include <optional>
#include <string>

namespace kal::db::detail {

// nullopt when libpq cannot parse the URL (its message may quote the URL, password included,
// so it is not passed on).
inline std::optional<std::string> pg_conninfo(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
    if (err) PQfreemem(err);
    if (!options) return std::nullopt;
    std::string out;
    for (auto* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        std::string value = o->val;
        bool plain = !value.empty() && value.find_first_of(" '\\\t\n") == std::string::npos;
        if (!plain) {
            std::string quoted = "'";
            for (char c : value) {
                if (c == '\'' || c == '\\') quoted += '\\';
                quoted += c;
            }
            value = quoted + "'";
        }
        if (!out.empty()) out += ' ';
        out += std::string(o->keyword) + "=" + value;
    }
    PQconninfoFree(options);
    return out;
}

}  // namespace kal::db::detail
