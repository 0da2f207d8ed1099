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

// The bounds of Config::lock_ttl and Config::lock_timeout.
inline constexpr std::chrono::seconds kMinLockTtl{3};
inline constexpr std::chrono::seconds kMaxLockTtl{24 * 3600};
inline constexpr std::chrono::seconds kMaxLockTimeout{24 * 3600};

struct Config {
  std::string uri = "mongodb://127.0.0.1:27017";
  std::string database;  // required
  std::vector<std::string> locations{"./migrations"};
  std::string history_collection = "mongoway_history";
  std::chrono::seconds lock_ttl{60};
  std::chrono::seconds lock_timeout{30};
  TransactionMode transaction = TransactionMode::never;
  // ${name} -> value in the migration files' string values. The value of a
  // name holding "pass", "pwd", "secret", "token", "credential", "private"
  // or "apikey"/"api_key"/"api-key" (any case) is masked as **** in every
  // message, planned command and recorded error.
  std::map<std::string, std::string> placeholders;
  bool clean_enabled = false;
  uint64_t max_file_size = 64ull * 1024 * 1024;
  std::chrono::milliseconds server_selection_timeout{5000};
  // How long to wait for a reply; 0 (the default): as long as the command
  // runs. A URI's socketTimeoutMS wins. A reply not received in time leaves
  // the version unfinished (its outcome unknown), never recorded as failed.
  std::chrono::milliseconds socket_timeout{0};
};

// deleted: applied, its files gone and recorded so by `repair --mark-deleted`.
enum class State { pending, applied, running, failed, undone, missing, deleted, baseline, ignored, future };
const char* to_string(State state);

// One version as `info` shows it.
struct VersionInfo {
  int64_t version = 0;
  std::string description;
  std::string script;    // file name of the V file, or of the history entry when missing
  std::string checksum;  // of the file when present, else as recorded
  State state = State::pending;
  std::optional<std::chrono::system_clock::time_point> installed_on;
  std::optional<int64_t> execution_time_ms;
  bool undoable = false;
};

struct InfoResult {
  std::string database;
  int64_t current_version = 0;
  std::vector<VersionInfo> migrations;  // ascending by version
  std::vector<Diagnostic> warnings;
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
  std::string error;                     // the server's error when !success
  std::vector<PlannedCommand> commands;  // filled in dry runs
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
  std::string error;
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

struct LockHolder {
  int64_t lease = 0;
  std::string owner;
  std::chrono::system_clock::time_point acquired;
  std::chrono::system_clock::time_point expires;
  bool expired = false;
};

struct UnlockResult {
  std::optional<LockHolder> released;  // nullopt: there was no lock to release
};

// Progress and log events while a run goes on. All callbacks are optional.
struct Listener {
  std::function<void(const StepResult& step, size_t index, size_t total)> step_started;
  std::function<void(const StepResult& step, size_t index, size_t total)> step_finished;
  std::function<void(const PlannedCommand& command)> command_started;
  std::function<void(uint64_t done, std::optional<uint64_t> total)> documents_progress;
  std::function<void(const std::string& message)> waiting;  // e.g. for the lock
  std::function<void(const std::string& message)> debug;    // -v details
  // repair: every change it is about to make, called once before the first
  // write (and not at all when there is nothing to change or on a dry run).
  std::function<void(const std::vector<std::string>& changes)> repair_planned;
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
  InfoResult info();
  ValidateResult validate();
  RunResult baseline(int64_t version, const std::string& description);
  RepairResult repair(const RepairOptions& options = {});
  // Deletes the V and U files of versions with no history entry at all that
  // lie above every version with one; refuses (ExitCode::invalid) any other.
  // Reads the history without the lock; never writes to the database.
  RemoveResult remove(const RemoveOptions& options);
  std::vector<std::string> clean(bool yes);  // names of the dropped collections
  UnlockResult unlock();
  std::vector<HistoryRecord> history(std::optional<int64_t> limit = std::nullopt);

  // Asks a running command to stop after recording the truth (signal handlers
  // call this; it is async-signal-safe).
  static void request_stop(int signal_number) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// "0.1.0"
const char* version();
// "0.1.0 (rev abcdef123456, mongo-c-driver 1.23.1)"
std::string version_details();

}  // namespace mongoway
