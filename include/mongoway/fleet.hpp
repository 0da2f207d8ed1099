#pragma once
// Many databases as one job (a fleet: one database per tenant, on one or
// several clusters): the same command on each, `jobs` databases at a time in
// this process, each with its own lease and its own history exactly as a
// single run, and one result per database. The databases of one cluster
// share its connections: at most 2 × jobs + 2 per cluster, heartbeats
// included. Nothing is kept outside each database's own history, so running
// the same job again goes on where it stopped.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "mongoway/migrator.hpp"

namespace mongoway {

// One database of the fleet: its cluster's URI (with its credentials) and its name.
struct FleetTarget {
  std::string uri;
  std::string database;
};

// Which databases of one cluster: the names matching a glob of `patterns`
// (* ? [...]) among the server's databases (listDatabases), and the names
// given one by one in `names`, less those matching a glob of `excludes`.
// admin, local, config and mongoway_scratch_* are never matched by a
// pattern; naming one is a usage error.
struct FleetSelection {
  std::string uri;
  std::vector<std::string> patterns;
  std::vector<std::string> excludes;
  std::vector<std::string> names;
};

// The databases selected, cluster by cluster in the order given, each
// cluster's sorted by name (names given one by one keep their order), each
// once. Reads each cluster's database names when it has patterns (with
// `base`'s timeouts); throws Error (usage: a reserved or invalid name;
// connection: a cluster not reached).
std::vector<FleetTarget> select_databases(const Config& base, const std::vector<FleetSelection>& clusters);

// Whether a pattern never selects `name`: admin, local, config, mongoway_scratch_*.
bool is_reserved_database(const std::string& name);

// A URI's hosts as "host:port,host:port" (no credentials, no options): the
// cluster a database belongs to, as results and metrics name it.
std::string cluster_of(const std::string& uri);

// What one database's command gave.
using FleetOutcome = std::variant<std::monostate, RunResult, InfoResult, ValidateResult, std::vector<HistoryRecord>,
                                  RepairResult, SnapshotResult, DiffResult>;

// succeeded: exit code 0; failed: the command threw, or its result says it
// failed (a step failed, invalid files, drift); skipped: never started (a
// stop was requested, or --fail-fast after a failure).
enum class FleetStatus { succeeded, failed, skipped };

struct FleetResult {
  FleetTarget target;
  std::string cluster;  // cluster_of(target.uri)
  FleetStatus status = FleetStatus::skipped;
  int exit_code = 0;
  std::string error;                    // failed or skipped: why
  std::vector<Diagnostic> diagnostics;  // the Error's, when it threw
  FleetOutcome result;                  // monostate when it threw or was skipped
  int64_t duration_ms = 0;
};

// The exit code a single-database command gives for its result: 1 when a
// step failed, 3 for invalid files or validation problems or drift, else 0.
int exit_code_of(const FleetOutcome& outcome);

// The worse of two exit codes, in the order 130/143 > 5 > 4 > 1 > 3 > 2 > 6 > 0:
// a signal, then what the operator must act on first.
int worse_exit_code(int a, int b);
// The worst exit code of every database (0 for none).
int fleet_exit_code(const std::vector<FleetResult>& results);

struct FleetOptions {
  int jobs = 4;            // databases run at a time, at least 1
  bool fail_fast = false;  // after the first failure, start no other database
};

// Called from the worker threads, each database's calls in order.
struct FleetListener {
  // The Listener of the database `index`'s Migrator.
  std::function<Listener(size_t index)> listener;
  std::function<void(size_t index)> started;
  std::function<void(size_t index, const FleetResult& result)> finished;
};

class Fleet {
 public:
  // `base` gives every setting but the URI and the database, which each
  // target gives. No I/O; a bad URI is Error(usage).
  Fleet(Config base, std::vector<FleetTarget> targets, FleetOptions options = {});
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  void set_listener(FleetListener listener);
  const std::vector<FleetTarget>& targets() const;

  // Runs `work` on a Migrator of each database, `jobs` at a time, in the
  // targets' order; one result per target, in that order. A database's
  // failure never stops the others unless fail_fast. After
  // Migrator::request_stop no database starts, and the running ones stop at
  // their next safe point, as a single run does.
  std::vector<FleetResult> run(const std::function<FleetOutcome(Migrator& migrator, const FleetTarget& target)>& work);

  std::vector<FleetResult> migrate(const MigrateOptions& options = {});
  std::vector<FleetResult> info();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace mongoway
