#pragma once
// Shared by the end-to-end suites: a running server with its own database and an admin token.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "http_client.hpp"
#include "server_process.hpp"
#include "test_db.hpp"

namespace kal::test {

inline std::string current_test_name() {
    return boost::unit_test::framework::current_test_case().p_name;
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
