#include "exec/engine.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exec/executor.hpp"
#include "exec/history.hpp"
#include "script/placeholders.hpp"
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
               n == 1 ? first->to_string()
                      : fmt::format("{} errors in the migration files; the first: {}", n, first->to_string()),
               diagnostics);
}

}  // namespace

Engine::Engine(Config config_, Connect connect, port::Clock& clock_, port::Processes& processes_)
    : config(std::move(config_)),
      secrets(script::secret_placeholder_values(config.placeholders)),
      clock(clock_),
      processes(processes_),
      m_connect(std::move(connect)) {}

port::Server& Engine::server() {
  if (!m_server) m_server = m_connect(*this);
  return *m_server;
}

void Engine::debug(const std::string& message) const {
  if (listener.debug) listener.debug(message);
}

void Engine::check_config() const {
  if (config.database.empty()) {
    throw Error(ExitCode::usage, "no database given; use --database NAME, MONGOWAY_DATABASE, or a URI that names "
                                 "one (mongodb://host/NAME)");
  }
  if (config.history_collection.empty()) throw Error(ExitCode::usage, "the history collection name is empty");
  if (config.lock_ttl < kMinLockTtl || config.lock_ttl > kMaxLockTtl) {
    throw Error(ExitCode::usage,
                fmt::format("--lock-ttl must be {} to {} seconds", kMinLockTtl.count(), kMaxLockTtl.count()));
  }
  if (config.lock_timeout.count() < 0 || config.lock_timeout > kMaxLockTimeout) {
    throw Error(ExitCode::usage, fmt::format("--lock-timeout must be 0 to {} seconds", kMaxLockTimeout.count()));
  }
}

const script::LoadResult& Engine::load_files() {
  files = script::load_all(config.locations, script::LoadOptions{config.max_file_size});
  if (files.has_errors()) throw invalid_files(files.diagnostics);
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
    out.push_back(
        plan::FileVersion{m.version(), m.description(), m.up.file.file_name, m.up.checksum, m.undo.has_value()});
  }
  return out;
}

const script::Migration* Engine::find_migration(int64_t version) const {
  auto it = std::find_if(files.migrations.begin(), files.migrations.end(),
                         [&](const script::Migration& m) { return m.version() == version; });
  return it == files.migrations.end() ? nullptr : &*it;
}

// The lease of a live lock holder, read only when an unfinished entry needs it.
std::optional<int64_t> Engine::live_lease(const std::vector<model::HistoryEntry>& history) {
  bool unfinished = std::any_of(history.begin(), history.end(),
                                [](const model::HistoryEntry& e) { return !e.finished && !e.repaired; });
  if (!unfinished) return std::nullopt;
  auto [lease, state] = newest_lease();
  if (!keeps_others_out(state)) return std::nullopt;
  return lease->id;
}

std::pair<std::optional<port::Lease>, LeaseState> Engine::newest_lease() {
  const int64_t now = server().time_ms();
  auto lease = server().newest_lease();
  return {lease, lease_state(lease, now, processes)};
}

plan::Status Engine::read_status(std::optional<int64_t> own_lease) {
  auto history = own_lease ? read_and_adopt(server(), *own_lease) : read_history(server());
  auto lease = own_lease ? own_lease : live_lease(history);
  return plan::compute_status(file_versions(), history, lease);
}

void Engine::validate_or_throw(const plan::Status& status, bool out_of_order) const {
  auto problems = plan::check_history(status, out_of_order);
  auto first_error = std::find_if(problems.begin(), problems.end(), [](const Diagnostic& d) { return d.is_error(); });
  if (first_error != problems.end()) {
    auto message = fmt::format("validation failed: {}", first_error->to_string());
    throw Error(ExitCode::invalid, message, std::move(problems));
  }
}

bool Engine::wants_transaction(const script::Script& s) {
  if (s.transaction) return *s.transaction;
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
    step.script = direction == Direction::migrate ? &step.migration->up : &*step.migration->undo;
    for (const auto& cmd : step.script->commands)
      step.commands.emplace_back(&cmd, script::render(*step.script, cmd, ctx));
    step.transaction = wants_transaction(*step.script);
    if (step.transaction && !server().facts().supports_transactions) {
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
