#pragma once
// What unit tests share: temporary files, and the readers in tests/tools/ (Python's email
// package, html.parser: parsers nobody here wrote). Needs KAL_SOURCE_DIR.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace kal::test {

// A path of its own under the temporary directory, for a file or a directory.
inline std::filesystem::path temp_path(const std::string& name) {
    static std::atomic<int> counter{0};
    return std::filesystem::temp_directory_path() /
           ("kal_unit_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + name);
}

// Writes the bytes, creating the directories on the way.
inline void write_file(const std::filesystem::path& path, std::string_view content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

// Runs tests/tools/<tool> on the bytes and returns the JSON it prints.
inline boost::json::object run_python_tool(const std::string& tool, std::string_view bytes) {
    const auto path = temp_path("tool_input");
    write_file(path, bytes);
    const std::string command =
        "/usr/bin/python3 " KAL_SOURCE_DIR "/tests/tools/" + tool + " " + path.string() + " 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_TEST_REQUIRE(pipe != nullptr);
    char buffer[8192];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(path);
    BOOST_TEST_INFO(output.substr(0, 2000));
    BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return boost::json::parse(output).as_object();
}

}  // namespace kal::test
