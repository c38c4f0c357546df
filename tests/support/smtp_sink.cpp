#include "smtp_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kal::test {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

smtp_sink::smtp_sink(const std::string& script, const std::vector<std::string>& extra_args) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("kal-smtp-sink-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);

    std::vector<std::string> args = {"/usr/bin/python3",  script, "--dir", dir_.string(), "--port", "0",
                                     "--exit-with-parent"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        throw std::runtime_error(std::string("cannot start smtp_sink.py: ") + std::strerror(rc));
    }

    std::string printed;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && printed.find('\n') == std::string::npos) {
        pollfd p{out_pipe[0], POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        char buffer[256];
        const auto n = ::read(out_pipe[0], buffer, sizeof buffer);
        if (n <= 0) break;
        printed.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out_pipe[0]);
    if (printed.starts_with("PORT ")) port_ = static_cast<std::uint16_t>(std::stoi(printed.substr(5)));
    if (port_ == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        throw std::runtime_error("smtp_sink.py did not start; it printed: " + printed);
    }
}

smtp_sink::~smtp_sink() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

int smtp_sink::stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<received_mail> smtp_sink::messages() const {
    std::vector<received_mail> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        if (entry.path().extension() != ".eml" || entry.path().filename().string().starts_with('.')) continue;
        received_mail m;
        m.name = entry.path().stem().string();
        m.bytes = read_file(entry.path());
        std::istringstream recipients(read_file(dir_ / (m.name + ".rcpt")));
        for (std::string line; std::getline(recipients, line);) m.recipients.push_back(line);
        m.session = read_file(dir_ / (m.name + ".session"));
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

std::vector<received_mail> smtp_sink::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto all = messages();
        if (all.size() >= n || std::chrono::steady_clock::now() >= deadline) return all;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace kal::test
