// kal-bench-sqlite-statements: SQLite alone running a pgbench-style script, the SQLite
// counterpart of bench/run.sh's pgbench line. It measures what SQLite itself can do with the
// statements of a request on this machine: the ceiling of any service that runs them for every
// such request.
//
//   kal-bench-sqlite-statements DB SCRIPT -D name=value ... [-j THREADS] [-T SECONDS]
//
// SCRIPT is the file pgbench reads (bench/meetings_list.sql): statements ending in ';' at the end
// of a line, '--' comment lines, pgbench's ':name' variables (SQLite's own named parameters).
// Each thread has its own read-only connection with every statement prepared once, and runs the
// script in a loop: binds the variables (digits as integers, anything else as text), steps
// through every row and reads every column as a client must (integers as integers, texts and
// blobs with their bytes). Prints "tps = N" (scripts a second, all threads), pgbench's wording.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "kal-bench-sqlite-statements: %s\n", why.c_str());
    std::exit(2);
}

std::vector<std::string> statements_of(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail("cannot read " + path);
    std::vector<std::string> out;
    std::string line, current;
    while (std::getline(in, line)) {
        if (line.rfind("--", 0) == 0 || line.find_first_not_of(" \t\r") == std::string::npos) continue;
        current += line;
        current += '\n';
        auto last = line.find_last_not_of(" \t\r");
        if (line[last] == ';') {
            out.push_back(current);
            current.clear();
        }
    }
    if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
    if (out.empty()) fail(path + " holds no statement");
    return out;
}

bool digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

struct connection {
    sqlite3* db = nullptr;
    std::vector<sqlite3_stmt*> statements;
    ~connection() {
        for (auto* s : statements) sqlite3_finalize(s);
        sqlite3_close(db);
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) fail("usage: kal-bench-sqlite-statements DB SCRIPT -D name=value ... [-j THREADS] [-T SECONDS]");
    const std::string db_path = argv[1];
    const auto script = statements_of(argv[2]);
    std::map<std::string, std::string> variables;
    unsigned threads = 2;
    double seconds = 10;
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        if (i + 1 >= argc) fail("a value must follow " + arg);
        std::string value = argv[++i];
        if (arg == "-D") {
            auto eq = value.find('=');
            if (eq == std::string::npos) fail("-D takes name=value");
            std::string name(1, ':');
            name.append(value, 0, eq);
            variables[name] = value.substr(eq + 1);
        } else if (arg == "-j") {
            threads = static_cast<unsigned>(std::atoi(value.c_str()));
        } else if (arg == "-T") {
            seconds = std::atof(value.c_str());
        } else {
            fail("unknown option " + arg);
        }
    }
    if (threads == 0 || seconds <= 0) fail("-j and -T must be positive");
    // Each connection is used by one thread only.
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);

    std::vector<std::unique_ptr<connection>> connections;
    for (unsigned t = 0; t < threads; ++t) {
        auto c = std::make_unique<connection>();
        if (sqlite3_open_v2(db_path.c_str(), &c->db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            fail("cannot open " + db_path + ": " + sqlite3_errmsg(c->db));
        sqlite3_busy_timeout(c->db, 5000);
        for (const auto& text : script) {
            sqlite3_stmt* s = nullptr;
            if (sqlite3_prepare_v3(c->db, text.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
                fail(std::string("cannot prepare: ") + sqlite3_errmsg(c->db) + "\n" + text);
            for (int p = 1; p <= sqlite3_bind_parameter_count(s); ++p) {
                const char* name = sqlite3_bind_parameter_name(s, p);
                auto v = name ? variables.find(name) : variables.end();
                if (v == variables.end()) fail(std::string("no -D for ") + (name ? name : "a nameless parameter"));
                if (digits(v->second))
                    sqlite3_bind_int64(s, p, std::atoll(v->second.c_str()));
                else
                    sqlite3_bind_text(s, p, v->second.c_str(), -1, SQLITE_TRANSIENT);
            }
            c->statements.push_back(s);
        }
        connections.push_back(std::move(c));
    }

    std::atomic<bool> stop{false};
    std::atomic<long long> done{0}, rows{0}, failed{0};
    std::vector<std::thread> workers;
    for (auto& c : connections) {
        workers.emplace_back([&, conn = c.get()] {
            long long n = 0, r = 0;
            unsigned long long sink = 0;  // unsigned: wraps, never overflows
            while (!stop.load(std::memory_order_relaxed)) {
                for (auto* s : conn->statements) {
                    int rc;
                    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                        ++r;
                        for (int i = 0, columns = sqlite3_column_count(s); i < columns; ++i) {
                            switch (sqlite3_column_type(s, i)) {
                                case SQLITE_INTEGER:
                                    sink += static_cast<unsigned long long>(sqlite3_column_int64(s, i));
                                    break;
                                case SQLITE_FLOAT:
                                    sink += static_cast<unsigned long long>(sqlite3_column_double(s, i) != 0);
                                    break;
                                case SQLITE_NULL:
                                    break;
                                default:
                                    sink += sqlite3_column_text(s, i) != nullptr;
                                    sink += sqlite3_column_bytes(s, i);
                            }
                        }
                    }
                    if (rc != SQLITE_DONE) failed.fetch_add(1);
                    sqlite3_reset(s);  // keeps the bindings
                }
                ++n;
            }
            done.fetch_add(n);
            rows.fetch_add(r);
            if (sink == 42) std::fputs("", stderr);  // keeps the reads
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& w : workers) w.join();
    if (failed.load()) fail(std::to_string(failed.load()) + " statements failed");
    std::printf("scripts: %lld, rows a script: %.1f, threads: %u, seconds: %g\n", done.load(),
                done.load() ? static_cast<double>(rows.load()) / static_cast<double>(done.load()) : 0.0, threads,
                seconds);
    std::printf("tps = %.2f\n", static_cast<double>(done.load()) / seconds);
    return 0;
}
