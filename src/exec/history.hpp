#pragma once
// The history as the engine reads it: the log, with the unfinished entry of
// each run record that stands for one (a run in progress, or one cut short).

#include <cstdint>
#include <vector>

#include "model/history.hpp"
#include "port/server.hpp"

namespace mongoway::exec {

// Every entry, ascending by rank, with the unfinished entries of the run
// records; two requests whatever the length of the history.
std::vector<model::HistoryEntry> read_history(port::Server& server);

// The same, for the holder of lease `own_lease`: the unfinished entries of
// other leases' run records are first written into the history and those
// records deleted, so that the history itself tells the truth from then on.
std::vector<model::HistoryEntry> read_and_adopt(port::Server& server, int64_t own_lease);

}  // namespace mongoway::exec
