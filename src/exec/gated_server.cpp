#include "exec/gated_server.hpp"

#include "exec/stop.hpp"

namespace mongoway::exec {

const port::ServerFacts& GatedServer::facts() {
  const RequestInFlight request;
  return m_inner->facts();
}

int64_t GatedServer::time_ms() {
  const RequestInFlight request;
  return m_inner->time_ms();
}

std::vector<model::HistoryEntry> GatedServer::read_log() {
  const RequestInFlight request;
  return m_inner->read_log();
}

std::vector<model::RunRecord> GatedServer::read_runs() {
  const RequestInFlight request;
  return m_inner->read_runs();
}

void GatedServer::ensure_history_indexes() {
  const RequestInFlight request;
  m_inner->ensure_history_indexes();
}

void GatedServer::append(const model::HistoryEntry& entry) {
  const RequestInFlight request;
  m_inner->append(entry);
}

void GatedServer::mark_repaired(const std::vector<int64_t>& ranks) {
  const RequestInFlight request;
  m_inner->mark_repaired(ranks);
}

void GatedServer::record_run(const model::RunRecord& run) {
  const RequestInFlight request;
  m_inner->record_run(run);
}

bool GatedServer::record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) {
  const RequestInFlight request;
  return m_inner->record_checkpoint(lease, checkpoint);
}

void GatedServer::end_run(int64_t lease) {
  const RequestInFlight request;
  m_inner->end_run(lease);
}

std::optional<port::Lease> GatedServer::newest_lease() {
  const RequestInFlight request;
  return m_inner->newest_lease();
}

bool GatedServer::insert_lease(const port::Lease& lease) {
  const RequestInFlight request;
  return m_inner->insert_lease(lease);
}

bool GatedServer::newer_lease_exists(int64_t id) {
  const RequestInFlight request;
  return m_inner->newer_lease_exists(id);
}

bool GatedServer::renew_lease(const port::Lease& lease, int64_t now_ms, int64_t expires_ms) {
  const RequestInFlight request;
  return m_inner->renew_lease(lease, now_ms, expires_ms);
}

bool GatedServer::release_lease(const port::Lease& lease) {
  const RequestInFlight request;
  return m_inner->release_lease(lease);
}

bool GatedServer::revoke_lease(const port::Lease& lease, int64_t now_ms) {
  const RequestInFlight request;
  return m_inner->revoke_lease(lease, now_ms);
}

void GatedServer::delete_leases_below(int64_t id) {
  const RequestInFlight request;
  m_inner->delete_leases_below(id);
}

std::vector<std::string> GatedServer::list_collections() {
  const RequestInFlight request;
  return m_inner->list_collections();
}

void GatedServer::drop_collection(const std::string& name) {
  const RequestInFlight request;
  m_inner->drop_collection(name);
}

std::vector<bson::Document> GatedServer::list_collection_specs(const std::string& database) {
  const RequestInFlight request;
  return m_inner->list_collection_specs(database);
}

std::vector<bson::Document> GatedServer::list_indexes(const std::string& database, const std::string& collection) {
  const RequestInFlight request;
  return m_inner->list_indexes(database, collection);
}

void GatedServer::read_documents_by_id(const std::string& database, const std::string& collection,
                                       const std::function<void(const bson::Document&)>& each) {
  const RequestInFlight request;
  m_inner->read_documents_by_id(database, collection, each);
}

void GatedServer::drop_database(const std::string& database) {
  const RequestInFlight request;
  m_inner->drop_database(database);
}

bson::Document GatedServer::send(const std::string& database, const bson::Document& command, port::Reply reply) {
  const RequestInFlight request;
  return m_inner->send(database, command, reply);
}

void GatedServer::with_transaction(const std::function<void()>& body) {
  const RequestInFlight request;
  m_inner->with_transaction(body);
}

std::unique_ptr<port::Server> GatedServer::another(std::chrono::milliseconds reply_timeout) {
  return m_inner->another(reply_timeout);
}

}  // namespace mongoway::exec
