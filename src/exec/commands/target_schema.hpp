#pragma once
// What snapshot and diff share: the target database's fingerprint, at the
// current version of its history, read without the lock.

#include "exec/engine.hpp"
#include "exec/fingerprint.hpp"
#include "exec/schema_reader.hpp"

namespace mongoway::exec {

// With data, invalid files are refused first: the ObjectIds they name decide the digests.
Fingerprint read_target_fingerprint(Engine& engine, bool data);

// How the engine's fingerprints are read (snapshot, diff, verify): its
// history and lock collections left out and, with data, the ObjectIds its
// files (as last loaded) name kept as they are.
ReadOptions fingerprint_options(const Engine& engine, bool data);

}  // namespace mongoway::exec
