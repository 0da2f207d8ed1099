#pragma once
// The live progress line on stderr: a bar across versions, a bar of documents
// for batched inserts with their rate and the time left, and an elapsed-time
// spinner for long server commands. Drawn only when the Console allows a
// status line, once the run has lasted more than a moment, and then redrawn
// on a clock of its own (several times a second), not only when the engine
// reports progress: a batch of a seed may take seconds to be acknowledged.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cli/console.hpp"

namespace mongoway::cli {

class Progress {
 public:
  explicit Progress(Console& console);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void step_started(const std::string& label, size_t index, size_t total);
  void command_started(const std::string& name);
  void documents(uint64_t done, std::optional<uint64_t> total);
  void finish();

 private:
  void tick(const std::stop_token& stop);
  std::string render_locked() const;
  std::string documents_locked() const;

  using Clock = std::chrono::steady_clock;
  Console& m_console;
  std::mutex m_mutex;
  std::condition_variable_any m_wake;
  Clock::time_point m_run_start = Clock::now();
  Clock::time_point m_command_start = Clock::now();
  std::string m_label;
  std::string m_command;
  size_t m_index = 0;
  size_t m_total = 0;
  uint64_t m_docs_done = 0;
  Clock::time_point m_docs_at = Clock::now();  // when m_docs_done was last reported
  std::optional<uint64_t> m_docs_total;
  unsigned m_frame = 0;
  bool m_active = false;
  std::jthread m_thread;  // last: stopped and joined first
};

}  // namespace mongoway::cli
