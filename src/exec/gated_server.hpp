#pragma once
// The worker's view of the server: every request is a RequestInFlight (see
// exec/stop.hpp), so that a second signal knows whether one is in flight and
// no new one starts once the process stops at once. The heartbeat's second
// connection (another()) is not counted: its renewals never change the data.

#include <memory>

#include "port/server.hpp"

namespace mongoway::exec {

class GatedServer final : public port::Server {
 public:
  explicit GatedServer(std::unique_ptr<port::Server> inner) : m_inner(std::move(inner)) {}

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
  std::unique_ptr<port::Server> m_inner;
};

}  // namespace mongoway::exec
