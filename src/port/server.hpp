#pragma once
// The port: the engine's only view of a server. src/mongo implements it with
// libmongoc (mongo::MongoServer); tests/fake implements it in memory, with a
// deterministic clock and fault injection (testing::FakeServer). The cases of
// tests/conformance run against both, so the fake cannot drift from a real
// server.
//
// One Server is bound to one database and one history collection (the lock
// collection is the history collection's name + "_lock"). Every call is one
// request to the server unless it says otherwise. A call throws
// port::ServerError when the server refuses it, and mongoway::Error with
// ExitCode::connection when the server cannot be reached or its reply was lost
// (the request's outcome is then unknown). A Server is used by one thread at a
// time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "model/history.hpp"
#include "mongoway/error.hpp"
#include "port/processes.hpp"

namespace mongoway::port {

// A request the server refused (ok:0, writeErrors, writeConcernError): an
// Error with ExitCode::migration_failed; server_code() is the server's code.
class ServerError : public Error {
 public:
  ServerError(int server_code, const std::string& message)
      : Error(ExitCode::migration_failed, message), m_server_code(server_code) {}
  int server_code() const noexcept { return m_server_code; }

 private:
  int m_server_code;
};

// A server never reached: refused, unresolved or silent, with no TLS or
// authentication failure to say that something answered. Only this is worth
// connecting again for (--connect-retries): a server still starting.
class ServerUnreachable : public Error {
 public:
  explicit ServerUnreachable(const std::string& message) : Error(ExitCode::connection, message) {}
};

// The server's code for an insert whose _id exists already.
constexpr int kDuplicateKey = 11000;

// Which server answers. FerretDB says so in buildInfo; Azure Cosmos DB's
// MongoDB API in buildInfo (a "_t" field) or its host name; Amazon
// DocumentDB only by its host name. Any other server that answers as MongoDB
// does is taken for MongoDB; one whose buildInfo has no version is unknown.
enum class ServerKind { mongodb, ferretdb, documentdb, cosmosdb, unknown };

// How it is deployed, from hello: setName (a replica set), msg "isdbgrid"
// (mongos, a sharded cluster), else a standalone server.
enum class Topology { standalone, replica_set, sharded };

// What the server is; read once (the first call asks, later calls do not).
struct ServerFacts {
  bool ferretdb = false;
  bool supports_transactions = false;  // a replica set or a sharded cluster, and not FerretDB
  std::string version;                 // buildInfo's version: the MongoDB version it answers as
  ServerKind kind = ServerKind::mongodb;
  // The product's own version: FerretDB's ferretdbVersion ("1.24.2"), else `version`.
  std::string kind_version;
  Topology topology = Topology::standalone;
  int max_write_batch_size = 100000;
  int max_bson_object_size = 16 * 1024 * 1024;
};

// One lease of the lock collection (_id > 0; a run record's _id is minus its lease).
struct Lease {
  int64_t id = 0;
  std::string owner;        // user@host:pid
  std::string token;        // random, known only to the process that took it
  int64_t acquired_ms = 0;  // server clock
  int64_t expires_ms = 0;   // server clock
  bool released = false;
  ProcessIdentity process;  // its holder's; not known() in leases of older versions
  int64_t revoked_ms = 0;   // server clock: when `unlock --force` released it while live (0: never)
};

// How a migration command's reply is read.
enum class Reply {
  plain,   // checked for ok
  write,   // insert/update/delete: also writeErrors and writeConcernError; the reply holds the counts
  cursor,  // the cursor it opens is drained (aggregate); an empty document is returned
};

class Server {
 public:
  virtual ~Server() = default;

  // --- what the server is
  virtual const ServerFacts& facts() = 0;
  // The server's clock (`hello`'s localTime), in milliseconds since the epoch.
  virtual int64_t time_ms() = 0;

  // --- the history: a log of entries, and the records of runs in progress
  // Every entry of the history collection, ascending by rank.
  virtual std::vector<model::HistoryEntry> read_log() = 0;
  // Every run record of the lock collection (any order).
  virtual std::vector<model::RunRecord> read_runs() = 0;
  // Creates the history's index on version; called before its first entry.
  virtual void ensure_history_indexes() = 0;
  // Appends one entry. A rank already there is never overwritten: throws
  // ServerError(kDuplicateKey) saying another process wrote the history.
  virtual void append(const model::HistoryEntry& entry) = 0;
  // Sets `repaired: true` on the entries of these ranks (one request; none: no request).
  virtual void mark_repaired(const std::vector<int64_t>& ranks) = 0;
  // Writes the record of run.lease, replacing the one there.
  virtual void record_run(const model::RunRecord& run) = 0;
  // Sets the checkpoint of `lease`'s run record (nullopt: clears it) without
  // rewriting the rest, and never makes a record: false when the record is
  // gone (another process took the run over, so this one lost its lease).
  virtual bool record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) = 0;
  // Deletes the record of `lease`'s run (none there: nothing happens).
  virtual void end_run(int64_t lease) = 0;

  // --- leases
  // The lease with the highest number; nullopt when there is none.
  virtual std::optional<Lease> newest_lease() = 0;
  // Inserts a new lease; false when its number is taken.
  virtual bool insert_lease(const Lease& lease) = 0;
  // Whether a lease numbered above `id` exists.
  virtual bool newer_lease_exists(int64_t id) = 0;
  // Sets the expiry of the lease of lease.id *and* lease.token, only if it is
  // not released and not expired at `now_ms`; false when nothing matched.
  virtual bool renew_lease(const Lease& lease, int64_t now_ms, int64_t expires_ms) = 0;
  // Marks the lease of lease.id and lease.token released; false when there is none.
  virtual bool release_lease(const Lease& lease) = 0;
  // Marks it released and revoked at `now_ms` (`unlock --force`: released by
  // another process while its holder may still run); its expiry stays.
  // False when there is none.
  virtual bool revoke_lease(const Lease& lease, int64_t now_ms) = 0;
  // Deletes the leases numbered 1 to id - 1 (run records stay).
  virtual void delete_leases_below(int64_t id) = 0;

  // --- the database's collections (for `clean`, and `baseline --from`)
  // Names of the database's collections, sorted.
  virtual std::vector<std::string> list_collections() = 0;
  // Drops one (a missing collection is not an error).
  virtual void drop_collection(const std::string& name) = 0;

  // --- any database's schema and documents (the schema fingerprint)
  // listCollections of `database`: one document per collection and view, as
  // the server describes it (name, type, options, info, idIndex), in the
  // server's order.
  virtual std::vector<bson::Document> list_collection_specs(const std::string& database) = 0;
  // listIndexes of one collection of `database`: one document per index
  // (name, key and its options, as the server describes it), in the server's
  // order. A collection that does not exist has none.
  virtual std::vector<bson::Document> list_indexes(const std::string& database, const std::string& collection) = 0;
  // Every document of one collection of `database`, ascending by _id, each
  // handed to `each` in turn (a collection that does not exist has none and
  // is not made): the fingerprint's digests, and another tool's record for
  // `baseline --from`, which only ever reads it.
  virtual void read_documents_by_id(const std::string& database, const std::string& collection,
                                    const std::function<void(const bson::Document&)>& each) = 0;
  // Drops `database` whole (`verify`'s scratch database); a database that
  // does not exist is not an error.
  virtual void drop_database(const std::string& database) = 0;

  // --- migration commands
  // Sends one command to `database`; returns the reply (Reply::cursor: empty).
  // Inside with_transaction(), it is part of the transaction.
  virtual bson::Document send(const std::string& database, const bson::Document& command, Reply reply) = 0;
  // Runs `body` in one transaction and commits it; aborts it when `body`
  // throws (and rethrows). After a transient error the server's driver runs
  // `body` again from its start. Throws Error(usage) when the server has no
  // transactions.
  virtual void with_transaction(const std::function<void()>& body) = 0;

  // A second connection to the same server and names, for the lease's
  // heartbeat; its replies are awaited for `reply_timeout` at most.
  virtual std::unique_ptr<Server> another(std::chrono::milliseconds reply_timeout) = 0;
};

// The lock collection of a history collection: NAME_lock.
inline std::string lock_collection_of(const std::string& history_collection) { return history_collection + "_lock"; }

// Time as the engine sees it: injected, so that tests of the lease run on a
// clock they move themselves, without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  // A steady clock, in nanoseconds.
  virtual int64_t now_ns() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for.
Clock& steady_clock();

}  // namespace mongoway::port
