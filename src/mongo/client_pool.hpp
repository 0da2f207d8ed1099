#pragma once
// One cluster's connections, shared by the databases of a fleet run: a
// libmongoc client pool per reply timeout (the workers' — the URI's — and
// the lease heartbeats' shorter one), each at most `clients` clients. Every
// client holds one connection, and each pool one more per server to watch
// the topology, so `jobs` databases at a time on one server stay within
// 2 × jobs + 2 connections, heartbeats included.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mongo/client.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::mongo {

class ClientPool : public std::enable_shared_from_this<ClientPool> {
 public:
  // No I/O. A bad URI is a usage error, as for a Client.
  ClientPool(ClientOptions options, size_t clients);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // A Client of the pool for `reply_timeout` (0: the URI's), given back when
  // destroyed; waits while every client of that pool is taken.
  std::unique_ptr<Client> take(std::chrono::milliseconds reply_timeout);
  // A server of `database` on a client of the pool; its another() takes the
  // heartbeat's client from the pool too.
  std::unique_ptr<MongoServer> server(const std::string& database, const std::string& history_collection);

  const ClientOptions& options() const { return m_options; }

 private:
  struct PoolDeleter {
    void operator()(mongoc_client_pool_t* p) const;
  };
  mongoc_client_pool_t* pool_for(const ClientOptions& options);

  ClientOptions m_options;
  size_t m_clients;
  std::mutex m_mutex;
  std::map<int64_t, std::unique_ptr<mongoc_client_pool_t, PoolDeleter>> m_pools;  // by reply timeout in ms
};

}  // namespace mongoway::mongo
