#pragma once
// The Migrator's insides, shared by migrator.cpp and fleet.cpp: the engine,
// and how it reaches MongoDB.

#include <memory>

#include "exec/engine.hpp"
#include "mongo/mongo_server.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway {

struct Migrator::Impl {
  Impl(Config config, exec::Engine::Connect connect) : engine(std::move(config), std::move(connect)) {}
  exec::Engine engine;
};

// The driver's options for the engine's settings (URI, timeouts, secrets, appName).
mongo::ClientOptions client_options(const exec::Engine& engine);
// `server`, reached (its facts read): a server not reached throws
// port::ServerUnreachable here, where the engine tries again.
std::unique_ptr<port::Server> reached(const exec::Engine& engine, std::unique_ptr<mongo::MongoServer> server);

}  // namespace mongoway
