#pragma once
// A fleet run's live table on a terminal: a line of the whole run (a bar
// across the databases, how many ended and failed) and one row per database
// running (its name, its version running of how many, how long it has run),
// drawn as the Console's status, below the lines of the databases that
// ended, and redrawn on a clock of its own as the progress line is. Nothing
// is drawn where the Console has no status (not a terminal, --quiet).

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/console.hpp"

namespace mongoway::cli {

class FleetTable {
 public:
  FleetTable(Console& console, std::vector<std::string> names);
  ~FleetTable();
  FleetTable(const FleetTable&) = delete;
  FleetTable& operator=(const FleetTable&) = delete;

  void started(size_t index);
  // What the database runs now, e.g. "V3 add_index (2/5)".
  void state(size_t index, std::string state);
  void finished(size_t index, bool failed);
  void finish();

  // The status as drawn now (for tests, and the clock's redraw).
  std::string render() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Row {
    std::string state = "starting";
    Clock::time_point since = Clock::now();
  };
  void tick(const std::stop_token& stop);
  std::string render_locked() const;

  Console& m_console;
  std::vector<std::string> m_names;
  size_t m_name_width = 8;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_wake;
  std::map<size_t, Row> m_running;  // by index: rows in the targets' order
  size_t m_ended = 0;
  size_t m_failed = 0;
  Clock::time_point m_start = Clock::now();
  bool m_active = true;
  std::jthread m_thread;  // last: stopped and joined first
};

}  // namespace mongoway::cli
