// diff --against FILE: the target database's schema compared with a
// snapshot file; every difference is drift (a collection or an index added
// or dropped by hand, an option changed). Never writes.

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"
#include "exec/commands/target_schema.hpp"
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

}  // namespace

DiffResult diff(Engine& engine, const DiffOptions& options) {
  engine.check_config();
  if (options.against.empty()) {
    throw Error(ExitCode::usage, "diff needs --against FILE, a snapshot written by `mongoway snapshot`");
  }
  Fingerprint expected = read_snapshot(options.against, engine.config.max_file_size, options.data);
  // Without --data, the snapshot's digests are not compared.
  if (!options.data) {
    for (auto& c : expected.collections) c.data.reset();
  }
  const Fingerprint actual = read_target_fingerprint(engine, options.data);
  DiffResult out;
  out.database = engine.config.database;
  out.against = options.against;
  out.version = actual.version;
  out.snapshot_database = expected.database;
  out.snapshot_version = expected.version;
  out.data = options.data;
  out.differences = public_differences(compare_fingerprints(expected, actual, options.ignore));
  return out;
}

}  // namespace mongoway::exec
