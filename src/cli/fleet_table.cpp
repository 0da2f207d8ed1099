#include "cli/fleet_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/format.hpp"

namespace mongoway::cli {
namespace {

constexpr auto kInterval = std::chrono::milliseconds(200);
constexpr size_t kMaxRows = 16;  // a terminal's height: more running databases are counted, not shown

int64_t milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> list_of_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t from = 0;
  for (size_t end; (end = text.find('\n', from)) != std::string::npos; from = end + 1) {
    lines.push_back(text.substr(from, end - from));
  }
  lines.push_back(text.substr(from));
  return lines;
}

}  // namespace

FleetTable::FleetTable(Console& console, std::vector<std::string> names)
    : m_console(console), m_names(std::move(names)) {
  for (const auto& name : m_names) m_name_width = std::max(m_name_width, display_width(name));
  if (m_console.status_enabled()) {
    m_thread = std::jthread([this](const std::stop_token& stop) { tick(stop); });
  }
}

FleetTable::~FleetTable() {
  if (m_thread.joinable()) {
    m_thread.request_stop();
    m_thread.join();
  }
  m_console.clear_status();
}

void FleetTable::started(size_t index) {
  std::lock_guard lock(m_mutex);
  m_running[index] = Row{};
}

void FleetTable::state(size_t index, std::string state) {
  std::lock_guard lock(m_mutex);
  m_running[index].state = std::move(state);
}

void FleetTable::finished(size_t index, bool failed) {
  std::lock_guard lock(m_mutex);
  m_running.erase(index);
  ++m_ended;
  if (failed) ++m_failed;
}

void FleetTable::finish() {
  {
    std::lock_guard lock(m_mutex);
    m_active = false;
  }
  m_console.clear_status();
}

std::string FleetTable::render() const {
  std::lock_guard lock(m_mutex);
  return render_locked();
}

// [#####---------] 5/8 databases ended, 1 failed  12.0 s
//   tenant_f   V3 add_index (2/5)   1.2 s
std::string FleetTable::render_locked() const {
  const size_t total = m_names.size();
  const auto filled = static_cast<size_t>(
      std::lround(total == 0 ? 0.0 : 20.0 * static_cast<double>(m_ended) / static_cast<double>(total)));
  std::string out = fmt::format("[{}{}] {}/{} databases ended", std::string(filled, '#'), std::string(20 - filled, '-'),
                                m_ended, total);
  if (m_failed > 0) out += fmt::format(", {} failed", m_failed);
  out += "  " + format_duration(milliseconds_since(m_start));
  size_t shown = 0;
  for (const auto& [index, row] : m_running) {
    if (++shown > kMaxRows) {
      out += fmt::format("\n  … and {} more running", m_running.size() - kMaxRows);
      break;
    }
    const std::string& name = m_names[index];
    out += fmt::format("\n  {}{}  {}  {}", name, std::string(m_name_width - display_width(name), ' '), row.state,
                       format_duration(milliseconds_since(row.since)));
  }
  return out;
}

void FleetTable::tick(const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  while (!stop.stop_requested()) {
    m_wake.wait_for(lock, stop, kInterval, [] { return false; });
    if (stop.stop_requested()) break;
    if (!m_active) continue;
    // Each line fits the width: a line the terminal wraps would not be erased.
    const auto width = static_cast<size_t>(std::max(1, m_console.width() - 1));
    std::string fitted;
    for (const auto& line : list_of_lines(render_locked()))
      fitted += (fitted.empty() ? "" : "\n") + fit_cells(line, width);
    // Drawn under the lock, so finish() cannot clear the table before a late redraw.
    m_console.set_status(fitted);
  }
}

}  // namespace mongoway::cli
