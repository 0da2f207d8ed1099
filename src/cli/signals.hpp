#pragma once
// SIGINT and SIGTERM ask the running Migrator to stop after recording the
// truth and releasing the lock (exit 130/143). A second signal kills at once.

#include <csignal>

namespace mongoway::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

}  // namespace mongoway::cli
