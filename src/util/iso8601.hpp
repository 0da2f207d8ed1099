#pragma once
// ISO 8601 dates and date-times as a user types them on the command line
// (`history --since 2026-01-31`, `--until 2026-01-31T18:30:00+02:00`).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mongoway::util {

// A value names a span of time as long as its last unit: a date its day,
// 18:30 its minute, 18:30:15 its second, 18:30:15.250 its millisecond.
struct Iso8601Time {
  std::chrono::system_clock::time_point first;  // the span's first millisecond, in UTC
  std::chrono::system_clock::time_point last;   // its last millisecond
};

// Accepts YYYY-MM-DD, or YYYY-MM-DD followed by `T` (or one space) and
// HH:MM, HH:MM:SS or HH:MM:SS.fraction, then optionally `Z` or an offset
// ±HH:MM, ±HHMM or ±HH; without a zone the time is UTC. Fractions beyond
// milliseconds are cut. Instants beyond what the system clock holds (before
// 1678, after 2261) become its earliest or latest. On failure returns nullopt
// and says what it expected in *err.
std::optional<Iso8601Time> parse_iso8601(std::string_view text, std::string* err);

}  // namespace mongoway::util
