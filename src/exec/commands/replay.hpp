#pragma once
// What a database's history says its schema should be: the applied versions
// replayed, from their files, on a scratch database (`diff` without a
// snapshot). Only a history that the files replay faithfully says it: one
// where every version up to the current one was applied by mongoway, in
// order, from the file that is there now, and no failure left part of its
// work behind.

#include <cstdint>
#include <string>
#include <vector>

#include "exec/engine.hpp"
#include "exec/fingerprint.hpp"
#include "exec/schema_reader.hpp"
#include "exec/scratch_database.hpp"
#include "model/history.hpp"
#include "plan/plan.hpp"

namespace mongoway::exec {

// The first reason, by version, why replaying the files up to the current
// version would not make what the history did ("version 3 was applied by
// `baseline` ..."), or empty. `history` as read (every entry, repaired ones
// too); `status` computed from it and the files.
std::string replay_problem(const plan::Status& status, const std::vector<model::HistoryEntry>& history);

struct ReplayedSchema {
  Fingerprint schema;       // its version set to the one replayed to
  std::string scratch_uri;  // password masked; empty: nothing to replay
  std::string scratch_database;
  bool scratch_dropped = false;
};

// The target's files (as loaded) migrated from nothing to `version` on a
// scratch database of its own, read with `read`, and the scratch database
// dropped (also when this throws). Version 0 needs no scratch database: the
// schema is empty.
ReplayedSchema replay_history(Engine& target, int64_t version, const ScratchOptions& options, const ReadOptions& read);

}  // namespace mongoway::exec
