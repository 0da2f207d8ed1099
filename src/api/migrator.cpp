// The public Migrator: the engine (src/exec) with the libmongoc adapter of
// the port (src/mongo) plugged in. Nothing else lives here.

#include "mongoway/migrator.hpp"

#include <fmt/format.h>

#include "api/migrator_impl.hpp"
#include "build_info.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/lease_lock.hpp"
#include "exec/stop.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway {
namespace {

std::unique_ptr<port::Server> connect_to_mongodb(const exec::Engine& engine) {
  const Config& c = engine.config;
  return reached(engine,
                 std::make_unique<mongo::MongoServer>(client_options(engine), c.database, c.history_collection));
}

}  // namespace

mongo::ClientOptions client_options(const exec::Engine& engine) {
  const Config& c = engine.config;
  mongo::ClientOptions options{c.uri, c.server_selection_timeout, c.socket_timeout, engine.secrets};
  // The lease's owner in the connection's name: db.currentOp() finds the
  // requests of a holder that died (repair's advice).
  options.app_name = "mongoway " + exec::process_owner();
  return options;
}

// `-v` shows where (the engine shows each migration command as it is sent).
// Reached now rather than at the first command: a server not reached
// throws port::ServerUnreachable here, where the engine tries again.
std::unique_ptr<port::Server> reached(const exec::Engine& engine, std::unique_ptr<mongo::MongoServer> server) {
  engine.debug(fmt::format("connecting to {}", server->client().redacted_uri()));
  server->facts();
  return server;
}

Migrator::Migrator(Config config) : m_impl(std::make_unique<Impl>(std::move(config), connect_to_mongodb)) {}
Migrator::Migrator(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Migrator::~Migrator() = default;

void Migrator::set_listener(Listener listener) {
  m_impl->engine.listener = std::move(listener);
  if (auto sink = m_impl->engine.listener.debug) {
    mongo::set_driver_log_sink([sink](const std::string& line) { sink(line); });
  }
}

void Migrator::request_stop(int signal_number) noexcept { exec::request_stop(signal_number); }

Migrator::StopNow Migrator::stop_now() noexcept {
  switch (exec::stop_now()) {
    case exec::StopNow::lease_released: return StopNow::lease_released;
    case exec::StopNow::request_in_flight: return StopNow::request_in_flight;
    case exec::StopNow::no_lease: return StopNow::no_lease;
    case exec::StopNow::release_failed: break;
  }
  return StopNow::release_failed;
}

RunResult Migrator::migrate(const MigrateOptions& options) { return exec::migrate(m_impl->engine, options); }
RunResult Migrator::undo(const UndoOptions& options) { return exec::undo(m_impl->engine, options); }
RunResult Migrator::go_to(const GotoOptions& options) { return exec::go_to(m_impl->engine, options); }
InfoResult Migrator::info() { return exec::info(m_impl->engine); }
ValidateResult Migrator::validate() { return exec::validate(m_impl->engine); }
RunResult Migrator::baseline(int64_t version, const std::string& description) {
  return exec::baseline(m_impl->engine, BaselineOptions{version, description, std::nullopt});
}

RunResult Migrator::baseline(const BaselineOptions& options) { return exec::baseline(m_impl->engine, options); }
RepairResult Migrator::repair(const RepairOptions& options) { return exec::repair(m_impl->engine, options); }
RemoveResult Migrator::remove(const RemoveOptions& options) { return exec::remove_versions(m_impl->engine, options); }
std::vector<std::string> Migrator::clean(bool yes) { return exec::clean(m_impl->engine, yes); }
UnlockResult Migrator::unlock(const UnlockOptions& options) { return exec::unlock(m_impl->engine, options); }
SnapshotResult Migrator::snapshot(const SnapshotOptions& options) { return exec::snapshot(m_impl->engine, options); }
DiffResult Migrator::diff(const DiffOptions& options) { return exec::diff(m_impl->engine, options); }
VerifyResult Migrator::verify(const VerifyOptions& options) { return exec::verify(m_impl->engine, options); }
std::vector<HistoryRecord> Migrator::history(std::optional<int64_t> limit) {
  HistoryOptions options;
  options.limit = limit;
  return exec::history(m_impl->engine, options);
}
std::vector<HistoryRecord> Migrator::history(const HistoryOptions& options) {
  return exec::history(m_impl->engine, options);
}

const char* version() { return build::version; }

std::string version_details() {
  return fmt::format("mongoway {} (revision {}, mongo-c-driver {})", build::version, build::git_revision,
                     mongo::driver_version());
}

}  // namespace mongoway
