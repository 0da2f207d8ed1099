// goto: applies pending versions or undoes applied ones, whichever leaves the
// database at exactly the version asked for.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/commands/run_plan.hpp"

namespace mongoway::exec {

RunResult go_to(Engine& engine, const GotoOptions& options) {
  const std::string& database = engine.config.database;
  PlannedRun run;
  run.dry_run = options.dry_run;
  run.validate = false;  // only on the way up, as migrate does: undo runs whatever the checksums say
  run.with_warnings = true;
  run.plan = [&](const plan::Status& status) {
    if (options.target >= status.current_version) engine.validate_or_throw(status);
    return plan::plan_goto(status, options.target, options.allow_undo);
  };
  run.nothing_to_do = [&](const plan::Status& status) {
    return fmt::format("database {} is at version {}; nothing to do", database, status.current_version);
  };
  run.done = [&](const RunResult& r) {
    return fmt::format("{} {} from version {} to {} ({} version{})",
                       r.direction == Direction::migrate ? "migrated" : "undid", database, r.from_version, r.to_version,
                       r.steps.size(), r.steps.size() == 1 ? "" : "s");
  };
  return plan_and_run(engine, run);
}

}  // namespace mongoway::exec
