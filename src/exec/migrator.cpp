// The Migrator: loads the files, reads the history, plans, and runs the plan
// under the lease lock: a run record before the first version, each
// version's history entry once it has ended.

#include "mongoway/migrator.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <algorithm>

#include "build_info.hpp"
#include "exec/executor.hpp"
#include "exec/stop.hpp"
#include "mongo/client.hpp"
#include "mongo/history_store.hpp"
#include "mongo/lease_lock.hpp"
#include "plan/plan.hpp"
#include "script/placeholders.hpp"
#include "script/render.hpp"
#include "script/script.hpp"
#include "util/redact.hpp"

namespace mongoway {
namespace {

using Clock = std::chrono::steady_clock;

int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

using exec::throw_if_stopped;

bool is_system_database(const std::string& db) { return db == "admin" || db == "local" || db == "config"; }

// One version to run: its script and the commands rendered for the server.
struct Step {
  const script::Migration* migration = nullptr;
  const script::Script* script = nullptr;  // the V or U file that runs
  std::vector<std::pair<const script::Command*, std::vector<script::ServerCommand>>> commands;
  bool transaction = false;
};

}  // namespace

struct Migrator::Impl {
  Config config;
  std::vector<std::string> secrets;  // the secret placeholders' values, masked in what is shown
  Listener listener;
  std::unique_ptr<mongo::Client> client;
  script::LoadResult files;

  mongo::ClientOptions client_options() const {
    return mongo::ClientOptions{config.uri, config.server_selection_timeout, config.socket_timeout, secrets};
  }

  // A command as the dry run and the listener show it: secret placeholder
  // values masked.
  PlannedCommand shown(const script::Command& command, const script::ServerCommand& server) const {
    auto p = exec::describe(command, server);
    p.command_json = redact_secrets(p.command_json, secrets);
    return p;
  }

  void debug(const std::string& message) const {
    if (listener.debug) listener.debug(message);
  }

  void check_config() const {
    if (config.database.empty()) {
      throw Error(ExitCode::usage, "no database given; use --database NAME, MONGOWAY_DATABASE, or a URI that names "
                                   "one (mongodb://host/NAME)");
    }
    if (config.history_collection.empty()) throw Error(ExitCode::usage, "the history collection name is empty");
    if (config.lock_ttl < kMinLockTtl || config.lock_ttl > kMaxLockTtl) {
      throw Error(ExitCode::usage, fmt::format("--lock-ttl must be {} to {} seconds", kMinLockTtl.count(),
                                               kMaxLockTtl.count()));
    }
    if (config.lock_timeout.count() < 0 || config.lock_timeout > kMaxLockTimeout) {
      throw Error(ExitCode::usage, fmt::format("--lock-timeout must be 0 to {} seconds", kMaxLockTimeout.count()));
    }
  }

  mongo::Client& connect() {
    if (!client) {
      client = std::make_unique<mongo::Client>(client_options());
      debug(fmt::format("connecting to {}", client->redacted_uri()));
      if (listener.debug) {
        auto sink = listener.debug;
        client->set_command_observer([sink](const std::string& name, const std::string& database) {
          sink(fmt::format("sent {} to {}", name, database));
        });
      }
    }
    return *client;
  }

  // Loads and validates every file (again for every operation, so that a
  // long-lived Migrator sees edits); errors stop here, before any I/O with the server.
  const script::LoadResult& load_files() {
    files = script::load_all(config.locations, script::LoadOptions{config.max_file_size});
    if (files.has_errors()) {
      size_t n = std::count_if(files.diagnostics.begin(), files.diagnostics.end(),
                               [](const Diagnostic& d) { return d.is_error(); });
      const Diagnostic* first = nullptr;
      for (const auto& d : files.diagnostics) {
        if (d.is_error()) {
          first = &d;
          break;
        }
      }
      throw Error(ExitCode::invalid,
                  n == 1 ? first->to_string() : fmt::format("{} errors in the migration files; the first: {}", n, first->to_string()),
                  files.diagnostics);
    }
    return files;
  }

  std::vector<Diagnostic> file_warnings() const {
    std::vector<Diagnostic> out;
    for (const auto& d : files.diagnostics) {
      if (!d.is_error()) out.push_back(d);
    }
    return out;
  }

  std::vector<plan::FileVersion> file_versions() const {
    std::vector<plan::FileVersion> out;
    for (const auto& m : files.migrations) {
      out.push_back(plan::FileVersion{m.version(), m.description(), m.up.file.file_name, m.up.checksum,
                                      m.undo.has_value()});
    }
    return out;
  }

  const script::Migration* find_migration(int64_t version) const {
    for (const auto& m : files.migrations) {
      if (m.version() == version) return &m;
    }
    return nullptr;
  }

  std::string lock_collection() const { return mongo::HistoryStore::lock_collection_of(config.history_collection); }

  // The lease of a live lock holder, read only when an unfinished entry needs it.
  std::optional<int64_t> live_lease(const std::vector<model::HistoryEntry>& history) {
    bool unfinished = std::any_of(history.begin(), history.end(),
                                  [](const model::HistoryEntry& e) { return !e.finished && !e.repaired; });
    if (!unfinished) return std::nullopt;
    auto& c = connect();
    auto lease = mongo::read_newest_lease(c, config.database, lock_collection());
    if (!lease || lease->released || lease->expires_ms <= c.server_time_ms()) return std::nullopt;
    return lease->id;
  }

  // Without a lease, reads; with the lease of the lock just taken, also
  // writes into the history what runs cut short left unfinished.
  plan::Status read_status(std::optional<int64_t> own_lease = std::nullopt) {
    mongo::HistoryStore store(connect(), config.database, config.history_collection);
    auto history = own_lease ? store.read_and_adopt(*own_lease) : store.read_all();
    auto lease = own_lease ? own_lease : live_lease(history);
    return plan::compute_status(file_versions(), history, lease);
  }

  void validate_or_throw(const plan::Status& status, bool out_of_order = false) {
    auto problems = plan::check_history(status, out_of_order);
    auto first_error = std::find_if(problems.begin(), problems.end(), [](const Diagnostic& d) { return d.is_error(); });
    if (first_error != problems.end()) {
      auto message = fmt::format("validation failed: {}", first_error->to_string());
      throw Error(ExitCode::invalid, message, std::move(problems));
    }
  }

  bool wants_transaction(const script::Script& s) {
    if (s.transaction) return *s.transaction;
    switch (config.transaction) {
      case TransactionMode::always: return true;
      case TransactionMode::never: return false;
      case TransactionMode::auto_: return connect().server_info().supports_transactions;
    }
    return false;
  }

  // Renders every command of every step up front: unknown placeholders and
  // unsupported transactions are refused before anything runs.
  std::vector<Step> build_steps(const plan::Plan& p, Direction direction) {
    std::vector<Step> steps;
    script::RenderContext ctx{config.database, config.placeholders};
    for (int64_t version : p.versions) {
      Step step;
      step.migration = find_migration(version);
      if (!step.migration) throw Error(ExitCode::invalid, fmt::format("version {} has no migration file", version));
      step.script = direction == Direction::migrate ? &step.migration->up : &*step.migration->undo;
      for (const auto& cmd : step.script->commands) {
        step.commands.emplace_back(&cmd, script::render(*step.script, cmd, ctx));
      }
      step.transaction = wants_transaction(*step.script);
      if (step.transaction && !connect().server_info().supports_transactions) {
        throw Error(ExitCode::usage,
                    fmt::format("{} asks for a transaction, but the server does not support transactions (it needs "
                                "a replica set or a sharded cluster); set \"transaction\": false in the file or use "
                                "--transaction never",
                                step.script->file.file_name));
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  StepResult describe_step(const Step& step, Direction direction) const {
    StepResult r;
    r.version = step.migration->version();
    r.description = step.migration->description();
    r.script = step.script->file.file_name;
    r.direction = direction;
    return r;
  }

  RunResult dry_run(const std::vector<Step>& steps, Direction direction, const plan::Plan& p) const {
    RunResult result;
    result.direction = direction;
    result.dry_run = true;
    result.from_version = p.from_version;
    result.to_version = p.to_version;
    for (const auto& step : steps) {
      auto r = describe_step(step, direction);
      for (const auto& [cmd, servers] : step.commands) {
        for (const auto& s : servers) r.commands.push_back(shown(*cmd, s));
      }
      r.success = true;
      result.steps.push_back(std::move(r));
    }
    return result;
  }

  mongo::LockOptions lock_options() {
    mongo::LockOptions o;
    o.ttl = config.lock_ttl;
    o.timeout = config.lock_timeout;
    o.waiting = listener.waiting;
    return o;
  }

  std::unique_ptr<mongo::LeaseLock> take_lock() {
    // The heartbeat's replies are awaited for a third of the TTL at most: a
    // renewal that hangs is retried on a new connection while there is time.
    auto heartbeat = client_options();
    if (heartbeat.socket_timeout.count() == 0) {
      heartbeat.socket_timeout = std::max<std::chrono::milliseconds>(std::chrono::seconds(1), config.lock_ttl / 3);
    }
    return std::make_unique<mongo::LeaseLock>(connect(), heartbeat, config.database, lock_collection(),
                                              lock_options());
  }

  model::HistoryEntry new_entry(int64_t rank, const script::Script& s, model::EntryType type, int64_t lease) const {
    model::HistoryEntry e;
    e.rank = rank;
    e.version = s.file.name.version;
    e.description = s.file.name.description;
    e.script = s.file.file_name;
    e.type = type;
    e.checksum = s.checksum;
    e.installed_by = mongo::process_owner();
    e.installed_on = std::chrono::system_clock::now();
    e.lease = lease;
    return e;
  }

  // The record of the steps from `first` on (at most kRunRecordSteps of them).
  model::RunRecord run_record(const std::vector<Step>& steps, size_t first, int64_t first_rank,
                              model::EntryType type, int64_t lease) const {
    model::RunRecord run;
    run.lease = lease;
    run.first_rank = first_rank;
    run.type = type;
    run.installed_by = mongo::process_owner();
    run.started = std::chrono::system_clock::now();
    for (size_t i = first; i < steps.size() && i < first + kRunRecordSteps; ++i) {
      const auto& s = *steps[i].script;
      run.steps.push_back({s.file.name.version, s.file.name.description, s.file.file_name, s.checksum});
    }
    return run;
  }

  // A run record lists at most this many versions (a longer run rewrites it
  // as it goes), which keeps it far below the server's document size limit.
  static constexpr size_t kRunRecordSteps = 1000;

  // Deletes this run's record after its lease was lost, when the history it
  // stands for is complete. Best effort: the server may be what was lost,
  // and the lease's loss is the error to report. It is this run's own
  // document, so writing it without the lease is safe.
  static void end_run_if_possible(mongo::HistoryStore& store, int64_t lease) {
    try {
      store.end_run(lease);
    } catch (const Error&) {
    }
  }

  // Runs the steps under the lock. Before the first command the run's record
  // (the versions it will run) is written beside the lock; each version's
  // entry is appended to the history once the version has ended, success or
  // failure: one insert per version. A run cut short leaves its record, which
  // stands for the version that was running (see model::RunRecord).
  RunResult run_steps(std::vector<Step>& steps, Direction direction, const plan::Plan& p,
                      mongo::LeaseLock& lock, int64_t first_rank, bool history_exists) {
    auto& c = connect();
    mongo::HistoryStore store(c, config.database, config.history_collection);
    RunResult result;
    result.direction = direction;
    result.from_version = p.from_version;
    result.to_version = p.from_version;
    const auto started = Clock::now();
    if (!history_exists) store.ensure_indexes();
    const auto type = direction == Direction::migrate ? model::EntryType::migrate : model::EntryType::undo;
    const int64_t lease = lock.lease_id();
    for (size_t i = 0; i < steps.size(); ++i) {
      auto& step = steps[i];
      const int64_t rank = first_rank + static_cast<int64_t>(i);
      if (exec::stop_requested()) {
        if (i > 0) store.end_run(lease);  // stopped between versions: the history is complete
        throw_if_stopped();
      }
      try {
        lock.ensure_held();
      } catch (const Error&) {
        // Lost between versions: every version before this one is recorded
        // and this one never started, so the run record goes too. Left
        // behind, it would make this version look cut.
        if (i > 0) end_run_if_possible(store, lease);
        throw;
      }
      if (i % kRunRecordSteps == 0) store.record_run(run_record(steps, i, rank, type, lease));
      model::HistoryEntry entry = new_entry(rank, *step.script, type, lease);
      auto r = describe_step(step, direction);
      if (listener.step_started) listener.step_started(r, i, steps.size());
      const auto step_started = Clock::now();
      size_t done = 0;             // commands completed
      bool in_command = false;     // a command was cut in the middle
      // The lease is checked before every request of the version, not only
      // between versions: a process paused for longer than the TTL (a frozen
      // VM, SIGSTOP) must not send the rest of a version that another holder
      // may be running by then.
      size_t sent = 0;  // requests of the current command sent
      const exec::BeforeSend check_lease = [&] {
        lock.ensure_held();
        ++sent;
      };
      try {
        auto body = [&] {
          // A transaction's body runs again when the driver retries it: each
          // try starts from the first command, its counts from zero.
          done = 0;
          in_command = false;
          r.counts = {};
          for (const auto& [cmd, servers] : step.commands) {
            in_command = true;
            sent = 0;
            for (const auto& s : servers) {
              if (listener.command_started) listener.command_started(shown(*cmd, s));
              r.counts +=
                  exec::run_server_command(c, s, cmd->documents_count, listener.documents_progress, check_lease);
            }
            in_command = false;
            ++done;
            if (done < step.commands.size()) throw_if_stopped();
          }
          // The commit is one more request: a lease lost by now aborts the
          // transaction instead.
          if (step.transaction) lock.ensure_held();
        };
        if (step.transaction) {
          c.with_transaction(body);
        } else {
          body();
        }
      } catch (const Error& e) {
        r.execution_time_ms = elapsed_ms(step_started);
        r.error = e.what();
        if (e.code() == ExitCode::connection) throw;  // the server is gone: the run record stays
        if (e.code() == ExitCode::lock) {
          if (step.transaction) {
            // Aborted, never committed: nothing of the version was applied,
            // so it stays pending and the run record goes.
            end_run_if_possible(store, lease);
            throw Error(ExitCode::lock, fmt::format("{}; the transaction of {} was aborted, so nothing of it was "
                                                    "applied and it is still pending",
                                                    e.what(), step.script->file.file_name));
          }
          // The lease is gone: the history is another process's now, so
          // nothing is written; the run record stands for this version.
          const auto where =
              sent == 0 ? fmt::format("before sending command {} of {}", done + 1, step.commands.size())
                        : fmt::format("during command {} of {}, after {} of its requests (it is partly applied)",
                                      done + 1, step.commands.size(), sent);
          throw Error(ExitCode::lock, fmt::format("{}; {} stopped {} and is left unfinished: check the data, then "
                                                  "run `mongoway repair`",
                                                  e.what(), step.script->file.file_name, where));
        }
        lock.ensure_held();
        const bool stopped = e.code() == ExitCode::interrupted || e.code() == ExitCode::terminated;
        std::string recorded =
            stopped ? (in_command ? fmt::format("{} during command {} of {}; that command is partly applied", e.what(),
                                                done + 1, step.commands.size())
                                  : fmt::format("{} after command {} of {}", e.what(), done, step.commands.size()))
                    : done < step.commands.size()
                          ? fmt::format("command {} ({}): {}", step.commands[done].first->index,
                                        step.commands[done].first->name, e.what())
                          : fmt::format("the commit of the transaction: {}", e.what());
        entry.finished = true;
        entry.execution_time_ms = r.execution_time_ms;
        entry.error = recorded;
        store.insert(entry);
        store.end_run(lease);
        r.error = recorded;
        result.steps.push_back(r);
        if (listener.step_finished) listener.step_finished(r, i, steps.size());
        if (stopped) {
          throw Error(e.code(), fmt::format("{}: {} is recorded as failed ({}); check the data, then run `mongoway "
                                            "repair`",
                                            e.what(), step.script->file.file_name, recorded));
        }
        throw Error(ExitCode::migration_failed,
                    fmt::format("{} failed at {}; the version is recorded as failed: check the data, then run "
                                "`mongoway repair`",
                                step.script->file.file_name, recorded));
      }
      r.execution_time_ms = elapsed_ms(step_started);
      r.success = true;
      lock.ensure_held();
      entry.success = entry.finished = true;
      entry.execution_time_ms = r.execution_time_ms;
      store.insert(entry);
      result.steps.push_back(r);
      if (direction == Direction::migrate) {
        result.to_version = std::max(result.to_version, r.version);
      }
      if (listener.step_finished) listener.step_finished(r, i, steps.size());
    }
    store.end_run(lease);
    if (direction == Direction::undo) result.to_version = p.to_version;
    result.total_time_ms = elapsed_ms(started);
    return result;
  }
};

Migrator::Migrator(Config config) : m_impl(std::make_unique<Impl>()) {
  m_impl->config = std::move(config);
  m_impl->secrets = script::secret_placeholder_values(m_impl->config.placeholders);
}
Migrator::~Migrator() = default;

void Migrator::set_listener(Listener listener) {
  m_impl->listener = std::move(listener);
  if (m_impl->listener.debug) {
    auto sink = m_impl->listener.debug;
    mongo::set_driver_log_sink([sink](const std::string& line) { sink(line); });
  }
}

void Migrator::request_stop(int signal_number) noexcept { exec::request_stop(signal_number); }

RunResult Migrator::migrate(const MigrateOptions& options) {
  auto& d = *m_impl;
  d.check_config();
  d.load_files();
  auto status = d.read_status();
  if (options.validate) d.validate_or_throw(status, options.out_of_order);
  auto p = plan::plan_migrate(status, options.target, options.steps, options.out_of_order);
  if (p.versions.empty()) {
    RunResult r;
    r.from_version = r.to_version = status.current_version;
    r.dry_run = options.dry_run;
    r.message = fmt::format("database {} is up to date at version {}; nothing to migrate", d.config.database,
                            status.current_version);
    r.warnings = d.file_warnings();
    return r;
  }
  auto steps = d.build_steps(p, Direction::migrate);
  if (options.dry_run) {
    auto r = d.dry_run(steps, Direction::migrate, p);
    r.warnings = d.file_warnings();
    return r;
  }
  auto lock = d.take_lock();
  // What another process applied while we waited is never applied twice.
  status = d.read_status(lock->lease_id());
  if (options.validate) d.validate_or_throw(status, options.out_of_order);
  p = plan::plan_migrate(status, options.target, options.steps, options.out_of_order);
  steps = d.build_steps(p, Direction::migrate);
  RunResult r;
  if (steps.empty()) {
    r.from_version = r.to_version = status.current_version;
    r.message = fmt::format("database {} is up to date at version {}; nothing to migrate", d.config.database,
                            status.current_version);
  } else {
    r = d.run_steps(steps, Direction::migrate, p, *lock, status.next_rank, status.has_history);
    r.message = fmt::format("migrated {} from version {} to {} ({} version{})", d.config.database, r.from_version,
                            r.to_version, r.steps.size(), r.steps.size() == 1 ? "" : "s");
  }
  lock->release();
  r.warnings = d.file_warnings();
  return r;
}

RunResult Migrator::undo(const UndoOptions& options) {
  auto& d = *m_impl;
  d.check_config();
  d.load_files();
  auto status = d.read_status();
  d.validate_or_throw(status);
  auto p = plan::plan_undo(status, options.target, options.steps);
  if (p.versions.empty()) {
    RunResult r;
    r.direction = Direction::undo;
    r.dry_run = options.dry_run;
    r.from_version = r.to_version = status.current_version;
    r.message = fmt::format("nothing to undo: database {} is at version {}", d.config.database, status.current_version);
    return r;
  }
  auto steps = d.build_steps(p, Direction::undo);
  if (options.dry_run) return d.dry_run(steps, Direction::undo, p);
  auto lock = d.take_lock();
  status = d.read_status(lock->lease_id());
  d.validate_or_throw(status);
  p = plan::plan_undo(status, options.target, options.steps);
  steps = d.build_steps(p, Direction::undo);
  RunResult r;
  r.direction = Direction::undo;
  if (steps.empty()) {
    r.from_version = r.to_version = status.current_version;
    r.message = fmt::format("nothing to undo: database {} is at version {}", d.config.database, status.current_version);
  } else {
    r = d.run_steps(steps, Direction::undo, p, *lock, status.next_rank, status.has_history);
    r.message = fmt::format("undid {} from version {} to {} ({} version{})", d.config.database, r.from_version,
                            r.to_version, r.steps.size(), r.steps.size() == 1 ? "" : "s");
  }
  lock->release();
  return r;
}

InfoResult Migrator::info() {
  auto& d = *m_impl;
  d.check_config();
  d.load_files();
  auto status = d.read_status();
  InfoResult out;
  out.database = d.config.database;
  out.current_version = status.current_version;
  for (const auto& v : status.versions) {
    VersionInfo info;
    info.version = v.version;
    info.description = v.description;
    info.script = v.script;
    info.checksum = v.checksum;
    info.state = v.state;
    info.installed_on = v.installed_on;
    info.execution_time_ms = v.execution_time_ms;
    info.undoable = v.undoable;
    out.migrations.push_back(std::move(info));
  }
  out.warnings = d.file_warnings();
  return out;
}

ValidateResult Migrator::validate() {
  auto& d = *m_impl;
  d.check_config();
  ValidateResult out;
  d.files = script::load_all(d.config.locations, script::LoadOptions{d.config.max_file_size});
  out.problems = d.files.diagnostics;
  if (!d.files.has_errors()) {
    auto status = d.read_status();
    auto more = plan::check_history(status);
    out.problems.insert(out.problems.end(), more.begin(), more.end());
    // Placeholders of every file must be defined.
    script::RenderContext ctx{d.config.database, d.config.placeholders};
    for (const auto& m : d.files.migrations) {
      for (const script::Script* s : {&m.up, m.undo ? &*m.undo : nullptr}) {
        if (!s) continue;
        for (const auto& cmd : s->commands) {
          auto problems = script::check_render(*s, cmd, ctx);
          out.problems.insert(out.problems.end(), problems.begin(), problems.end());
        }
      }
    }
  }
  out.ok = std::none_of(out.problems.begin(), out.problems.end(), [](const Diagnostic& p) { return p.is_error(); });
  return out;
}

RunResult Migrator::baseline(int64_t version, const std::string& description) {
  auto& d = *m_impl;
  d.check_config();
  if (version <= 0) throw Error(ExitCode::usage, "--baseline-version must be a positive version number");
  d.load_files();
  auto lock = d.take_lock();
  auto& c = d.connect();
  mongo::HistoryStore store(c, d.config.database, d.config.history_collection);
  auto history = store.read_and_adopt(lock->lease_id());
  if (!history.empty()) {
    throw Error(ExitCode::invalid,
                fmt::format("cannot baseline: database {} already has a history ({} entries); baseline is for a "
                            "database that mongoway has never migrated",
                            d.config.database, history.size()));
  }
  store.ensure_indexes();
  model::HistoryEntry e;
  e.rank = 1;
  e.version = version;
  e.description = description.empty() ? "baseline" : description;
  e.script = "<baseline>";
  e.type = model::EntryType::baseline;
  if (const auto* m = d.find_migration(version)) e.checksum = m->up.checksum;
  e.installed_by = mongo::process_owner();
  e.installed_on = std::chrono::system_clock::now();
  e.success = true;
  e.finished = true;
  e.lease = lock->lease_id();
  lock->ensure_held();
  store.insert(e);
  lock->release();
  RunResult r;
  r.to_version = version;
  r.message = fmt::format("baselined {} at version {}", d.config.database, version);
  return r;
}

RepairResult Migrator::repair(const RepairOptions& options) {
  auto& d = *m_impl;
  d.check_config();
  d.load_files();
  // A dry run reads without the lock, like info; a real repair plans from the
  // history as it is once the lock is held.
  std::unique_ptr<mongo::LeaseLock> lock;
  if (!options.dry_run) lock = d.take_lock();
  const int64_t lease = lock ? lock->lease_id() : 0;
  auto& c = d.connect();
  mongo::HistoryStore store(c, d.config.database, d.config.history_collection);
  auto history = lock ? store.read_and_adopt(lease) : store.read_all();
  auto status = plan::compute_status(d.file_versions(), history, lease);
  RepairResult out;
  out.dry_run = options.dry_run;
  std::vector<int64_t> failed;
  for (const auto& e : history) {
    if (!e.repaired && (!e.finished || !e.success)) {
      failed.push_back(e.rank);
      out.changes.push_back(fmt::format("mark entry {} ({} of version {}, {}) as repaired: {}", e.rank,
                                        model::to_string(e.type), e.version, e.script,
                                        e.finished ? "it failed" : "it did not finish"));
    }
  }
  int64_t rank = status.next_rank;
  std::vector<model::HistoryEntry> realign;
  for (const auto& v : status.versions) {
    if (v.state == State::applied && !v.recorded_checksum.empty() && v.checksum != v.recorded_checksum) {
      const auto* m = d.find_migration(v.version);
      auto e = d.new_entry(rank++, m->up, model::EntryType::repair, lease);
      e.success = true;
      e.finished = true;
      realign.push_back(e);
      out.changes.push_back(fmt::format("realign the checksum of version {} ({}): {} -> {}", v.version, v.script,
                                        v.recorded_checksum, v.checksum));
    }
  }
  if (!lock) return out;
  if (!out.changes.empty() && d.listener.repair_planned) d.listener.repair_planned(out.changes);
  lock->ensure_held();
  store.mark_repaired(failed);
  for (const auto& e : realign) {
    lock->ensure_held();
    store.insert(e);
  }
  lock->release();
  return out;
}

std::vector<std::string> Migrator::clean(bool yes) {
  auto& d = *m_impl;
  d.check_config();
  if (is_system_database(d.config.database)) {
    throw Error(ExitCode::usage, fmt::format("clean never touches the {} database", d.config.database));
  }
  if (!d.config.clean_enabled) {
    throw Error(ExitCode::usage, "clean is disabled: it drops every collection of the database; enable it with "
                                 "clean_enabled = true in the config file or MONGOWAY_CLEAN_ENABLED=true, and pass --yes");
  }
  if (!yes) throw Error(ExitCode::usage, "clean drops every collection of the database; pass --yes to confirm");
  auto lock = d.take_lock();
  auto& c = d.connect();
  bson::Document list;
  BSON_APPEND_INT32(list.mut(), "listCollections", 1);
  BSON_APPEND_BOOL(list.mut(), "nameOnly", true);
  std::vector<std::string> dropped;
  const std::string lock_coll = d.lock_collection();
  for (const auto& doc : c.run_cursor(d.config.database, list)) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc.get(), "name") || !BSON_ITER_HOLDS_UTF8(&it)) continue;
    std::string name = bson_iter_utf8(&it, nullptr);
    if (name == lock_coll || name.rfind("system.", 0) == 0) continue;
    lock->ensure_held();
    bson::Document drop;
    BSON_APPEND_UTF8(drop.mut(), "drop", name.c_str());
    c.run(d.config.database, drop);
    dropped.push_back(name);
  }
  // The lock collection last, while the lease is held, and the lease then
  // forgotten, not released: releasing first would let a waiting process
  // take a lease that the drop would then delete under it.
  lock->ensure_held();
  bson::Document drop;
  BSON_APPEND_UTF8(drop.mut(), "drop", lock_coll.c_str());
  c.run(d.config.database, drop);
  lock->forget();
  std::sort(dropped.begin(), dropped.end());
  return dropped;
}

UnlockResult Migrator::unlock() {
  auto& d = *m_impl;
  d.check_config();
  auto& c = d.connect();
  UnlockResult out;
  auto lease = mongo::read_newest_lease(c, d.config.database, d.lock_collection());
  if (!lease || lease->released) return out;
  mongo::release_lease(c, d.config.database, d.lock_collection(), *lease);
  LockHolder h;
  h.lease = lease->id;
  h.owner = lease->owner;
  h.acquired = std::chrono::system_clock::time_point(std::chrono::milliseconds(lease->acquired_ms));
  h.expires = std::chrono::system_clock::time_point(std::chrono::milliseconds(lease->expires_ms));
  h.expired = lease->expires_ms <= c.server_time_ms();
  out.released = h;
  return out;
}

std::vector<HistoryRecord> Migrator::history(std::optional<int64_t> limit) {
  auto& d = *m_impl;
  d.check_config();
  mongo::HistoryStore store(d.connect(), d.config.database, d.config.history_collection);
  auto entries = store.read_all();
  std::vector<HistoryRecord> out;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (limit && static_cast<int64_t>(out.size()) >= *limit) break;
    HistoryRecord r;
    r.rank = it->rank;
    r.version = it->version;
    r.description = it->description;
    r.script = it->script;
    r.type = model::to_string(it->type);
    r.checksum = it->checksum;
    r.installed_by = it->installed_by;
    r.installed_on = it->installed_on;
    if (it->finished) r.execution_time_ms = it->execution_time_ms;
    r.success = it->success;
    r.repaired = it->repaired;
    r.error = it->error;
    out.push_back(std::move(r));
  }
  return out;
}

const char* version() { return build::version; }

std::string version_details() {
  return fmt::format("mongoway {} (revision {}, mongo-c-driver {})", build::version, build::git_revision,
                     mongoc_get_version());
}

}  // namespace mongoway
