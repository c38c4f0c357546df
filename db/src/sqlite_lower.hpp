#pragma once
// SQLite's built-in lower() folds ASCII only, so "Ö" never matched "ö" in searches. This
// replaces it, per connection, with one that folds Latin (Å, Ä, Ö, É, Ü ...), Greek and Cyrillic
// capitals too; other characters pass unchanged.

#include <string>
#include <string_view>

namespace kal::db::detail {

// Lower-cases UTF-8 text; invalid bytes pass through unchanged.
std::string unicode_lower(std::string_view text);

// Registers unicode_lower as SQL lower(X) on a SQLite connection (a sqlite3*).
void register_unicode_lower(void* sqlite_connection);

}  // namespace kal::db::detail
