#pragma once
// Shared by the end-to-end suites: a running server with its own database and an admin token.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "http_client.hpp"
#include "server_process.hpp"
#include "test_db.hpp"

namespace kal::test {

inline std::string current_test_name() {
    return boost::unit_test::framework::current_test_case().p_name;
}

// Environment for a service that lets one client address sign up without a rate limit (the
// concurrency tests send hundreds of sign-ups from 127.0.0.1).
inline const std::map<std::string, std::string> unlimited_sign_ups{{"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}};

// Runs a shell command (the readers in tests/tools/, Python, node) and returns what it printed;
// a command that fails fails the test.
inline std::string run_command(const std::string& command) {
    FILE* p = ::popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    BOOST_TEST_REQUIRE(::pclose(p) == 0, command << " failed: " << out);
    return out;
}

// Reads CSV with Python's csv module, a reader nobody here wrote; rows as a JSON array.
inline boost::json::array read_csv(const std::string& bytes, char separator) {
    static int n = 0;
    auto path = std::filesystem::temp_directory_path() /
                ("kal-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".csv");
    std::ofstream(path, std::ios::binary) << bytes;
    std::string command = std::string("/usr/bin/python3 -c \"import csv, json, sys; ") +
                          "print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig'), "
                          "delimiter=sys.argv[2]))))\" '" + path.string() + "' '" + separator + "'";
    FILE* p = ::popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, got);
    BOOST_TEST_REQUIRE(::pclose(p) == 0);
    std::filesystem::remove(path);
    return boost::json::parse(out).as_array();
}

struct running_service {
    std::string url;
    std::string admin_token;
    server_process server;
    http_client client;

    explicit running_service(const std::string& name, const std::vector<std::string>& extra = {},
                             const std::map<std::string, std::string>& env = {})
        : url(fresh_database_url(name)),
          admin_token(create_token(url, "admin", "e2e admin")),
          server(url, extra, env),
          client(server.port()) {}

    header_map auth(const std::string& token) const { return {{"Authorization", "Bearer " + token}}; }
    header_map admin() const { return auth(admin_token); }

    // Sends and parses a JSON answer (null for an empty body).
    std::pair<int, boost::json::value> call(const std::string& method, const std::string& target,
                                            const boost::json::value& body, const header_map& headers) {
        auto r = client.request(method, target, body.is_null() ? "" : boost::json::serialize(body), headers);
        boost::json::value v;
        if (!r.body.empty()) v = boost::json::parse(r.body);
        return {r.status, v};
    }
    boost::json::value create(const std::string& collection, const boost::json::value& body,
                              const header_map& headers) {
        auto [status, v] = call("POST", "/api/v1/" + collection, body, headers);
        BOOST_TEST_REQUIRE(status == 201, "POST " << collection << " gave " << status << ": " << v);
        return v;
    }
};

}  // namespace kal::test
