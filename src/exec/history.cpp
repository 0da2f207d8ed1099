#include "exec/history.hpp"

#include <algorithm>

namespace mongoway::exec {
namespace {

void insert_in_rank_order(std::vector<model::HistoryEntry>& history, model::HistoryEntry entry) {
  const auto at = model::rank_position(history, entry.rank);
  history.insert(at, std::move(entry));
}

model::TimePoint time_of(int64_t ms) { return model::TimePoint(std::chrono::milliseconds(ms)); }

bool needs_cut(const model::HistoryEntry& e) { return !e.finished && !e.repaired && !e.cut; }

}  // namespace

std::vector<model::HistoryEntry> read_history(port::Server& server) {
  auto history = server.read_log();
  for (const auto& run : server.read_runs()) {
    if (auto e = model::running_entry(run, history)) insert_in_rank_order(history, std::move(*e));
  }
  return history;
}

model::Cut cut_of(int64_t run_lease, const std::optional<port::Lease>& seen, int64_t now_ms) {
  model::Cut cut;
  if (seen && seen->id == run_lease && !seen->released && seen->expires_ms > now_ms) {
    // Over before its expiry: only a holder proven gone from this machine is.
    cut.how = model::Cut::How::holder_gone;
    cut.at = time_of(now_ms);
  } else if (seen && seen->id == run_lease) {
    cut.how = seen->released ? model::Cut::How::lease_released : model::Cut::How::lease_expired;
    cut.at = time_of(seen->expires_ms);
  } else if (seen && seen->id > run_lease) {
    cut.how = model::Cut::How::later_lease;
    cut.at = time_of(seen->acquired_ms);
    cut.later_lease = seen->id;
    cut.later_owner = seen->owner;
  } else {
    cut.how = model::Cut::How::lease_gone;
    cut.at = time_of(now_ms);
  }
  return cut;
}

bool has_unexplained(const std::vector<model::HistoryEntry>& history) {
  return std::any_of(history.begin(), history.end(), needs_cut);
}

std::optional<int64_t> explain_unfinished(std::vector<model::HistoryEntry>& history,
                                          const std::optional<port::Lease>& newest, bool live, int64_t now_ms) {
  for (auto& e : history) {
    if (!needs_cut(e) || (live && e.lease == newest->id)) continue;
    e.cut = cut_of(e.lease, newest, now_ms);
  }
  if (!live) return std::nullopt;
  return newest->id;
}

std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, const Adopter& adopter) {
  auto history = server.read_log();
  for (const auto& run : server.read_runs()) {
    if (run.lease == adopter.lease.id) continue;
    // The entry first, then the record: cut in between, the next holder
    // finds the entry written and only deletes the record.
    if (auto e = model::running_entry(run, history)) {
      e->cut = cut_of(run.lease, adopter.previous, adopter.lease.acquired_ms);
      e->cut->adopted_lease = adopter.lease.id;
      e->cut->adopted_by = adopter.lease.owner;
      e->cut->adopted_on = time_of(adopter.lease.acquired_ms);
      server.append(*e);
      insert_in_rank_order(history, std::move(*e));
    }
    server.end_run(run.lease);
  }
  return history;
}

std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, int64_t own_lease) {
  Adopter adopter;
  adopter.lease.id = own_lease;
  return read_and_adopt(server, adopter);
}

}  // namespace mongoway::exec
