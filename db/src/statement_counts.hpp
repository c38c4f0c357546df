#pragma once
// Counters behind kal/db/testing.hpp that sql.cpp keeps: statements prepared by stmt and
// statements run by it (a kept statement is prepared once and run many times).

#include <atomic>
#include <cstdint>

namespace kal::db::detail::testing_counts {

inline std::atomic<std::uint64_t> prepared{0};
inline std::atomic<std::uint64_t> run{0};

}  // namespace kal::db::detail::testing_counts
