#pragma once
// Numbers, durations and times as mongoway prints them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mongoway/migrator.hpp"

namespace mongoway::cli {

// 1204 -> "1,204"
std::string group_digits(int64_t number);
// 42 -> "42 ms", 1500 -> "1.5 s", 125000 -> "2 min 5 s"
std::string format_duration(int64_t milliseconds);
// "2024-05-01T10:00:00.123Z"
std::string iso8601_utc(std::chrono::system_clock::time_point time);
// "2024-05-01 10:00:00"
std::string text_utc(std::chrono::system_clock::time_point time);
// "1,204 inserted, 3 modified"; empty when every count is zero.
std::string format_counts(const WriteCounts& counts);
// "V3" or "U3"
std::string step_label(const StepResult& step);
// Width on a terminal, in cells: a CJK character takes two, a combining mark none.
size_t display_width(std::string_view text);
// The longest prefix of `line` that fits in `cells` terminal cells, cut on a
// code point boundary.
std::string fit_cells(const std::string& line, size_t cells);
// 1 -> "1 version", 2 -> "2 versions"
std::string plural(int64_t count, std::string_view noun);

}  // namespace mongoway::cli
