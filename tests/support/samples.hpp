#pragma once
// History entries as the server-side tests write them: what they hold does
// not matter, only that every field is set and known.

#include <chrono>
#include <cstdint>
#include <string>

#include "model/history.hpp"

namespace mongoway::testing {

// The entry of version `rank` at rank `rank`, written by the holder of `lease`
// (not finished: set `finished` and `success` for an applied version).
inline model::HistoryEntry sample_entry(int64_t rank, int64_t lease) {
  model::HistoryEntry e;
  e.rank = rank;
  e.version = rank;
  e.description = "v";
  e.script = "V" + std::to_string(rank) + "__v.json";
  e.checksum = "sha256:00";
  e.installed_by = "me@host:1";
  e.installed_on = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000000));
  e.lease = lease;
  return e;
}

}  // namespace mongoway::testing
