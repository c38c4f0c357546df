#pragma once
// Names in the order a Swedish reader looks for them in a list: the Swedish alphabet (a–z, then
// å, ä, ö), letters with other accents where Swedish puts them (é and è as e, ü as y, æ as ä,
// ø as ö), case aside; digits before letters, spaces and punctuation before digits. Everything
// that lists names for people (selects, directories, venues) sorts with it, in both languages:
// the names are Swedish.

#include <string_view>

namespace kal::service::app {

// A strict weak order that is total on distinct texts: equal letters are then told apart by
// accents (e before é), then case (lower before upper), then bytes. Texts that are not valid
// UTF-8 still sort (malformed bytes weigh as U+FFFD).
bool swedish_less(std::string_view a, std::string_view b);

// swedish_less on a member: std::sort(v.begin(), v.end(), by_swedish_name{}).
struct by_swedish_name {
    template <class T>
    bool operator()(const T& a, const T& b) const {
        return swedish_less(name_of(a), name_of(b));
    }

private:
    template <class T>
    static std::string_view name_of(const T& t) {
        if constexpr (requires { t->name; })
            return t->name;
        else
            return t.name;
    }
};

}  // namespace kal::service::app
