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

// The pre-flight check of the plan made under the lock: another process may
// have moved the database while this one waited. Its warnings are told
// again only when the plan is not the one checked before the lock.
void check_again(Engine& engine, const plan::Plan& checked, const plan::Plan& now) {
  const auto warnings = preflight(engine, now);
  if (now.versions != checked.versions || now.direction != checked.direction) tell_warnings(engine, warnings);
}

// `checked`: the plan the pre-flight check judged before the lock; none
// under a lock the engine already holds (verify checked its whole run).
RunResult run_under_lock(Engine& engine, const PlannedRun& run, LeaseLock& lock, const plan::Plan* checked) {
  const auto status = engine.read_status(lock);
  const auto p = plan_from(engine, run, status);
  auto steps = engine.build_steps(p, p.direction);
  if (checked != nullptr) check_again(engine, *checked, p);
  RunResult r;
  if (steps.empty()) {
    r = nothing_to_do(run, status);
  } else {
    r = StepRunner(engine, steps, p.direction, lock, status.next_rank).run(p, status.has_history);
    r.message = run.done(r);
  }
  return r;
}

RunResult take_lock_and_run(Engine& engine, const PlannedRun& run, const plan::Plan& checked) {
  auto lock = engine.take_lock();
  RunResult r = run_under_lock(engine, run, *lock, &checked);
  lock->release();
  return r;
}

}  // namespace

RunResult plan_and_run(Engine& engine, const PlannedRun& run) {
  engine.check_config();
  engine.load_files();
  if (engine.held_lock != nullptr && !run.dry_run) {
    RunResult r = run_under_lock(engine, run, *engine.held_lock, nullptr);
    if (run.with_warnings) r.warnings = engine.file_warnings();
    return r;
  }
  const auto status = engine.read_status();
  const auto p = plan_from(engine, run, status);
  RunResult r;
  if (p.versions.empty()) {
    r = nothing_to_do(run, status);
    r.dry_run = run.dry_run;
  } else if (run.dry_run) {
    auto steps = engine.build_steps(p, p.direction);
    tell_warnings(engine, preflight(engine, p));
    r = dry_run(engine, steps, p.direction, p);
  } else {
    // Before anything is written and before the lock: every command
    // rendered, then what the server cannot do.
    engine.build_steps(p, p.direction);
    tell_warnings(engine, preflight(engine, p));
    r = take_lock_and_run(engine, run, p);
  }
  if (run.with_warnings) r.warnings = engine.file_warnings();
  return r;
}

}  // namespace mongoway::exec
