#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <csignal>
#include <cerrno>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kal::test {

namespace {

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        auto name = entry.substr(0, eq);
        // The tests say exactly what configures the binary.
        if (name.starts_with("KALENDARIUM_")) continue;
        env[name] = entry.substr(eq + 1);
    }
    env["KALENDARIUM_LOG_LEVEL"] = "warn";
    for (const auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, int stdout_fd,
            int stderr_fd) {
    std::vector<std::string> argv_s = {kalendarium_binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    auto env_s = merged_environment(env);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: when a test process dies without
    // running destructors (a crash, an abort), its services die with it instead of lingering.
    // Between fork and exec only async-signal-safe calls.
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot start kalendarium: ") + std::strerror(errno));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent is already gone
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, 0);
        ::dup2(stdout_fd, 1);
        ::dup2(stderr_fd, 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    return pid;
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

std::string temp_file(const std::string& stem) {
    static int counter = 0;
    auto path = std::filesystem::temp_directory_path() /
                ("kal-" + stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".log");
    return path.string();
}

}  // namespace

// KAL_BINARY in the environment runs another build (an older one, to see a test fail there), as
// the browser tests do.
std::string kalendarium_binary() {
    const char* other = std::getenv("KAL_BINARY");
    return other && *other ? other : KAL_BINARY;
}

run_result run_kalendarium(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    auto err_path = temp_file("run");
    int err_fd = ::open(err_path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    pid_t pid = spawn(args, env, out_pipe[1], err_fd);
    ::close(out_pipe[1]);
    ::close(err_fd);
    run_result r;
    r.out = read_all(out_pipe[0]);
    ::close(out_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_path);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    std::filesystem::remove(err_path);
    return r;
}

server_process::server_process(const std::string& database_url, const std::vector<std::string>& extra_args,
                               const std::map<std::string, std::string>& env) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    stderr_path_ = temp_file("server");
    int err_fd = ::open(stderr_path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    std::vector<std::string> args = {"serve", "--port", "0", "--db", database_url};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = spawn(args, env, out_pipe[1], err_fd);
    ::close(out_pipe[1]);
    ::close(err_fd);
    stdout_fd_ = out_pipe[0];

    // Read what the binary prints before serving: the URLs, ending with the health URL, and
    // with --demo the token and an example that ends with "?status=draft".
    const bool demo = std::find(extra_args.begin(), extra_args.end(), "--demo") != extra_args.end();
    const std::string last_line = demo ? "?status=draft\n" : "/healthz\n";
    static const std::regex listening(R"(is listening on http://[^:]+:(\d+))");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{stdout_fd_, POLLIN, 0};
        if (::poll(&p, 1, 200) > 0) {
            char buf[4096];
            auto n = ::read(stdout_fd_, buf, sizeof buf);
            if (n <= 0) break;
            banner_.append(buf, static_cast<std::size_t>(n));
            std::smatch m;
            if (banner_.find(last_line) != std::string::npos && std::regex_search(banner_, m, listening)) {
                port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
                return;
            }
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
    }
    std::ifstream in(stderr_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    if (pid_ > 0) kill_hard();
    throw std::runtime_error("kalendarium did not start listening; stdout: " + banner_ + " stderr: " + ss.str());
}

server_process::~server_process() {
    if (pid_ > 0) terminate();
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    if (!stderr_path_.empty()) std::filesystem::remove(stderr_path_);
}

std::string server_process::log() const {
    std::ifstream in(stderr_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int server_process::terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFSIGNALED(status)) {
        std::ifstream in(stderr_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        throw std::runtime_error("kalendarium was killed by signal " + std::to_string(WTERMSIG(status)) +
                                 "; stderr: " + ss.str().substr(0, 2000));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::optional<int> server_process::terminate_within(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (std::chrono::steady_clock::now() >= until) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void server_process::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string create_token(const std::string& database_url, const std::string& role, const std::string& name,
                         const std::string& organisation_id) {
    std::vector<std::string> args = {"token", "create", "--role", role, "--name", name, "--db", database_url};
    if (!organisation_id.empty()) {
        args.push_back("--organisation");
        args.push_back(organisation_id);
    }
    auto r = run_kalendarium(args);
    if (r.exit_code != 0) throw std::runtime_error("token create failed: " + r.err);
    auto token = r.out.substr(0, r.out.find('\n'));
    return token;
}

}  // namespace kal::test
