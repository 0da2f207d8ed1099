#include "model/history.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

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

const char* to_string(Cut::How how) {
  switch (how) {
    case Cut::How::lease_expired: return "lease_expired";
    case Cut::How::lease_released: return "lease_released";
    case Cut::How::later_lease: return "later_lease";
    case Cut::How::lease_gone: return "lease_gone";
    case Cut::How::holder_gone: return "holder_gone";
    case Cut::How::not_recorded: return "not_recorded";
  }
  return "not_recorded";
}

std::optional<Cut::How> cut_how_from_string(const std::string& s) {
  for (auto how : {Cut::How::lease_expired, Cut::How::lease_released, Cut::How::later_lease, Cut::How::lease_gone,
                   Cut::How::holder_gone, Cut::How::not_recorded}) {
    if (s == to_string(how)) return how;
  }
  return std::nullopt;
}

const char* to_string(Creation::Kind kind) {
  switch (kind) {
    case Creation::Kind::collection: return "collection";
    case Creation::Kind::view: return "view";
    case Creation::Kind::index: return "index";
    case Creation::Kind::rename: return "rename";
    case Creation::Kind::documents: return "documents";
  }
  return "collection";
}

std::optional<Creation::Kind> creation_kind_from_string(const std::string& s) {
  for (auto kind : {Creation::Kind::collection, Creation::Kind::view, Creation::Kind::index, Creation::Kind::rename,
                    Creation::Kind::documents}) {
    if (s == to_string(kind)) return kind;
  }
  return std::nullopt;
}

namespace {

std::string utc(TimePoint time) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(time));
}

std::string how_known(const HistoryEntry& e, const Cut& cut) {
  const std::string run = fmt::format("the run's lease {} ({})", e.lease, e.installed_by);
  switch (cut.how) {
    case Cut::How::lease_expired: return fmt::format("{} expired at {}", run, utc(cut.at));
    case Cut::How::lease_released:
      return fmt::format("{} was released by {} (by `mongoway unlock`, or by the run when it was stopped)", run,
                         utc(cut.at));
    case Cut::How::later_lease:
      return fmt::format("a later lease {} ({}) was taken at {}, so {} had ended", cut.later_lease, cut.later_owner,
                         utc(cut.at), run);
    case Cut::How::lease_gone: return fmt::format("{} was gone from the lock collection at {}", run, utc(cut.at));
    case Cut::How::holder_gone:
      return fmt::format("{} was held by a process gone from this machine at {}", run, utc(cut.at));
    case Cut::How::not_recorded: break;
  }
  return fmt::format("{} ended before the version did; when was not recorded", run);
}

}  // namespace

std::string describe_cut(const HistoryEntry& e) {
  const Cut cut = e.cut.value_or(Cut{});
  std::string out = "cut: " + how_known(e, cut);
  if (cut.adopted_lease != 0) {
    out += fmt::format("; written into the history by lease {} ({}) at {}", cut.adopted_lease, cut.adopted_by,
                       utc(cut.adopted_on));
  }
  return out;
}

std::vector<HistoryEntry>::const_iterator rank_position(const std::vector<HistoryEntry>& history, int64_t rank) {
  return std::lower_bound(history.begin(), history.end(), rank,
                          [](const HistoryEntry& e, int64_t r) { return e.rank < r; });
}

namespace {
// 1234567 -> "1,234,567"
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + digits : digits;
}
}  // namespace

std::string describe_progress(const Checkpoint& c) {
  const int64_t total = std::max(c.total, c.done);
  const int64_t percent = total > 0 ? c.done * 100 / total : 100;
  return fmt::format("{} of about {} ({}%)", grouped(c.done), grouped(total), percent);
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
      if (run.checkpoint && run.checkpoint->rank == rank) e.checkpoint = run.checkpoint;
      return e;
    }
    if (it->lease != run.lease || !it->finished || !it->success) return std::nullopt;
    started = std::max(started, it->installed_on + std::chrono::milliseconds(it->execution_time_ms));
  }
  return std::nullopt;
}

}  // namespace mongoway::model
