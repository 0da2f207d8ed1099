// The public Migrator: the engine (src/exec) with the libmongoc adapter of
// the port (src/mongo) plugged in. Nothing else lives here.

#include "mongoway/migrator.hpp"

#include <fmt/format.h>

#include "build_info.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/stop.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway {
namespace {

// Opens the server on first use; `-v` shows where and every command sent.
std::unique_ptr<port::Server> connect_to_mongodb(const exec::Engine& engine) {
  const Config& c = engine.config;
  mongo::ClientOptions options{c.uri, c.server_selection_timeout, c.socket_timeout, engine.secrets};
  auto server = std::make_unique<mongo::MongoServer>(options, c.database, c.history_collection);
  engine.debug(fmt::format("connecting to {}", server->client().redacted_uri()));
  if (auto sink = engine.listener.debug) {
    server->client().set_command_observer([sink](const std::string& name, const std::string& database) {
      sink(fmt::format("sent {} to {}", name, database));
    });
  }
  return server;
}

}  // namespace

struct Migrator::Impl {
  explicit Impl(Config config) : engine(std::move(config), connect_to_mongodb) {}
  exec::Engine engine;
};

Migrator::Migrator(Config config) : m_impl(std::make_unique<Impl>(std::move(config))) {}
Migrator::~Migrator() = default;

void Migrator::set_listener(Listener listener) {
  m_impl->engine.listener = std::move(listener);
  if (auto sink = m_impl->engine.listener.debug) {
    mongo::set_driver_log_sink([sink](const std::string& line) { sink(line); });
  }
}

void Migrator::request_stop(int signal_number) noexcept { exec::request_stop(signal_number); }

RunResult Migrator::migrate(const MigrateOptions& options) { return exec::migrate(m_impl->engine, options); }
RunResult Migrator::undo(const UndoOptions& options) { return exec::undo(m_impl->engine, options); }
InfoResult Migrator::info() { return exec::info(m_impl->engine); }
ValidateResult Migrator::validate() { return exec::validate(m_impl->engine); }
RunResult Migrator::baseline(int64_t version, const std::string& description) {
  return exec::baseline(m_impl->engine, version, description);
}
RepairResult Migrator::repair(const RepairOptions& options) { return exec::repair(m_impl->engine, options); }
RemoveResult Migrator::remove(const RemoveOptions& options) { return exec::remove_versions(m_impl->engine, options); }
std::vector<std::string> Migrator::clean(bool yes) { return exec::clean(m_impl->engine, yes); }
UnlockResult Migrator::unlock() { return exec::unlock(m_impl->engine); }
std::vector<HistoryRecord> Migrator::history(std::optional<int64_t> limit) {
  return exec::history(m_impl->engine, limit);
}

const char* version() { return build::version; }

std::string version_details() {
  return fmt::format("mongoway {} (revision {}, mongo-c-driver {})", build::version, build::git_revision,
                     mongo::driver_version());
}

}  // namespace mongoway
