#pragma once
// The HTTP server: a listener, one coroutine session per connection on its own strand, handlers
// from the router, database handlers on a thread pool of their own. No Beast in this header.

#include <cstdint>
#include <memory>

#include "kal/config/config.hpp"
#include "kal/service/http/metrics.hpp"
#include "kal/service/http/router.hpp"

namespace kal::service::http {

class server {
public:
    server(const config::settings& settings, const router& routes, const errors_to_answers& answers, metrics& counters);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds (port 0 picks a free port), starts the I/O threads and returns the bound port.
    // With handle_signals, SIGTERM and SIGINT start a graceful shutdown.
    std::uint16_t start(bool handle_signals);
    // Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish
    // and answer them with "Connection: close"; after shutdown_grace whatever is left is cut.
    // Returns at once; wait() returns when it is done.
    void shutdown();
    void wait();
    std::uint16_t port() const;

    // Sets SIGPIPE to be ignored, process-wide: a write to a peer that has gone away (sendfile(2)
    // on a reset socket, a TLS write inside libcurl or libpq) then fails with EPIPE, which every
    // writer handles, instead of ending the process. main() calls it before any thread starts.
    static void ignore_broken_pipes();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kal::service::http
