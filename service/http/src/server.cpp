// The only translation unit that includes Beast: keeping it here keeps builds fast.

#include "kal/service/http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <limits>
#include <pthread.h>
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

// What shutdown needs to reach a connection: its strand and socket, and whether it is between
// requests (idle connections are closed at once, busy ones finish their request first).
struct connection {
    asio::any_io_executor executor;  // the session's single-threaded context; socket and idle live there
    tcp::socket* socket = nullptr;
    bool idle = true;
    // When the connection's current phase (idle, reading a request, writing a response) must be
    // over, in steady-clock milliseconds; the sweeper cancels the socket's operations after it.
    // One store per phase instead of a timer per operation: no timer syscalls per request.
    std::atomic<std::int64_t> deadline_ms{std::numeric_limits<std::int64_t>::max()};
};

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
    const errors_to_answers& answers;
    metrics& counters;

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
    std::atomic<bool> draining{false};
    bool handling_signals = false;

    impl(const config::settings& s, const router& r, const errors_to_answers& a, metrics& m)
        : settings(s),
          routes(r),
          answers(a),
          counters(m),
          contexts(make_contexts(s.server.io_threads)),
          ioc(*contexts.front()),
          db_pool(static_cast<std::size_t>(s.database.pool_size)) {
        for (auto& c : contexts) keep_running.push_back(asio::make_work_guard(*c));
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

    response refuse(const request* req, int status, std::string detail, std::vector<std::string> allowed = {},
                    int retry_after = 0) {
        return answers.from_refusal(req, refusal{status, std::move(detail), std::move(allowed), retry_after});
    }

    asio::awaitable<response> dispatch(request& req) {
        auto started = std::chrono::steady_clock::now();
        auto found = routes.match(req);
        response res;
        std::string route_name = found.found ? found.found->pattern : "unmatched";
        if (!found.found) {
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

    static std::optional<request> convert(const bhttp::request<bhttp::string_body>& msg) {
        request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        auto url = boost::urls::parse_origin_form(req.target);
        if (!url) return std::nullopt;
        req.path = url->path();
        for (const auto& p : url->params()) req.query.emplace(p.key, p.value);
        for (const auto& field : msg) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
            if (!inserted) it->second += ", " + std::string(field.value());
        }
        req.body = msg.body();
        return req;
    }

    template <class Message>
    static void set_headers(Message& msg, const response& res, bool keep_alive) {
        msg.set(bhttp::field::server, "Kalendarium");
        msg.set("X-Content-Type-Options", "nosniff");
        for (const auto& [name, value] : res.headers) msg.set(name, value);
        msg.keep_alive(keep_alive);
    }

    bhttp::response<bhttp::string_body> to_message(response&& res, unsigned version, bool keep_alive, bool head) {
        bhttp::response<bhttp::string_body> msg{static_cast<bhttp::status>(res.status), version};
        set_headers(msg, res, keep_alive);
        msg.body() = std::move(res.body);
        msg.prepare_payload();
        if (head) msg.body().clear();  // Content-Length stays that of the GET response
        return msg;
    }

    asio::awaitable<void> write_refusal(tcp::socket& socket, connection& conn, int status, std::string detail) {
        auto msg = to_message(refuse(nullptr, status, std::move(detail)), 11, false, false);
        conn.deadline_ms = steady_ms() + settings.server.write_timeout.count();
        co_await bhttp::async_write(socket, msg, nothrow);
    }

    asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<connection> conn) {
        boost::system::error_code endpoint_error;
        // Responses are written whole: Nagle's algorithm would only hold back their last, short
        // segment (or a head written before its body) until the peer acknowledged the others.
        socket.set_option(tcp::no_delay(true), endpoint_error);
        auto peer = socket.remote_endpoint(endpoint_error);
        std::string remote_address = endpoint_error ? std::string() : peer.address().to_string();
        conn->socket = &socket;
        beast::flat_buffer buffer;
        const auto& cfg = settings.server;
        for (;;) {
            // Between requests the connection is idle: shutdown may close it, and the sweeper
            // closes it after idle_timeout. The first bytes of the next request are read here,
            // by one read of our own, so that closing an idle connection (cancelling this read)
            // can never lose bytes of a request: either the read got them, or nothing was read.
            // (Asio first tries the read at once, so a request already waiting costs no wait.)
            if (buffer.size() == 0) {
                if (draining) break;
                conn->idle = true;
                conn->deadline_ms = steady_ms() + cfg.idle_timeout.count();
                auto [ec_first, n_first] =
                    co_await socket.async_read_some(buffer.prepare(std::min<std::size_t>(cfg.header_limit, 8192)), nothrow);
                conn->idle = false;
                if (ec_first) break;  // closed by the peer, the idle timeout or shutdown
                buffer.commit(n_first);
            }
            conn->idle = false;
            conn->deadline_ms = steady_ms() + cfg.read_timeout.count();

            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
            parser.body_limit(cfg.body_limit);
            auto [ec_head, n_head] = co_await bhttp::async_read_header(socket, buffer, parser, nothrow);
            if (!ec_head && parser.get()[bhttp::field::expect] == "100-continue") {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                co_await bhttp::async_write(socket, cont, nothrow);
            }
            auto ec = ec_head;
            if (!ec) {
                auto [ec_body, n_body] = co_await bhttp::async_read(socket, buffer, parser, nothrow);
                ec = ec_body;
            }
            if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted) break;
            if (peer_gone(ec)) {
                client_gone(metrics::disconnect_phase::reading, ec);
                break;
            }
            if (ec == bhttp::error::body_limit) {
                co_await write_refusal(socket, *conn, 413,
                                      "The request body is larger than " + std::to_string(cfg.body_limit) + " bytes");
                break;
            }
            if (ec == bhttp::error::header_limit) {
                co_await write_refusal(socket, *conn, 431,
                                      "The request head is larger than " + std::to_string(cfg.header_limit) + " bytes");
                break;
            }
            if (ec) {
                co_await write_refusal(socket, *conn, 400, "The request is not valid HTTP/1.1");
                break;
            }

            auto msg = parser.release();
            const bool head = msg.method() == bhttp::verb::head;
            response res;
            if (auto req = convert(msg)) {
                req->remote_address = remote_address;
                res = co_await dispatch(*req);
            } else {
                res = refuse(nullptr, 400, "The request target is not a valid URL");
            }
            const bool keep_alive = msg.keep_alive() && !draining;
            beast::error_code ec_write;
            conn->deadline_ms = steady_ms() + cfg.write_timeout.count();
            if (res.shared_body && res.body_file && !head) {
                // The head from Beast, then the body straight from the memory file with
                // sendfile(2): the bytes are never copied through this process.
                auto keep = std::move(res.body_file);
                res.shared_body.reset();
                bhttp::response<bhttp::empty_body> out{static_cast<bhttp::status>(res.status), msg.version()};
                set_headers(out, res, keep_alive);
                out.content_length(keep->size);
                bhttp::response_serializer<bhttp::empty_body> sr{out};
                std::tie(ec_write, std::ignore) = co_await bhttp::async_write_header(socket, sr, nothrow);
                if (!ec_write) ec_write = co_await send_file(socket, *keep);
            } else if (res.shared_body) {
                // Written straight from the shared buffer, which this frame keeps alive.
                auto keep = std::move(res.shared_body);
                bhttp::response<bhttp::span_body<const char>> out{static_cast<bhttp::status>(res.status),
                                                                 msg.version()};
                set_headers(out, res, keep_alive);
                out.body() = {keep->data(), keep->size()};
                out.prepare_payload();
                if (head) out.body() = {keep->data(), 0};
                std::tie(ec_write, std::ignore) = co_await bhttp::async_write(socket, out, nothrow);
            } else {
                auto out = to_message(std::move(res), msg.version(), keep_alive, head);
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
        auto shortest = std::min({cfg.idle_timeout, cfg.read_timeout, cfg.write_timeout});
        auto interval = std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(10),
                                                               std::chrono::milliseconds(1000));
        for (;;) {
            sweep_timer.expires_after(interval);
            auto [ec] = co_await sweep_timer.async_wait(nothrow);
            if (ec) co_return;
            const auto now = steady_ms();
            std::vector<std::shared_ptr<connection>> late;
            {
                std::lock_guard lock(mutex);
                for (const auto& c : connections)
                    if (c->deadline_ms.load(std::memory_order_relaxed) < now) late.push_back(c);
            }
            for (auto& conn : late)
                asio::post(conn->executor, [conn] {
                    if (conn->socket && conn->deadline_ms.load() < steady_ms()) {
                        beast::error_code e;
                        conn->socket->cancel(e);
                    }
                });
        }
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
            if (counters.open_connections() >= settings.server.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto conn = std::make_shared<connection>();
            conn->executor = socket.get_executor();
            {
                std::lock_guard lock(mutex);
                connections.insert(conn);
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
                    last = connections.empty();
                }
                if (last && draining)
                    asio::post(ioc, [this] {
                        release_contexts();
                        grace_timer.cancel();
                        sweep_timer.cancel();
                        beast::error_code ignored;
                        signals.cancel(ignored);
                    });
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
                if (conn->idle && conn->socket) conn->socket->cancel(e);
            });
        }
        if (open.empty()) {
            signals.cancel(ignored);
            sweep_timer.cancel();
            release_contexts();
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
