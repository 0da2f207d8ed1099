#pragma once
// Everything mongoway prints goes through the Console: secrets are masked (the
// known ones, raw and JSON-escaped, and any URI with a password in the text),
// and the live status line on stderr is cleared before other text. A write that
// fails is remembered: the run then ends with exit code 6 (ExitCode::output)
// unless it already failed for another reason.

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cli/terminal.hpp"

namespace mongoway::cli {

class Console {
 public:
  Console(Style out_style, Style err_style, bool status_enabled);

  void set_secrets(std::vector<std::string> secrets);

  void out(std::string_view text);  // stdout
  void err(std::string_view text);  // stderr

  // The status on stderr (only when enabled: stderr is a terminal and not
  // --quiet): one line, or several (a fleet's table), each fitting the width.
  bool status_enabled() const { return m_status_enabled; }
  void set_status(std::string_view line);
  void clear_status();
  // Columns of the terminal on stderr (80 when unknown).
  int width() const;

  // Ends the output: stdout is closed (the last chance for the system to
  // report that its data could not be written), then the first failed write,
  // if any, is reported on stderr. Returns `code`, or 6 when it was 0 and some
  // output was lost. Nothing may be printed after.
  int finish(int code);

  const Style& out_style() const { return m_out_style; }
  const Style& err_style() const { return m_err_style; }
  // What out(), err() and set_status() print for `text`.
  std::string redact(std::string_view text) const;

 private:
  void write_locked(int fd, std::string_view text);
  void erase_status_locked();
  void redraw_status_locked();

  using Clock = std::chrono::steady_clock;

  Style m_out_style;
  Style m_err_style;
  bool m_status_enabled;
  std::vector<std::string> m_secrets;
  std::string m_status;
  bool m_status_shown = false;
  int m_status_lines = 0;  // of the status shown
  // After a line on stdout the status waits a moment before it is drawn again:
  // stdout may be a pipe to `tee` whose copy reaches the terminal a little later.
  Clock::time_point m_status_hold_until{};
  mutable std::mutex m_mutex;
};

}  // namespace mongoway::cli
