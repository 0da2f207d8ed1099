#include "cli/progress.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/format.hpp"

namespace mongoway::cli {
namespace {

constexpr auto kDelay = std::chrono::milliseconds(500);  // quicker work never shows a bar
constexpr auto kInterval = std::chrono::milliseconds(100);

std::string bar(double fraction, int width) {
  if (fraction < 0) fraction = 0;
  if (fraction > 1) fraction = 1;
  const int filled = static_cast<int>(std::lround(fraction * width));
  return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '-') +
         "]";
}

}  // namespace

Progress::Progress(Console& console) : m_console(console) {
  if (m_console.status_enabled()) {
    m_thread = std::jthread([this](const std::stop_token& stop) { tick(stop); });
  }
}

Progress::~Progress() {
  if (m_thread.joinable()) {
    m_thread.request_stop();
    m_thread.join();
  }
  m_console.clear_status();
}

void Progress::step_started(const std::string& label, size_t index, size_t total) {
  std::lock_guard lock(m_mutex);
  m_label = label;
  m_index = index;
  m_total = total;
  m_command.clear();
  m_docs_done = 0;
  m_docs_total.reset();
  m_command_start = Clock::now();
  m_active = true;
}

void Progress::command_started(const std::string& name) {
  std::lock_guard lock(m_mutex);
  m_command = name;
  m_docs_done = 0;
  m_docs_total.reset();
  m_command_start = Clock::now();
}

void Progress::documents(uint64_t done, std::optional<uint64_t> total) {
  std::lock_guard lock(m_mutex);
  m_docs_done = done;
  m_docs_total = total;
}

void Progress::finish() {
  {
    std::lock_guard lock(m_mutex);
    m_active = false;
  }
  m_console.clear_status();
}

std::string Progress::render_locked() const {
  static const char* spinner = "|/-\\";
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_command_start).count();
  std::string line = fmt::format(
      "{} {}/{} {}", bar(m_total == 0 ? 0.0 : static_cast<double>(m_index) / static_cast<double>(m_total), 20),
      m_index + 1, m_total, m_label);
  if (!m_command.empty()) line += "  " + m_command;
  if (m_docs_done > 0 || m_docs_total) {
    if (m_docs_total && *m_docs_total > 0) {
      line += fmt::format(
          "  {} {}/{} docs", bar(static_cast<double>(m_docs_done) / static_cast<double>(*m_docs_total), 10),
          group_digits(static_cast<int64_t>(m_docs_done)), group_digits(static_cast<int64_t>(*m_docs_total)));
    } else {
      line += fmt::format("  {} docs", group_digits(static_cast<int64_t>(m_docs_done)));
    }
  }
  line += fmt::format("  {} {}", format_duration(elapsed), spinner[m_frame % 4]);
  auto width = static_cast<size_t>(m_console.width() - 1);
  if (display_width(line) > width) {
    // Cut on a code point boundary.
    size_t bytes = 0, shown = 0;
    while (bytes < line.size() && shown < width) {
      ++bytes;
      while (bytes < line.size() && (static_cast<unsigned char>(line[bytes]) & 0xC0) == 0x80) ++bytes;
      ++shown;
    }
    line.resize(bytes);
  }
  return line;
}

void Progress::tick(const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  while (!stop.stop_requested()) {
    m_wake.wait_for(lock, stop, kInterval, [] { return false; });
    if (stop.stop_requested()) break;
    if (!m_active || Clock::now() - m_run_start < kDelay) continue;
    ++m_frame;
    // Drawn under the lock, so finish() cannot clear the line before a late redraw.
    m_console.set_status(render_locked());
  }
}

}  // namespace mongoway::cli
