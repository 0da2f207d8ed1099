#include "cli/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/format.hpp"

namespace mongoway::cli {
namespace {

constexpr auto kDelay = std::chrono::milliseconds(500);     // quicker work never shows a bar
constexpr auto kInterval = std::chrono::milliseconds(200);  // redrawn five times a second

std::string bar(double fraction, int width) {
  if (fraction < 0) fraction = 0;
  if (fraction > 1) fraction = 1;
  const int filled = static_cast<int>(std::lround(fraction * width));
  return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '-') +
         "]";
}

int64_t milliseconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// Whole seconds, rounded up: "ETA 3 s", "ETA 2 min 5 s".
std::string eta(int64_t milliseconds) {
  const int64_t seconds = (std::max<int64_t>(milliseconds, 0) + 999) / 1000;
  return "ETA " + (seconds < 60 ? fmt::format("{} s", seconds) : format_duration(seconds * 1000));
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
  m_docs_at = Clock::now();
}

void Progress::finish() {
  {
    std::lock_guard lock(m_mutex);
    m_active = false;
  }
  m_console.clear_status();
}

// "[###-------] 200,000/300,000 docs  41,000 docs/s  ETA 3 s": the rate is
// over the command so far, and the time left counts down between the
// server's acknowledgements, from the rate at the last one.
std::string Progress::documents_locked() const {
  const auto done = static_cast<int64_t>(m_docs_done);
  const int64_t measured_ms = milliseconds_between(m_command_start, m_docs_at);
  std::string rate;
  if (done > 0 && measured_ms > 0) rate = fmt::format("  {} docs/s", group_digits(done * 1000 / measured_ms));
  if (!m_docs_total || *m_docs_total == 0) return fmt::format("  {} docs{}", group_digits(done), rate);
  const auto total = static_cast<int64_t>(*m_docs_total);
  std::string left;
  if (!rate.empty() && done < total) {
    const int64_t expected_ms = measured_ms * (total - done) / done;
    left = "  " + eta(expected_ms - milliseconds_between(m_docs_at, Clock::now()));
  }
  return fmt::format("  {} {}/{} docs{}{}", bar(static_cast<double>(done) / static_cast<double>(total), 10),
                     group_digits(done), group_digits(total), rate, left);
}

std::string Progress::render_locked() const {
  static const char* spinner = "|/-\\";
  const int64_t elapsed = milliseconds_between(m_command_start, Clock::now());
  std::string line = fmt::format(
      "{} {}/{} {}", bar(m_total == 0 ? 0.0 : static_cast<double>(m_index) / static_cast<double>(m_total), 20),
      m_index + 1, m_total, m_label);
  if (!m_command.empty()) line += "  " + m_command;
  if (m_docs_done > 0 || m_docs_total) line += documents_locked();
  line += fmt::format("  {} {}", format_duration(elapsed), spinner[m_frame % 4]);
  return fit_cells(line, static_cast<size_t>(std::max(1, m_console.width() - 1)));
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
