#pragma once
// One entry of the history log, as stored in the history collection.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::model {

using TimePoint = std::chrono::system_clock::time_point;

// `deleted`: an applied version whose files are gone, recorded by `repair
// --mark-deleted`; it stays applied and is never run again nor undone. A
// reader that does not know a type reads it as `migrate` (what every
// mongoway before `deleted` does), which for a `deleted` entry, carrying the
// checksum the version was applied with, leaves the version's state as it was.
enum class EntryType { migrate, undo, baseline, repair, deleted };
const char* to_string(EntryType type);
std::optional<EntryType> entry_type_from_string(const std::string& s);

// Why a run cut short inside a version is known to be over: what was seen of
// its lease. Set on an unfinished entry whose writer is no longer live; kept
// in the history when a later run writes the entry there (read_and_adopt).
struct Cut {
  enum class How {
    lease_expired,   // `at`: when the run's lease expired
    lease_released,  // `at`: when it was due to expire; it was released by then
    later_lease,     // `at`: when a later lease was taken (the run's had ended by then)
    lease_gone,      // `at`: when its absence was seen
    holder_gone,     // `at`: when its holder's process was seen gone from this machine
    not_recorded,    // written into the history before the reason was kept
  };
  How how = How::not_recorded;
  TimePoint at{};
  int64_t later_lease = 0;  // later_lease: that lease
  std::string later_owner;
  // Set by the run that wrote the entry into the history (0: not written yet).
  int64_t adopted_lease = 0;
  std::string adopted_by;
  TimePoint adopted_on{};
};
const char* to_string(Cut::How how);
std::optional<Cut::How> cut_how_from_string(const std::string& s);

// Where a baseline taken over from another migration tool came from: that
// tool, the collection of its record, and the version as it wrote it.
struct TakenFrom {
  std::string tool;
  std::string collection;
  std::string version;
};

// One thing a migrate version created, as the server's replies showed it.
struct Creation {
  enum class Kind {
    collection,  // `collection`: made by create, an index or an insert
    view,        // `collection`: the view
    index,       // `name` on `collection`, by the name mongoway sent
    rename,      // `collection` renamed to `name`
    documents,   // `count` documents inserted into `collection` by `command`, every one it sent
  };
  Kind kind = Kind::collection;
  int command = 0;  // the V file's command (1-based) that made it
  std::string collection;
  std::string name;
  int64_t count = 0;
};
const char* to_string(Creation::Kind kind);
std::optional<Creation::Kind> creation_kind_from_string(const std::string& s);

// What a migrate version created, in the order it was made, kept in its
// entry so that an undo can be derived from it (the inserted `_id`s are read
// back from the file, which the entry's checksum pins). `not_derivable`
// says why no undo can be derived ("" when one can): a command that is not
// reversible, an insert that inserted fewer documents than it sent.
struct Created {
  std::vector<Creation> items;
  std::string not_derivable;
};

// How far a batched command (an updateMany or deleteMany with "batchSize")
// got: written into its run's record after each batch, so that a run cut
// inside the command leaves its version resumable rather than failed. The
// commands before `command` completed; the batched command walked the
// matching documents in `_id` order up to `last_id`, inclusive.
struct Checkpoint {
  int64_t rank = 0;  // the entry it belongs to: the version's place in its run
  int64_t version = 0;
  int command = 0;  // the batched command, 1-based in its file
  // {"_id": <the last _id done>}, its BSON type kept; empty before the first batch.
  bson::Document last_id;
  int64_t done = 0;   // documents walked so far (every batch, this run and the ones it resumed)
  int64_t total = 0;  // the estimate when the command started (or resumed): done + those left then
  int64_t batches = 0;
  int64_t matched = 0, modified = 0, deleted = 0;
  bool has_last_id() const { return !last_id.empty(); }
};

// "1,200 of about 3,000 (40%)"
std::string describe_progress(const Checkpoint& checkpoint);

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
  std::optional<Cut> cut;         // on an unfinished entry whose run is over
  std::optional<TakenFrom> from;  // on a baseline taken over from another tool
  // On a migrate entry: what the version created (none on entries written
  // before mongoway recorded it, nor on a version that failed).
  std::optional<Created> created;
  bool derived = false;  // on an undo entry: its commands were derived, not read from a U file
  // On an unfinished entry: where its batched command got to (the version
  // is then resumable, not failed, once its run is over).
  std::optional<Checkpoint> checkpoint;
};

// "cut: the run's lease 6 (me@host:12) expired at 2026-01-02 12:03:11 UTC; …":
// that an unfinished entry was cut short, when, and how that is known.
std::string describe_cut(const HistoryEntry& entry);

// Where the entry of `rank` is, or would go, in a history sorted by rank.
std::vector<HistoryEntry>::const_iterator rank_position(const std::vector<HistoryEntry>& history, int64_t rank);

// The record of a run in progress, kept outside the history (in the lock
// collection) so that the history is only appended to (but for `repair`'s
// `repaired: true` marks): written before
// the run's first command, it lists the versions the run will record, in
// order, from `first_rank` on. Each version's entry is inserted into the
// history once it has ended; the record is deleted when the run ends. A run
// cut short (killed, server lost) leaves its record behind, and the first
// version it lists without an entry is the one that was running.
struct RunRecord {
  struct Step {
    int64_t version = 0;
    std::string description;
    std::string script;
    std::string checksum;
  };
  int64_t lease = 0;
  int64_t first_rank = 0;
  EntryType type = EntryType::migrate;
  std::string installed_by;
  TimePoint started{};  // when the record was written
  std::vector<Step> steps;
  // The batched command running now, as of its last batch (none between
  // versions, nor while a command that is not batched runs).
  std::optional<Checkpoint> checkpoint;
};

// The unfinished entry a run record stands for, given the history sorted by
// rank: the first listed version without an entry, provided every version
// before it was recorded successful by the same lease. None when the run
// ended (every version recorded, or it recorded a failure and stopped).
// Its `installed_on` is when the previous version ended (or the record's time);
// it carries the record's checkpoint when that is the entry's.
std::optional<HistoryEntry> running_entry(const RunRecord& run, const std::vector<HistoryEntry>& history);

}  // namespace mongoway::model
