#pragma once
// The migrations compiled into the library (db/embed_migrations.cmake generates the table).

#include <span>
#include <string_view>

namespace kal::db::detail {

struct migration {
    std::string_view dialect;  // "sqlite" or "postgresql"
    int version;               // from the file name: 0001_initial.sql -> 1
    std::string_view name;     // file name without extension
    std::string_view sql;      // several statements; see split_statements
};

// Every migration of every dialect, ordered by dialect then version.
std::span<const migration> embedded_migrations();

}  // namespace kal::db::detail
