// diff: the target database's schema compared with what it should be: a
// snapshot file (--against FILE), or by default what its history says, the
// applied versions replayed on a scratch database. Every difference is
// drift (a collection or an index added or dropped by hand, an option
// changed). Never writes to the target database.

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"
#include "exec/commands/replay.hpp"
#include "exec/commands/target_schema.hpp"
#include "exec/history.hpp"
#include "exec/schema_diff.hpp"
#include "util/files.hpp"

namespace mongoway::exec {
namespace {

// The snapshot, read and checked before the server is reached.
Fingerprint read_snapshot(const std::string& path, uint64_t max_size, bool data) {
  std::string text, err;
  if (!util::read_file_limited(path, max_size, &text, &err)) {
    throw Error(ExitCode::invalid, fmt::format("cannot read the snapshot {}: {}", path, err));
  }
  auto snapshot = parse_fingerprint(text, &err);
  if (!snapshot) throw Error(ExitCode::invalid, fmt::format("{}: {}", path, err));
  const bool has_data = std::all_of(snapshot->collections.begin(), snapshot->collections.end(),
                                    [](const CollectionPrint& c) { return c.data || c.type == "view"; });
  if (data && !has_data) {
    throw Error(ExitCode::usage, fmt::format("--data: the snapshot {} has no digests of the data; write it with "
                                             "`mongoway snapshot --data`",
                                             path));
  }
  return std::move(*snapshot);
}

DiffResult diff_with_snapshot(Engine& engine, const DiffOptions& options) {
  if (!options.scratch_uri.empty() || !options.scratch_database.empty()) {
    throw Error(ExitCode::usage, "--scratch-uri and --scratch-database are for diff without --against, which "
                                 "replays the history on a scratch database");
  }
  Fingerprint expected = read_snapshot(options.against, engine.config.max_file_size, options.data);
  // Without --data, the snapshot's digests are not compared.
  if (!options.data) {
    for (auto& c : expected.collections) c.data.reset();
  }
  const Fingerprint actual = read_target_fingerprint(engine, options.data);
  DiffResult out;
  out.database = engine.config.database;
  out.expected = "snapshot";
  out.against = options.against;
  out.version = actual.version;
  out.snapshot_database = expected.database;
  out.snapshot_version = expected.version;
  out.data = options.data;
  out.differences = public_differences(compare_fingerprints(expected, actual, options.ignore));
  return out;
}

// The history as read without the lock, refused unless the files replay it faithfully.
plan::Status replayable_status(Engine& engine) {
  auto history = read_history(engine.server());
  const auto live = engine.explain_unfinished(history);
  plan::Status status = plan::compute_status(engine.file_versions(), history, live);
  if (auto problem = replay_problem(status, history); !problem.empty()) {
    throw Error(ExitCode::usage, fmt::format("cannot compare {} with its history: {}; compare it with a snapshot "
                                             "instead: `mongoway diff --against FILE`, FILE written by `mongoway "
                                             "snapshot`",
                                             engine.config.database, problem));
  }
  return status;
}

DiffResult diff_with_history(Engine& engine, const DiffOptions& options) {
  if (!options.scratch_database.empty()) {
    if (auto problem = scratch_name_problem(options.scratch_database, engine.config.database); !problem.empty()) {
      throw Error(ExitCode::usage, problem);
    }
  }
  engine.load_files();
  const plan::Status status = replayable_status(engine);
  const ReadOptions read = fingerprint_options(engine, options.data);
  // The target first: a migration that ends meanwhile makes it newer than
  // its version, never older (the replay stops at the version read).
  Fingerprint actual = read_fingerprint(engine.server(), engine.config.database, read);
  actual.version = status.current_version;
  const ReplayedSchema expected = replay_history(engine, status.current_version,
                                                 ScratchOptions{options.scratch_uri, options.scratch_database}, read);
  DiffResult out;
  out.database = engine.config.database;
  out.expected = "history";
  out.version = status.current_version;
  out.scratch_uri = expected.scratch_uri;
  out.scratch_database = expected.scratch_database;
  out.scratch_dropped = expected.scratch_dropped;
  out.data = options.data;
  out.differences = public_differences(compare_fingerprints(expected.schema, actual, options.ignore));
  return out;
}

}  // namespace

DiffResult diff(Engine& engine, const DiffOptions& options) {
  engine.check_config();
  return options.against.empty() ? diff_with_history(engine, options) : diff_with_snapshot(engine, options);
}

}  // namespace mongoway::exec
