#pragma once
// JSON written straight into a string, without building a boost::json DOM first (issue 13,
// item 3): for the answers that are hot and never cached, the meeting list and the single
// meeting with a token. Its bytes are those of boost::json::serialize for the same values (the
// same escapes: \" \\ \b \f \n \r \t and \u00xx in lower case for other control characters;
// everything else, UTF-8 included, as it is; integers in decimal), so either writer may answer;
// tests/unit/api_json_tests.cpp pins that on the demo data.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kal::service::api {

class json_writer {
public:
    explicit json_writer(std::string& out) : out_(out) {}

    json_writer& begin_object() {
        separate();
        out_ += '{';
        comma_ = false;
        return *this;
    }
    json_writer& end_object() {
        out_ += '}';
        comma_ = true;
        return *this;
    }
    json_writer& begin_array() {
        separate();
        out_ += '[';
        comma_ = false;
        return *this;
    }
    json_writer& end_array() {
        out_ += ']';
        comma_ = true;
        return *this;
    }
    // A member's name; its value follows.
    json_writer& key(std::string_view name) {
        separate();
        quoted(name);
        out_ += ':';
        comma_ = false;
        return *this;
    }
    json_writer& string(std::string_view v) {
        separate();
        quoted(v);
        comma_ = true;
        return *this;
    }
    json_writer& number(std::int64_t v) {
        separate();
        char buffer[24];
        char* end = buffer + sizeof buffer;
        char* p = end;
        // Digits from the magnitude as unsigned, so that INT64_MIN has one too.
        auto magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
        do {
            *--p = static_cast<char>('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        if (v < 0) *--p = '-';
        out_.append(p, end);
        comma_ = true;
        return *this;
    }
    json_writer& boolean(bool v) {
        separate();
        out_ += v ? "true" : "false";
        comma_ = true;
        return *this;
    }
    json_writer& null() {
        separate();
        out_ += "null";
        comma_ = true;
        return *this;
    }
    template <class T>
    json_writer& number_or_null(const std::optional<T>& v) {
        return v ? number(static_cast<std::int64_t>(*v)) : null();
    }
    json_writer& string_or_null(const std::optional<std::string>& v) { return v ? string(*v) : null(); }

    // Shorthands for a member: key(name) and its value.
    json_writer& member(std::string_view name, std::string_view v) { return key(name).string(v); }
    json_writer& member(std::string_view name, const std::string& v) { return key(name).string(v); }
    json_writer& member(std::string_view name, const char* v) { return key(name).string(v); }
    json_writer& member(std::string_view name, std::int64_t v) { return key(name).number(v); }
    json_writer& member(std::string_view name, int v) { return key(name).number(v); }
    json_writer& member(std::string_view name, bool v) { return key(name).boolean(v); }

private:
    void separate() {
        if (comma_) out_ += ',';
    }
    void quoted(std::string_view s) {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += '"';
        std::size_t run = 0;  // the start of the bytes not yet copied
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            out_.append(s.data() + run, i - run);
            run = i + 1;
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\b': out_ += "\\b"; break;
                case '\f': out_ += "\\f"; break;
                case '\n': out_ += "\\n"; break;
                case '\r': out_ += "\\r"; break;
                case '\t': out_ += "\\t"; break;
                default:
                    out_ += "\\u00";
                    out_ += hex[c >> 4];
                    out_ += hex[c & 15];
            }
        }
        out_.append(s.data() + run, s.size() - run);
        out_ += '"';
    }

    std::string& out_;
    bool comma_ = false;  // a value was written at this level: the next one needs a comma
};

}  // namespace kal::service::api
