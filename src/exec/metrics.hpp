#pragma once
// A command's metrics (DatabaseMetrics), handed to Listener::metrics once at
// its end, whether it succeeded or failed. Nothing is read or timed for them
// without a metrics listener: the counts come from the status the command
// read when nothing changed the history since, else from one more reading.

#include <string>
#include <utility>
#include <vector>

#include "exec/engine.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::exec {

// How a command ended, as its metrics tell it: `success` is what exit status
// 0 means for it; `wrote`: it may have changed the history, so a status it
// read before is no longer the database's.
struct Outcome {
  bool success = true;
  bool wrote = false;
};

// migrate, undo, goto: every step succeeded; wrote when a step ran.
Outcome outcome_of(const RunResult& result);
Outcome outcome_of(const InfoResult& result);      // no file invalid
Outcome outcome_of(const ValidateResult& result);  // ok
Outcome outcome_of(const RepairResult& result);    // wrote when it changed something
Outcome outcome_of(const RemoveResult& result);
Outcome outcome_of(const UnlockResult& result);
Outcome outcome_of(const std::vector<HistoryRecord>& result);
Outcome outcome_of(const SnapshotResult& result);
Outcome outcome_of(const DiffResult& result);  // no difference
// clean: the names of the collections it dropped (the history among them).
Outcome outcome_of(const std::vector<std::string>& dropped);

// One command's metrics from its start to its end.
class CommandMetrics {
 public:
  // Starts the command's clock and forgets what an earlier command read.
  CommandMetrics(Engine& engine, std::string command);
  void ended(Outcome outcome);
  // A failure: the counts are read again, except after a server not reached
  // (and a usage error before any connection), when they stay unknown.
  void failed(ExitCode code);

 private:
  DatabaseMetrics measured(bool success) const;
  // From the status the command read, or read now; nullopt when it cannot be.
  std::optional<plan::Status> status(bool read_again) const;
  void report(DatabaseMetrics metrics, const std::optional<plan::Status>& status) const;

  Engine& m_engine;
  std::string m_command;
  int64_t m_start_ns = 0;
};

// Runs one command through `run` and reports its metrics when the listener
// wants them; `outcome` judges its result. Errors pass through unchanged.
template <typename Run, typename Judge>
auto measured(Engine& engine, std::string command, Run run, Judge outcome) -> decltype(run()) {
  if (!engine.listener.metrics) return run();
  CommandMetrics metrics(engine, std::move(command));
  try {
    auto result = run();
    metrics.ended(outcome(result));
    return result;
  } catch (const Error& e) {
    metrics.failed(e.code());
    throw;
  }
}

template <typename Run>
auto measured(Engine& engine, std::string command, Run run) -> decltype(run()) {
  return measured(engine, std::move(command), std::move(run), [](const auto& result) { return outcome_of(result); });
}

}  // namespace mongoway::exec
