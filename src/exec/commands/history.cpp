// history: the log, newest first.

#include "exec/history.hpp"

#include "exec/commands.hpp"

namespace mongoway::exec {
namespace {

HistoryRecord to_record(const model::HistoryEntry& e) {
  HistoryRecord r;
  r.rank = e.rank;
  r.version = e.version;
  r.description = e.description;
  r.script = e.script;
  r.type = model::to_string(e.type);
  r.checksum = e.checksum;
  r.installed_by = e.installed_by;
  r.installed_on = e.installed_on;
  if (e.finished) r.execution_time_ms = e.execution_time_ms;
  r.success = e.success;
  r.repaired = e.repaired;
  // An entry of a version cut short says how that is known.
  r.error = !e.finished && e.cut ? model::describe_cut(e) : e.error;
  return r;
}

}  // namespace

std::vector<HistoryRecord> history(Engine& engine, std::optional<int64_t> limit) {
  engine.check_config();
  auto entries = read_history(engine.server());
  explain_unfinished(engine.server(), entries);
  std::vector<HistoryRecord> out;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (limit && static_cast<int64_t>(out.size()) >= *limit) break;
    out.push_back(to_record(*it));
  }
  return out;
}

}  // namespace mongoway::exec
