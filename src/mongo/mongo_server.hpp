#pragma once
// The port implemented with libmongoc: one Client, one database, one history
// collection and its lock collection.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mongo/client.hpp"
#include "port/server.hpp"

namespace mongoway::mongo {

class MongoServer final : public port::Server {
 public:
  // Opens its own Client (no I/O until the first call).
  MongoServer(const ClientOptions& options, std::string database, std::string history_collection);
  // Uses a Client owned elsewhere, and a lock collection named freely: for
  // HistoryStore and LeaseLock while the engine still speaks to them. Its
  // another() throws std::logic_error (it has no options to connect with).
  MongoServer(Client& client, std::string database, std::string history_collection, std::string lock_collection);

  Client& client() { return *m_client; }
  const std::string& database() const { return m_database; }
  const std::string& history_collection() const { return m_history; }
  const std::string& lock_collection() const { return m_lock; }

  const port::ServerFacts& facts() override;
  int64_t time_ms() override;

  std::vector<model::HistoryEntry> read_log() override;
  std::vector<model::RunRecord> read_runs() override;
  void ensure_history_indexes() override;
  void append(const model::HistoryEntry& entry) override;
  void mark_repaired(const std::vector<int64_t>& ranks) override;
  void record_run(const model::RunRecord& run) override;
  bool record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) override;
  void end_run(int64_t lease) override;

  std::optional<port::Lease> newest_lease() override;
  bool insert_lease(const port::Lease& lease) override;
  bool newer_lease_exists(int64_t id) override;
  bool renew_lease(const port::Lease& lease, int64_t now_ms, int64_t expires_ms) override;
  bool release_lease(const port::Lease& lease) override;
  bool revoke_lease(const port::Lease& lease, int64_t now_ms) override;
  void delete_leases_below(int64_t id) override;

  std::vector<std::string> list_collections() override;
  void drop_collection(const std::string& name) override;

  std::vector<bson::Document> list_collection_specs(const std::string& database) override;
  std::vector<bson::Document> list_indexes(const std::string& database, const std::string& collection) override;
  void read_documents_by_id(const std::string& database, const std::string& collection,
                            const std::function<void(const bson::Document&)>& each) override;
  void drop_database(const std::string& database) override;

  bson::Document send(const std::string& database, const bson::Document& command, port::Reply reply) override;
  void with_transaction(const std::function<void()>& body) override;

  std::unique_ptr<port::Server> another(std::chrono::milliseconds reply_timeout) override;

 private:
  std::optional<ClientOptions> m_options;  // none when the Client is borrowed
  std::unique_ptr<Client> m_owned;
  Client* m_client;
  std::string m_database;
  std::string m_history;
  std::string m_lock;
  std::optional<port::ServerFacts> m_facts;
};

}  // namespace mongoway::mongo
