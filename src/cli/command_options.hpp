#pragma once
// The options of the commands that run through the Migrator, read from the
// command line (their usage errors raised) before anything else happens:
// for one database (commands.cpp) and for a fleet (fleet_command.cpp) alike.

#include <cstdint>
#include <optional>
#include <string_view>

#include "cli/arguments.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::cli {

struct MigratorOptions {
  MigrateOptions migrate;
  UndoOptions undo;
  GotoOptions go_to;
  BaselineOptions baseline;
  HistoryOptions history;
  RemoveOptions remove;
  SnapshotOptions snapshot;
  DiffOptions diff;
  VerifyOptions verify;
  RepairOptions repair;
};

MigratorOptions read_migrator_options(const CommandLine& line, CommandId id, bool dry_run);

// --name N, a whole number of at least `min`; nullopt when not given.
std::optional<int64_t> number_option(const CommandLine& line, std::string_view name, int64_t min);

}  // namespace mongoway::cli
