#include "exec/history.hpp"

namespace mongoway::exec {
namespace {

void insert_in_rank_order(std::vector<model::HistoryEntry>& history, model::HistoryEntry entry) {
  const auto at = model::rank_position(history, entry.rank);
  history.insert(at, std::move(entry));
}

}  // namespace

std::vector<model::HistoryEntry> read_history(port::Server& server) {
  auto history = server.read_log();
  for (const auto& run : server.read_runs()) {
    if (auto e = model::running_entry(run, history)) insert_in_rank_order(history, std::move(*e));
  }
  return history;
}

std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, int64_t own_lease) {
  auto history = server.read_log();
  for (const auto& run : server.read_runs()) {
    if (run.lease == own_lease) continue;
    // The entry first, then the record: cut in between, the next holder
    // finds the entry written and only deletes the record.
    if (auto e = model::running_entry(run, history)) {
      server.append(*e);
      insert_in_rank_order(history, std::move(*e));
    }
    server.end_run(run.lease);
  }
  return history;
}

}  // namespace mongoway::exec
