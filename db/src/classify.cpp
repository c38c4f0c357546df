#include "classify.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string_view>

#include "kal/db/errors.hpp"

namespace kal::db::detail {

namespace {

// The first line of the database's message, without SOCI's context (which quotes the statement
// and its bound values) and without PostgreSQL's DETAIL lines (which quote stored values). Only
// ever searched for schema names; never passed on.
std::string first_line(const soci::soci_error& e) {
    std::string message = e.get_error_message();
    auto eol = message.find('\n');
    return eol == std::string::npos ? message : message.substr(0, eol);
}

// The text between the quotes that follow `marker`, or "".
std::string quoted_after(std::string_view text, std::string_view marker) {
    auto at = text.find(marker);
    if (at == std::string_view::npos) return {};
    auto open = text.find('"', at + marker.size());
    if (open == std::string_view::npos) return {};
    auto close = text.find('"', open + 1);
    if (close == std::string_view::npos) return {};
    return std::string(text.substr(open + 1, close - open - 1));
}

// The leading identifier of `text` after `marker`: "party_size" of "CHECK constraint failed:
// party_size >= 1", "name" of "NOT NULL constraint failed: rsvps.name".
std::string identifier_after(std::string_view text, std::string_view marker) {
    auto at = text.find(marker);
    if (at == std::string_view::npos) return {};
    auto rest = text.substr(at + marker.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::string out;
    for (char c : rest) {
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (c == '.') {
            out.clear();  // table.column: keep the column
            continue;
        }
        if (!word) break;
        out += c;
    }
    return out;
}

classified classify_sqlite(const soci::soci_error& e) {
    classified c;
    int code = -1;
    if (auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) code = s->result() & 0xff;
    c.code = "sqlite:" + std::to_string(code);
    auto line = first_line(e);
    if (code == 5 || code == 6 || line.find("database is locked") != std::string::npos ||
        line.find("database table is locked") != std::string::npos) {
        c.kind = failure::busy;
    } else if (line.find("UNIQUE constraint failed") != std::string::npos) {
        c.kind = failure::unique;
    } else if (line.find("FOREIGN KEY constraint failed") != std::string::npos) {
        c.kind = failure::foreign_key;
    } else if (line.find("CHECK constraint failed") != std::string::npos) {
        c.kind = failure::check;
        c.column = identifier_after(line, "CHECK constraint failed:");
    } else if (line.find("NOT NULL constraint failed") != std::string::npos) {
        c.kind = failure::check;
        c.column = identifier_after(line, "NOT NULL constraint failed:");
    } else if (code == 19) {
        c.kind = failure::check;
    } else if (code == 10 || code == 14 || code == 26) {  // I/O error, cannot open, not a database
        c.kind = failure::connection;
    }
    return c;
}

classified classify_postgresql(const soci::soci_error& e) {
    classified c;
    std::string state;
    if (auto* p = dynamic_cast<const soci::postgresql_soci_error*>(&e)) state = p->sqlstate();
    c.code = state;
    if (state == "23505") {
        c.kind = failure::unique;
    } else if (state == "23503") {
        c.kind = failure::foreign_key;
    } else if (state == "23514") {
        c.kind = failure::check;
        // new row for relation "rsvps" violates check constraint "rsvps_party_size_check"
        auto line = first_line(e);
        auto relation = quoted_after(line, "relation");
        auto constraint = quoted_after(line, "check constraint");
        constexpr std::string_view suffix = "_check";
        if (!relation.empty() && constraint.rfind(relation + "_", 0) == 0 && constraint.size() > suffix.size() &&
            constraint.compare(constraint.size() - suffix.size(), suffix.size(), suffix) == 0)
            c.column = constraint.substr(relation.size() + 1,
                                         constraint.size() - relation.size() - 1 - suffix.size());
    } else if (state == "23502") {
        c.kind = failure::check;
        c.column = quoted_after(first_line(e), "null value in column");
    } else if (state == "40001" || state == "40P01") {
        c.kind = failure::retry;
    } else if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") {
        // Class 08: connection exception; 57P01..57P03: shutdown, crash, cannot connect now.
        c.kind = failure::connection;
    } else if (state.rfind("22", 0) == 0) {
        c.kind = failure::bad_data;
    } else if (e.get_error_category() == soci::soci_error::connection_error) {
        c.kind = failure::connection;
    }
    return c;
}

}  // namespace

classified classify(const soci::soci_error& e, bool postgresql) {
    return postgresql ? classify_postgresql(e) : classify_sqlite(e);
}

void raise(const classified& c) {
    const std::string code = c.code.empty() ? "" : " (" + c.code + ")";
    switch (c.kind) {
    case failure::connection: throw unavailable("database connection lost" + code);
    case failure::busy: throw unavailable("database busy" + code);
    case failure::retry: throw unavailable("database kept failing with serialization failures or deadlocks" + code);
    case failure::unique: throw conflict("", "a value that must be unique is already taken");
    case failure::foreign_key: throw conflict("", "the record is still referenced by other records");
    case failure::check:
        throw invalid_value(c.column, c.column.empty() ? "a value is not allowed" + code
                                                       : "the value of " + c.column + " is not allowed");
    case failure::bad_data: throw invalid_value("", "a value cannot be stored as given" + code);
    case failure::other: break;
    }
    throw error("database error" + code);
}

}  // namespace kal::db::detail
