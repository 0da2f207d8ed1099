#pragma once
// The history as the engine reads it: the log, with the unfinished entry of
// each run record that stands for one (a run in progress, or one cut short),
// and for each unfinished entry whose run is over, how that is known.

#include <cstdint>
#include <optional>
#include <vector>

#include "model/history.hpp"
#include "port/server.hpp"

namespace mongoway::exec {

// Every entry, ascending by rank, with the unfinished entries of the run
// records; two requests whatever the length of the history.
std::vector<model::HistoryEntry> read_history(port::Server& server);

// For a reader without the lock: the lease of the live lock holder when an
// unfinished entry was written under it (that version is running), and the
// cut of every other unfinished entry that has none yet, from the newest
// lease.
// `newest` is the newest lease at server time `now_ms`, and `live` whether it
// keeps others out (exec/lease_state.hpp).
bool has_unexplained(const std::vector<model::HistoryEntry>& history);
std::optional<int64_t> explain_unfinished(std::vector<model::HistoryEntry>& history,
                                          const std::optional<port::Lease>& newest, bool live, int64_t now_ms);

// The process that has just taken the lock, and the newest lease it saw
// before its own: why the runs it finds unfinished are over.
struct Adopter {
  port::Lease lease;
  std::optional<port::Lease> previous;
};

// The same as read_history, for the holder of the lock: the unfinished
// entries of other leases' run records are first written into the history,
// with their cut and who wrote them, and those records deleted, so that the
// history itself tells the truth from then on.
std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, const Adopter& adopter);
std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, int64_t own_lease);

// Why the run of `run_lease` is over, given the newest lease seen (at server
// time `now_ms`), which is not a live lease of that run.
model::Cut cut_of(int64_t run_lease, const std::optional<port::Lease>& seen, int64_t now_ms);

}  // namespace mongoway::exec
