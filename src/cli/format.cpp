#include "cli/format.hpp"

#include <fmt/format.h>

#include <ctime>
#include <vector>

#include "util/utf8.hpp"

namespace mongoway::cli {

std::string group_digits(int64_t number) {
  std::string digits = std::to_string(number < 0 ? -(number + 1) + 1ull : static_cast<uint64_t>(number));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return number < 0 ? "-" + out : out;
}

std::string format_duration(int64_t milliseconds) {
  if (milliseconds < 1000) return fmt::format("{} ms", milliseconds);
  if (milliseconds < 60'000) return fmt::format("{:.1f} s", static_cast<double>(milliseconds) / 1000.0);
  int64_t seconds = milliseconds / 1000;
  if (seconds < 3600) return fmt::format("{} min {} s", seconds / 60, seconds % 60);
  return fmt::format("{} h {} min", seconds / 3600, seconds % 3600 / 60);
}

namespace {

std::tm utc_parts(std::chrono::system_clock::time_point time, int64_t& millis) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  millis = since_epoch % 1000;
  std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000);
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  int64_t millis = 0;
  std::tm t = utc_parts(time, millis);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                     t.tm_min, t.tm_sec, millis);
}

std::string text_utc(std::chrono::system_clock::time_point time) {
  int64_t millis = 0;
  std::tm t = utc_parts(time, millis);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                     t.tm_min, t.tm_sec);
}

std::string format_counts(const WriteCounts& counts) {
  std::vector<std::string> parts;
  auto add = [&](int64_t n, const char* what) {
    if (n != 0) parts.push_back(group_digits(n) + " " + what);
  };
  add(counts.inserted, "inserted");
  add(counts.matched, "matched");
  add(counts.modified, "modified");
  add(counts.upserted, "upserted");
  add(counts.deleted, "deleted");
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string step_label(const StepResult& step) {
  return fmt::format("{}{}", step.direction == Direction::undo ? 'U' : 'V', step.version);
}

size_t display_width(std::string_view text) { return util::display_width(text); }

std::string plural(int64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", group_digits(count), noun, count == 1 ? "" : "s");
}

// The longest prefix of `line` that fits in `cells` terminal cells, cut on a
// code point boundary.
std::string fit_cells(const std::string& line, size_t cells) {
  size_t bytes = 0;
  size_t shown = 0;
  while (bytes < line.size()) {
    uint32_t code_point = 0;
    size_t length = util::utf8_sequence(line, bytes, &code_point);
    size_t width = 1;  // a malformed byte: one cell
    if (length == 0) length = 1;
    else width = static_cast<size_t>(util::cell_width(code_point));
    if (shown + width > cells) break;
    shown += width;
    bytes += length;
  }
  return line.substr(0, bytes);
}

}  // namespace mongoway::cli
