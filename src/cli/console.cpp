#include "cli/console.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "cli/json_writer.hpp"
#include "util/redact.hpp"

namespace mongoway::cli {

Console::Console(Style out_style, Style err_style, bool status_enabled)
    : m_out_style(out_style), m_err_style(err_style), m_status_enabled(status_enabled) {}

void Console::set_secrets(std::vector<std::string> secrets) {
  // --output json prints a secret escaped (a quote as \", a backslash doubled,
  // control characters as \n or \u00XX), which its raw form would not match.
  // Each escaped form comes right after its secret: the order of uri_secrets
  // (a whole password before its parts) is kept.
  std::vector<std::string> both;
  for (auto& secret : secrets) {
    std::string quoted = json_quote(secret);
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
      return;  // a closed pipe: nothing sensible left to do with the text
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
}

void Console::erase_status_locked() {
  if (m_status_shown) {
    write_locked(2, "\r\x1b[K");
    m_status_shown = false;
  }
}

void Console::out(std::string_view text) {
  std::lock_guard lock(m_mutex);
  std::string clean = redact(text);
  erase_status_locked();
  write_locked(1, clean);
  if (!m_status.empty() && m_status_enabled) {
    write_locked(2, m_status);
    m_status_shown = true;
  }
}

void Console::err(std::string_view text) {
  std::lock_guard lock(m_mutex);
  std::string clean = redact(text);
  erase_status_locked();
  write_locked(2, clean);
  if (!m_status.empty() && m_status_enabled) {
    write_locked(2, m_status);
    m_status_shown = true;
  }
}

void Console::set_status(std::string_view line) {
  if (!m_status_enabled) return;
  std::lock_guard lock(m_mutex);
  m_status = redact(line);
  write_locked(2, "\r\x1b[K");
  write_locked(2, m_status);
  m_status_shown = true;
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

}  // namespace mongoway::cli
