#include "exec/engine.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exec/derived_undo.hpp"
#include "exec/executor.hpp"
#include "exec/gated_server.hpp"
#include "exec/history.hpp"
#include "exec/stop.hpp"
#include "script/names.hpp"
#include "script/placeholders.hpp"
#include "script/reversible.hpp"
#include "util/redact.hpp"

namespace mongoway::exec {
namespace {

// "N errors in the migration files; the first: …", or the only one.
Error invalid_files(const std::vector<Diagnostic>& diagnostics) {
  const size_t n = std::count_if(diagnostics.begin(), diagnostics.end(),
                                 [](const Diagnostic& d) { return d.is_error(); });
  const auto first = std::find_if(diagnostics.begin(), diagnostics.end(),
                                  [](const Diagnostic& d) { return d.is_error(); });
  return Error(ExitCode::invalid,
               n == 1 ? first->located_message()
                      : fmt::format("{} errors in the migration files; the first: {}", n, first->located_message()),
               diagnostics);
}

// A version run in a transaction because the server has them (--transaction
// auto) is refused before the lock when a command carries a field MongoDB
// refuses inside one; a file that asks for a transaction itself is refused as
// it is read.
void check_transaction_fields(const script::Script& s) {
  for (const auto& command : s.commands) {
    const std::string_view field = script::field_refused_in_transaction(command);
    if (field.empty()) continue;
    throw Error(ExitCode::invalid,
                fmt::format("{}:{}:{}: command {} ({}): field \"{}\": the version runs in a transaction (as "
                            "--transaction asks), and MongoDB refuses a command's own {} inside one; "
                            "remove the field, or set \"transaction\": false in the file",
                            s.file.path, command.line, command.column, command.index, command.name, field, field));
  }
}

// Whether two readings of the history agree on what a reader judges: as many
// entries, and the same unfinished ones, of the same runs.
bool same_unfinished(const std::vector<model::HistoryEntry>& a, const std::vector<model::HistoryEntry>& b) {
  auto unfinished = [](const std::vector<model::HistoryEntry>& history) {
    std::vector<std::pair<int64_t, int64_t>> out;  // rank, lease
    for (const auto& e : history) {
      if (!e.finished) out.emplace_back(e.rank, e.lease);
    }
    return out;
  };
  return a.size() == b.size() && unfinished(a) == unfinished(b);
}

}  // namespace

Engine::Engine(Config config_, Connect connect, port::Clock& clock_, port::Processes& processes_)
    : config(std::move(config_)),
      secrets(script::secret_placeholder_values(config.placeholders)),
      clock(clock_),
      processes(processes_),
      m_connect(std::move(connect)) {}

Engine Engine::sibling(Config other, const Decorate& decorate) const {
  Connect connect = m_connect;
  if (decorate) {
    connect = [connect, decorate](const Engine& engine) { return decorate(connect(engine)); };
  }
  Engine out(std::move(other), std::move(connect), clock, processes);
  out.listener.debug = listener.debug;
  out.listener.waiting = listener.waiting;
  out.heartbeat_thread = heartbeat_thread;
  return out;
}

// Every request of the engine is counted in flight (exec/stop.hpp).
port::Server& Engine::server() {
  if (!m_server) m_server = std::make_unique<GatedServer>(connect_with_retries());
  return *m_server;
}

// Each attempt waits the connect timeout, then the interval: N retries take
// about N x (timeout + interval). A stop request (Ctrl-C) ends the wait.
std::unique_ptr<port::Server> Engine::connect_with_retries() {
  const int attempts = config.connect_retries + 1;
  for (int attempt = 1;; ++attempt) {
    if (attempts > 1) debug(fmt::format("connecting: attempt {} of {}", attempt, attempts));
    try {
      return m_connect(*this);
    } catch (const port::ServerUnreachable& e) {
      if (attempt == attempts) {
        if (attempts == 1) throw;
        throw Error(ExitCode::connection, fmt::format("{} (gave up after {} attempts, --connect-retries {})", e.what(),
                                                      attempts, config.connect_retries));
      }
      debug(fmt::format("attempt {} of {} failed: {}; trying again in {} s", attempt, attempts, e.what(),
                        config.connect_retry_interval.count()));
      wait_before_retry();
    }
  }
}

void Engine::wait_before_retry() {
  constexpr std::chrono::milliseconds kSlice{100};
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(config.connect_retry_interval);
  while (left.count() > 0) {
    throw_if_stopped();
    clock.sleep_for(std::min(left, kSlice));
    left -= std::min(left, kSlice);
  }
  throw_if_stopped();
}

void Engine::debug(const std::string& message) const {
  if (listener.debug) listener.debug(message);
}

void Engine::check_config() const {
  if (config.database.empty()) {
    throw Error(ExitCode::usage, "no database given; use --database NAME, MONGOWAY_DATABASE, or a URI that names "
                                 "one (mongodb://host/NAME)");
  }
  if (auto problem = script::database_name_problem(config.database)) {
    throw Error(ExitCode::usage, fmt::format("invalid database name \"{}\": {}", config.database, *problem));
  }
  if (auto problem = script::collection_name_problem(config.history_collection)) {
    throw Error(ExitCode::usage,
                fmt::format("invalid history collection name \"{}\": {}", config.history_collection, *problem));
  }
  if (auto problem = script::namespace_problem(config.database, port::lock_collection_of(config.history_collection))) {
    throw Error(ExitCode::usage, fmt::format("the history collection's lock collection: {}", *problem));
  }
  if (config.lock_ttl < kMinLockTtl || config.lock_ttl > kMaxLockTtl) {
    throw Error(ExitCode::usage,
                fmt::format("--lock-ttl must be {} to {} seconds", kMinLockTtl.count(), kMaxLockTtl.count()));
  }
  if (config.lock_timeout.count() < 0 || config.lock_timeout > kMaxLockTimeout) {
    throw Error(ExitCode::usage, fmt::format("--lock-timeout must be 0 to {} seconds", kMaxLockTimeout.count()));
  }
  if (config.connect_retries < 0 || config.connect_retries > kMaxConnectRetries) {
    throw Error(ExitCode::usage, fmt::format("--connect-retries must be 0 to {}", kMaxConnectRetries));
  }
  if (config.connect_retry_interval.count() < 0 || config.connect_retry_interval > kMaxConnectRetryInterval) {
    throw Error(ExitCode::usage,
                fmt::format("--connect-retry-interval must be 0 to {} seconds", kMaxConnectRetryInterval.count()));
  }
  if (config.server_selection_timeout.count() <= 0 || config.server_selection_timeout > kMaxConnectTimeout) {
    throw Error(ExitCode::usage, fmt::format("--connect-timeout must be 1 to {} seconds", kMaxConnectTimeout.count()));
  }
}

const script::LoadResult& Engine::load_files() {
  read_files();
  refuse_invalid_files();
  return files;
}

void Engine::refuse_invalid_files() const {
  if (files.has_errors()) throw invalid_files(files.diagnostics);
}

const script::LoadResult& Engine::read_files() {
  if (keep_files) return files;
  files = script::load_all(config.locations, script::LoadOptions{config.max_file_size});
  return files;
}

std::vector<Diagnostic> Engine::file_warnings() const {
  std::vector<Diagnostic> out;
  std::copy_if(files.diagnostics.begin(), files.diagnostics.end(), std::back_inserter(out),
               [](const Diagnostic& d) { return !d.is_error(); });
  return out;
}

std::vector<plan::FileVersion> Engine::file_versions() const {
  std::vector<plan::FileVersion> out;
  for (const auto& m : files.migrations) {
    plan::FileVersion v{m.version(), m.description(), m.up.file.file_name, m.up.checksum, m.undo.has_value(), {}};
    // A U file wins: the V file is read for its reversibility only without one.
    if (!v.undoable) v.irreversible = irreversible(m.up);
    out.push_back(std::move(v));
  }
  return out;
}

const std::string& Engine::irreversible(const script::Script& up) const {
  const std::string key = up.file.file_name + " " + up.checksum;
  auto it = m_irreversible.find(key);
  if (it != m_irreversible.end()) return it->second;
  std::string why;
  if (auto first = script::first_irreversible(up)) why = script::describe(up, *first);
  return m_irreversible.emplace(key, std::move(why)).first->second;
}

const script::Migration* Engine::find_migration(int64_t version) const {
  auto it = std::find_if(files.migrations.begin(), files.migrations.end(),
                         [&](const script::Migration& m) { return m.version() == version; });
  return it == files.migrations.end() ? nullptr : &*it;
}

plan::Status Engine::read_status() {
  auto history = read_history(server());
  const auto live = explain_unfinished(history);
  return plan::compute_status(file_versions(), history, live);
}

plan::Status Engine::read_status(const LeaseLock& lock) {
  auto history = read_and_adopt(server(), Adopter{lock.lease(), lock.previous()});
  return plan::compute_status(file_versions(), history, lock.lease_id());
}

std::pair<plan::Status, NewestLease> Engine::read_status_and_lease() {
  auto history = read_history(server());
  auto newest = settled_lease(history);
  const auto live = explain_unfinished(history, newest);
  return {plan::compute_status(file_versions(), history, live), std::move(newest)};
}

// The newest lease is read only when an unfinished entry needs it.
std::optional<int64_t> Engine::explain_unfinished(std::vector<model::HistoryEntry>& history) {
  if (!has_unexplained(history)) return std::nullopt;
  return explain_unfinished(history, settled_lease(history));
}

// A run may finish its version between the reading of the history and that
// of the lease: its entry appended, its record ended, its lease released.
// Judged by that lease, the stale unfinished entry would be cut. So, while
// an entry is unfinished, the history is read again after the lease, until
// two readings around one lease agree (a run that is over writes nothing
// more); after kSettleRounds, the last reading is judged.
NewestLease Engine::settled_lease(std::vector<model::HistoryEntry>& history) {
  constexpr int kSettleRounds = 3;
  NewestLease newest = newest_lease();
  for (int round = 0; round < kSettleRounds && has_unexplained(history); ++round) {
    auto again = read_history(server());
    const bool same = same_unfinished(history, again);
    history = std::move(again);
    if (same) break;
    newest = newest_lease();
  }
  return newest;
}

// Judged as the lock judges it: a holder proven gone is over at once, a lease
// that `unlock --force` released keeps its run running until its expiry.
std::optional<int64_t> Engine::explain_unfinished(std::vector<model::HistoryEntry>& history,
                                                  const NewestLease& newest) {
  return exec::explain_unfinished(history, newest.lease, keeps_others_out(newest.state), newest.now_ms);
}

NewestLease Engine::newest_lease() {
  const int64_t now = server().time_ms();
  auto lease = server().newest_lease();
  const auto state = lease_state(lease, now, processes);
  return {std::move(lease), state, now};
}

void Engine::validate_or_throw(const plan::Status& status, bool out_of_order) const {
  auto problems = plan::check_history(status, out_of_order);
  auto first_error = std::find_if(problems.begin(), problems.end(), [](const Diagnostic& d) { return d.is_error(); });
  if (first_error != problems.end()) {
    auto message = fmt::format("validation failed: {}", first_error->located_message());
    throw Error(ExitCode::invalid, message, std::move(problems));
  }
}

// A batched command cannot be atomic: under --transaction auto its version
// runs without a transaction, and --transaction always refuses it. (A file's
// own "transaction": true beside one is refused when the files are read.)
bool Engine::wants_transaction(const Step& step) {
  const script::Script& s = *step.script;
  if (s.transaction) return *s.transaction;
  if (step.batched != nullptr) {
    if (config.transaction != TransactionMode::always) return false;
    throw Error(
        ExitCode::invalid,
        fmt::format("{}:{}:{}: command {} ({}) is batched, so its version cannot run in a transaction, as "
                    "--transaction always asks; use --transaction auto (a version with a batched command "
                    "then runs without one)",
                    s.file.path, step.batched->line, step.batched->column, step.batched->index, step.batched->name));
  }
  switch (config.transaction) {
    case TransactionMode::always: return true;
    case TransactionMode::never: return false;
    case TransactionMode::auto_: return server().facts().supports_transactions;
  }
  return false;
}

std::vector<Step> Engine::build_steps(const plan::Plan& p, Direction direction) {
  std::vector<Step> steps;
  script::RenderContext ctx{config.database, config.placeholders};
  for (int64_t version : p.versions) {
    Step step;
    step.migration = find_migration(version);
    if (!step.migration) throw Error(ExitCode::invalid, fmt::format("version {} has no migration file", version));
    step.script = script_to_run(p, step, direction);
    for (const auto& cmd : step.script->commands) {
      step.commands.emplace_back(&cmd, script::render(*step.script, cmd, ctx));
      if (step.batched == nullptr && step.commands.back().second.front().batching) step.batched = &cmd;
    }
    step.resume = resume_of(p, *step.script, version);
    step.transaction = wants_transaction(step);
    // A file's own "transaction": true is the pre-flight check's to refuse,
    // with every other need the server lacks.
    const bool checked = step.script->transaction.value_or(false) && config.preflight != PreflightMode::off;
    if (step.transaction && !checked && !server().facts().supports_transactions) {
      throw Error(ExitCode::usage,
                  fmt::format("{} asks for a transaction, but the server does not support transactions (it needs "
                              "a replica set or a sharded cluster); set \"transaction\": false in the file or use "
                              "--transaction never",
                              step.script->file.file_name));
    }
    if (step.transaction) check_transaction_fields(*step.script);
    steps.push_back(std::move(step));
  }
  if (!p.derived.empty() && direction == Direction::undo) refuse_dropping_documents(server(), config.database, steps);
  return steps;
}

// Where a resumable version goes on from. Only the file that ran up to the
// checkpoint may go on: the commands before it are not run again.
std::optional<model::Checkpoint> Engine::resume_of(const plan::Plan& p, const script::Script& s, int64_t version) {
  const auto it = p.resume.find(version);
  if (it == p.resume.end()) return std::nullopt;
  const plan::Resume& resume = it->second;
  if (!resume.checksum.empty() && resume.checksum != s.checksum) {
    throw Error(ExitCode::invalid,
                fmt::format("{} changed since its run was cut at {} of its command {} (recorded {}, file {}): it "
                            "cannot go on with another file; restore it, or check the data and run `mongoway repair`",
                            s.file.path, model::describe_progress(resume.from), resume.from.command, resume.checksum,
                            s.checksum));
  }
  return resume.from;
}

// The V file, the U file, or the undo derived from what the version created
// (a U file wins).
const script::Script* Engine::script_to_run(const plan::Plan& p, Step& step, Direction direction) const {
  const script::Migration& m = *step.migration;
  if (direction == Direction::migrate) {
    step.irreversible = irreversible(m.up);
    return &m.up;
  }
  if (m.undo) return &*m.undo;
  auto created = p.derived.find(m.version());
  if (created == p.derived.end()) {
    throw Error(ExitCode::invalid,
                fmt::format("version {} has no undo file (U{}__undo_*.json)", m.version(), m.version()));
  }
  step.derived = std::make_shared<const DerivedUndo>(derive_undo(m.up, created->second));
  return &step.derived->script;
}

std::unique_ptr<LeaseLock> Engine::take_lock() {
  LockOptions o;
  o.ttl = config.lock_ttl;
  o.timeout = config.lock_timeout;
  o.waiting = listener.waiting;
  o.heartbeat_thread = heartbeat_thread;
  // The heartbeat's replies are awaited for a third of the TTL at most: a
  // renewal that hangs is retried on a new connection while there is time.
  o.heartbeat_reply_timeout = config.socket_timeout.count() != 0
                                  ? config.socket_timeout
                                  : std::max<std::chrono::milliseconds>(std::chrono::seconds(1), config.lock_ttl / 3);
  return std::make_unique<LeaseLock>(server(), clock, processes, std::move(o));
}

PlannedCommand Engine::shown(const script::Command& command, const script::ServerCommand& server) const {
  auto p = describe(command, server);
  p.command_json = redact_secrets(p.command_json, secrets);
  return p;
}

model::HistoryEntry Engine::new_entry(int64_t rank, const script::Script& s, model::EntryType type,
                                      int64_t lease) const {
  model::HistoryEntry e;
  e.rank = rank;
  e.version = s.file.name.version;
  e.description = s.file.name.description;
  e.script = s.file.file_name;
  e.type = type;
  e.checksum = s.checksum;
  e.installed_by = process_owner();
  e.installed_on = std::chrono::system_clock::now();
  e.lease = lease;
  return e;
}

int64_t Engine::elapsed_ms(int64_t since_ns) const { return (clock.now_ns() - since_ns) / 1000000; }

}  // namespace mongoway::exec
