#include "kal/service/http/message.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace kal::service::http {

std::optional<std::string> request::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> request::query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> request::query_values(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = query.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

void response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return std::nullopt;
}

body_file::~body_file() {
    if (fd >= 0) ::close(fd);
}

std::shared_ptr<const body_file> body_file::of(const std::string& bytes) {
    int fd = ::memfd_create("kalendarium-body", MFD_CLOEXEC);
    if (fd < 0) return nullptr;
    auto file = std::make_shared<body_file>();
    file->fd = fd;
    file->size = bytes.size();
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return nullptr;  // the descriptor is closed with `file`
        done += static_cast<std::size_t>(n);
    }
    return file;
}

}  // namespace kal::service::http
