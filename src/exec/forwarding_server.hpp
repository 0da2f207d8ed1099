#pragma once
// A server that passes every request to another one: the base of a decorator
// that changes a few requests and leaves the rest as they are.

#include <memory>

#include "port/server.hpp"

namespace mongoway::exec {

class ForwardingServer : public port::Server {
 public:
  explicit ForwardingServer(std::unique_ptr<port::Server> inner) : m_inner(std::move(inner)) {}

  const port::ServerFacts& facts() override { return m_inner->facts(); }
  int64_t time_ms() override { return m_inner->time_ms(); }
  std::vector<model::HistoryEntry> read_log() override { return m_inner->read_log(); }
  std::vector<model::RunRecord> read_runs() override { return m_inner->read_runs(); }
  void ensure_history_indexes() override { m_inner->ensure_history_indexes(); }
  void append(const model::HistoryEntry& entry) override { m_inner->append(entry); }
  void mark_repaired(const std::vector<int64_t>& ranks) override { m_inner->mark_repaired(ranks); }
  void record_run(const model::RunRecord& run) override { m_inner->record_run(run); }
  bool record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) override {
    return m_inner->record_checkpoint(lease, checkpoint);
  }
  void end_run(int64_t lease) override { m_inner->end_run(lease); }
  std::optional<port::Lease> newest_lease() override { return m_inner->newest_lease(); }
  bool insert_lease(const port::Lease& lease) override { return m_inner->insert_lease(lease); }
  bool newer_lease_exists(int64_t id) override { return m_inner->newer_lease_exists(id); }
  bool renew_lease(const port::Lease& lease, int64_t now_ms, int64_t expires_ms) override {
    return m_inner->renew_lease(lease, now_ms, expires_ms);
  }
  bool release_lease(const port::Lease& lease) override { return m_inner->release_lease(lease); }
  bool revoke_lease(const port::Lease& lease, int64_t now_ms) override { return m_inner->revoke_lease(lease, now_ms); }
  void delete_leases_below(int64_t id) override { m_inner->delete_leases_below(id); }
  std::vector<std::string> list_collections() override { return m_inner->list_collections(); }
  void drop_collection(const std::string& name) override { m_inner->drop_collection(name); }
  std::vector<bson::Document> list_collection_specs(const std::string& database) override {
    return m_inner->list_collection_specs(database);
  }
  std::vector<bson::Document> list_indexes(const std::string& database, const std::string& collection) override {
    return m_inner->list_indexes(database, collection);
  }
  void read_documents_by_id(const std::string& database, const std::string& collection,
                            const std::function<void(const bson::Document&)>& each) override {
    m_inner->read_documents_by_id(database, collection, each);
  }
  void drop_database(const std::string& database) override { m_inner->drop_database(database); }
  bson::Document send(const std::string& database, const bson::Document& command, port::Reply reply) override {
    return m_inner->send(database, command, reply);
  }
  void with_transaction(const std::function<void()>& body) override { m_inner->with_transaction(body); }
  std::unique_ptr<port::Server> another(std::chrono::milliseconds reply_timeout) override {
    return m_inner->another(reply_timeout);
  }

 private:
  std::unique_ptr<port::Server> m_inner;
};

}  // namespace mongoway::exec
