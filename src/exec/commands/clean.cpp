// clean: drops every collection of the database (never a system database,
// only when enabled and confirmed).

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"

namespace mongoway::exec {
namespace {

bool is_system_database(const std::string& db) { return db == "admin" || db == "local" || db == "config"; }

void check_allowed(const Config& config, bool yes) {
  if (is_system_database(config.database)) {
    throw Error(ExitCode::usage, fmt::format("clean never touches the {} database", config.database));
  }
  if (!config.clean_enabled) {
    throw Error(ExitCode::usage, "clean is disabled: it drops every collection of the database; enable it with "
                                 "clean_enabled = true in the config file or MONGOWAY_CLEAN_ENABLED=true, and pass "
                                 "--yes");
  }
  if (!yes) throw Error(ExitCode::usage, "clean drops every collection of the database; pass --yes to confirm");
}

}  // namespace

std::vector<std::string> clean(Engine& engine, bool yes) {
  engine.check_config();
  check_allowed(engine.config, yes);
  auto lock = engine.take_lock();
  auto& server = engine.server();
  const std::string lock_collection = port::lock_collection_of(engine.config.history_collection);
  std::vector<std::string> dropped;
  for (const auto& name : server.list_collections()) {
    if (name == lock_collection || name.rfind("system.", 0) == 0) continue;
    lock->ensure_held();
    server.drop_collection(name);
    dropped.push_back(name);
  }
  // The lock collection last, while the lease is held, and the lease then
  // forgotten, not released: releasing first would let a waiting process
  // take a lease that the drop would then delete under it.
  lock->ensure_held();
  server.drop_collection(lock_collection);
  lock->forget();
  std::sort(dropped.begin(), dropped.end());
  return dropped;
}

}  // namespace mongoway::exec
