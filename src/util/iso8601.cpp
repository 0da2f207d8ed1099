#include "util/iso8601.hpp"

#include <cctype>

namespace mongoway::util {
namespace {

using namespace std::chrono;

// Reads exactly `count` digits at `pos`.
bool digits(std::string_view text, size_t& pos, size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool literal(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<sys_days> read_date(std::string_view text, size_t& pos) {
  int y = 0, m = 0, d = 0;
  if (!digits(text, pos, 4, y) || !literal(text, pos, '-') || !digits(text, pos, 2, m) || !literal(text, pos, '-') ||
      !digits(text, pos, 2, d)) {
    return std::nullopt;
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date};
}

struct TimeOfDay {
  milliseconds since_midnight{0};
  milliseconds unit{0};  // of the last field given: a minute, a second or a millisecond
};

// HH:MM[:SS[.fraction]]
std::optional<TimeOfDay> read_time_of_day(std::string_view text, size_t& pos) {
  int h = 0, m = 0, s = 0;
  if (!digits(text, pos, 2, h) || !literal(text, pos, ':') || !digits(text, pos, 2, m) || h > 23 || m > 59) {
    return std::nullopt;
  }
  TimeOfDay out{hours(h) + minutes(m), minutes(1)};
  if (!literal(text, pos, ':')) return out;
  if (!digits(text, pos, 2, s) || s > 59) return std::nullopt;
  out.since_midnight += seconds(s);
  out.unit = seconds(1);
  if (!literal(text, pos, '.') && !literal(text, pos, ',')) return out;
  int scale = 100;
  const size_t first = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
    out.since_midnight += milliseconds((text[pos++] - '0') * scale);
    scale /= 10;
  }
  if (pos == first) return std::nullopt;
  out.unit = milliseconds(1);
  return out;
}

// Milliseconds since the epoch never overflow here; the system clock's
// nanoseconds do past 2262, so such instants are held at its ends.
system_clock::time_point clamped(sys_time<milliseconds> t) {
  constexpr auto earliest = time_point_cast<milliseconds>(system_clock::time_point::min()) + milliseconds(1);
  constexpr auto latest = time_point_cast<milliseconds>(system_clock::time_point::max()) - milliseconds(1);
  if (t.time_since_epoch() <= earliest.time_since_epoch()) return system_clock::time_point::min();
  if (t.time_since_epoch() >= latest.time_since_epoch()) return system_clock::time_point::max();
  return system_clock::time_point{t.time_since_epoch()};
}

Iso8601Time span(sys_time<milliseconds> first, milliseconds unit) {
  return Iso8601Time{clamped(first), clamped(first + unit - milliseconds(1))};
}

// Z, ±HH:MM, ±HHMM or ±HH: the offset to subtract to reach UTC.
std::optional<minutes> read_zone(std::string_view text, size_t& pos) {
  if (pos == text.size()) return minutes(0);
  if (literal(text, pos, 'Z') || literal(text, pos, 'z')) return minutes(0);
  const char sign = text[pos];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  int h = 0, m = 0;
  if (!digits(text, pos, 2, h)) return std::nullopt;
  if (pos < text.size()) {
    literal(text, pos, ':');
    if (!digits(text, pos, 2, m)) return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  const minutes offset = hours(h) + minutes(m);
  return sign == '-' ? -offset : offset;
}

}  // namespace

std::optional<Iso8601Time> parse_iso8601(std::string_view text, std::string* err) {
  *err = "expected an ISO 8601 date or date-time, e.g. 2026-01-31, 2026-01-31T18:30:00Z or "
         "2026-01-31T18:30:00+02:00";
  size_t pos = 0;
  const auto date = read_date(text, pos);
  if (!date) return std::nullopt;
  const sys_time<milliseconds> midnight{*date};
  if (pos == text.size()) {
    err->clear();
    return span(midnight, days(1));
  }
  if (!literal(text, pos, 'T') && !literal(text, pos, 't') && !literal(text, pos, ' ')) return std::nullopt;
  const auto time_of_day = read_time_of_day(text, pos);
  if (!time_of_day) return std::nullopt;
  const auto offset = read_zone(text, pos);
  if (!offset || pos != text.size()) return std::nullopt;
  err->clear();
  return span(midnight + time_of_day->since_midnight - *offset, time_of_day->unit);
}

}  // namespace mongoway::util
