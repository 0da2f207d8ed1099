// undo: runs the undo files of applied versions, down to a target.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/commands/run_plan.hpp"

namespace mongoway::exec {

RunResult undo(Engine& engine, const UndoOptions& options) {
  const std::string& database = engine.config.database;
  PlannedRun run;
  run.direction = Direction::undo;
  run.dry_run = options.dry_run;
  run.plan = [&](const plan::Status& status) { return plan::plan_undo(status, options.target, options.steps); };
  run.nothing_to_do = [&](const plan::Status& status) {
    return fmt::format("nothing to undo: database {} is at version {}", database, status.current_version);
  };
  run.done = [&](const RunResult& r) {
    return fmt::format("undid {} from version {} to {} ({} version{})", database, r.from_version, r.to_version,
                       r.steps.size(), r.steps.size() == 1 ? "" : "s");
  };
  return plan_and_run(engine, run);
}

}  // namespace mongoway::exec
