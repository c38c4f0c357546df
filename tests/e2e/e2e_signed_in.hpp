#pragma once
// Shared by the end-to-end suites of the organisers' pages (organiser, organiser_directory,
// door_pages): an invitation's sign-in link as the command line prints it, and a browser as far
// as these tests need one (its cookies, GET and POST of forms with Sec-Fetch-Site: same-origin,
// the form token of a page, signing in through a link's page).

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "e2e_common.hpp"

namespace kal::test {

// The text between `before` and the next `end` after it; empty if `before` is not there.
inline std::string between(const std::string& text, const std::string& before, char end) {
    auto at = text.find(before);
    if (at == std::string::npos) return {};
    at += before.size();
    return text.substr(at, text.find(end, at) - at);
}

// The sign-in link `user invite` prints for a new or known user (a path of this service).
inline std::string invite(const running_service& s, const std::string& email, const std::string& role,
                          std::optional<std::int64_t> organisation = std::nullopt) {
    static const std::regex link_line(R"(^http://[^/\s]+(/logga-in/kali_[A-Za-z0-9_-]{43})\n$)");
    std::vector<std::string> args = {"user", "invite", "--email", email, "--role", role, "--name", "Test " + email};
    if (organisation) {
        args.push_back("--organisation");
        args.push_back(std::to_string(*organisation));
    }
    args.push_back("--db");
    args.push_back(s.url);
    auto r = run_kalendarium(args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_match(r.out, m, link_line), r.out);
    return m[1].str();
}

// What a browser holds: its cookies by name.
struct browser {
    running_service& s;
    std::map<std::string, std::string> cookies;

    std::string cookie_header() const {
        std::string out;
        for (const auto& [k, v] : cookies) out += (out.empty() ? "" : "; ") + k + "=" + v;
        return out;
    }
    // Keeps what Set-Cookie sets and forgets what it ends.
    void keep(const http_result& r) {
        auto set = r.header("set-cookie");
        if (set.empty()) return;
        auto pair = set.substr(0, set.find(';'));
        auto eq = pair.find('=');
        auto name = pair.substr(0, eq), value = pair.substr(eq + 1);
        if (value.empty() || set.find("Max-Age=0") != std::string::npos) cookies.erase(name);
        else cookies[name] = value;
    }
    http_result get(const std::string& path) {
        auto r = s.client.get(path, {{"Accept", "text/html"}, {"Cookie", cookie_header()}});
        keep(r);
        return r;
    }
    http_result post(const std::string& path, const std::string& body, header_map extra = {},
                     const std::string& type = "application/x-www-form-urlencoded") {
        extra.emplace("Content-Type", type);
        extra.emplace("Accept", "text/html");
        extra.emplace("Cookie", cookie_header());
        extra.emplace("Sec-Fetch-Site", "same-origin");
        auto r = s.client.request("POST", path, body, extra);
        keep(r);
        return r;
    }
    // The form token of a page.
    std::string token(const std::string& path) {
        auto page = get(path);
        BOOST_TEST_REQUIRE(page.status == 200, path << " gave " << page.status);
        auto t = between(page.body, "name=\"csrf\" value=\"", '"');
        BOOST_TEST_REQUIRE(!t.empty());
        return t;
    }
    // Signs in through the page behind a link: GET shows the button, POST uses the link.
    http_result sign_in(const std::string& link_path) {
        auto t = token(link_path);
        return post(link_path, "csrf=" + t);
    }
};

// A browser signed in through a link.
inline browser signed_in(running_service& s, const std::string& link_path) {
    browser b{s, {}};
    auto r = b.sign_in(link_path);
    BOOST_TEST_REQUIRE(r.status == 303, r.body);
    BOOST_TEST_REQUIRE(b.cookies.count("kal_session") == 1);
    return b;
}

}  // namespace kal::test
