#pragma once
// Runs the steps of a migrate or an undo under the lock. Before the first
// command the run's record (the versions it will run) is written beside the
// lock; each version's entry is appended to the history once the version has
// ended, success or failure: one insert per version. A run cut short leaves
// its record, which stands for the version that was running (see
// model::RunRecord).

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exec/batched_walk.hpp"
#include "exec/engine.hpp"
#include "exec/lease_lock.hpp"

namespace mongoway::exec {

class CreationRecorder;

// A run record lists at most this many versions (a longer run rewrites it as
// it goes), which keeps it far below the server's document size limit.
inline constexpr size_t kRunRecordSteps = 1000;

// Where a version's commands got to when it stopped: what its recorded failure says.
struct StepProgress {
  size_t done = 0;          // commands completed
  bool in_command = false;  // a command was cut in the middle
  size_t sent = 0;          // requests of the current command sent
  bool answered = false;    // every request of the current command was answered
  // The current command is batched and its checkpoint is in the run record:
  // a run cut now leaves the version resumable from there.
  std::optional<model::Checkpoint> checkpoint;
};

// The error recorded in the history for a version that failed (the server
// refused a command or its commit) or was stopped by a signal.
std::string recorded_failure(const Step& step, const StepProgress& at, const Error& error, bool stopped);

// What a dry run reports: every step with the commands it would send.
RunResult dry_run(const Engine& engine, const std::vector<Step>& steps, Direction direction, const plan::Plan& plan);

class StepRunner {
 public:
  StepRunner(Engine& engine, std::vector<Step>& steps, Direction direction, LeaseLock& lock, int64_t first_rank);
  RunResult run(const plan::Plan& plan, bool history_exists);

 private:
  void begin_step(size_t i);
  StepResult run_step(size_t i);
  void run_commands(const Step& step, StepResult& result, StepProgress& at);
  WriteCounts run_batched_command(const Step& step, const script::Command& cmd, const script::ServerCommand& sent,
                                  StepResult& result, StepProgress& at);
  void save_checkpoint(const std::optional<model::Checkpoint>& checkpoint);
  BeforeSend lease_check(StepProgress& at);
  void end_command(const Step& step, StepProgress& at);
  model::Checkpoint resumed_here(const Step& step) const;
  void report_batch(const Step& step, const script::Command& cmd, const BatchDone& done) const;
  std::string resume_advice() const;
  [[noreturn]] void stopped_resumable(size_t i, StepResult& result, const StepProgress& at, const Error& error);
  void show_as_sent(const script::Script& script, const script::Command& cmd, const script::ServerCommand& sent) const;
  [[noreturn]] void fail_step(size_t i, model::HistoryEntry& entry, StepResult& result, const StepProgress& at,
                              const Error& error);
  [[noreturn]] void lease_lost(const Step& step, const StepProgress& at, const Error& error);
  static std::string where_stopped(const Step& step, const StepProgress& at);
  [[noreturn]] void connection_lost(size_t i, StepResult& result, const std::string& where, const Error& error,
                                    bool resumable = false);
  std::set<std::string> known_collections();
  void remember_creations(const Step& step, const CreationRecorder* recorder);
  model::RunRecord run_record(size_t first) const;
  void end_run_if_possible();

  Engine& m_engine;
  port::Server& m_server;
  std::vector<Step>& m_steps;
  Direction m_direction;
  model::EntryType m_type;
  LeaseLock& m_lock;
  int64_t m_first_rank;
  int64_t m_rank = 0;               // the rank of the version running
  int64_t m_record_first_rank = 0;  // the first rank the run record lists
  RunResult m_result;
  std::optional<std::set<std::string>> m_known;  // the database's collections, once read
  model::Created m_created;                      // what the version that ran last created
};

}  // namespace mongoway::exec
