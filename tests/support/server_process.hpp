#pragma once
// The real kalendarium binary, started for a test on port 0 with a database of its own, and
// stopped with SIGTERM. The port is read from what the binary prints.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kal::test {

// Path of the built binary (set by the build as KAL_BINARY).
std::string kalendarium_binary();

// Runs the binary to completion with the arguments; returns its exit code and stdout.
struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};
run_result run_kalendarium(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

class server_process {
public:
    // Starts `kalendarium serve --port 0 --db URL [extra...]` and waits until it listens.
    server_process(const std::string& database_url, const std::vector<std::string>& extra_args = {},
                   const std::map<std::string, std::string>& env = {});
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    // What the binary printed on stdout before it started listening (URLs, demo token).
    const std::string& banner() const { return banner_; }
    // What it has logged so far (its stderr).
    std::string log() const;
    // Sends SIGTERM and waits; returns the exit status (or -1 when killed by a signal).
    int terminate();
    // The same, but waits at most `limit`: no value when the process is still running then (it
    // is left running; kill_hard() or the destructor end it).
    std::optional<int> terminate_within(std::chrono::milliseconds limit);
    void kill_hard();

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string banner_;
    int stdout_fd_ = -1;
    std::string stderr_path_;
};

// An admin token, made with `kalendarium token create`.
std::string create_token(const std::string& database_url, const std::string& role, const std::string& name,
                         const std::string& organisation_id = "");

}  // namespace kal::test
