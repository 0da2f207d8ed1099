#include "cli/console.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "cli/json_writer.hpp"
#include "mongoway/error.hpp"
#include "util/redact.hpp"
#include "util/utf8.hpp"

namespace mongoway::cli {
namespace {

// The streams belong to the process, not to one Console: the first failure
// of each is kept here, whichever Console met it.
std::atomic<int> g_out_errno{0};
std::atomic<int> g_err_errno{0};

void remember_failure(int fd, int error) {
  int none = 0;
  (fd == 1 ? g_out_errno : g_err_errno).compare_exchange_strong(none, error);
}

constexpr auto kStatusHoldAfterOut = std::chrono::milliseconds(150);

}  // namespace

Console::Console(Style out_style, Style err_style, bool status_enabled)
    : m_out_style(out_style), m_err_style(err_style), m_status_enabled(status_enabled) {}

void Console::set_secrets(std::vector<std::string> secrets) {
  // --output json prints a secret escaped (a quote as \", a backslash doubled,
  // control characters as \n or \u00XX), which its raw form would not match.
  // Each escaped form comes right after its secret: the order of uri_secrets
  // (a whole password before its parts) is kept.
  std::vector<std::string> both;
  for (auto& secret : secrets) {
    std::string quoted = util::json_quote(secret);
    std::string escaped = quoted.substr(1, quoted.size() - 2);
    both.push_back(std::move(secret));
    if (escaped != both.back()) both.push_back(std::move(escaped));
  }
  std::lock_guard lock(m_mutex);
  m_secrets = std::move(both);
}

// The known secrets, then any URI with a password in what is printed: messages
// echo what the user typed (a URI given as a command, a mistyped config line).
std::string Console::redact(std::string_view text) const {
  return redact_uris_in_text(redact_secrets(text, m_secrets));
}

void Console::write_locked(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      remember_failure(fd, errno);
      return;
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
}

// A status of several lines (a fleet's live table) is erased from its first
// line down: the cursor goes up to it, then everything below is cleared.
void Console::erase_status_locked() {
  if (m_status_shown) {
    std::string erase = "\r";
    if (m_status_lines > 1) erase += fmt::format("\x1b[{}A", m_status_lines - 1);
    write_locked(2, erase + "\x1b[J");
    m_status_shown = false;
  }
}

void Console::redraw_status_locked() {
  if (m_status.empty() || !m_status_enabled || Clock::now() < m_status_hold_until) return;
  erase_status_locked();
  write_locked(2, "\r\x1b[K");
  write_locked(2, m_status);
  m_status_shown = true;
  m_status_lines = 1 + static_cast<int>(std::count(m_status.begin(), m_status.end(), '\n'));
}

// The status line is not drawn again right after: the next redraw (the
// progress line's clock) comes once the text has had time to reach the
// terminal through whatever reads stdout.
void Console::out(std::string_view text) {
  std::lock_guard lock(m_mutex);
  std::string clean = redact(text);
  erase_status_locked();
  write_locked(1, clean);
  m_status_hold_until = Clock::now() + kStatusHoldAfterOut;
}

void Console::err(std::string_view text) {
  std::lock_guard lock(m_mutex);
  std::string clean = redact(text);
  erase_status_locked();
  write_locked(2, clean);
  redraw_status_locked();
}

void Console::set_status(std::string_view line) {
  if (!m_status_enabled) return;
  std::lock_guard lock(m_mutex);
  m_status = redact(line);
  redraw_status_locked();
}

void Console::clear_status() {
  std::lock_guard lock(m_mutex);
  m_status.clear();
  erase_status_locked();
}

int Console::width() const {
  winsize size{};
  if (ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

int Console::finish(int code) {
  std::lock_guard lock(m_mutex);
  m_status.clear();
  erase_status_locked();
  // Text written to stdout may still be on its way (a file on a network file
  // system): close() is where the system reports it lost.
  if (::close(1) != 0 && errno != EBADF && errno != EINTR) remember_failure(1, errno);
  const int out_error = g_out_errno.load();
  if (out_error != 0) {
    write_locked(2, fmt::format("mongoway: {}: writing standard output: {}\n", m_err_style.paint("error", Color::red),
                                std::strerror(out_error)));
  }
  if (code != 0) return code;
  return out_error != 0 || g_err_errno.load() != 0 ? static_cast<int>(ExitCode::output) : 0;
}

}  // namespace mongoway::cli
