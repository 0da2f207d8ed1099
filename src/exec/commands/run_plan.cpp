#include "exec/commands/run_plan.hpp"

#include "exec/preflight.hpp"
#include "exec/step_runner.hpp"

namespace mongoway::exec {
namespace {

RunResult nothing_to_do(const PlannedRun& run, const plan::Status& status) {
  RunResult r;
  r.direction = run.direction;
  r.from_version = r.to_version = status.current_version;
  r.message = run.nothing_to_do(status);
  return r;
}

plan::Plan plan_from(Engine& engine, const PlannedRun& run, const plan::Status& status) {
  if (run.validate) engine.validate_or_throw(status, run.out_of_order);
  return run.plan(status);
}

// `check`: the pre-flight check again, on the plan made under the lock (the
// plan may have changed while this process waited); its warnings go with
// the result.
RunResult run_under_lock(Engine& engine, const PlannedRun& run, LeaseLock& lock, bool check) {
  const auto status = engine.read_status(lock);
  const auto p = plan_from(engine, run, status);
  auto warnings = check ? preflight(engine, p) : std::vector<Diagnostic>{};
  auto steps = engine.build_steps(p, p.direction);
  RunResult r;
  if (steps.empty()) {
    r = nothing_to_do(run, status);
  } else {
    r = StepRunner(engine, steps, p.direction, lock, status.next_rank).run(p, status.has_history);
    r.message = run.done(r);
  }
  r.warnings = std::move(warnings);
  return r;
}

RunResult take_lock_and_run(Engine& engine, const PlannedRun& run) {
  auto lock = engine.take_lock();
  RunResult r = run_under_lock(engine, run, *lock, true);
  lock->release();
  return r;
}

// The files' warnings go first, before the pre-flight check's.
void add_file_warnings(const Engine& engine, const PlannedRun& run, RunResult& r) {
  if (!run.with_warnings) return;
  auto files = engine.file_warnings();
  r.warnings.insert(r.warnings.begin(), files.begin(), files.end());
}

}  // namespace

RunResult plan_and_run(Engine& engine, const PlannedRun& run) {
  engine.check_config();
  engine.load_files();
  if (engine.held_lock != nullptr && !run.dry_run) {
    // The holder checked its whole run before it took the lock (verify).
    RunResult r = run_under_lock(engine, run, *engine.held_lock, false);
    add_file_warnings(engine, run, r);
    return r;
  }
  const auto status = engine.read_status();
  const auto p = plan_from(engine, run, status);
  RunResult r;
  if (p.versions.empty()) {
    r = nothing_to_do(run, status);
    r.dry_run = run.dry_run;
  } else if (run.dry_run) {
    auto warnings = preflight(engine, p);
    r = dry_run(engine, engine.build_steps(p, p.direction), p.direction, p);
    r.warnings = std::move(warnings);
  } else {
    // Before anything is written: what the server cannot do, then every
    // command rendered. The lock is not taken for a plan refused here.
    preflight(engine, p);
    engine.build_steps(p, p.direction);
    r = take_lock_and_run(engine, run);
  }
  add_file_warnings(engine, run, r);
  return r;
}

}  // namespace mongoway::exec
