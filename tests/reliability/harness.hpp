#pragma once
// The reliability suite's tools: short or full mode, the one-line summary of a
// scenario, mongoway run as a process with a deadline, private servers that a
// scenario may kill, and migration sets whose effects can be counted.
//
// MONGOWAY_RELIABILITY=full runs every scenario at its full trial count
// (docs/reliability.md); anything else (the default, as in `make test`) runs a short version.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "model/history.hpp"
#include "mongo/client.hpp"

namespace mongoway::testing {

using Seconds = std::chrono::duration<double>;

bool full_mode();
// The short count, or the full one with MONGOWAY_RELIABILITY=full.
int trials(int short_count, int full_count);
// The --lock-ttl of the fault scenarios' mongoway runs (seconds): 3 in full
// mode, 10 in the short mode of `make test`. Under a CPU hog a 5,000-document
// seed on FerretDB's SQLite backend keeps the heartbeat's renewal waiting for
// 1 to 2 s; twice that within a 3 s TTL (renewals every second, each to land
// within 2.5 s of the one before) and the holder stops with exit 4, lost the
// lock, as it must. The full suite runs on an idle machine (docs/reliability.md).
int lock_ttl();
// A random generator seeded from MONGOWAY_RELIABILITY_SEED (printed, so a run can be replayed).
std::mt19937_64& rng();
int64_t random_between(int64_t low, int64_t high);  // inclusive

// One scenario's tally. report() prints `name: trials N, failures F, figure`
// (and the first failures) and fails the current test when F > 0.
class Scenario {
 public:
  explicit Scenario(std::string name) : m_name(std::move(name)) {}
  void trial() { ++m_trials; }
  // Records a failure of the current trial (at most one counted per trial).
  void fail(const std::string& what);
  bool trial_failed() const { return m_failed_trial == m_trials; }
  void report(const std::string& figure);
  int trials() const { return m_trials; }
  int failures() const { return m_failures; }

 private:
  std::string m_name;
  int m_trials = 0;
  int m_failures = 0;
  int m_failed_trial = -1;
  std::vector<std::string> m_details;
};

// A mongoway process.
struct Outcome {
  int exit_code = -1;  // 128+N when killed by signal N; -1 when it had to be killed at the deadline
  bool timed_out = false;
  double seconds = 0;
  std::string out;
  std::string err;
  bool signalled() const { return exit_code > 128 && exit_code < 128 + 32 && exit_code != 130 && exit_code != 143; }
  std::string describe() const;  // "exit 3 after 0.1 s; stderr: ..."
};

class Process {
 public:
  // Starts MONGOWAY_BINARY with `args` (the environment cleared of MONGOWAY_* settings).
  explicit Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
  ~Process();  // kills a process still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const { return m_pid; }
  bool running();
  void signal(int sig);
  // Waits until it exits or `deadline` passes (then it is killed and timed_out is set).
  Outcome wait(Seconds deadline);
  double age() const;
  // What it has written to stderr so far.
  std::string err_so_far() const;

 private:
  int m_pid = -1;
  bool m_reaped = false;
  int m_status = -1;
  std::string m_dir;
  std::chrono::steady_clock::time_point m_started;
};

// Runs mongoway to completion (killed after `deadline`).
Outcome run_mongoway(const std::vector<std::string>& args, Seconds deadline = Seconds(120),
                     const std::map<std::string, std::string>& env = {});

// The environment for mongoway: no MONGOWAY_* settings of the caller, no colours.
std::map<std::string, std::string> clean_env(std::map<std::string, std::string> more = {});

// A server of one scenario's own, started with scripts/local-server --data DIR
// (FerretDB, or mongod when on PATH), stopped and deleted by the destructor.
class PrivateServer {
 public:
  // `extra_flags` go to the server program (scripts/local-server start -- FLAGS);
  // `kind` is ferretdb or mongod (default: what local-server picks).
  explicit PrivateServer(std::vector<std::string> extra_flags = {}, std::string kind = "");
  ~PrivateServer();
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const std::string& uri() const { return m_uri; }  // mongodb://127.0.0.1:PORT/
  const std::string& data_dir() const { return m_dir; }
  std::string kind() const;             // ferretdb or mongod
  std::optional<int> tls_port() const;  // FerretDB with --listen-tls
  int pid() const;                      // from DIR/server.pid
  void kill_hard();                     // SIGKILL, waits until it is gone
  void start();                         // (re)starts on the same data
  void stop();

 private:
  std::string m_dir;
  std::string m_uri;
  std::vector<std::string> m_flags;
  std::string m_kind;
  bool m_first = true;
};

// Migration sets -----------------------------------------------------------

// V1..Vn: V<v> inserts {v} into `runs` (counts executions; not idempotent)
// when `with_runs`, then upserts marker {_id: v} (idempotent). A slow version
// first inserts `seed_docs` documents from a documentsFile into seed_<v>
// (explicit _ids, in batches), then updates the first `touch_docs` of them
// with one updateMany (FerretDB writes those one by one: slow on purpose).
struct MarkerSet {
  int versions = 0;
  std::vector<int> slow;
  int seed_docs = 0;
  int touch_docs = 0;
  bool with_runs = true;
};
void write_marker_versions(const std::string& dir, const MarkerSet& set);
// The collection command `command` (1-based) of version `version` of `set` writes to.
std::string marker_command_collection(const MarkerSet& set, int version, int command);

// Inspecting a database through the driver.
std::vector<std::string> collection_names(mongo::Client& c, const std::string& db);
int64_t count_docs(mongo::Client& c, const std::string& db, const std::string& collection,
                   const std::string& filter_json = "{}");
std::vector<bson::Document> find_all(mongo::Client& c, const std::string& db, const std::string& collection,
                                     const std::string& filter_json = "{}");
std::vector<model::HistoryEntry> history_of(mongo::Client& c, const std::string& db,
                                            const std::string& collection = "mongoway_history");
// Canonical JSON of every document of every collection.
std::string snapshot_of(mongo::Client& c, const std::string& db);
// The collections whose part of two snapshot_of texts differs.
std::set<std::string> changed_collections(const std::string& before, const std::string& after);
void drop_database(mongo::Client& c, const std::string& db);
void drop_collection(mongo::Client& c, const std::string& db, const std::string& collection);

// `info --output json` as version -> state ("" when it could not be parsed).
std::map<int64_t, std::string> states_from_info_json(const std::string& json);

std::string format_seconds(double s);  // "1.23 s"
std::string unique_db_name(const std::string& prefix);

}  // namespace mongoway::testing
