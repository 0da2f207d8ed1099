#pragma once
// An in-memory port::Server for the engine's tests: deterministic, on a clock
// the test moves, with faults injected at a chosen request.
//
// Every call of the port that a real server answers with a request is one
// numbered request here too (k = 1, 2, ... across every connection of the same
// server), logged with its operation name ("append", "renew_lease",
// "send:insert", "commit", ...). Faults are keyed on that number, so a test
// says "the 7th request loses its reply" and gets the same run every time.
// The cases of tests/conformance hold the fake to what real servers do.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "port/server.hpp"

namespace mongoway::testing {

// A steady clock that only moves when told: sleep_for returns at once, the
// time having moved by the duration.
class FakeClock final : public port::Clock {
 public:
  int64_t now_ns() override { return m_now_ns.load(); }
  void sleep_for(std::chrono::milliseconds duration) override;
  void advance(std::chrono::nanoseconds duration) { m_now_ns += duration.count(); }

 private:
  std::atomic<int64_t> m_now_ns{0};
};

// What a fake server is, by default a MongoDB replica set (transactions on).
port::ServerFacts fake_replica_set_facts();

struct FakeServerOptions {
  std::string database = "app";
  std::string history_collection = "mongoway_history";
  port::ServerFacts facts = fake_replica_set_facts();
  // How far each request moves the clock (the round trip a real one takes).
  std::chrono::nanoseconds request_cost = std::chrono::milliseconds(5);
  // The server's clock when the fake clock reads 0: 2026-01-01T00:00:00Z.
  int64_t server_epoch_ms = 1767225600000;
};

// One request, as the server saw it.
struct FakeRequest {
  int64_t number = 0;        // 1-based, across every connection
  int connection = 0;        // 0: the first; another() numbers the next ones 1, 2, ...
  std::string op;            // the port's call ("append"), or "send:" + the command's name
  std::string database;      // send: the command's database
  std::string command_json;  // send: the command, canonical Extended JSON
};

// Thrown by a request given transient_error_once() inside a transaction: the
// transaction runs again from its start (a TransientTransactionError).
class FakeTransientError : public port::ServerError {
 public:
  using port::ServerError::ServerError;
};

class FakeServer final : public port::Server {
 public:
  explicit FakeServer(FakeServerOptions options = {});
  ~FakeServer() override;

  // --- port::Server
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

  // --- time
  FakeClock& clock();
  // Moves the server's clock (not the steady one) by `ms`: a skew, or NTP stepping it.
  void jump_server_clock(int64_t ms);

  // --- faults, by request number k (1-based, every connection counted)
  // Request k is refused before it has any effect: ServerError(code, message).
  void refuse(int64_t k, int code, std::string message);
  // Request k takes effect, then its reply is lost: Error(connection).
  void lose_reply(int64_t k);
  // Inside a transaction, request k (a send or the commit) fails with a
  // transient error: the transaction's body runs again from its start.
  void transient_error_once(int64_t k);
  // Runs `hook` just before request k takes effect (the lock is not held: the
  // hook may tamper with the state, or send requests of its own).
  void before_request(int64_t k, std::function<void()> hook);
  // The same, just before the n-th request (1-based) of operation `op`
  // ("send:createIndexes", "append", …).
  void before_nth_request_of(const std::string& op, int n, std::function<void()> hook);
  // The next `n` requests of operation `op` ("renew_lease", "send:insert",
  // or "*" for any) cannot reach the server: Error(connection), no effect.
  void fail_next_requests_of(const std::string& op, int n);
  // update and delete commands report this many documents matched (n) and
  // modified (nModified); 0 until set.
  void set_write_count(int64_t n);

  // --- inspection (no request)
  std::vector<model::HistoryEntry> entries() const;  // ascending by rank
  std::vector<model::RunRecord> runs() const;        // ascending by lease
  std::vector<port::Lease> leases() const;           // ascending by id
  std::vector<FakeRequest> requests() const;
  // The requests of one operation, in order.
  std::vector<FakeRequest> requests_of(const std::string& op) const;
  // The bound database's collections, sorted (committed ones only).
  std::vector<std::string> collections() const;
  std::vector<std::string> collections(const std::string& database) const;
  // Documents inserted into a collection by send (an insert's documents).
  int64_t inserted(const std::string& database, const std::string& collection) const;
  // For each with_transaction call in order, how many times its body started.
  std::vector<int> transaction_attempts() const;
  int connection() const { return m_connection; }
  std::chrono::milliseconds reply_timeout() const { return m_reply_timeout; }

  // --- tampering and seeding (no request)
  void put_entry(const model::HistoryEntry& entry);  // the history and lock
  void put_run(const model::RunRecord& run);         // collections appear too
  void put_lease(const port::Lease& lease);
  void put_collection(const std::string& database, const std::string& name);
  // A document of a collection (made if need be), as another tool writes it.
  void put_document(const std::string& database, const std::string& collection, const bson::Document& document);
  void release_all_leases();
  void delete_lease(int64_t id);
  void set_lease_expiry(int64_t id, int64_t expires_ms);

 private:
  struct State;
  struct Transaction;
  FakeServer(std::shared_ptr<State> state, int connection, std::chrono::milliseconds reply_timeout);

  template <typename Effect>
  auto request(const std::string& op, Effect&& effect, std::string database = {}, std::string command_json = {});
  int64_t begin_request(const std::string& op, std::string database, std::string command_json);
  void check_faults(int64_t k, const std::string& op);
  void after_effect(int64_t k, const std::string& op);
  // What the command does, and the fields of its reply that say so.
  bson::Document answer_cursor(const std::string& database, const bson::Document& command);
  bson::Document apply_command(const std::string& database, const bson::Document& command);
  bson::Document reply_to(const bson::Document& command, port::Reply reply, bson::Document out) const;
  bool run_transaction_attempt(const std::function<void()>& body, size_t index);
  void abort_transaction();

  std::shared_ptr<State> m_state;
  int m_connection = 0;
  std::chrono::milliseconds m_reply_timeout{0};
  std::unique_ptr<Transaction> m_transaction;  // while with_transaction runs
  bool m_facts_read = false;
};

}  // namespace mongoway::testing
