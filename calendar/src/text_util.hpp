#pragma once
// Small text helpers shared by calendar/'s sources (private to the module).

#include <string_view>
#include <vector>

namespace kal::calendar::detail {

// "a,b,,c" -> {"a", "b", "", "c"}; views into text.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

}  // namespace kal::calendar::detail
