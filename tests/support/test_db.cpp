#include "test_db.hpp"

#include <libpq-fe.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace kal::test {

namespace {

std::string sanitize(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        out += ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    return out.empty() ? "db" : out;
}

// SOCI 4.0 mangles postgresql:// URIs (see db/src/pg_conninfo.hpp); hand it keyword=value.
std::string pg_conninfo(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
    if (!options) {
        std::string msg = err ? err : "cannot parse";
        if (err) PQfreemem(err);
        throw std::runtime_error("invalid PostgreSQL url " + url + ": " + msg);
    }
    std::string out;
    for (auto* o = options; o->keyword; ++o)
        if (o->val && *o->val) out += std::string(o->keyword) + "=" + o->val + " ";
    PQconninfoFree(options);
    return out;
}

// Opens a session of its own for a store URL ("sqlite:PATH" or "postgresql://...").
void open(soci::session& s, const std::string& url) {
    if (url.rfind("sqlite:", 0) == 0)
        s.open("sqlite3", "db=\"" + url.substr(7) + "\"");
    else
        s.open("postgresql", pg_conninfo(url));
}

bool is_sqlite(const std::string& url) { return url.rfind("sqlite:", 0) == 0; }

// The directories of the SQLite databases a test program made, removed when it ends (604 of them
// were left in /tmp by every `make test`). A program that crashes leaves its own.
class made_directories {
public:
    void add(std::string dir) {
        std::lock_guard lock(mutex_);
        dirs_.push_back(std::move(dir));
    }
    ~made_directories() {
        for (const auto& dir : dirs_) {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    }

private:
    std::mutex mutex_;
    std::vector<std::string> dirs_;
};

made_directories& made() {
    static made_directories dirs;
    return dirs;
}

void require_identifier(const std::string& name) {
    if (name.empty()) throw std::invalid_argument("empty table name");
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            throw std::invalid_argument("not a table name: " + name);
}

std::vector<std::string> user_tables(soci::session& s, const std::string& url) {
    std::vector<std::string> tables;
    std::string name;
    std::string q = is_sqlite(url) ? "SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                                   : "SELECT table_name FROM information_schema.tables "
                                     "WHERE table_schema = current_schema() "
                                     "AND table_type = 'BASE TABLE' ORDER BY table_name";
    soci::statement st = (s.prepare << q, soci::into(name));
    st.execute();
    while (st.fetch()) tables.push_back(name);
    return tables;
}

}  // namespace

std::string test_backend() {
    const char* v = std::getenv("KAL_TEST_DB");
    std::string backend = v && *v ? v : "sqlite";
    if (backend != "sqlite" && backend != "postgresql")
        throw std::runtime_error("KAL_TEST_DB must be sqlite or postgresql, not " + backend);
    return backend;
}

std::string fresh_database_url(std::string_view name) {
    static std::atomic<int> counter{0};
    int n = ++counter;
    std::string clean = sanitize(name);
    if (test_backend() == "sqlite") {
        char dir[] = "/tmp/kal-test-XXXXXX";
        if (!mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
        made().add(dir);
        return std::string("sqlite:") + dir + "/" + clean + ".db";
    }
    const char* maintenance = std::getenv("KAL_TEST_PG_URL");
    if (!maintenance || !*maintenance)
        throw std::runtime_error("KAL_TEST_PG_URL is not set: run the suites through `make test`");
    std::string suffix = "_" + std::to_string(getpid()) + "_" + std::to_string(n);
    std::string db = "kal_" + clean;
    if (db.size() + suffix.size() > 63) db.resize(63 - suffix.size());
    db += suffix;
    {
        soci::session s;
        s.open("postgresql", pg_conninfo(maintenance));
        s << "CREATE DATABASE " + db;  // db is [a-z0-9_] only
    }
    // Swap the database name, the URL path, keeping user, host, port and any parameters.
    std::string url = maintenance;
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    auto query = url.find('?');
    if (slash == std::string::npos || (query != std::string::npos && slash > query))
        return url.substr(0, query) + "/" + db + (query == std::string::npos ? "" : url.substr(query));
    return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

std::int64_t count_rows(const std::string& url, const std::string& table) {
    require_identifier(table);  // a table name cannot be a bound value: [a-z0-9_] only
    soci::session s;
    open(s, url);
    long long n = 0;
    s << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
}

std::string first_text(const std::string& url, const std::string& sql, std::int64_t value) {
    soci::session s;
    open(s, url);
    std::string out;
    soci::indicator ind = soci::i_null;
    long long bound = value;
    s << sql, soci::use(bound, "value"), soci::into(out, ind);
    return s.got_data() && ind == soci::i_ok ? out : std::string();
}

void run_bound(const std::string& url, const std::string& sql, std::int64_t value) {
    soci::session s;
    open(s, url);
    long long bound = value;
    s << sql, soci::use(bound, "value");
}

std::string dump_all_text(const std::string& url) {
    soci::session s;
    open(s, url);
    std::string out;
    for (const auto& table : user_tables(s, url)) {
        // A table name cannot be a bound value; it comes from the catalog and is checked.
        require_identifier(table);
        soci::rowset<soci::row> rows = (s.prepare << "SELECT * FROM " + table);
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                const auto& props = row.get_properties(i);
                if (props.get_data_type() != soci::dt_string || row.get_indicator(i) != soci::i_ok) continue;
                out += table + "." + props.get_name() + "=" + row.get<std::string>(i) + "\n";
            }
        }
    }
    return out;
}

}  // namespace kal::test
