#include "model/history.hpp"

#include <algorithm>

namespace mongoway::model {

const char* to_string(EntryType type) {
  switch (type) {
    case EntryType::migrate: return "migrate";
    case EntryType::undo: return "undo";
    case EntryType::baseline: return "baseline";
    case EntryType::repair: return "repair";
    case EntryType::deleted: return "deleted";
  }
  return "migrate";
}

std::optional<EntryType> entry_type_from_string(const std::string& s) {
  if (s == "migrate") return EntryType::migrate;
  if (s == "undo") return EntryType::undo;
  if (s == "baseline") return EntryType::baseline;
  if (s == "repair") return EntryType::repair;
  if (s == "deleted") return EntryType::deleted;
  return std::nullopt;
}

std::vector<HistoryEntry>::const_iterator rank_position(const std::vector<HistoryEntry>& history, int64_t rank) {
  return std::lower_bound(history.begin(), history.end(), rank,
                          [](const HistoryEntry& e, int64_t r) { return e.rank < r; });
}

std::optional<HistoryEntry> running_entry(const RunRecord& run, const std::vector<HistoryEntry>& history) {
  TimePoint started = run.started;
  for (size_t i = 0; i < run.steps.size(); ++i) {
    const int64_t rank = run.first_rank + static_cast<int64_t>(i);
    const auto it = rank_position(history, rank);
    if (it == history.end() || it->rank != rank) {
      const auto& step = run.steps[i];
      HistoryEntry e;
      e.rank = rank;
      e.version = step.version;
      e.description = step.description;
      e.script = step.script;
      e.type = run.type;
      e.checksum = step.checksum;
      e.installed_by = run.installed_by;
      e.installed_on = started;
      e.lease = run.lease;
      return e;
    }
    if (it->lease != run.lease || !it->finished || !it->success) return std::nullopt;
    started = std::max(started, it->installed_on + std::chrono::milliseconds(it->execution_time_ms));
  }
  return std::nullopt;
}

}  // namespace mongoway::model
