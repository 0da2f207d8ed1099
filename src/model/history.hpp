#pragma once
// One entry of the history log, as stored in the history collection.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mongoway::model {

using TimePoint = std::chrono::system_clock::time_point;

enum class EntryType { migrate, undo, baseline, repair };
const char* to_string(EntryType type);
std::optional<EntryType> entry_type_from_string(const std::string& s);

struct HistoryEntry {
  int64_t rank = 0;  // _id: 1, 2, 3, ... in order of execution
  int64_t version = 0;
  std::string description;
  std::string script;
  EntryType type = EntryType::migrate;
  std::string checksum;
  std::string installed_by;
  TimePoint installed_on{};
  int64_t execution_time_ms = 0;
  bool success = false;
  bool finished = false;  // false until the action that wrote it ends
  bool repaired = false;  // its effect removed from the state by `repair`
  int64_t lease = 0;      // the lock lease held by the process that wrote it
  std::string error;
};

}  // namespace mongoway::model
