// Accounts end to end (issue 12): the real binary's `user` commands, an invitation mailed by the
// running service to a real SMTP server on loopback, a user's API token used over HTTP, and the
// service's own log read afterwards for anything secret. Runs on the backend KAL_TEST_DB selects.
//
// Signing in over HTTP belongs to the sign-in pages (not built yet); the sessions' side of "no
// secret in the logs" is tested on the use cases (app.accounts) until they are.
#define BOOST_TEST_MODULE e2e_accounts
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "e2e_common.hpp"
#include "smtp_sink.hpp"

namespace json = boost::json;
using kal::test::run_kalendarium;
using kal::test::running_service;
using kal::test::smtp_sink;

namespace {

const std::string source_dir = KAL_SOURCE_DIR;
constexpr auto& run = kal::test::run_command;  // e2e_common.hpp

// BLAKE2b-256 in hex, by Python's hashlib (not our code): what the database keeps of a secret.
std::string blake2b_256(const std::string& secret) {
    return run(
        "/usr/bin/python3 -c \"import hashlib, sys; print(hashlib.blake2b(sys.argv[1].encode(), "
        "digest_size=32).hexdigest(), end='')\" '" +
        secret + "'");
}

// The message's text/plain body, as Python's email package decodes it.
std::string plain_text(const kal::test::received_mail& m) {
    auto path = std::filesystem::temp_directory_path() / ("kal-accounts-" + std::to_string(::getpid()) + ".eml");
    std::ofstream(path, std::ios::binary) << m.bytes;
    auto parsed = json::parse(run("/usr/bin/python3 " + source_dir + "/tests/tools/mail_inspect.py " + path.string()));
    std::filesystem::remove(path);
    for (const auto& part : parsed.at("parts").as_array())
        if (part.at("content_type").as_string() == "text/plain") return std::string(part.at("body").as_string());
    return {};
}

const std::regex link_line(R"(^(http://[^/\s]+)/logga-in/(kali_[A-Za-z0-9_-]{43})\n$)");

}  // namespace

BOOST_AUTO_TEST_CASE(user_invite_prints_a_one_time_link_whose_hash_alone_is_stored) {
    const auto url = kal::test::fresh_database_url(kal::test::current_test_name());
    auto r = run_kalendarium({"user", "invite", "--email", "Anna.Admin@example.se", "--role", "admin", "--name",
                              "Anna Admin", "--language", "en", "--db", url});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_match(r.out, m, link_line), r.out);
    BOOST_TEST(m[1].str() == "http://127.0.0.1:8080");  // server.public_base_url
    const auto secret = m[2].str();
    BOOST_TEST(r.err.find(secret) == std::string::npos);
    const auto stored = kal::test::dump_all_text(url);
    BOOST_TEST(stored.find(secret.substr(5)) == std::string::npos);
    BOOST_TEST(stored.find("sign_in_links.token_hash=" + blake2b_256(secret)) != std::string::npos);

    auto list = run_kalendarium({"user", "list", "--db", url});
    BOOST_TEST(list.exit_code == 0);
    BOOST_TEST(list.out == "1\tadmin\tactive\t-\tAnna.Admin@example.se\tAnna Admin\n");
    // Each invitation is a new link; the account is the same one, whatever the address's case.
    auto again =
        run_kalendarium({"user", "invite", "--email", "anna.admin@EXAMPLE.se", "--role", "admin", "--db", url});
    BOOST_TEST(again.exit_code == 0);
    BOOST_TEST(again.out != r.out);
    BOOST_TEST(run_kalendarium({"user", "list", "--db", url}).out == list.out);

    // Mistakes are usage errors that name what is wrong.
    auto no_org = run_kalendarium({"user", "invite", "--email", "bo@example.se", "--role", "organiser", "--db", url});
    BOOST_TEST(no_org.exit_code == 2);
    BOOST_TEST(no_org.err.find("organisation_ids") != std::string::npos);
    BOOST_TEST(no_org.out.empty());
    auto bad = run_kalendarium({"user", "invite", "--email", "not-an-address", "--role", "admin", "--db", url});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.err.find("email") != std::string::npos);
    BOOST_TEST(run_kalendarium({"user", "deactivate", "99", "--db", url}).exit_code == 1);
    BOOST_TEST(run_kalendarium({"user", "deactivate", "1", "--db", url}).exit_code == 0);
    BOOST_TEST(run_kalendarium({"user", "list", "--db", url}).out.find("\tdeactivated\t") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(serve_demo_prints_a_sign_in_link_for_the_demo_admin_beside_the_token) {
    running_service s(kal::test::current_test_name(), {"--demo"});
    const auto& banner = s.server.banner();
    std::smatch m;
    static const std::regex demo_link(R"(\n    (http://\S+/logga-in/(kali_[A-Za-z0-9_-]{43}))\n)");
    BOOST_TEST_REQUIRE(std::regex_search(banner, m, demo_link), banner);
    BOOST_TEST(banner.find("admin@kalendarium.example") != std::string::npos);
    BOOST_TEST(banner.find("Bearer kal_") != std::string::npos);
    BOOST_TEST(kal::test::dump_all_text(s.url).find("sign_in_links.token_hash=" + blake2b_256(m[2].str())) !=
               std::string::npos);
    BOOST_TEST(s.server.log().find(m[2].str()) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_invitation_is_mailed_and_a_users_token_works_with_its_rights_and_no_secret_is_logged) {
    smtp_sink sink(source_dir + "/tests/tools/smtp_sink.py");
    const std::map<std::string, std::string> mail{{"KALENDARIUM_MAIL_SMTP_URL", sink.url()},
                                                  {"KALENDARIUM_MAIL_POLL_INTERVAL", "50ms"},
                                                  {"KALENDARIUM_MAIL_FROM_ADDRESS", "no-reply@kalendarium.example.se"}};
    auto env = mail;
    env["KALENDARIUM_LOG_LEVEL"] = "debug";  // every line the service can write
    running_service s(kal::test::current_test_name(), {}, env);
    auto ours = s.create("organisations", json::object{{"name", "Föreningen Kraften"}}, s.admin()).at("id").as_int64();
    auto theirs = s.create("organisations", json::object{{"name", "Annan förening"}}, s.admin()).at("id").as_int64();
    std::vector<std::string> secrets;
    std::string cli_output;

    // The operator invites with --send: the link is printed and mailed by the running service.
    auto invited =
        run_kalendarium({"user", "invite", "--email", "anna@example.org", "--role", "organiser", "--organisation",
                         std::to_string(ours), "--name", "Anna Åberg", "--send", "--db", s.url},
                        mail);
    BOOST_TEST_REQUIRE(invited.exit_code == 0, invited.err);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_match(invited.out, m, link_line), invited.out);
    secrets.push_back(m[2].str());
    cli_output += invited.err;
    auto mails = sink.wait_for(1, std::chrono::seconds(20));
    BOOST_TEST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(mails[0].recipients.at(0) == "anna@example.org");
    const auto text = plain_text(mails[0]);
    BOOST_TEST(text.find(m[0].str().substr(0, m[0].str().size() - 1)) != std::string::npos);  // the printed link
    BOOST_TEST(text.find("Föreningen Kraften") != std::string::npos);
    BOOST_TEST(text.find("7 dagar") != std::string::npos);
    // Once sent, the outbox forgets the link (only the hash stays, in sign_in_links).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (kal::test::dump_all_text(s.url).find(secrets[0].substr(5)) != std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_TEST(kal::test::dump_all_text(s.url).find(secrets[0].substr(5)) == std::string::npos);

    // A token of the user acts with the user's rights.
    auto made = run_kalendarium({"token", "create", "--user", "1", "--name", "Annas dator", "--db", s.url});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.err);
    const auto token = made.out.substr(0, made.out.find('\n'));
    secrets.push_back(token);
    cli_output += made.err;
    const auto meeting = [](std::int64_t organisation) {
        return json::object{{"type", "fro"},
                            {"title", "FRÖ-möte"},
                            {"start", "2099-03-12T18:00"},
                            {"end", "2099-03-12T20:00"},
                            {"organisation_id", organisation},
                            {"status", "draft"}};
    };
    BOOST_TEST(s.call("POST", "/api/v1/meetings", meeting(ours), s.auth(token)).first == 201);
    BOOST_TEST(s.call("POST", "/api/v1/meetings", meeting(theirs), s.auth(token)).first == 403);
    auto drafts = s.call("GET", "/api/v1/meetings?status=draft", nullptr, s.auth(token));
    BOOST_TEST(drafts.first == 200);
    BOOST_TEST(drafts.second.at("items").as_array().size() == 1u);
    // Deactivated, the user's token stops at once.
    auto off = run_kalendarium({"user", "deactivate", "1", "--db", s.url});
    BOOST_TEST(off.exit_code == 0);
    BOOST_TEST(s.call("GET", "/api/v1/meetings?status=draft", nullptr, s.auth(token)).first == 401);
    // A wrong one is refused like any other.
    BOOST_TEST(s.call("GET", "/api/v1/meetings?status=draft", nullptr, s.auth("kal_" + std::string(43, 'A'))).first ==
               401);

    BOOST_TEST(s.server.terminate() == 0);
    const auto log = s.server.log() + cli_output;
    BOOST_TEST(log.find("\"mail_sent\"") != std::string::npos);  // the log did see the mail go
    BOOST_TEST(log.find("\"invitation\"") != std::string::npos);
    for (const auto& secret : secrets) {
        BOOST_TEST(log.find(secret.substr(5)) == std::string::npos);
        BOOST_TEST(log.find(blake2b_256(secret)) == std::string::npos);
    }
    for (const char* prefix : {"kali_", "kals_", "kal_"}) BOOST_TEST(log.find(prefix) == std::string::npos, prefix);
}
