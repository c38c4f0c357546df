// The only translation unit with Beast's I/O (http.cpp holds its request parser): keeping it
// here keeps builds fast.

#include "kal/service/http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <limits>
#include <map>
#include <pthread.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>

#include <csignal>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "kal/service/http/message.hpp"

namespace kal::service::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// Where a connection is in its life. Idle (between requests), in a request's head, or lingering
// after an early answer, it costs the server a descriptor and gives nothing back yet: shutdown
// closes idle and lingering ones at once, and at max_connections the oldest of all three make
// room for a new connection.
enum class phase { idle, head, body, busy, lingering };

constexpr bool may_be_closed_for_room(phase p) {
    return p == phase::idle || p == phase::head || p == phase::lingering;
}

// What the listener, the sweeper and shutdown need to reach a connection.
struct connection {
    asio::any_io_executor executor;  // the session's single-threaded context; the socket lives there
    tcp::socket* socket = nullptr;
    asio::ip::address address;       // the TCP peer, for the cap per address
    bool counted = false;            // counted against its address (trusted proxies are not)
    std::atomic<phase> state{phase::idle};
    std::atomic<std::int64_t> phase_since_ms{0};  // when the present phase began
    // When the connection's current phase must be over, in steady-clock milliseconds; the
    // sweeper cancels the socket's operations after it. One store per phase instead of a timer
    // per operation: no timer syscalls per request.
    std::atomic<std::int64_t> deadline_ms{std::numeric_limits<std::int64_t>::max()};
    // Chosen to be closed to make room at max_connections. The session also checks it after
    // each read while it waits (idle, head, lingering): a read that completed just before the
    // cancel would otherwise let it live on.
    std::atomic<bool> closing_for_room{false};
};

// v4-mapped IPv6 addresses are their IPv4 address (a dual-stack listener sees both).
asio::ip::address plain(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string json_string(std::string_view s) { return boost::json::serialize(boost::json::value(s)); }

// SIGTERM and SIGINT, for the thread masks that keep them on the main thread.
namespace shutdown_signals {
sigset_t set() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    return s;
}
void block_in_this_thread() {
    auto s = set();
    pthread_sigmask(SIG_BLOCK, &s, nullptr);
}
// Threads inherit the mask of the thread that creates them.
struct blocked_while_starting_threads {
    sigset_t previous;
    blocked_while_starting_threads() {
        auto s = set();
        pthread_sigmask(SIG_BLOCK, &s, &previous);
    }
    ~blocked_while_starting_threads() { pthread_sigmask(SIG_SETMASK, &previous, nullptr); }
    blocked_while_starting_threads(const blocked_while_starting_threads&) = delete;
    blocked_while_starting_threads& operator=(const blocked_while_starting_threads&) = delete;
};
}  // namespace shutdown_signals

}  // namespace

struct server::impl {
    const config::settings& settings;
    const router& routes;
    metrics& counters;
    const errors_to_answers& answers;

    // One io_context per I/O thread, each run by exactly that thread: a connection stays on one
    // thread for its life, so its session needs no strand and no request hands work between
    // threads. The first context also runs the listener, signals and the shutdown timer.
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    std::atomic<std::size_t> next_context{0};
    asio::io_context& ioc;
    asio::thread_pool db_pool;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc};
    asio::steady_timer grace_timer{ioc};
    asio::steady_timer sweep_timer{ioc};  // sweep(); cancelled when serving is over
    std::vector<std::thread> threads;
    std::uint16_t bound_port = 0;

    std::mutex mutex;
    std::set<std::shared_ptr<connection>> connections;
    std::map<asio::ip::address, int> per_address;  // open connections per counted client address
    std::atomic<bool> draining{false};
    bool serving_over = false;  // end_serving() has run; read and written on ioc only
    bool handling_signals = false;

    std::vector<asio::ip::address> trusted_proxies;  // exempt from the cap per address
    std::string server_methods;                      // Allow of "OPTIONS *"
    std::string refusal_bytes;                             // the whole 429 for an address at its cap

    impl(const config::settings& s, const router& r, const errors_to_answers& answers_in, metrics& m)
        : settings(s),
          routes(r),
          counters(m),
          answers(answers_in),
          contexts(make_contexts(s.server.io_threads)),
          ioc(*contexts.front()),
          db_pool(static_cast<std::size_t>(s.database.pool_size)) {
        for (auto& c : contexts) keep_running.push_back(asio::make_work_guard(*c));
        for (const auto& text : config::trusted_proxies(s)) {
            beast::error_code ec;
            auto a = asio::ip::make_address(text, ec);
            if (!ec) trusted_proxies.push_back(plain(a));
        }
        std::set<std::string> methods{"HEAD", "OPTIONS"};
        for (const auto& route : r.routes()) methods.insert(route.method);
        for (const auto& method : methods) server_methods += (server_methods.empty() ? "" : ", ") + method;
        std::ostringstream bytes;
        bytes << to_message(refuse(nullptr, 429, "This address has as many connections open as it may; try again in 1 s",
                                   {}, 1),
                            11, false, false);
        refusal_bytes = bytes.str();
    }

    static std::vector<std::unique_ptr<asio::io_context>> make_contexts(int n) {
        std::vector<std::unique_ptr<asio::io_context>> out;
        // Hint 1: one thread runs each context (the database pool still posts to it safely).
        for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
        return out;
    }

    void stop_all() {
        for (auto& c : contexts) c->stop();
    }

    // Lets every context's run() return once its remaining work is done.
    void release_contexts() {
        for (auto& g : keep_running) g.reset();
    }

    // Draining and no connection left (on ioc): nothing of ours may keep a context running.
    // cancel() reaches only a wait still pending: a sweep whose timer has already fired is queued
    // and would arm the timer again, keeping ioc's run() and so the process alive for ever; it
    // reads serving_over instead.
    void end_serving() {
        serving_over = true;
        release_contexts();
        grace_timer.cancel();
        sweep_timer.cancel();
        beast::error_code ignored;
        signals.cancel(ignored);
    }

    // ---- dispatch -------------------------------------------------------------------------

    response invoke(const route& r, request& req) {
        try {
            return r.fn(req);
        } catch (...) {
            return answers.from_exception(req, std::current_exception());
        }
    }

    std::optional<response> invoke_fast(const route& r, request& req) {
        try {
            return r.fast(req);
        } catch (...) {
            return answers.from_exception(req, std::current_exception());
        }
    }

    // What the adapters say for a request the server or the router refuses.
    response refuse(const request* req, int status, std::string detail, std::vector<std::string> allowed = {},
                    int retry_after = 0) const {
        return answers.from_refusal(req, refusal{status, std::move(detail), std::move(allowed), retry_after});
    }

    asio::awaitable<response> dispatch(request& req) {
        auto started = std::chrono::steady_clock::now();
        auto found = routes.match(req);
        response res;
        std::string route_name = found.found ? found.found->pattern : "unmatched";
        if (found.refused) {
            res = answers.from_refusal(&req, *found.refused);
        } else if (!found.found) {
            res = found.allowed.empty() ? refuse(&req, 404, "No such resource: " + req.path)
                                        : refuse(&req, 405, "Method not allowed", found.allowed);
        } else if (found.found->where == runs_on::io_thread) {
            res = invoke(*found.found, req);
        } else if (auto cached = found.found->fast ? invoke_fast(*found.found, req) : std::nullopt) {
            res = std::move(*cached);
        } else {
            // SOCI blocks: run on the database pool. A request that waited there longer than a
            // lease may wait is answered 503 rather than left to pile up.
            const auto queued = std::chrono::steady_clock::now();
            const auto lease_timeout = settings.database.lease_timeout;
            res = co_await asio::co_spawn(
                db_pool,
                [&]() -> asio::awaitable<response> {
                    if (std::chrono::steady_clock::now() - queued > lease_timeout)
                        co_return refuse(&req, 503, "The service is busy; try again shortly.", {}, 2);
                    co_return invoke(*found.found, req);
                },
                asio::use_awaitable);
        }
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        counters.observe(route_name, req.method, res.status, seconds);
        // No query strings, ids, addresses or bodies: routes are patterns, so no personal data.
        if (spdlog::should_log(spdlog::level::info))
            spdlog::info(R"("event":"request","method":{},"route":{},"status":{},"duration_ms":{:.3f},"bytes":{})",
                         json_string(req.method), json_string(route_name), res.status, seconds * 1000.0,
                         res.shared_body ? res.shared_body->size() : res.body.size());
        co_return res;
    }

    // ---- HTTP -------------------------------------------------------------------------------

    template <class Message>
    static void set_headers(Message& msg, const response& res, bool keep_alive) {
        msg.set(bhttp::field::server, "Kalendarium");
        msg.set("X-Content-Type-Options", "nosniff");
        // Set-Cookie is the one field that may come more than once (RFC 6265 §3): a sign-in sets
        // the session and clears another cookie in one answer. Every other field once, the last
        // value winning (response::set_header keeps one).
        for (const auto& [name, value] : res.headers) {
            if (bhttp::string_to_field(name) == bhttp::field::set_cookie) msg.insert(name, value);
            else msg.set(name, value);
        }
        msg.keep_alive(keep_alive);
    }

    static bhttp::response<bhttp::string_body> to_message(response&& res, unsigned version, bool keep_alive, bool head) {
        bhttp::response<bhttp::string_body> msg{static_cast<bhttp::status>(res.status), version};
        set_headers(msg, res, keep_alive);
        msg.body() = std::move(res.body);
        msg.prepare_payload();
        if (head) msg.body().clear();  // Content-Length stays that of the GET response
        return msg;
    }

    // An answer before (or instead of) a request: the connection closes after it.
    asio::awaitable<beast::error_code> write_refusal(tcp::socket& socket, connection& conn, const refusal& r) {
        auto msg = to_message(answers.from_refusal(nullptr, r), 11, false, false);
        enter(conn, phase::busy, steady_ms() + settings.server.write_timeout.count());
        auto [ec, n] = co_await bhttp::async_write(socket, msg, nothrow);
        co_return ec;
    }

    // A new phase of the connection's life, and when it must be over.
    static void enter(connection& conn, phase p, std::int64_t deadline) {
        conn.state.store(p, std::memory_order_relaxed);
        conn.phase_since_ms.store(steady_ms(), std::memory_order_relaxed);
        conn.deadline_ms.store(deadline, std::memory_order_relaxed);
    }

    enum class read_outcome {
        complete,   // a request to answer
        refused,    // reader.failure() says why; answer it, drain, close
        cut_short,  // the client ended its side of the connection in the middle of a request
        closed,     // reset, timed out, closed to make room, or shut down: nothing to answer
    };

    // Reads one request into `reader`, the first bytes of which may already be in `buffer`.
    // Whatever follows the request (a pipelined one) stays in `buffer`. The head must be there
    // by head_timeout, and the whole request by read_timeout, both counted from its first byte.
    asio::awaitable<read_outcome> read_request(tcp::socket& socket, beast::flat_buffer& buffer,
                                               request_reader& reader, connection& conn) {
        const auto& cfg = settings.server;
        const auto started = steady_ms();
        enter(conn, phase::head, started + std::min(cfg.head_timeout, cfg.read_timeout).count());
        for (;;) {
            std::size_t used = 0;
            if (buffer.size() > 0) {
                const bool had_head = reader.head_done();
                auto data = buffer.data();
                used = reader.put({static_cast<const char*>(data.data()), data.size()});
                buffer.consume(used);
                if (reader.failure()) co_return read_outcome::refused;
                if (reader.done()) co_return read_outcome::complete;
                if (reader.head_done() && !had_head) {
                    enter(conn, phase::body, started + cfg.read_timeout.count());
                    if (reader.expects_continue()) {
                        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                        auto [ec_continue, n_continue] = co_await bhttp::async_write(socket, cont, nothrow);
                        if (ec_continue) co_return read_outcome::closed;
                    }
                }
                if (used > 0 && buffer.size() > 0) continue;  // the parser stopped at the head's end
            }
            // The head is read in small steps (its parser never sees more than header_limit), the
            // body in larger ones.
            const std::size_t step = reader.head_done() ? 65536 : 8192;
            auto [ec, n] = co_await socket.async_read_some(buffer.prepare(step), nothrow);
            if (!reader.head_done() && conn.closing_for_room.load()) co_return read_outcome::closed;
            if (ec) {
                if (ec == asio::error::eof && reader.started()) co_return read_outcome::cut_short;
                if (ec != asio::error::eof && peer_gone(ec)) client_gone(metrics::disconnect_phase::reading, ec);
                co_return read_outcome::closed;
            }
            buffer.commit(n);
        }
    }

    // After an early answer the client may still be sending what it meant to (a body over the
    // limit, say): closing now, with those bytes unread, would make the kernel reset the
    // connection, and a reset can destroy the answer before the client has read it. So the
    // sending side is shut (the client sees the answer end) and what arrives is read and dropped
    // until the client closes, for at most linger_timeout and linger_bytes (nginx's
    // lingering_close). Shutdown and the search for room may cut it short.
    asio::awaitable<void> linger(tcp::socket& socket, beast::flat_buffer& buffer, connection& conn) {
        const auto& cfg = settings.server;
        if (cfg.linger_timeout.count() == 0 || draining) co_return;
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        enter(conn, phase::lingering, steady_ms() + cfg.linger_timeout.count());
        std::size_t dropped = buffer.size();
        buffer.clear();
        while (dropped < cfg.linger_bytes) {
            // Never committed: each read lands in the same memory.
            auto [ec, n] = co_await socket.async_read_some(
                buffer.prepare(std::min<std::size_t>(65536, cfg.linger_bytes - dropped)), nothrow);
            if (ec || conn.closing_for_room.load()) break;
            dropped += n;
        }
    }

    asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<connection> conn) {
        boost::system::error_code endpoint_error;
        // Responses are written whole: Nagle's algorithm would only hold back their last, short
        // segment (or a head written before its body) until the peer acknowledged the others.
        socket.set_option(tcp::no_delay(true), endpoint_error);
        const std::string remote_address = conn->address.to_string();
        conn->socket = &socket;
        // The socket dies with this coroutine, but `conn` outlives it in handlers already posted
        // to this executor (shutdown's and the sweeper's cancel): they must find no socket then,
        // not a dangling one (a heap-use-after-free that make test-asan found at shutdown).
        struct forget_socket {
            connection& conn;
            ~forget_socket() { conn.socket = nullptr; }
        } forget{*conn};
        beast::flat_buffer buffer;
        const auto& cfg = settings.server;
        request_reader reader({cfg.header_limit, cfg.body_limit});
        for (;;) {
            // Between requests the connection is idle: shutdown may close it, and the sweeper
            // closes it after idle_timeout. The first bytes of the next request are read here,
            // by one read of our own, so that closing an idle connection (cancelling this read)
            // can never lose bytes of a request: either the read got them, or nothing was read.
            // (Asio first tries the read at once, so a request already waiting costs no wait.)
            if (buffer.size() == 0) {
                if (draining) break;
                enter(*conn, phase::idle, steady_ms() + cfg.idle_timeout.count());
                auto [ec_first, n_first] =
                    co_await socket.async_read_some(buffer.prepare(std::min<std::size_t>(cfg.header_limit, 8192)), nothrow);
                if (ec_first || conn->closing_for_room.load()) break;  // the peer, idle_timeout, shutdown, room
                buffer.commit(n_first);
            }
            reader.reset();
            const auto outcome = co_await read_request(socket, buffer, reader, *conn);
            if (outcome == read_outcome::closed) break;
            if (outcome == read_outcome::cut_short) {
                // A named value, not a temporary in the co_await expression: GCC 12 destroys
                // such temporaries twice (a double free seen with 1,100 stalled connections).
                const refusal ended_early{400, "Begäran tog slut för tidigt / The request ended early", {}, 0};
                co_await write_refusal(socket, *conn, ended_early);
                break;
            }
            if (outcome == read_outcome::refused) {
                if (!co_await write_refusal(socket, *conn, *reader.failure())) co_await linger(socket, buffer, *conn);
                break;
            }

            enter(*conn, phase::busy, std::numeric_limits<std::int64_t>::max());
            const auto version = reader.version();
            const bool keep_alive = reader.keep_alive() && !draining;
            const bool asks_about_server = reader.asks_about_server();
            auto req = reader.take();
            const bool head = req.method == "HEAD";
            req.remote_address = remote_address;
            response res;
            if (asks_about_server) {
                res.status = 204;  // RFC 9110 §9.3.7: what the server as a whole supports
                res.set_header("Allow", server_methods);
            } else {
                res = co_await dispatch(req);
            }
            beast::error_code ec_write;
            conn->deadline_ms = steady_ms() + cfg.write_timeout.count();
            if (res.shared_body && res.body_file && !head) {
                // The head from Beast, then the body straight from the memory file with
                // sendfile(2): the bytes are never copied through this process.
                auto keep = std::move(res.body_file);
                res.shared_body.reset();
                bhttp::response<bhttp::empty_body> out{static_cast<bhttp::status>(res.status), version};
                set_headers(out, res, keep_alive);
                out.content_length(keep->size);
                bhttp::response_serializer<bhttp::empty_body> sr{out};
                std::tie(ec_write, std::ignore) = co_await bhttp::async_write_header(socket, sr, nothrow);
                if (!ec_write) ec_write = co_await send_file(socket, *keep);
            } else if (res.shared_body) {
                // Written straight from the shared buffer, which this frame keeps alive.
                auto keep = std::move(res.shared_body);
                bhttp::response<bhttp::span_body<const char>> out{static_cast<bhttp::status>(res.status), version};
                set_headers(out, res, keep_alive);
                out.body() = {keep->data(), keep->size()};
                out.prepare_payload();
                if (head) out.body() = {keep->data(), 0};
                std::tie(ec_write, std::ignore) = co_await bhttp::async_write(socket, out, nothrow);
            } else {
                auto out = to_message(std::move(res), version, keep_alive, head);
                std::tie(ec_write, std::ignore) = co_await bhttp::async_write(socket, out, nothrow);
            }
            if (ec_write) {
                if (peer_gone(ec_write)) client_gone(metrics::disconnect_phase::writing, ec_write);
                break;
            }
            if (!keep_alive) break;
        }
        conn->deadline_ms = std::numeric_limits<std::int64_t>::max();
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
    }

    // The peer closed or reset the connection: a write fails with EPIPE (SIGPIPE is ignored
    // process-wide, see ignore_broken_pipes) or ECONNRESET, a read with ECONNRESET or EOF. It
    // is the client's choice, not our failure: counted, logged at debug level, and the session
    // ends, which frees the connection.
    static bool peer_gone(const beast::error_code& ec) {
        return ec == asio::error::broken_pipe || ec == asio::error::connection_reset ||
               ec == asio::error::connection_aborted || ec == asio::error::eof || ec == asio::error::not_connected;
    }

    void client_gone(metrics::disconnect_phase phase, const beast::error_code& ec) {
        counters.client_disconnected(phase);
        spdlog::debug(R"("event":"client_disconnected","phase":"{}","error":{})",
                      phase == metrics::disconnect_phase::reading ? "reading" : "writing", json_string(ec.message()));
    }

    // sendfile(2) from `file` to the socket, waiting for room when the socket's buffer is full.
    asio::awaitable<beast::error_code> send_file(tcp::socket& socket, const body_file& file) {
        beast::error_code ec;
        socket.native_non_blocking(true, ec);
        if (ec) co_return ec;
        off_t offset = 0;
        while (static_cast<std::size_t>(offset) < file.size) {
            auto n = ::sendfile(socket.native_handle(), file.fd, &offset, file.size - static_cast<std::size_t>(offset));
            if (n > 0) continue;
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, nothrow);
                if (wait_ec) co_return wait_ec;
                continue;
            }
            co_return n == 0 ? beast::error_code(asio::error::eof)
                             : beast::error_code(errno, boost::system::system_category());
        }
        co_return ec;
    }

    // Every sweep_interval, cancels the pending operations of connections whose phase ran out
    // of time (idle, reading a request, writing a response). Runs on the first context; the
    // cancel itself runs on the connection's own context, after checking the deadline again.
    asio::awaitable<void> sweep() {
        const auto& cfg = settings.server;
        auto shortest = std::min({cfg.idle_timeout, cfg.head_timeout, cfg.read_timeout, cfg.write_timeout});
        if (cfg.linger_timeout.count() > 0) shortest = std::min(shortest, cfg.linger_timeout);
        auto interval = std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(10),
                                                               std::chrono::milliseconds(1000));
        for (;;) {
            sweep_timer.expires_after(interval);
            auto [ec] = co_await sweep_timer.async_wait(nothrow);
            if (ec || serving_over) co_return;
            const auto now = steady_ms();
            std::vector<std::shared_ptr<connection>> late;
            {
                std::lock_guard lock(mutex);
                for (const auto& c : connections)
                    if (c->deadline_ms.load(std::memory_order_relaxed) < now) late.push_back(c);
            }
            for (auto& conn : late) cancel_if_late(conn);
        }
    }

    // Cancels the connection's pending operations, on its own context, if its deadline has
    // passed by then (the session may have moved on to a new phase meanwhile).
    static void cancel_if_late(const std::shared_ptr<connection>& conn) {
        asio::post(conn->executor, [conn] {
            if (conn->socket && conn->deadline_ms.load() < steady_ms()) {
                beast::error_code e;
                conn->socket->cancel(e);
            }
        });
    }

    // At max_connections: closes the connection that has sat longest idle, in its request head,
    // or lingering, so that a new one can be served; false when every connection is busy with a
    // request. Slow or stalled heads are what a client holds to deny service to others (many
    // half-sent requests): they go first, not the newcomer. Called with `mutex` held.
    bool close_oldest_waiting() {
        std::shared_ptr<connection> oldest;
        std::int64_t since = std::numeric_limits<std::int64_t>::max();
        for (const auto& c : connections) {
            if (!may_be_closed_for_room(c->state.load(std::memory_order_relaxed))) continue;
            if (c->closing_for_room.load(std::memory_order_relaxed)) continue;  // already on its way out
            const auto t = c->phase_since_ms.load(std::memory_order_relaxed);
            if (t < since) {
                since = t;
                oldest = c;
            }
        }
        if (!oldest) return false;
        oldest->closing_for_room = true;
        asio::post(oldest->executor, [oldest] {
            beast::error_code e;
            if (oldest->socket && may_be_closed_for_room(oldest->state.load())) oldest->socket->cancel(e);
        });
        return true;
    }

    // Refuses a connection from an address at its cap: a 429 written if the socket takes it at
    // once, then closed. Best effort: a client whose request is already here may see a reset.
    template <class Socket>
    void refuse(Socket& socket) {
        beast::error_code ignored;
        socket.non_blocking(true, ignored);
        socket.send(asio::buffer(refusal_bytes), 0, ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    // ---- listener and lifetime --------------------------------------------------------------

    asio::awaitable<void> listen() {
        for (;;) {
            auto& context = *contexts[next_context++ % contexts.size()];
            auto [ec, socket] = co_await acceptor.async_accept(context.get_executor(), nothrow);
            if (ec) {
                if (!acceptor.is_open()) co_return;
                // Out of file descriptors and the like: pause instead of spinning.
                asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
                co_await pause.async_wait(nothrow);
                continue;
            }
            beast::error_code peer_error;
            auto peer = socket.remote_endpoint(peer_error);
            if (peer_error) {  // reset before it was accepted
                socket.close(peer_error);
                continue;
            }
            auto conn = std::make_shared<connection>();
            conn->executor = socket.get_executor();
            conn->address = plain(peer.address());
            conn->counted = std::find(trusted_proxies.begin(), trusted_proxies.end(), conn->address) ==
                            trusted_proxies.end();
            conn->phase_since_ms = steady_ms();
            enum { admitted, address_at_cap, full } admission = admitted;
            {
                std::lock_guard lock(mutex);
                const int cap = std::min(settings.server.max_connections_per_address, settings.server.max_connections);
                auto held = conn->counted ? per_address.find(conn->address) : per_address.end();
                if (held != per_address.end() && held->second >= cap) {
                    admission = address_at_cap;
                } else if (static_cast<int>(connections.size()) >= settings.server.max_connections &&
                           !close_oldest_waiting()) {
                    admission = full;  // every connection is busy with a request
                } else {
                    if (conn->counted) ++per_address[conn->address];
                    connections.insert(conn);
                }
            }
            if (admission == address_at_cap) {
                refuse(socket);
                continue;
            }
            if (admission == full) {
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            counters.connection_opened();
            auto executor = socket.get_executor();
            asio::co_spawn(executor, session(std::move(socket), conn), [this, conn](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                        spdlog::error(R"("event":"session_failed","error":{})", json_string(ex.what()));
                    } catch (...) {
                        spdlog::error(R"("event":"session_failed")");
                    }
                }
                counters.connection_closed();
                bool last = false;
                {
                    std::lock_guard lock(mutex);
                    connections.erase(conn);
                    if (conn->counted) {
                        auto it = per_address.find(conn->address);
                        if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
                    }
                    last = connections.empty();
                }
                if (last && draining) asio::post(ioc, [this] { end_serving(); });
            });
        }
    }

    void begin_shutdown() {
        if (draining.exchange(true)) return;
        spdlog::info(R"("event":"shutdown","phase":"draining")");
        beast::error_code ignored;
        acceptor.close(ignored);
        signals.cancel(ignored);
        if (handling_signals) {
            // A second SIGTERM or SIGINT while draining means: stop now.
            signals.async_wait([this](beast::error_code ec, int) {
                if (ec) return;
                spdlog::warn(R"("event":"shutdown","phase":"forced")");
                stop_all();
            });
        }
        std::vector<std::shared_ptr<connection>> open;
        {
            std::lock_guard lock(mutex);
            open.assign(connections.begin(), connections.end());
        }
        for (auto& conn : open) {
            // Each connection's socket is touched only on its own strand (its session's executor).
            asio::post(conn->executor, [conn] {
                beast::error_code e;
                const auto state = conn->state.load();
                if ((state == phase::idle || state == phase::lingering) && conn->socket) conn->socket->cancel(e);
            });
        }
        if (open.empty()) {
            end_serving();
            return;
        }
        grace_timer.expires_after(settings.server.shutdown_grace);
        grace_timer.async_wait([this](beast::error_code ec) {
            if (ec) return;  // every connection finished in time
            spdlog::warn(R"("event":"shutdown","phase":"grace_expired")");
            stop_all();
        });
    }
};

void server::ignore_broken_pipes() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, nullptr);
}

server::server(const config::settings& settings, const router& routes, const errors_to_answers& answers,
               metrics& counters) {
    // main() has done this before any thread started; again here for every other user of server.
    ignore_broken_pipes();
    // The database threads start here; they never take SIGTERM or SIGINT (see wait()).
    shutdown_signals::blocked_while_starting_threads blocked;
    impl_ = std::make_unique<impl>(settings, routes, answers, counters);
}

server::~server() {
    if (!impl_->threads.empty()) {
        shutdown();
        wait();
    }
    impl_->db_pool.join();
}

std::uint16_t server::start(bool handle_signals) {
    auto& s = *impl_;
    // Each connection is a file descriptor: make room for max_connections of them, and for the
    // database's and the logs', within the hard limit the system allows.
    rlimit files{};
    const auto wanted = static_cast<rlim_t>(s.settings.server.max_connections) + 256;
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < wanted) {
        files.rlim_cur = std::min(wanted, files.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &files);
        if (files.rlim_cur < wanted)
            spdlog::warn(R"("event":"file_limit","limit":{},"wanted":{})", files.rlim_cur, wanted);
    }
    auto address = asio::ip::make_address(s.settings.server.listen_address);
    tcp::endpoint endpoint(address, s.settings.server.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
    s.bound_port = s.acceptor.local_endpoint().port();
    asio::co_spawn(s.ioc, s.listen(), [](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                spdlog::error(R"("event":"listener_failed","error":{})", json_string(ex.what()));
            }
        }
    });
    asio::co_spawn(s.ioc, s.sweep(), [](std::exception_ptr) {});
    if (handle_signals) {
        s.handling_signals = true;
        s.signals.add(SIGTERM);
        s.signals.add(SIGINT);
        s.signals.async_wait([this](beast::error_code ec, int) {
            if (!ec) impl_->begin_shutdown();
        });
    }
    // Signals reach only the thread that called start(), where Asio's handler takes them.
    shutdown_signals::blocked_while_starting_threads blocked;
    for (auto& context : s.contexts) s.threads.emplace_back([c = context.get()] { c->run(); });
    return s.bound_port;
}

void server::shutdown() {
    asio::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

void server::wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    // Serving is over. Destroying the signal_set restores the default action of SIGTERM, so a
    // late signal would kill the process while it tears down and replace its exit status 0.
    // Every other thread already blocks these signals; blocking them here too leaves a late
    // one pending, never delivered.
    if (impl_->handling_signals) shutdown_signals::block_in_this_thread();
}

std::uint16_t server::port() const { return impl_->bound_port; }

}  // namespace kal::service::http
