// Clients that go away in the middle of an answer: the service stays up, answers /healthz and
// releases what the cut connections held. Against the real binary on port 0 with the demo data
// and enough meetings that the feed and the list are hundreds of kilobytes.
#define BOOST_TEST_MODULE e2e_disconnect
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <regex>
#include <thread>

#include "e2e_common.hpp"

namespace json = boost::json;
using kal::test::running_service;

namespace {

// -1 when the connection is refused (called on client threads: no Boost.Test assertions there).
int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    // A small receive buffer, so that the server's writes meet a full window and are still in
    // progress (sendfile or Beast waiting for room) when the reset arrives.
    int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    // Answers smaller than what a client means to read end in a wait for more on a keep-alive
    // connection: give up after a moment instead of the server's idle timeout.
    timeval wait{0, 300 * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    return fd;
}

void send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;  // the server may already have given up on us; that is allowed
        sent += static_cast<std::size_t>(n);
    }
}

// Reads up to `limit` bytes (or until the peer closes).
std::size_t read_some(int fd, std::size_t limit) {
    std::size_t got = 0;
    char buf[8192];
    while (got < limit) {
        auto n = ::recv(fd, buf, std::min(sizeof buf, limit - got), 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    return got;
}

// Closes with RST instead of FIN: the server's next write fails with ECONNRESET or EPIPE.
void reset(int fd) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

std::string get_request(const std::string& target, const std::string& accept = "*/*") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n";
}

bool alive(pid_t pid) {
    int status = 0;
    auto r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
        BOOST_TEST_MESSAGE("the service exited: " << (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                                                           : "status " + std::to_string(WEXITSTATUS(status))));
        return false;
    }
    return ::kill(pid, 0) == 0;
}

long open_connections(std::uint16_t port) {
    kal::test::http_client c(port);
    auto r = c.get("/metrics");
    std::smatch m;
    static const std::regex gauge(R"(\nkalendarium_open_connections (\d+)\n)");
    if (r.status != 200 || !std::regex_search(r.body, m, gauge)) return -1;
    return std::stol(m[1]);
}

double counter(std::uint16_t port, const std::string& name) {
    kal::test::http_client c(port);
    auto r = c.get("/metrics");
    double total = 0;
    std::regex line("\n" + name + R"((\{[^}]*\})? ([0-9.e+]+))");
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), line), end; it != end; ++it)
        total += std::stod((*it)[2]);
    return total;
}

// Waits until the open connections are back at `level`.
bool back_to_idle(std::uint16_t port, long level) {
    for (int i = 0; i < 100; ++i) {
        if (open_connections(port) == level) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST_MESSAGE("open connections: " << open_connections(port));
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(clients_that_disconnect_mid_answer_never_stop_the_service) {
    BOOST_TEST_REQUIRE(std::system("command -v wrk >/dev/null") == 0, "wrk is needed (deploy/install-deps.sh test)");
    // A short write timeout would hide a leak behind the sweeper: the connections must be freed
    // because their writes failed, not because they timed out.
    running_service s(kal::test::current_test_name(), {"--demo"},
                      {{"KALENDARIUM_SERVER_WRITE_TIMEOUT", "60s"}, {"KALENDARIUM_SERVER_IDLE_TIMEOUT", "60s"},
                       {"KALENDARIUM_RSVPS_RATE_LIMIT_PER_MINUTE", "0"}});
    const auto port = s.server.port();
    const auto pid = s.server.pid();

    // 300 more meetings, so that the feed and the list are large.
    auto org = s.create("organisations", json::object{{"name", "Föreningen Avbrott"}}, s.admin()).at("id").as_int64();
    for (int i = 0; i < 300; ++i) {
        auto day = 1 + i % 28, month = 1 + (i / 28) % 12;
        char start[32], end[32];
        std::snprintf(start, sizeof start, "2027-%02d-%02dT%02d:00", month, day, 8 + i % 10);
        std::snprintf(end, sizeof end, "2027-%02d-%02dT%02d:30", month, day, 9 + i % 10);
        s.create("meetings",
                 json::object{{"type", "network"},
                              {"title", "Nätverksträff nummer " + std::to_string(i) + " om föreningslivet i Borås"},
                              {"description", std::string(300, 'x')},
                              {"start", start},
                              {"end", end},
                              {"organisation_id", org},
                              {"status", "published"}},
                 s.admin());
    }
    // A sign-up, for the page behind its manage link.
    auto meeting = s.create("meetings",
                            json::object{{"type", "fro"}, {"title", "FRÖ-möte"}, {"start", "2027-03-01T18:00"},
                                         {"end", "2027-03-01T20:00"}, {"organisation_id", org},
                                         {"status", "published"}},
                            s.admin());
    auto rsvp = s.create("meetings/" + std::to_string(meeting.at("id").as_int64()) + "/rsvps",
                         json::object{{"name", "Anna"}, {"email", "anna@example.org"}, {"consent", true}}, {});
    auto manage = std::string(rsvp.at("manage_url").as_string());
    auto page = manage.substr(manage.find("/anmalan/"));  // the holder's page

    struct target {
        std::string path, accept;
        std::size_t at_least;
    };
    const std::vector<target> targets = {
        {"/feeds/all.ics", "text/calendar", 100 * 1024},       // cached: sent with sendfile(2)
        {"/feeds/types/network.ics", "text/calendar", 100 * 1024},
        {"/api/v1/meetings?limit=200", "application/json", 100 * 1024},
        {"/api/openapi.json", "application/json", 50 * 1024},
        {page, "text/html", 500},
        {"/", "text/html", 20 * 1024},  // the start page: a cached page, answered from the render cache
    };
    for (const auto& t : targets) {
        auto r = s.client.get(t.path, {{"Accept", t.accept}});
        BOOST_TEST_REQUIRE(r.status == 200, t.path << " " << r.status);
        BOOST_TEST_REQUIRE(r.body.size() >= t.at_least, t.path << " is only " << r.body.size() << " bytes");
    }
    // The idle level: the keep-alive connection of s.client and the one asking.
    const auto idle_level = open_connections(port);
    BOOST_TEST_REQUIRE(idle_level == 2);

    std::mt19937 random(42);
    const auto before = counter(port, "kalendarium_http_client_disconnects_total");
    for (int round = 0; round < 12; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            std::atomic<int> refused{0};
            std::vector<std::thread> clients;
            for (int c = 0; c < 48; ++c) {
                const auto& t = targets[(round + c) % targets.size()];
                const auto how = c % 4;
                const auto keep = std::uniform_int_distribution<std::size_t>(1, 32 * 1024)(random);
                clients.emplace_back([&, how, keep] {
                    int fd = connect_to(port);
                    if (fd < 0) {
                        ++refused;
                        return;
                    }
                    // Pipelined requests make the server write more than the client reads.
                    send_all(fd, get_request(t.path, t.accept) + get_request(t.path, t.accept));
                    if (how == 0) {
                        reset(fd);  // right after sending the request
                    } else if (how == 1) {
                        read_some(fd, keep);  // part of the answer, then a reset
                        reset(fd);
                    } else if (how == 2) {
                        read_some(fd, keep);  // part of the answer, then an orderly close
                        ::close(fd);
                    } else {
                        ::shutdown(fd, SHUT_WR);  // half-close, read a little, then reset
                        read_some(fd, 100);
                        reset(fd);
                    }
                });
            }
            for (auto& t : clients) t.join();
            BOOST_TEST(refused == 0);
            // A load generator whose connections are cut when its second is over.
            if (round % 3 == 0) {
                auto cmd = "wrk -t1 -c64 -d1s http://127.0.0.1:" + std::to_string(port) + targets[round % 2].path +
                           " >/dev/null 2>&1";
                BOOST_TEST(std::system(cmd.c_str()) == 0);
            }
            BOOST_TEST_REQUIRE(alive(pid));
            BOOST_TEST_REQUIRE(s.client.get("/healthz").status == 200);
        }
    }
    BOOST_TEST_REQUIRE(alive(pid));
    // The cut connections are released.
    BOOST_TEST(back_to_idle(port, idle_level));
    BOOST_TEST(counter(port, "kalendarium_http_client_disconnects_total") > before);
    // And it still serves whole answers.
    for (const auto& t : targets) {
        auto r = kal::test::http_client(port).get(t.path, {{"Accept", t.accept}});
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.body.size() >= t.at_least);
    }
    BOOST_TEST(s.server.terminate() == 0);
}
