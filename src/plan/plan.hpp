#pragma once
// Pure planning: files x history x target -> version states and the steps to run.
// No I/O; every rule here is unit-tested without a server.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "mongoway/error.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::plan {

// What the migration files say about one version.
struct FileVersion {
  int64_t version = 0;
  std::string description;
  std::string script;  // V file name
  std::string checksum;
  bool undoable = false;  // has a U file
  // Without a U file: why no undo can be derived from the V file, naming its
  // first command that is not reversible ("" when every one is).
  std::string irreversible;
};

// How a version is undone: by its U file, by the undo derived from what it
// created (script/reversible.hpp, model::Created), or not at all.
enum class UndoKind { file, derived, none };
const char* to_string(UndoKind kind);

struct VersionStatus {
  int64_t version = 0;
  std::string description;
  std::string script;
  std::string checksum;           // the file's, else the recorded one
  std::string recorded_checksum;  // of the last successful migrate or repair
  State state = State::pending;
  bool has_file = false;
  bool undoable = false;  // undo != none
  UndoKind undo = UndoKind::none;
  std::string no_undo;  // undo == none: why, where known
  // What the version's last successful migrate recorded it created (none
  // when that entry was written before mongoway recorded it).
  std::optional<model::Created> created;
  bool in_history = false;  // it has an entry, repaired or not
  std::optional<model::TimePoint> installed_on;
  std::optional<int64_t> execution_time_ms;
  std::string last_error;  // of a failed action; of one cut short, model::describe_cut
  // A version cut short (its last action unfinished, its run over): that
  // entry, with its cut.
  std::optional<model::HistoryEntry> cut;
  // resumable: where its batched command got to, and which way it was going
  // (a migrate resumes with migrate, an undo with undo).
  std::optional<model::Checkpoint> resume;
  Direction resume_direction = Direction::migrate;
};

struct Status {
  int64_t current_version = 0;
  int64_t baseline_version = 0;
  int64_t next_rank = 1;
  int64_t highest_in_history = 0;  // the highest version with an entry, repaired or not
  bool has_history = false;
  std::vector<VersionStatus> versions;  // ascending
  const VersionStatus* find(int64_t version) const;
};

// `files` ascending by version; `history` in any order. `live_lease` is the
// lease of the lock if a live process holds it: an unfinished entry written
// under that lease is `running`, any other unfinished entry is `resumable`
// when it has a checkpoint (its run was cut inside a batched command) and
// `failed` otherwise.
Status compute_status(const std::vector<FileVersion>& files, const std::vector<model::HistoryEntry>& history,
                      std::optional<int64_t> live_lease);

// A version that goes on from its checkpoint, and the checksum of the file
// that ran up to it: only that file may go on.
struct Resume {
  model::Checkpoint from;
  std::string checksum;
};

struct Plan {
  std::vector<int64_t> versions;  // in the order to run
  int64_t from_version = 0;
  int64_t to_version = 0;  // the current version once the plan has run
  Direction direction = Direction::migrate;
  // An undo: the versions undone by a derived undo, with what they created.
  std::map<int64_t, model::Created> derived;
  // The versions that continue from the checkpoint of a run cut inside
  // their batched command (state resumable), rather than from their start.
  std::map<int64_t, Resume> resume;
};

// Throws Error: usage (target below current, unknown target), invalid (failed
// versions, versions below the current one without out_of_order). A version
// that a live process is running is planned like a pending one, so that the
// caller waits for the lock and plans again from what it then reads.
Plan plan_migrate(const Status& status, std::optional<int64_t> target, std::optional<int64_t> steps, bool out_of_order);

// Default (no target, no steps): one step. Refuses before anything is undone
// when a version in range has neither an undo file nor a derived undo
// (`undo` none, with why), was baselined, is missing, or was
// marked deleted (its effect stays in the database, and what lies below it
// may be what it was built on: an undo stops above it).
Plan plan_undo(const Status& status, std::optional<int64_t> target, std::optional<int64_t> steps);

// `goto`: the plan that leaves the database at exactly `target` (0 or a
// version with a file or a history entry), up like plan_migrate or down like
// plan_undo. Going down is refused (usage, naming the versions it would undo)
// unless `allow_undo`; a target below the current version that undoing would
// not reach (it is not applied itself) is refused as well.
Plan plan_goto(const Status& status, int64_t target, bool allow_undo);

// The history-side checks of `validate` and of migrate before it plans:
// checksum drift, missing files, failed versions, ignored versions (errors,
// unless `out_of_order` allows them) and future versions (warnings). Deleted
// versions pass.
std::vector<Diagnostic> check_history(const Status& status, bool out_of_order = false);

// `validate` only: a version another process is running is an error (the
// database is not in a settled state), while migrate waits for the lock.
std::vector<Diagnostic> check_running(const Status& status);

// The versions `remove` may delete the files of: `version`, or every one
// (nullopt, --all-pending), highest first. A version qualifies when it has a
// file, no history entry at all, and lies above every version that has one.
// Throws Error (invalid) naming the reason when `version` does not qualify.
std::vector<int64_t> plan_remove(const Status& status, std::optional<int64_t> version);

}  // namespace mongoway::plan
