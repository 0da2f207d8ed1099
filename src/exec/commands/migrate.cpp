// migrate: applies the pending versions up to a target.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/commands/run_plan.hpp"

namespace mongoway::exec {

RunResult migrate(Engine& engine, const MigrateOptions& options) {
  const std::string& database = engine.config.database;
  PlannedRun run;
  run.direction = Direction::migrate;
  run.dry_run = options.dry_run;
  run.validate = options.validate;
  run.out_of_order = options.out_of_order;
  run.with_warnings = true;
  run.plan = [&](const plan::Status& status) {
    return plan::plan_migrate(status, options.target, options.steps, options.out_of_order);
  };
  run.nothing_to_do = [&](const plan::Status& status) {
    return fmt::format("database {} is up to date at version {}; nothing to migrate", database, status.current_version);
  };
  run.done = [&](const RunResult& r) {
    return fmt::format("migrated {} from version {} to {} ({} version{})", database, r.from_version, r.to_version,
                       r.steps.size(), r.steps.size() == 1 ? "" : "s");
  };
  return plan_and_run(engine, run);
}

}  // namespace mongoway::exec
