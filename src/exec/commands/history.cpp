// history: the log, newest first (or oldest first), filtered for audits by
// time, type and version.

#include "exec/history.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"
#include "util/suggest.hpp"

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
  r.derived = e.derived;
  // An entry of a version cut short says how that is known.
  r.error = !e.finished && e.cut ? model::describe_cut(e) : e.error;
  return r;
}

// Every type an entry can have; `deleted` is what `repair --mark-deleted` records.
std::vector<std::string> entry_type_names() {
  std::vector<std::string> names;
  for (auto type :
       {model::EntryType::migrate, model::EntryType::undo, model::EntryType::baseline, model::EntryType::repair}) {
    names.emplace_back(model::to_string(type));
  }
  if (std::find(names.begin(), names.end(), "deleted") == names.end()) names.emplace_back("deleted");
  return names;
}

void refuse_unknown_types(const std::vector<std::string>& types) {
  const auto known = entry_type_names();
  for (const auto& type : types) {
    if (std::find(known.begin(), known.end(), type) != known.end()) continue;
    throw Error(ExitCode::usage, fmt::format("--type: unknown entry type \"{}\" (expected {}){}", type,
                                             fmt::join(known, ", "), util::did_you_mean(type, known)));
  }
}

bool wanted(const model::HistoryEntry& e, const HistoryOptions& o) {
  if (o.since && e.installed_on < *o.since) return false;
  if (o.until && e.installed_on > *o.until) return false;
  if (o.version && e.version != *o.version) return false;
  const std::string type = model::to_string(e.type);
  return o.types.empty() || std::find(o.types.begin(), o.types.end(), type) != o.types.end();
}

}  // namespace

std::vector<HistoryRecord> history(Engine& engine, const HistoryOptions& options) {
  refuse_unknown_types(options.types);
  engine.check_config();
  auto entries = read_history(engine.server());  // by rank, oldest first
  engine.explain_unfinished(entries);
  if (!options.ascending) std::reverse(entries.begin(), entries.end());
  std::vector<HistoryRecord> out;
  for (const auto& e : entries) {
    if (options.limit && static_cast<int64_t>(out.size()) >= *options.limit) break;
    if (wanted(e, options)) out.push_back(to_record(e));
  }
  return out;
}

}  // namespace mongoway::exec
