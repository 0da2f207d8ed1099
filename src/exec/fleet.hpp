#pragma once
// A fleet run's parts that need no driver: which databases a selection
// takes from a server's names, and the run itself — the databases handed to
// `jobs` threads in order, each one's failure kept in its own result, none
// started after a stop request (or after a failure, with fail_fast).

#include <functional>
#include <string>
#include <vector>

#include "mongoway/fleet.hpp"

namespace mongoway::exec {

// The databases `selection` takes from `listed` (a server's names): those
// matching a pattern, sorted, then those named one by one, in their order,
// less the excluded ones, each once. Throws Error(usage) for a named
// database that is reserved or that MongoDB's rules refuse.
std::vector<std::string> select_from(const std::vector<std::string>& listed, const FleetSelection& selection);

// Runs work(i) for every target, `options.jobs` at a time, and returns one
// result per target: the outcome, or the Error it threw with its exit code.
// `connect`-free: the caller's work opens what it needs.
std::vector<FleetResult> run_fleet(const std::vector<FleetTarget>& targets, const FleetOptions& options,
                                   const FleetListener& listener,
                                   const std::function<FleetOutcome(size_t index)>& work);

}  // namespace mongoway::exec
