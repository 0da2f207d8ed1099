#pragma once
// The undo of a version without a U file, derived from what its migrate
// recorded it created (model::Created), in reverse order: each index it
// created dropped (one that was there before is left alone), each rename
// taken back, exactly the `_id`s it inserted deleted (read back from the V
// file or its documentsFile, which the entry's checksum pins; at most
// kIdsPerDelete a command), each view and collection it created dropped.
// The commands are native commands, as a U file would hold them: they are
// rendered, shown by `undo --dry-run` and run by the step runner like one.

#include <string>
#include <vector>

#include "exec/engine.hpp"
#include "model/history.hpp"
#include "port/server.hpp"
#include "script/script.hpp"

namespace mongoway::exec {

inline constexpr size_t kIdsPerDelete = 10000;

struct DerivedUndo {
  script::Script script;           // the V file's name and checksum, the derived commands
  std::vector<std::string> views;  // the views it drops (they hold no documents)
};

// Throws Error(invalid) when the record and the file disagree (a command it
// names is not an insert of the file, the file holds another number of
// documents than the version inserted).
DerivedUndo derive_undo(const script::Script& up, const model::Created& created);

// Before anything of an undo runs: every collection a derived undo of
// `steps` drops must then hold no document but those the undos before it
// delete (a count, and a count of those `_id`s, for each). Throws
// Error(invalid) naming the version and the collection otherwise.
void refuse_dropping_documents(port::Server& server, const std::string& database, const std::vector<Step>& steps);

}  // namespace mongoway::exec
