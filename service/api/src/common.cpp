#include "common.hpp"

#include <charconv>
#include <cstring>
#include <sodium.h>
#include <strings.h>

#include "kal/calendar/time.hpp"
#include "kal/db/meetings.hpp"
#include "kal/service/app/directory.hpp"
#include "kal/service/app/lookup.hpp"
#include "kal/service/app/sign_ups.hpp"

namespace kal::service::api {

db::id_t path_id(const request& req, const std::string& name) {
    auto it = req.params.find(name);
    db::id_t id = 0;
    if (it != req.params.end()) {
        const auto& s = it->second;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
        if (ec == std::errc{} && p == s.data() + s.size() && id > 0) return id;
    }
    throw app::not_found("No such resource: " + req.path);
}

std::string encode_cursor(const db::cursor& c) { return app::cursor_text(c); }

paging read_paging(const request& req) {
    paging p;
    if (auto limit = req.query_value("limit")) {
        int v = 0;
        auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), v);
        if (ec != std::errc{} || ptr != limit->data() + limit->size() || v < 1 || v > 200)
            throw app::bad_parameter("limit", "must be a whole number from 1 to 200");
        p.limit = v;
    }
    if (auto cursor = req.query_value("cursor")) {
        p.after = app::cursor_of(*cursor);
        if (!p.after) throw app::bad_parameter("cursor", "is not a cursor this API returned");
    }
    return p;
}

app::credentials credentials_of(const request& req) {
    app::credentials c;
    auto header = req.header("authorization");
    if (!header) return c;
    const std::string prefix = "Bearer ";
    if (header->size() <= prefix.size() || strncasecmp(header->c_str(), prefix.c_str(), prefix.size()) != 0)
        throw app::unauthenticated("Authorization must be \"Bearer <token>\"");
    c.bearer_token = header->substr(prefix.size());
    return c;
}

response json_ok(int status, const boost::json::value& v) {
    response r;
    r.status = status;
    r.body = boost::json::serialize(v);
    r.set_header("Content-Type", "application/json");
    return r;
}

response no_store(response r) {
    r.set_header("Cache-Control", "no-store");
    return r;
}

std::string utc_text(std::int64_t instant) { return calendar::format_rfc3339_utc(instant); }

boost::json::value optional_json(const std::optional<std::string>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value optional_json(const std::optional<std::int64_t>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value optional_json(const std::optional<int>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value ids_json(const std::vector<db::id_t>& ids) {
    boost::json::array a;
    for (auto id : ids) a.push_back(id);
    return a;
}

db::venue_overlap venue_overlap_of(const request& req) {
    auto v = req.query_value("allow_venue_conflict");
    if (!v || *v == "false") return db::venue_overlap::refuse;
    if (*v == "true") return db::venue_overlap::allow;
    throw app::bad_parameter("allow_venue_conflict", "must be true or false");
}

response csv_response(const std::vector<std::vector<std::string>>& rows, char separator, const std::string& filename) {
    response res;
    res.body = app::csv_text(rows, separator);
    res.set_header("Content-Type", "text/csv; charset=utf-8");
    res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    res.set_header("Cache-Control", "no-store");
    return res;
}

char csv_separator(const request& req) {
    auto sep = req.query_value("separator");
    if (!sep || *sep == "comma") return ',';
    if (*sep == "semicolon") return ';';
    throw app::bad_parameter("separator", "must be comma or semicolon");
}

bool wants_csv(const request& req) { return req.header("accept").value_or("").find("text/csv") != std::string::npos; }

app::directory_query directory_query_of(const request& req) {
    app::directory_query q;
    auto p = read_paging(req);
    q.limit = p.limit;
    q.after = p.after;
    q.q = req.query_value("q").value_or("");
    if (q.q.size() > 200) throw app::bad_parameter("q", "at most 200 characters");
    q.kind = req.query_value("kind");
    q.organisation = req.query_value("organisation");
    return q;
}

response created_at(const boost::json::object& j, const std::string& collection, db::id_t id) {
    auto r = json_ok(201, j);
    r.set_header("Location", "/api/v1/" + collection + "/" + std::to_string(id));
    return r;
}

}  // namespace kal::service::api
