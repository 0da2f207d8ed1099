#pragma once
// The public C++ API of mongoway: configure a Migrator, then migrate, undo,
// inspect or repair a database. Every function throws mongoway::Error.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mongoway/error.hpp"

namespace mongoway {

enum class TransactionMode { never, auto_, always };

// The pre-flight check before the first write of migrate, undo, goto and
// verify: what the plan's files need, judged against what the server is.
// Every need the server lacks refuses the run (ExitCode::invalid). A need
// whose support is not known (a server kind or version the table of features
// does not know) is a warning in auto_ and refuses in strict; off skips the
// check, with a warning.
enum class PreflightMode { auto_, strict, off };

// The bounds of Config::lock_ttl and Config::lock_timeout.
inline constexpr std::chrono::seconds kMinLockTtl{3};
inline constexpr std::chrono::seconds kMaxLockTtl{24 * 3600};
inline constexpr std::chrono::seconds kMaxLockTimeout{24 * 3600};
// The bounds of Config::connect_retries, connect_retry_interval and server_selection_timeout.
inline constexpr int kMaxConnectRetries = 1000;
inline constexpr std::chrono::seconds kMaxConnectRetryInterval{3600};
inline constexpr std::chrono::seconds kMaxConnectTimeout{3600};

struct Config {
  std::string uri = "mongodb://127.0.0.1:27017";
  std::string database;  // required
  std::vector<std::string> locations{"./migrations"};
  std::string history_collection = "mongoway_history";
  std::chrono::seconds lock_ttl{60};
  // Longer than the default TTL plus a renewal: a run started right after a
  // holder died on another machine waits for its lease rather than failing.
  std::chrono::seconds lock_timeout{90};
  TransactionMode transaction = TransactionMode::never;
  PreflightMode preflight = PreflightMode::auto_;
  // ${name} -> value in the migration files' string values. The value of a
  // name holding "pass", "pwd", "secret", "token", "credential", "private"
  // or "apikey"/"api_key"/"api-key" (any case) is masked as **** in every
  // message, planned command and recorded error.
  std::map<std::string, std::string> placeholders;
  bool clean_enabled = false;
  uint64_t max_file_size = 64ull * 1024 * 1024;
  // How long one attempt to reach the server waits (--connect-timeout):
  // serverSelectionTimeoutMS and connectTimeoutMS unless the URI sets them.
  std::chrono::milliseconds server_selection_timeout{5000};
  // Flyway's connectRetries: a server not reached (never a TLS or
  // authentication failure) is tried again this many times, this far apart,
  // for a database still starting beside the application.
  int connect_retries = 0;
  std::chrono::seconds connect_retry_interval{5};
  // How long to wait for a reply; 0 (the default): as long as the command
  // runs. A URI's socketTimeoutMS wins. A reply not received in time leaves
  // the version unfinished (its outcome unknown), never recorded as failed.
  std::chrono::milliseconds socket_timeout{0};
};

// deleted: applied, its files gone and recorded so by `repair --mark-deleted`.
// invalid: a migration file of the version does not parse or is unpaired
// (`info` only: other commands refuse invalid files).
// resumable: its run was cut inside a batched command (killed, its server or
// lease lost, stopped); the next migrate (undo, for an undo that was cut)
// goes on from the command's last checkpoint, without `repair`.
enum class State {
  pending,
  applied,
  running,
  failed,
  undone,
  missing,
  deleted,
  baseline,
  ignored,
  future,
  invalid,
  resumable
};
const char* to_string(State state);

// How a version cut short inside (its process killed, its connection or
// lease lost) is known to have stopped: what was seen of its run's lease.
struct CutInfo {
  // lease_expired (at: when it expired), lease_released (at: when it was due
  // to expire; released by then), later_lease (at: when a later lease was
  // taken), lease_gone (at: when it was seen missing), not_recorded (at: none)
  std::string how;
  std::optional<std::chrono::system_clock::time_point> at;
  int64_t lease = 0;   // the run's lease
  std::string run_by;  // the run's process, user@host:pid
  // The later run that wrote the version's unfinished entry into the history.
  std::optional<int64_t> adopted_lease;
  std::string adopted_by;
  std::optional<std::chrono::system_clock::time_point> adopted_on;
  std::string message;  // "cut: the run's lease 6 (...) expired at 2026-01-02 12:03:11 UTC"
};

// Where a resumable version's batched command got to (its last checkpoint).
struct ResumePoint {
  std::string direction;  // "migrate" or "undo": the command that resumes it
  int command = 0;        // the batched command, 1-based in its file
  int64_t done = 0;       // documents walked so far
  int64_t total = 0;      // about how many it matches (counted when it started)
  int64_t batches = 0;
  std::string last_id;  // the last _id done, as relaxed Extended JSON ("" before the first batch)
  std::string message;  // "resumable at 1,200 of about 3,000 (40%)"
};

// One version as `info` shows it.
struct VersionInfo {
  int64_t version = 0;
  std::string description;
  std::string script;    // file name of the V file, or of the history entry when missing
  std::string checksum;  // of the file when present, else as recorded
  State state = State::pending;
  std::optional<std::chrono::system_clock::time_point> installed_on;
  std::optional<int64_t> execution_time_ms;
  bool undoable = false;  // undo is "file" or "derived"
  // How it is undone: "file" (its U file), "derived" (the undo mongoway
  // derives from what the version created) or "none".
  std::string undo = "none";
  // undo "none": why, where known ("" otherwise).
  std::string undo_reason;
  // failed: the server's error, or the cut's message; invalid: the first
  // error of the file ("file:line:col: message"); else empty.
  std::string error;
  std::optional<CutInfo> cut;         // failed or resumable: cut short inside the version
  std::optional<ResumePoint> resume;  // resumable
};

// The process that took a lease, as its machine tells processes apart: the
// boot id, the pid namespace (an inode number), the pid in it and its start
// time (clock ticks since boot). Leases of older versions have none.
struct HolderProcess {
  std::string boot_id;
  uint64_t pid_namespace = 0;
  int64_t pid = 0;
  uint64_t start_time = 0;
};

struct LockHolder {
  int64_t lease = 0;
  std::string owner;
  std::chrono::system_clock::time_point acquired;
  std::chrono::system_clock::time_point expires;
  bool expired = false;
  std::optional<HolderProcess> process;
  bool holder_gone = false;  // its process no longer runs on this machine: the lock is free
  bool revoked = false;      // released by `unlock --force` while live: others wait until `expires`
};

// What the database has applied, whatever the files: a file that does not
// parse is a version in state `invalid`, and its problems are diagnostics.
struct InfoResult {
  std::string database;
  int64_t current_version = 0;
  std::optional<LockHolder> lock;       // the lease that keeps others out, if any
  std::vector<VersionInfo> migrations;  // ascending by version
  std::vector<Diagnostic> diagnostics;  // every problem of the files, errors and warnings
  bool valid() const;                   // no error among the diagnostics
};

// Counts reported by the server for the write commands of one step.
struct WriteCounts {
  int64_t matched = 0, modified = 0, inserted = 0, deleted = 0, upserted = 0;
  WriteCounts& operator+=(const WriteCounts& o);
};

enum class Direction { migrate, undo };

// One server command a step sends (or would send, in a dry run).
struct PlannedCommand {
  int index = 0;     // 1-based index in its file
  std::string name;  // mongoway command name, e.g. "createIndex"
  std::string comment;
  std::string database;                       // where it runs
  std::string command_json;                   // the server command as canonical Extended JSON
  std::optional<std::string> documents_file;  // inserts streamed from a file
  std::optional<uint64_t> documents;          // number of documents inserted
};

struct StepResult {
  int64_t version = 0;
  std::string description;
  std::string script;
  Direction direction = Direction::migrate;
  bool success = false;
  int64_t execution_time_ms = 0;
  WriteCounts counts;
  std::string error;  // the server's error when !success
  // Cut by a lost connection (or a lost reply): its outcome is unknown and
  // nothing could be recorded; `error` says where it was cut.
  bool interrupted = false;
  std::vector<PlannedCommand> commands;  // filled in dry runs
  // Its batched commands (updateMany/deleteMany with "batchSize"): the
  // batches this run sent, and, when it went on from the checkpoint of a run
  // cut inside one, how many documents that run had done.
  int64_t batches = 0;
  std::optional<int64_t> resumed_at;
};

// One batch of a batched command done (Listener::batch_done).
struct BatchProgress {
  int64_t version = 0;
  int command = 0;        // 1-based in its file
  std::string name;       // updateMany or deleteMany
  int64_t batch = 0;      // batches done, this run and the ones it resumed
  int64_t documents = 0;  // in this batch
  int64_t done = 0;       // documents walked so far
  int64_t total = 0;      // about how many it matches (counted when it started or resumed)
  int64_t write_ms = 0;   // this batch's update or delete, its round trip
  WriteCounts counts;     // so far
};

// Where `baseline --from` took the version from: the other tool, the
// collection it read, and the version as that tool wrote it ("20240131120000",
// "3-add-index.js", "2.0").
struct TakenOver {
  std::string tool;  // golang-migrate, migrate-mongo or flyway
  std::string collection;
  std::string version;
};

struct RunResult {
  Direction direction = Direction::migrate;
  bool dry_run = false;
  int64_t from_version = 0;
  int64_t to_version = 0;
  std::vector<StepResult> steps;
  int64_t total_time_ms = 0;
  std::string message;  // e.g. "database is up to date at version 5"
  std::vector<Diagnostic> warnings;
  std::optional<TakenOver> taken_over;  // baseline --from only
};

// The migration tools whose record `baseline --from` takes over.
enum class OtherTool { golang_migrate, migrate_mongo, flyway };

// Where the other tool keeps its record; an empty name is the tool's default
// (schema_migrations and migrate_advisory_lock, changelog and changelog_lock,
// flyway_schema_history; Flyway keeps no lock there).
struct TakeOverFrom {
  OtherTool tool = OtherTool::golang_migrate;
  std::string collection;
  std::string lock_collection;
};

struct BaselineOptions {
  int64_t version = 0;      // the version to record; without `from` only
  std::string description;  // empty: "baseline", or with `from` where it was taken over from
  // Records the version the other tool reached instead, reading its record
  // and never changing it; refused (ExitCode::invalid) when that record is
  // missing, dirty, failed or locked, or above the highest file version.
  std::optional<TakeOverFrom> from;
};

struct MigrateOptions {
  std::optional<int64_t> target;  // nullopt: latest
  std::optional<int64_t> steps;
  bool dry_run = false;
  bool out_of_order = false;
  bool validate = true;  // false: --no-validate
};

struct UndoOptions {
  std::optional<int64_t> target;  // nullopt and no steps: one step
  std::optional<int64_t> steps;
  bool dry_run = false;
};

// goto: to exactly `target` (0 or a version with a file or a history entry),
// up or down.
struct GotoOptions {
  int64_t target = 0;
  bool allow_undo = false;  // false: going down is refused, naming the versions it would undo
  bool dry_run = false;
};

struct ValidateResult {
  bool ok = true;
  std::vector<Diagnostic> problems;  // errors and warnings
};

// One entry of the history log, as `history` prints it.
struct HistoryRecord {
  int64_t rank = 0;
  int64_t version = 0;
  std::string description;
  std::string script;
  std::string type;  // migrate, undo, baseline, repair, deleted
  std::string checksum;
  std::string installed_by;
  std::optional<std::chrono::system_clock::time_point> installed_on;
  std::optional<int64_t> execution_time_ms;
  bool success = false;
  bool repaired = false;
  bool derived = false;  // an undo whose commands mongoway derived (no U file)
  std::string error;
};

// Which entries `history` returns, and in which order.
struct HistoryOptions {
  std::optional<int64_t> limit;                                // the first N entries, in the order returned
  std::optional<std::chrono::system_clock::time_point> since;  // installed at or after
  std::optional<std::chrono::system_clock::time_point> until;  // installed at or before
  bool ascending = false;                                      // oldest first (default newest first)
  std::vector<std::string> types;  // any of these entry types (see HistoryRecord::type); empty: all
  std::optional<int64_t> version;  // only this version's entries
};

struct RepairOptions {
  bool dry_run = false;  // compute and report the changes; write nothing, take no lock
  // Record every applied version whose V file is missing from the locations
  // as deleted (an entry of type "deleted"): it stays applied, is never run
  // again nor undone, and validation passes over it.
  bool mark_deleted = false;
};

struct RepairResult {
  std::vector<std::string> changes;  // one line per change (made, or that would be made)
  bool dry_run = false;
  // Without mark_deleted: one warning per applied version whose file is missing.
  std::vector<Diagnostic> warnings;
};

struct RemoveOptions {
  // The version whose files to delete; nullopt: every version that may be
  // removed (--all-pending), highest first.
  std::optional<int64_t> version;
  bool dry_run = false;  // report what would be deleted; delete nothing
};

struct RemovedVersion {
  int64_t version = 0;
  std::vector<std::string> files;  // its V file, then its U file if any
};

struct RemoveResult {
  std::vector<RemovedVersion> removed;  // highest version first
  bool dry_run = false;
};

struct UnlockOptions {
  // Also release a live lease (renewed within its TTL): its holder stops
  // before its next request once its heartbeat sees the lease released.
  bool force = false;
};

struct UnlockResult {
  std::optional<LockHolder> released;  // nullopt: there was no lock to release
  bool forced = false;                 // the lease was live: --force released it
};

// snapshot: the target database's schema fingerprint written to a file.
struct SnapshotOptions {
  std::string output_file;  // empty: schema.json in the first location
  bool data = false;        // also a digest of each collection's documents
};

struct SnapshotResult {
  std::string file;         // where it was written
  std::string database;     // the database it was read from
  int64_t version = 0;      // the database's current version, from its history
  int64_t collections = 0;  // collections and views
  int64_t indexes = 0;
  bool data = false;
};

// One difference between a database's schema and the one expected.
struct SchemaDifference {
  // missing_collection, extra_collection, changed_collection, missing_index,
  // extra_index, changed_index or changed_data
  std::string kind;
  std::string collection;
  std::string index;                    // the *_index kinds: the index's name
  std::string field;                    // the changed_* kinds: a dotted path, e.g. options.validationLevel
  std::optional<std::string> expected;  // relaxed Extended JSON; nullopt: absent
  std::optional<std::string> actual;
  std::string message;  // one readable line
};

// diff: the target database's schema against a snapshot file, or, without
// one, against its history's versions replayed on a scratch database.
struct DiffOptions {
  std::string against;              // the snapshot file; empty: the history replayed
  std::vector<std::string> ignore;  // globs on collection names left out of the comparison
  bool data = false;                // also compare the digests (a snapshot must have them)
  // Without `against`, as VerifyOptions: the scratch database's server
  // (empty: Config::uri) and name (empty: mongoway_scratch_<random>).
  std::string scratch_uri;
  std::string scratch_database;
};

struct DiffResult {
  std::string database;
  // What the database was compared with: "snapshot" (the file `against`)
  // or "history" (its versions replayed up to `version`).
  std::string expected;
  std::string against;            // "snapshot": the file
  int64_t version = 0;            // the database's current version
  std::string snapshot_database;  // "snapshot": the database and version it was read from
  int64_t snapshot_version = 0;
  // "history": where the versions were replayed (the URI's password
  // masked); both empty at version 0, when there is nothing to replay.
  std::string scratch_uri;
  std::string scratch_database;
  bool scratch_dropped = false;
  bool data = false;
  std::vector<SchemaDifference> differences;  // empty: no drift
};

// verify: every version's undo checked on a scratch database.
struct VerifyOptions {
  std::optional<int64_t> target;  // nullopt: the latest version
  bool data = false;              // also compare the digests of the documents
  bool require_undo = false;      // a version without an undo file fails the run
  std::string scratch_uri;        // empty: Config::uri
  // Must start with mongoway_scratch_; empty: mongoway_scratch_<random>.
  std::string scratch_database;
};

// What verify found at one version.
struct VerifiedVersion {
  int64_t version = 0;
  std::string description;
  // ok: its undo gave back the schema before it, and applying it again the
  // schema after it; no_undo: it has no undo file (applied only);
  // undo_differs: the schema after its undo is not the one before it;
  // reapply_differs: applied again after its undo, it gives another schema.
  std::string result;
  // undo_differs: the schema before the version expected, after its undo
  // actual; reapply_differs: after the version expected, after it was applied again actual.
  std::vector<SchemaDifference> differences;
};

struct VerifyResult {
  std::string scratch_uri;  // password masked
  std::string scratch_database;
  int64_t target_version = 0;
  bool data = false;
  bool require_undo = false;
  std::vector<VerifiedVersion> versions;  // in order, up to the first that failed
  std::optional<int64_t> failed_version;  // the first whose undo does not restore its schema
  int64_t without_undo = 0;               // versions without an undo file
  bool passed = false;                    // no version failed (and, with require_undo, every one has an undo file)
  bool scratch_dropped = false;
};

// Progress and log events while a run goes on. All callbacks are optional.
struct Listener {
  std::function<void(const StepResult& step, size_t index, size_t total)> step_started;
  std::function<void(const StepResult& step, size_t index, size_t total)> step_finished;
  std::function<void(const PlannedCommand& command)> command_started;
  std::function<void(uint64_t done, std::optional<uint64_t> total)> documents_progress;
  // After each batch of a batched command, its checkpoint written.
  std::function<void(const BatchProgress& batch)> batch_done;
  std::function<void(const std::string& message)> waiting;  // e.g. for the lock
  std::function<void(const std::string& message)> debug;    // -v details
  // A warning as soon as it is known, before the run goes on (the pre-flight
  // check's: what it could not judge, or that it was skipped), so that it is
  // seen even when the run fails later.
  std::function<void(const Diagnostic& warning)> warning;
  // repair: every change it is about to make, called once before the first
  // write (and not at all when there is nothing to change or on a dry run).
  std::function<void(const std::vector<std::string>& changes)> repair_planned;
  // verify: the scratch database it works on (the URI's password masked),
  // before anything is written to it; then each version as it is checked.
  std::function<void(const std::string& uri, const std::string& database)> scratch_chosen;
  std::function<void(int64_t version, size_t index, size_t total)> verifying;
  // diff without a snapshot: the scratch database where the history is
  // replayed up to `version`, before anything is written to it.
  std::function<void(const std::string& uri, const std::string& database, int64_t version)> replaying;
};

class Migrator {
 public:
  explicit Migrator(Config config);
  ~Migrator();
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  void set_listener(Listener listener);

  RunResult migrate(const MigrateOptions& options = {});
  RunResult undo(const UndoOptions& options = {});
  // `goto` (a C++ keyword): migrate or undo, whichever reaches options.target.
  RunResult go_to(const GotoOptions& options);
  InfoResult info();
  ValidateResult validate();
  RunResult baseline(int64_t version, const std::string& description);
  RunResult baseline(const BaselineOptions& options);
  RepairResult repair(const RepairOptions& options = {});
  // Deletes the V and U files of versions with no history entry at all that
  // lie above every version with one; refuses (ExitCode::invalid) any other.
  // Reads the history without the lock; never writes to the database.
  RemoveResult remove(const RemoveOptions& options);
  std::vector<std::string> clean(bool yes);  // names of the dropped collections
  // Writes the target database's schema fingerprint; reads without the lock.
  SnapshotResult snapshot(const SnapshotOptions& options);
  // Compares the target database's schema with a snapshot file or, without
  // one, with its history's versions replayed on a scratch database (refused,
  // ExitCode::usage, when the history cannot be replayed faithfully). Never
  // writes to the target database; drops the scratch database at the end.
  DiffResult diff(const DiffOptions& options);
  // Migrates a scratch database version by version, undoing and applying
  // each again to check that its undo restores its schema; never touches the
  // target database; drops the scratch database at the end, also after a
  // failure or a stop.
  VerifyResult verify(const VerifyOptions& options);
  // Refuses a live lease (Error(ExitCode::lock), naming its holder) unless options.force.
  UnlockResult unlock(const UnlockOptions& options = {});
  std::vector<HistoryRecord> history(std::optional<int64_t> limit = std::nullopt);
  // Throws Error (usage) for a type that is no entry type.
  std::vector<HistoryRecord> history(const HistoryOptions& options);

  // Asks a running command to stop after recording the truth (signal handlers
  // call this; it is async-signal-safe).
  static void request_stop(int signal_number) noexcept;
  // Stops at once (a second signal; not from a signal handler): no request
  // starts any more, the version in flight is left unfinished as if the
  // process were killed, and the lease is released only when no request is in
  // flight. The caller then ends the process.
  enum class StopNow { lease_released, request_in_flight, no_lease, release_failed };
  static StopNow stop_now() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// "0.1.0"
const char* version();
// "0.1.0 (rev abcdef123456, mongo-c-driver 1.23.1)"
std::string version_details();

}  // namespace mongoway
