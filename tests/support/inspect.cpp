#include "inspect.hpp"

#include "exec/history.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::testing {
namespace {

// The lock collection's name is all that matters to the lease calls.
mongo::MongoServer lock_of(mongo::Client& client, const std::string& database, const std::string& lock_collection) {
  return mongo::MongoServer(client, database, "", lock_collection);
}

}  // namespace

std::optional<port::Lease> read_newest_lease(mongo::Client& client, const std::string& database,
                                             const std::string& lock_collection) {
  return lock_of(client, database, lock_collection).newest_lease();
}

bool release_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                   const port::Lease& lease) {
  return lock_of(client, database, lock_collection).release_lease(lease);
}

bool plant_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                 const port::Lease& lease) {
  return lock_of(client, database, lock_collection).insert_lease(lease);
}

void replace_newest_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                          const port::Lease& lease) {
  auto lock = lock_of(client, database, lock_collection);
  lock.delete_leases_below(lease.id + 1);
  lock.insert_lease(lease);
}

std::vector<model::HistoryEntry> read_history(mongo::Client& client, const std::string& database,
                                              const std::string& history_collection) {
  mongo::MongoServer server(client, database, history_collection, port::lock_collection_of(history_collection));
  return exec::read_history(server);
}

}  // namespace mongoway::testing
