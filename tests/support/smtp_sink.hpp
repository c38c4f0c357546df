#pragma once
// tests/tools/smtp_sink.py (an aiosmtpd server on loopback) started for a test, on a port of its
// own, with a fresh directory for the messages it accepts; stopped with SIGTERM.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kal::test {

struct received_mail {
    std::string name;                     // "000001-1234", in the order the sink accepted them
    std::string bytes;                    // the message as received (after dot-unstuffing)
    std::vector<std::string> recipients;  // the envelope's RCPT TO addresses
    std::string session;                  // "from ...\npeer host:port\nhelo ...\n"
};

class smtp_sink {
public:
    // script: the path of smtp_sink.py; extra_args: e.g. {"--tempfail-first", "1"}.
    explicit smtp_sink(const std::string& script, const std::vector<std::string>& extra_args = {});
    ~smtp_sink();
    smtp_sink(const smtp_sink&) = delete;
    smtp_sink& operator=(const smtp_sink&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
    const std::filesystem::path& directory() const { return dir_; }

    // Everything received so far, oldest first.
    std::vector<received_mail> messages() const;
    // Waits until at least n messages have arrived (or the timeout passes) and returns them all.
    std::vector<received_mail> wait_for(std::size_t n,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // SIGTERM and wait; returns the exit status (0 when it stopped cleanly).
    int stop();

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::filesystem::path dir_;
};

}  // namespace kal::test
