#pragma once
// What the server-side tests read and change behind mongoway's back: the
// lock's leases and the history, through the port's libmongoc adapter on a
// connection the test already has.

#include <optional>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "mongo/client.hpp"
#include "port/server.hpp"

namespace mongoway::testing {

// The newest lease of a lock collection (nullopt when there is none).
std::optional<port::Lease> read_newest_lease(mongo::Client& client, const std::string& database,
                                             const std::string& lock_collection);
// Marks a lease released, as `mongoway unlock` does; false when it is not there.
bool release_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                   const port::Lease& lease);
// Inserts a lease, as a process taking the lock does; false when its number is taken.
bool plant_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                 const port::Lease& lease);
// Rewrites the newest lease (number `lease.id`) as `lease`; the older leases
// (released or expired) are deleted with it.
void replace_newest_lease(mongo::Client& client, const std::string& database, const std::string& lock_collection,
                          const port::Lease& lease);
// The history as mongoway reads it: the log and the unfinished entry of each
// run record (its lock collection is `history_collection`_lock).
std::vector<model::HistoryEntry> read_history(mongo::Client& client, const std::string& database,
                                              const std::string& history_collection);

}  // namespace mongoway::testing
