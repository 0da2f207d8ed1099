#pragma once
// The flow migrate and undo share: plan from the history, render every
// command, then under the lock plan again from the history as it is now (what
// another process applied while this one waited is never applied twice) and
// run the steps, in the plan's direction (goto's may differ between the two
// plans when another process moved the database meanwhile). Under a lock
// the engine already holds (Engine::held_lock), it only plans and runs.

#include <functional>
#include <string>

#include "exec/engine.hpp"

namespace mongoway::exec {

struct PlannedRun {
  Direction direction = Direction::migrate;  // of the result when there is nothing to do; else the plan's
  bool dry_run = false;
  bool validate = true;
  bool out_of_order = false;
  bool with_warnings = false;  // the files' warnings go with the result
  std::function<plan::Plan(const plan::Status&)> plan;
  std::function<std::string(const plan::Status&)> nothing_to_do;  // the message when the plan is empty
  std::function<std::string(const RunResult&)> done;              // the message once the steps ran
};

RunResult plan_and_run(Engine& engine, const PlannedRun& run);

}  // namespace mongoway::exec
