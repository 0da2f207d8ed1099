// info (status): every version and its state, and who holds the lock, read
// without the lock.

#include "exec/commands.hpp"
#include "exec/lease_state.hpp"

namespace mongoway::exec {

InfoResult info(Engine& engine) {
  engine.check_config();
  engine.load_files();
  const auto status = engine.read_status();
  InfoResult out;
  out.database = engine.config.database;
  out.current_version = status.current_version;
  if (auto [lease, state] = engine.newest_lease(); keeps_others_out(state)) out.lock = lock_holder(*lease, state);
  for (const auto& v : status.versions) {
    VersionInfo info;
    info.version = v.version;
    info.description = v.description;
    info.script = v.script;
    info.checksum = v.checksum;
    info.state = v.state;
    info.installed_on = v.installed_on;
    info.execution_time_ms = v.execution_time_ms;
    info.undoable = v.undoable;
    out.migrations.push_back(std::move(info));
  }
  out.warnings = engine.file_warnings();
  return out;
}

}  // namespace mongoway::exec
