#include "exec/commands/replay.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "exec/commands.hpp"
#include "exec/stop.hpp"

namespace mongoway::exec {
namespace {

using model::EntryType;
using model::HistoryEntry;

// What the history entries say of one version beyond its state.
struct Entries {
  const HistoryEntry* repaired_failure = nullptr;  // the first failed or unfinished entry `repair` marked
  const HistoryEntry* applied_by = nullptr;        // the last successful migrate entry not marked
  const HistoryEntry* baseline = nullptr;          // its own baseline entry
};

std::map<int64_t, Entries> entries_by_version(const std::vector<HistoryEntry>& history) {
  std::map<int64_t, Entries> out;
  for (const auto& e : history) {
    Entries& v = out[e.version];
    const bool succeeded = e.finished && e.success;
    if (e.repaired) {
      if (!succeeded && (!v.repaired_failure || e.rank < v.repaired_failure->rank)) v.repaired_failure = &e;
      continue;
    }
    if (!succeeded) continue;
    if (e.type == EntryType::migrate && (!v.applied_by || e.rank > v.applied_by->rank)) v.applied_by = &e;
    if (e.type == EntryType::baseline) v.baseline = &e;
  }
  return out;
}

// Whatever the version's place: work left behind by a failure, or a run going on.
std::string failure_problem(const plan::VersionStatus& v, const Entries& entries) {
  if (const HistoryEntry* e = entries.repaired_failure) {
    return fmt::format("version {}{} failed and was repaired (history entry {}), so what it changed before it "
                       "failed may be in the database, where no file replays it",
                       v.version, e->type == EntryType::undo ? "'s undo" : "", e->rank);
  }
  if (v.state == State::failed) {
    return fmt::format("version {} failed, so what it changed before it failed may be in the database", v.version);
  }
  if (v.state == State::running) {
    return fmt::format("version {} is being applied by another process", v.version);
  }
  return {};
}

std::string baseline_problem(const plan::VersionStatus& v, const Entries& entries, const plan::Status& status) {
  if (entries.baseline) {
    return fmt::format("version {} was applied by `baseline`, so the schema up to it was made outside mongoway",
                       v.version);
  }
  return fmt::format("version {} lies below the `baseline` at version {}, so its schema was made outside mongoway",
                     v.version, status.baseline_version);
}

// A version up to the current one: it must be applied, by mongoway, from its file as it is now.
std::string applied_problem(const plan::VersionStatus& v, const Entries& entries, const plan::Status& status) {
  switch (v.state) {
    case State::baseline: return baseline_problem(v, entries, status);
    case State::deleted:
      return fmt::format("version {} was marked deleted by `repair --mark-deleted` (its files are gone)", v.version);
    case State::missing:
    case State::future: return fmt::format("version {} is applied but its file {} is missing", v.version, v.script);
    case State::applied: break;
    default:
      return fmt::format("version {} is {}, below the current version {}, so the versions up to it were not "
                         "all applied in order",
                         v.version, to_string(v.state), status.current_version);
  }
  const HistoryEntry* applied_by = entries.applied_by;
  if (applied_by && applied_by->checksum != v.checksum) {
    return fmt::format("version {}'s file {} changed since it was applied (checksum {} then, {} now{})", v.version,
                       v.script, applied_by->checksum, v.checksum,
                       v.recorded_checksum == v.checksum ? "; `repair` realigned the history to it" : "");
  }
  return {};
}

}  // namespace

std::string replay_problem(const plan::Status& status, const std::vector<HistoryEntry>& history) {
  const auto entries = entries_by_version(history);
  const HistoryEntry* previous = nullptr;  // the entry that applied the version below
  for (const auto& v : status.versions) {
    static const Entries none;
    auto it = entries.find(v.version);
    const Entries& e = it == entries.end() ? none : it->second;
    if (auto problem = failure_problem(v, e); !problem.empty()) return problem;
    if (v.version > status.current_version) continue;
    if (auto problem = applied_problem(v, e, status); !problem.empty()) return problem;
    if (previous && e.applied_by && e.applied_by->rank < previous->rank) {
      return fmt::format("version {} was applied after version {} (out of order), and a replay applies them in order",
                         previous->version, v.version);
    }
    if (e.applied_by) previous = e.applied_by;
  }
  return {};
}

ReplayedSchema replay_history(Engine& target, int64_t version, const ScratchOptions& options, const ReadOptions& read) {
  ReplayedSchema out;
  out.schema.database = options.database;
  out.schema.version = version;
  if (version == 0) return out;
  ScratchDatabase scratch(target, options);
  out.scratch_uri = scratch.shown_uri();
  out.scratch_database = scratch.name();
  if (target.listener.replaying) target.listener.replaying(out.scratch_uri, out.scratch_database, version);
  MigrateOptions migrate;
  migrate.target = version;
  try {
    exec::migrate(scratch.engine(), migrate);
  } catch (const Error& e) {
    if (e.code() == ExitCode::interrupted || e.code() == ExitCode::terminated) throw;
    throw Error(e.code(), fmt::format("the history could not be replayed on the scratch database {}: {}",
                                      out.scratch_database, e.what()));
  }
  throw_if_stopped();
  out.schema = read_fingerprint(scratch.engine().server(), out.scratch_database, read);
  out.schema.version = version;
  out.scratch_dropped = scratch.drop();
  return out;
}

}  // namespace mongoway::exec
