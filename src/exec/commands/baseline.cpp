// baseline: marks a database mongoway has never migrated as being at a version.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/history.hpp"

namespace mongoway::exec {
namespace {

model::HistoryEntry baseline_entry(const Engine& engine, int64_t version, const std::string& description,
                                   int64_t lease) {
  model::HistoryEntry e;
  e.rank = 1;
  e.version = version;
  e.description = description.empty() ? "baseline" : description;
  e.script = "<baseline>";
  e.type = model::EntryType::baseline;
  if (const auto* m = engine.find_migration(version)) e.checksum = m->up.checksum;
  e.installed_by = process_owner();
  e.installed_on = std::chrono::system_clock::now();
  e.success = true;
  e.finished = true;
  e.lease = lease;
  return e;
}

}  // namespace

RunResult baseline(Engine& engine, int64_t version, const std::string& description) {
  engine.check_config();
  if (version <= 0) throw Error(ExitCode::usage, "--baseline-version must be a positive version number");
  engine.load_files();
  auto lock = engine.take_lock();
  auto& server = engine.server();
  auto history = read_and_adopt(server, Adopter{lock->lease(), lock->previous()});
  if (!history.empty()) {
    throw Error(ExitCode::invalid,
                fmt::format("cannot baseline: database {} already has a history ({} entries); baseline is for a "
                            "database that mongoway has never migrated",
                            engine.config.database, history.size()));
  }
  server.ensure_history_indexes();
  const auto entry = baseline_entry(engine, version, description, lock->lease_id());
  lock->ensure_held();
  server.append(entry);
  lock->release();
  RunResult r;
  r.to_version = version;
  r.message = fmt::format("baselined {} at version {}", engine.config.database, version);
  return r;
}

}  // namespace mongoway::exec
