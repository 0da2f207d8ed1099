#pragma once
// The engine's commands, one file each under src/exec/commands/ (Flyway's
// DbMigrate, DbRepair, …): the public Migrator calls these.

#include <optional>
#include <string>
#include <vector>

#include "exec/engine.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::exec {

RunResult migrate(Engine& engine, const MigrateOptions& options);
RunResult undo(Engine& engine, const UndoOptions& options);
RunResult go_to(Engine& engine, const GotoOptions& options);
InfoResult info(Engine& engine);
ValidateResult validate(Engine& engine);
RunResult baseline(Engine& engine, const BaselineOptions& options);
RepairResult repair(Engine& engine, const RepairOptions& options);
RemoveResult remove_versions(Engine& engine, const RemoveOptions& options);
std::vector<std::string> clean(Engine& engine, bool yes);  // names of the dropped collections
UnlockResult unlock(Engine& engine, const UnlockOptions& options);
std::vector<HistoryRecord> history(Engine& engine, const HistoryOptions& options);
SnapshotResult snapshot(Engine& engine, const SnapshotOptions& options);
DiffResult diff(Engine& engine, const DiffOptions& options);
VerifyResult verify(Engine& engine, const VerifyOptions& options);

}  // namespace mongoway::exec
