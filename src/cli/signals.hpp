#pragma once
// SIGINT and SIGTERM while a command writes. The first asks the running
// Migrator to stop at the next safe point, after recording the truth and
// releasing the lock (exit 130/143), and is acknowledged at once on stderr.
// A second one stops at once: the version in flight is left unfinished, as
// if the process were killed (its outcome unknown), the lease released only
// when no request is in flight, and the process ends by the signal.
//
// The handler only records the signal and writes its number into a pipe; a
// thread of this class waits on the pipe and does the rest, so the
// acknowledgement never waits for the worker.

#include <csignal>
#include <thread>

#include "cli/console.hpp"

namespace mongoway::cli {

class StopSignals {
 public:
  // What the first signal does: migrate and undo stop at the next safe point;
  // baseline, repair and clean finish their work first.
  enum class Stops { at_safe_point, after_the_work };
  StopSignals(Console& console, Stops stops);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  void watch();
  [[noreturn]] void stop_now(int signal_number);

  Console& m_console;
  Stops m_stops;
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
  std::thread m_watcher;
};

}  // namespace mongoway::cli
