// remove: deletes the files of versions that never ran and lie above every
// version in the history. It reads the history without the lock and never
// writes to the database.

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"
#include "exec/history.hpp"
#include "script/remove_migration.hpp"

namespace mongoway::exec {
namespace {

// The files found, as planning sees them: the rule needs only their versions,
// so a file that does not parse can be removed too.
std::vector<plan::FileVersion> versions_found(const script::Discovery& discovery) {
  std::vector<plan::FileVersion> out;
  for (const auto& file : discovery.files) {
    if (file.name.kind != script::FileKind::migrate) continue;
    out.push_back(plan::FileVersion{file.name.version, file.name.description, file.file_name, "", false, ""});
  }
  return out;
}

script::Discovery discover_or_throw(const std::vector<std::string>& locations) {
  auto discovery = script::discover(locations);
  auto first_error = std::find_if(discovery.diagnostics.begin(), discovery.diagnostics.end(),
                                  [](const Diagnostic& d) { return d.is_error(); });
  if (first_error != discovery.diagnostics.end()) {
    auto message = fmt::format("cannot remove: {}", first_error->to_string());
    throw Error(ExitCode::invalid, message, std::move(discovery.diagnostics));
  }
  return discovery;
}

// A live lease: a run may be about to apply the very versions to delete.
void refuse_while_locked(port::Server& server) {
  auto lease = server.newest_lease();
  if (!lease || lease->released || lease->expires_ms <= server.time_ms()) return;
  throw Error(ExitCode::lock, fmt::format("cannot remove while {} holds the lock (lease {}): a run may be applying "
                                          "these versions; try again once it has ended",
                                          lease->owner, lease->id));
}

}  // namespace

RemoveResult remove_versions(Engine& engine, const RemoveOptions& options) {
  engine.check_config();
  const auto discovery = discover_or_throw(engine.config.locations);
  auto& server = engine.server();
  const auto status = plan::compute_status(versions_found(discovery), read_history(server), std::nullopt);
  RemoveResult out;
  out.dry_run = options.dry_run;
  for (int64_t version : plan::plan_remove(status, options.version)) {
    out.removed.push_back(RemovedVersion{version, script::files_of_version(discovery, version)});
  }
  if (options.dry_run || out.removed.empty()) return out;
  refuse_while_locked(server);
  for (const auto& removed : out.removed) script::delete_migration_files(removed.files);
  return out;
}

}  // namespace mongoway::exec
