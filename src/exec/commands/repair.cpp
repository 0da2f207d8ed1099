// repair: marks failed and unfinished entries repaired, realigns the
// checksums of applied versions whose file changed, and, with --mark-deleted,
// records applied versions whose file is missing as deleted.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/history.hpp"

namespace mongoway::exec {
namespace {

// The ranks of the entries that failed or never finished, each change told in `changes`.
std::vector<int64_t> entries_to_mark(const std::vector<model::HistoryEntry>& history,
                                     std::vector<std::string>& changes) {
  std::vector<int64_t> ranks;
  for (const auto& e : history) {
    if (e.repaired || (e.finished && e.success)) continue;
    ranks.push_back(e.rank);
    changes.push_back(fmt::format("mark entry {} ({} of version {}, {}) as repaired: {}", e.rank,
                                  model::to_string(e.type), e.version, e.script,
                                  e.finished ? "it failed" : "it did not finish"));
  }
  return ranks;
}

// A `repair` entry for each applied version whose file's checksum changed.
std::vector<model::HistoryEntry> realignments(const Engine& engine, const plan::Status& status, int64_t lease,
                                              std::vector<std::string>& changes) {
  std::vector<model::HistoryEntry> out;
  int64_t rank = status.next_rank;
  for (const auto& v : status.versions) {
    if (v.state != State::applied || v.recorded_checksum.empty() || v.checksum == v.recorded_checksum) continue;
    auto e = engine.new_entry(rank++, engine.find_migration(v.version)->up, model::EntryType::repair, lease);
    e.success = true;
    e.finished = true;
    out.push_back(e);
    changes.push_back(fmt::format("realign the checksum of version {} ({}): {} -> {}", v.version, v.script,
                                  v.recorded_checksum, v.checksum));
  }
  return out;
}

// A `deleted` entry for each applied version whose file is missing, with
// the checksum it was applied with; without --mark-deleted, a warning each.
std::vector<model::HistoryEntry> deletions(const plan::Status& status, int64_t first_rank, int64_t lease,
                                           const RepairOptions& options, RepairResult& out) {
  std::vector<model::HistoryEntry> entries;
  for (const auto& v : status.versions) {
    if (v.state != State::missing) continue;
    if (!options.mark_deleted) {
      out.warnings.push_back(Diagnostic{Diagnostic::Severity::warning, v.script, 0, 0,
                                        fmt::format("version {} is applied but its file {} is missing from the "
                                                    "locations; if it was deleted on purpose, record that with "
                                                    "`mongoway repair --mark-deleted`",
                                                    v.version, v.script)});
      continue;
    }
    model::HistoryEntry e;
    e.rank = first_rank + static_cast<int64_t>(entries.size());
    e.version = v.version;
    e.description = v.description;
    e.script = v.script;
    e.type = model::EntryType::deleted;
    e.checksum = v.recorded_checksum;
    e.installed_by = process_owner();
    e.installed_on = std::chrono::system_clock::now();
    e.success = true;
    e.finished = true;
    e.lease = lease;
    entries.push_back(std::move(e));
    out.changes.push_back(
        fmt::format("mark version {} ({}) as deleted: its file is missing from the locations", v.version, v.script));
  }
  return entries;
}

}  // namespace

RepairResult repair(Engine& engine, const RepairOptions& options) {
  engine.check_config();
  engine.load_files();
  // A dry run reads without the lock, like info; a real repair plans from the
  // history as it is once the lock is held.
  std::unique_ptr<LeaseLock> lock;
  if (!options.dry_run) lock = engine.take_lock();
  const int64_t lease = lock ? lock->lease_id() : 0;
  auto& server = engine.server();
  auto history = lock ? read_and_adopt(server, Adopter{lock->lease(), lock->previous()}) : read_history(server);
  auto status = plan::compute_status(engine.file_versions(), history, lease);
  RepairResult out;
  out.dry_run = options.dry_run;
  const auto failed = entries_to_mark(history, out.changes);
  const auto realign = realignments(engine, status, lease, out.changes);
  const auto deleted = deletions(status, status.next_rank + static_cast<int64_t>(realign.size()), lease, options, out);
  if (!lock) return out;
  if (!out.changes.empty() && engine.listener.repair_planned) engine.listener.repair_planned(out.changes);
  lock->ensure_held();
  server.mark_repaired(failed);
  for (const auto* entries : {&realign, &deleted}) {
    for (const auto& e : *entries) {
      lock->ensure_held();
      server.append(e);
    }
  }
  lock->release();
  return out;
}

}  // namespace mongoway::exec
