#include "model/history.hpp"

namespace mongoway::model {

const char* to_string(EntryType type) {
  switch (type) {
    case EntryType::migrate: return "migrate";
    case EntryType::undo: return "undo";
    case EntryType::baseline: return "baseline";
    case EntryType::repair: return "repair";
  }
  return "migrate";
}

std::optional<EntryType> entry_type_from_string(const std::string& s) {
  if (s == "migrate") return EntryType::migrate;
  if (s == "undo") return EntryType::undo;
  if (s == "baseline") return EntryType::baseline;
  if (s == "repair") return EntryType::repair;
  return std::nullopt;
}

}  // namespace mongoway::model
