// The public fleet run: exec's run_fleet over Migrators whose engines take
// their connections from one client pool per cluster (src/mongo).

#include "mongoway/fleet.hpp"

#include <map>
#include <mutex>

#include "api/migrator_impl.hpp"
#include "exec/fleet.hpp"
#include "mongo/client_pool.hpp"

namespace mongoway {

struct Fleet::Impl {
  Config base;
  std::vector<FleetTarget> targets;
  FleetOptions options;
  FleetListener listener;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<mongo::ClientPool>> pools;  // by URI

  // The pool of the engine's cluster, made at its first database.
  std::shared_ptr<mongo::ClientPool> pool_for(const exec::Engine& engine) {
    std::lock_guard lock(mutex);
    auto& pool = pools[engine.config.uri];
    if (!pool) {
      pool = std::make_shared<mongo::ClientPool>(client_options(engine),
                                                 static_cast<size_t>(std::max(1, options.jobs)));
    }
    return pool;
  }

  Config config_for(const FleetTarget& target) const {
    Config config = base;
    config.uri = target.uri;
    config.database = target.database;
    return config;
  }
};

Fleet::Fleet(Config base, std::vector<FleetTarget> targets, FleetOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->base = std::move(base);
  m_impl->targets = std::move(targets);
  m_impl->options = options;
}

Fleet::~Fleet() = default;

void Fleet::set_listener(FleetListener listener) { m_impl->listener = std::move(listener); }

const std::vector<FleetTarget>& Fleet::targets() const { return m_impl->targets; }

std::vector<FleetResult> Fleet::run(
    const std::function<FleetOutcome(Migrator& migrator, const FleetTarget& target)>& work) {
  Impl& impl = *m_impl;
  auto connect = [&impl](const exec::Engine& engine) {
    const Config& c = engine.config;
    return reached(engine, impl.pool_for(engine)->server(c.database, c.history_collection));
  };
  return exec::run_fleet(impl.targets, impl.options, impl.listener, [&impl, &work, &connect](size_t index) {
    Migrator migrator(std::make_unique<Migrator::Impl>(impl.config_for(impl.targets[index]), connect));
    if (impl.listener.listener) migrator.set_listener(impl.listener.listener(index));
    return work(migrator, impl.targets[index]);
  });
}

std::vector<FleetResult> Fleet::migrate(const MigrateOptions& options) {
  return run([&options](Migrator& migrator, const FleetTarget&) { return FleetOutcome(migrator.migrate(options)); });
}

std::vector<FleetResult> Fleet::info() {
  return run([](Migrator& migrator, const FleetTarget&) { return FleetOutcome(migrator.info()); });
}

std::vector<FleetTarget> select_databases(const Config& base, const std::vector<FleetSelection>& clusters) {
  std::vector<FleetTarget> out;
  for (const auto& selection : clusters) {
    std::vector<std::string> listed;
    if (!selection.patterns.empty()) {
      mongo::ClientOptions options{selection.uri, base.server_selection_timeout, base.socket_timeout, {}};
      listed = mongo::MongoServer(options, "admin", base.history_collection).list_databases();
    }
    for (auto& name : exec::select_from(listed, selection)) out.push_back(FleetTarget{selection.uri, std::move(name)});
  }
  return out;
}

}  // namespace mongoway
