#include "fake_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>

#include "bson/bson_util.hpp"
#include "fake_catalog.hpp"

namespace mongoway::testing {

void FakeClock::sleep_for(std::chrono::milliseconds duration) {
  advance(duration);
  // Lets the other threads of a test run, as a real sleep would.
  std::this_thread::yield();
}

port::ServerFacts fake_replica_set_facts() {
  port::ServerFacts facts;
  facts.supports_transactions = true;
  facts.version = "7.0.0";
  facts.kind_version = "7.0.0";
  facts.topology = port::Topology::replica_set;
  return facts;
}

struct FakeServer::State {
  explicit State(FakeServerOptions o) : options(std::move(o)) {}

  mutable std::mutex mutex;
  const FakeServerOptions options;
  const std::string lock_collection = port::lock_collection_of(options.history_collection);
  FakeClock clock;
  int64_t server_skew_ms = 0;
  int64_t requests_sent = 0;
  int next_connection = 1;
  std::vector<FakeRequest> log;

  std::map<int64_t, model::HistoryEntry> entries;  // by rank
  std::map<int64_t, model::RunRecord> runs;        // by lease
  std::map<int64_t, port::Lease> leases;           // by id
  FakeCatalog catalog;                             // every database's collections, views, indexes and documents
  std::map<std::pair<std::string, std::string>, int64_t> inserted;

  std::map<int64_t, std::pair<int, std::string>> refusals;  // k -> code, message
  std::set<int64_t> lost_replies;
  std::set<int64_t> transient_errors;
  std::map<int64_t, std::function<void()>> hooks;
  std::map<std::pair<std::string, int>, std::function<void()>> hooks_by_op;  // (op, nth) -> hook
  std::map<std::string, int> sent_of_op;                                     // op -> requests so far
  std::map<std::string, int> failing_ops;                                    // op -> how many more fail
  int64_t write_count = 0;
  std::vector<int> transaction_attempts;
  // Open cursors of `find`s: the `_id`s still to hand out, by cursor id.
  std::map<int64_t, std::deque<bson::Document>> cursors;
  int64_t next_cursor = 7001;

  void create_collection(const std::string& database, const std::string& name) { catalog.ensure(database, name); }
  // Dropping the history or the lock collection takes its documents with it.
  void remove_collection(const std::string& database, const std::string& name) {
    catalog.remove(database, name);
    inserted.erase({database, name});
    if (database != options.database) return;
    if (name == options.history_collection) entries.clear();
    if (name == lock_collection) {
      leases.clear();
      runs.clear();
    }
  }
};

// The sends of a transaction, applied at its commit.
struct FakeServer::Transaction {
  std::vector<std::pair<std::string, bson::Document>> sends;  // database, command
  bool doomed = false;  // a transient error was swallowed by the body: the commit fails
};

namespace {

using Clock = std::chrono::system_clock;

// Dates are stored as BSON dates: milliseconds.
model::TimePoint to_ms_precision(model::TimePoint t) {
  return model::TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()));
}

model::HistoryEntry stored(model::HistoryEntry entry) {
  entry.installed_on = to_ms_precision(entry.installed_on);
  if (entry.cut) {
    entry.cut->at = to_ms_precision(entry.cut->at);
    entry.cut->adopted_on = to_ms_precision(entry.cut->adopted_on);
  }
  return entry;
}

model::RunRecord stored(model::RunRecord run) {
  run.started = to_ms_precision(run.started);
  return run;
}

template <typename Map>
auto values_of(const Map& map) {
  std::vector<typename Map::mapped_type> out;
  out.reserve(map.size());
  for (const auto& [key, value] : map) out.push_back(value);
  return out;
}

}  // namespace

FakeServer::FakeServer(FakeServerOptions options) : m_state(std::make_shared<State>(std::move(options))) {}

FakeServer::FakeServer(std::shared_ptr<State> state, int connection, std::chrono::milliseconds reply_timeout)
    : m_state(std::move(state)), m_connection(connection), m_reply_timeout(reply_timeout) {}

FakeServer::~FakeServer() = default;

// --- requests and their faults

// Numbers and logs the request, moves the clock, then runs the test's hook
// for it without the lock (the hook may tamper or send requests itself).
int64_t FakeServer::begin_request(const std::string& op, std::string database, std::string command_json) {
  std::function<void()> hook;
  int64_t k = 0;
  {
    std::lock_guard lock(m_state->mutex);
    k = ++m_state->requests_sent;
    m_state->log.push_back(FakeRequest{k, m_connection, op, std::move(database), std::move(command_json)});
    m_state->clock.advance(m_state->options.request_cost);
    if (auto it = m_state->hooks.find(k); it != m_state->hooks.end()) {
      hook = std::move(it->second);
      m_state->hooks.erase(it);
    }
    const std::pair<std::string, int> nth{op, ++m_state->sent_of_op[op]};
    if (auto it = m_state->hooks_by_op.find(nth); it != m_state->hooks_by_op.end()) {
      hook = std::move(it->second);
      m_state->hooks_by_op.erase(it);
    }
  }
  if (hook) hook();
  return k;
}

// Faults that stop request k before it has any effect. Called with the lock held.
void FakeServer::check_faults(int64_t k, const std::string& op) {
  for (const std::string& key : {op, std::string("*")}) {
    auto it = m_state->failing_ops.find(key);
    if (it == m_state->failing_ops.end() || it->second <= 0) continue;
    --it->second;
    throw Error(ExitCode::connection,
                fmt::format("could not reach the server for {} (request {}): connection refused", op, k));
  }
  if (auto it = m_state->refusals.find(k); it != m_state->refusals.end()) {
    throw port::ServerError(it->second.first, it->second.second);
  }
  if (m_state->transient_errors.erase(k) > 0) {
    if (!m_transaction) {
      throw std::logic_error(
          fmt::format("transient_error_once({}): request {} ({}) is not in a transaction", k, k, op));
    }
    m_transaction->doomed = true;
    throw FakeTransientError(112, fmt::format("WriteConflict at request {} ({}): TransientTransactionError", k, op));
  }
}

// A reply lost after the request took effect. Called with the lock held.
void FakeServer::after_effect(int64_t k, const std::string& op) {
  if (m_state->lost_replies.count(k) == 0) return;
  throw Error(ExitCode::connection, fmt::format("lost the reply to {} (request {}): its outcome is unknown", op, k));
}

template <typename Effect>
auto FakeServer::request(const std::string& op, Effect&& effect, std::string database, std::string command_json) {
  const int64_t k = begin_request(op, std::move(database), std::move(command_json));
  std::lock_guard lock(m_state->mutex);
  check_faults(k, op);
  if constexpr (std::is_void_v<decltype(effect())>) {
    effect();
    after_effect(k, op);
  } else {
    auto result = effect();
    after_effect(k, op);
    return result;
  }
}

// --- what the server is

const port::ServerFacts& FakeServer::facts() {
  // Asked once per connection, as a driver does (hello, buildInfo).
  if (!m_facts_read) {
    request("facts", [] {});
    m_facts_read = true;
  }
  return m_state->options.facts;
}

int64_t FakeServer::time_ms() {
  return request("time", [this] {
    return m_state->options.server_epoch_ms + m_state->clock.now_ns() / 1000000 + m_state->server_skew_ms;
  });
}

// --- the history

std::vector<model::HistoryEntry> FakeServer::read_log() {
  return request("read_log", [this] { return values_of(m_state->entries); });
}

std::vector<model::RunRecord> FakeServer::read_runs() {
  return request("read_runs", [this] { return values_of(m_state->runs); });
}

void FakeServer::ensure_history_indexes() {
  request("ensure_history_indexes",
          [this] { m_state->create_collection(m_state->options.database, m_state->options.history_collection); });
}

void FakeServer::append(const model::HistoryEntry& entry) {
  request("append", [&] {
    if (m_state->entries.count(entry.rank) > 0) {
      throw port::ServerError(port::kDuplicateKey,
                              fmt::format("history entry {} exists already: another process has written the "
                                          "history; run `mongoway info` to see the state",
                                          entry.rank));
    }
    m_state->create_collection(m_state->options.database, m_state->options.history_collection);
    m_state->entries[entry.rank] = stored(entry);
  });
}

void FakeServer::mark_repaired(const std::vector<int64_t>& ranks) {
  if (ranks.empty()) return;
  request("mark_repaired", [&] {
    for (int64_t rank : ranks) {
      if (auto it = m_state->entries.find(rank); it != m_state->entries.end()) it->second.repaired = true;
    }
  });
}

void FakeServer::record_run(const model::RunRecord& run) {
  request("record_run", [&] {
    m_state->create_collection(m_state->options.database, m_state->lock_collection);
    m_state->runs[run.lease] = stored(run);
  });
}

bool FakeServer::record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) {
  return request("record_checkpoint", [&] {
    const auto it = m_state->runs.find(lease);
    if (it == m_state->runs.end()) return false;
    it->second.checkpoint = checkpoint;
    return true;
  });
}

void FakeServer::end_run(int64_t lease) {
  request("end_run", [&] { m_state->runs.erase(lease); });
}

// --- leases

std::optional<port::Lease> FakeServer::newest_lease() {
  return request("newest_lease", [this]() -> std::optional<port::Lease> {
    if (m_state->leases.empty()) return std::nullopt;
    return m_state->leases.rbegin()->second;
  });
}

bool FakeServer::insert_lease(const port::Lease& lease) {
  return request("insert_lease", [&] {
    if (m_state->leases.count(lease.id) > 0) return false;
    m_state->create_collection(m_state->options.database, m_state->lock_collection);
    m_state->leases[lease.id] = lease;
    return true;
  });
}

bool FakeServer::newer_lease_exists(int64_t id) {
  return request("newer_lease_exists", [&] { return m_state->leases.upper_bound(id) != m_state->leases.end(); });
}

bool FakeServer::renew_lease(const port::Lease& lease, int64_t now_ms, int64_t expires_ms) {
  return request("renew_lease", [&] {
    auto it = m_state->leases.find(lease.id);
    if (it == m_state->leases.end()) return false;
    port::Lease& held = it->second;
    if (held.token != lease.token || held.released || held.expires_ms <= now_ms) return false;
    held.expires_ms = expires_ms;
    return true;
  });
}

bool FakeServer::release_lease(const port::Lease& lease) {
  return request("release_lease", [&] {
    auto it = m_state->leases.find(lease.id);
    if (it == m_state->leases.end() || it->second.token != lease.token) return false;
    it->second.released = true;
    return true;
  });
}

bool FakeServer::revoke_lease(const port::Lease& lease, int64_t now_ms) {
  return request("revoke_lease", [&] {
    auto it = m_state->leases.find(lease.id);
    if (it == m_state->leases.end() || it->second.token != lease.token) return false;
    it->second.released = true;
    it->second.revoked_ms = now_ms;
    return true;
  });
}

void FakeServer::delete_leases_below(int64_t id) {
  request("delete_leases_below", [&] {
    auto& leases = m_state->leases;
    leases.erase(leases.upper_bound(0), leases.lower_bound(std::max<int64_t>(id, 1)));
  });
}

// --- collections

std::vector<std::string> FakeServer::list_collections() {
  return request("list_collections", [this] { return m_state->catalog.names(m_state->options.database); });
}

void FakeServer::drop_collection(const std::string& name) {
  request("drop_collection", [&] { m_state->remove_collection(m_state->options.database, name); });
}

// --- any database's schema and documents

std::vector<bson::Document> FakeServer::list_collection_specs(const std::string& database) {
  return request(
      "list_collection_specs", [&] { return m_state->catalog.specs(database); }, database);
}

std::vector<bson::Document> FakeServer::list_indexes(const std::string& database, const std::string& collection) {
  return request(
      "list_indexes", [&] { return m_state->catalog.indexes(database, collection); }, database,
      fmt::format(R"({{"listIndexes": "{}"}})", collection));
}

void FakeServer::read_documents_by_id(const std::string& database, const std::string& collection,
                                      const std::function<void(const bson::Document&)>& each) {
  const auto documents = request(
      "read_documents_by_id", [&] { return m_state->catalog.documents_by_id(database, collection); }, database,
      fmt::format(R"({{"find": "{}"}})", collection));
  for (const auto& doc : documents) each(doc);
}

void FakeServer::drop_database(const std::string& database) {
  request(
      "drop_database",
      [&] {
        for (const auto& each : m_state->catalog.names(database)) m_state->remove_collection(database, each);
        m_state->catalog.drop_database(database);
      },
      database);
}

// --- migration commands

namespace {

std::string first_key(const bson::Document& command) {
  bson_iter_t it;
  if (bson_iter_init(&it, command.get()) && bson_iter_next(&it)) return bson_iter_key(&it);
  return {};
}

std::string string_field(const bson::Document& command, const char* key) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, command.get(), key) && BSON_ITER_HOLDS_UTF8(&it)) return bson_iter_utf8(&it, nullptr);
  return {};
}

int64_t array_length(const bson::Document& command, const char* key) {
  bson_iter_t it, child;
  int64_t n = 0;
  if (!bson_iter_init_find(&it, command.get(), key) || !BSON_ITER_HOLDS_ARRAY(&it)) return 0;
  if (!bson_iter_recurse(&it, &child)) return 0;
  while (bson_iter_next(&child)) ++n;
  return n;
}

// Whether one of an update's statements (or a findAndModify) may insert.
bool upserts(const bson::Document& command) {
  bson_iter_t it, updates, field;
  if (bson_iter_init_find(&it, command.get(), "upsert")) return bson_iter_as_bool(&it);
  if (!bson_iter_init_find(&it, command.get(), "updates") || !BSON_ITER_HOLDS_ARRAY(&it)) return false;
  if (!bson_iter_recurse(&it, &updates)) return false;
  while (bson_iter_next(&updates)) {
    if (bson_iter_recurse(&updates, &field) && bson_iter_find(&field, "upsert") && bson_iter_as_bool(&field)) {
      return true;
    }
  }
  return false;
}

// Commands the fake answers without changing anything it keeps.
const std::set<std::string>& commands_without_effect() {
  static const std::set<std::string> names = {
      "delete",   "aggregate", "find",     "count",       "distinct",     "listIndexes",  "listCollections",
      "ping",     "hello",     "isMaster", "buildInfo",   "serverStatus", "dbStats",      "collStats",
      "validate", "explain",   "getMore",  "killCursors", "getParameter", "setParameter", "compact"};
  return names;
}

const std::set<std::string>& commands_with_effect() {
  static const std::set<std::string> names = {"create",       "createIndexes",   "dropIndexes",   "collMod",
                                              "insert",       "update",          "findAndModify", "drop",
                                              "dropDatabase", "renameCollection"};
  return names;
}

// "db.collection" -> {db, collection}
std::pair<std::string, std::string> split_namespace(const std::string& ns) {
  const auto dot = ns.find('.');
  if (dot == std::string::npos) return {ns, {}};
  return {ns.substr(0, dot), ns.substr(dot + 1)};
}

}  // namespace

// find (its filter, sorted by _id, projected to _id: what a batched command
// reads), getMore and killCursors, over the fake's own cursors.
bson::Document FakeServer::answer_cursor(const std::string& database, const bson::Document& command) {
  State& s = *m_state;
  const std::string name = first_key(command);
  bson_iter_t it;
  if (name == "killCursors") {
    if (bson::find_field(command, "cursors", &it)) {
      bson_iter_t each;
      bson_iter_recurse(&it, &each);
      while (bson_iter_next(&each)) s.cursors.erase(bson_iter_as_int64(&each));
    }
    return {};
  }
  int64_t id = 0;
  std::string collection = string_field(command, name == "find" ? "find" : "collection");
  if (name == "find") {
    bson::Document filter;
    if (bson::find_field(command, "filter", &it)) filter = bson::iter_document(it);
    const auto ids = s.catalog.ids_matching(database, collection, filter);
    id = s.next_cursor++;
    s.cursors[id] = std::deque<bson::Document>(ids.begin(), ids.end());
  } else {
    id = bson::find_field(command, "getMore", &it) ? bson_iter_as_int64(&it) : 0;
    if (s.cursors.count(id) == 0) throw port::ServerError(43, fmt::format("cursor id {} not found", id));
  }
  const int64_t batch = bson::find_field(command, "batchSize", &it) ? bson_iter_as_int64(&it) : 101;
  auto& left = s.cursors[id];
  std::vector<bson::Document> out;
  while (!left.empty() && static_cast<int64_t>(out.size()) < batch) {
    out.push_back(std::move(left.front()));
    left.pop_front();
  }
  if (left.empty()) {
    s.cursors.erase(id);
    id = 0;
  }
  bson::Document cursor;
  BSON_APPEND_INT64(cursor.mut(), "id", id);
  bson::append_string(cursor, "ns", database + "." + collection);
  bson::append_array(cursor, name == "find" ? "firstBatch" : "nextBatch", out);
  bson::Document reply;
  bson::append_document(reply, "cursor", cursor);
  return reply;
}

// What a command does to the collections (as MongoDB: an update or a
// findAndModify creates its collection only when it may upsert; a delete never).
bson::Document FakeServer::apply_command(const std::string& database, const bson::Document& command) {
  State& s = *m_state;
  const std::string name = first_key(command);
  const std::string collection = string_field(command, name.c_str());
  bson::Document reply;
  if (name == "create") {
    s.catalog.create(database, command);
  } else if (name == "createIndexes") {
    reply = s.catalog.create_indexes(database, command);
  } else if (name == "delete") {
    if (const auto n = s.catalog.delete_matching(database, command)) BSON_APPEND_INT64(reply.mut(), "n", *n);
  } else if (name == "update" && !upserts(command)) {
    if (const auto n = s.catalog.update_matching(database, command)) {
      BSON_APPEND_INT64(reply.mut(), "n", n->first);
      BSON_APPEND_INT64(reply.mut(), "nModified", n->second);
    }
  } else if (name == "find" || name == "getMore" || name == "killCursors") {
    reply = answer_cursor(database, command);
  } else if (name == "count") {
    bson::append_int32(reply, "n", static_cast<int32_t>(s.catalog.count(database, command)));
  } else if (name == "dropIndexes") {
    s.catalog.drop_indexes(database, command);
  } else if (name == "collMod") {
    s.catalog.coll_mod(database, command);
  } else if (name == "insert") {
    s.catalog.insert(database, command);
    s.inserted[{database, collection}] += array_length(command, "documents");
  } else if ((name == "update" || name == "findAndModify") && upserts(command)) {
    s.create_collection(database, collection);
  } else if (name == "drop") {
    s.remove_collection(database, collection);
  } else if (name == "dropDatabase") {
    for (const auto& each : s.catalog.names(database)) s.remove_collection(database, each);
  } else if (name == "renameCollection") {
    const auto [from_db, from] = split_namespace(collection);
    const auto [to_db, to] = split_namespace(string_field(command, "to"));
    s.catalog.rename(from_db, from, to_db, to);
    s.remove_collection(from_db, from);  // what the fake keeps beside the catalog (the history, counts)
  }
  return reply;
}

bson::Document FakeServer::reply_to(const bson::Document& command, port::Reply reply, bson::Document out) const {
  if (reply == port::Reply::cursor) return {};
  const std::string name = first_key(command);
  bson_iter_t counted;
  if (reply == port::Reply::write && !bson_iter_init_find(&counted, out.get(), "n")) {
    const int64_t n = name == "insert" ? array_length(command, "documents") : m_state->write_count;
    BSON_APPEND_INT32(out.mut(), "n", static_cast<int32_t>(n));
    if (name == "update") BSON_APPEND_INT32(out.mut(), "nModified", static_cast<int32_t>(n));
  }
  BSON_APPEND_DOUBLE(out.mut(), "ok", 1.0);
  return out;
}

bson::Document FakeServer::send(const std::string& database, const bson::Document& command, port::Reply reply) {
  const std::string name = first_key(command);
  return request(
      "send:" + name,
      [&] {
        if (commands_with_effect().count(name) == 0 && commands_without_effect().count(name) == 0) {
          throw port::ServerError(59, fmt::format("no such command: '{}'", name));
        }
        bson::Document answer;
        if (m_transaction) {
          m_transaction->sends.emplace_back(database, command);
        } else {
          answer = apply_command(database, command);
        }
        return reply_to(command, reply, std::move(answer));
      },
      database, command.to_json(bson::JsonMode::canonical));
}

// --- transactions

void FakeServer::with_transaction(const std::function<void()>& body) {
  if (!facts().supports_transactions) {
    throw Error(ExitCode::usage,
                "the server does not support transactions (it needs a replica set or a sharded cluster)");
  }
  if (m_transaction) throw std::logic_error("with_transaction inside with_transaction");
  size_t index = 0;
  {
    std::lock_guard lock(m_state->mutex);
    m_state->transaction_attempts.push_back(0);
    index = m_state->transaction_attempts.size() - 1;
  }
  // As the driver does after a TransientTransactionError: the whole body again.
  while (!run_transaction_attempt(body, index)) {
  }
}

// One start of the body and its commit; false when a transient error calls
// for another attempt (the first attempt's sends are then discarded).
bool FakeServer::run_transaction_attempt(const std::function<void()>& body, size_t index) {
  request("start_transaction", [] {});
  m_transaction = std::make_unique<Transaction>();
  {
    std::lock_guard lock(m_state->mutex);
    ++m_state->transaction_attempts[index];
  }
  try {
    body();
  } catch (const FakeTransientError&) {
    abort_transaction();
    return false;
  } catch (...) {
    abort_transaction();
    throw;
  }
  try {
    request("commit", [this] {
      if (m_transaction->doomed) throw FakeTransientError(251, "NoSuchTransaction: TransientTransactionError");
      for (const auto& [database, command] : m_transaction->sends) apply_command(database, command);
    });
  } catch (const FakeTransientError&) {
    m_transaction.reset();
    return false;
  } catch (...) {
    m_transaction.reset();
    throw;
  }
  m_transaction.reset();
  return true;
}

// Discards the transaction's sends; the driver ignores a failed abort.
void FakeServer::abort_transaction() {
  m_transaction.reset();
  try {
    request("abort", [] {});
  } catch (const std::exception&) {
  }
}

std::unique_ptr<port::Server> FakeServer::another(std::chrono::milliseconds reply_timeout) {
  int connection = 0;
  {
    std::lock_guard lock(m_state->mutex);
    connection = m_state->next_connection++;
  }
  return std::unique_ptr<port::Server>(new FakeServer(m_state, connection, reply_timeout));
}

// --- inspection

FakeClock& FakeServer::clock() { return m_state->clock; }

void FakeServer::jump_server_clock(int64_t ms) {
  std::lock_guard lock(m_state->mutex);
  m_state->server_skew_ms += ms;
}

std::vector<model::HistoryEntry> FakeServer::entries() const {
  std::lock_guard lock(m_state->mutex);
  return values_of(m_state->entries);
}

std::vector<model::RunRecord> FakeServer::runs() const {
  std::lock_guard lock(m_state->mutex);
  return values_of(m_state->runs);
}

std::vector<port::Lease> FakeServer::leases() const {
  std::lock_guard lock(m_state->mutex);
  return values_of(m_state->leases);
}

std::vector<FakeRequest> FakeServer::requests() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->log;
}

std::vector<FakeRequest> FakeServer::requests_of(const std::string& op) const {
  std::vector<FakeRequest> out;
  for (auto& r : requests()) {
    if (r.op == op) out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> FakeServer::collections() const { return collections(m_state->options.database); }

std::vector<std::string> FakeServer::collections(const std::string& database) const {
  std::lock_guard lock(m_state->mutex);
  return m_state->catalog.names(database);
}

int64_t FakeServer::inserted(const std::string& database, const std::string& collection) const {
  std::lock_guard lock(m_state->mutex);
  auto it = m_state->inserted.find({database, collection});
  return it == m_state->inserted.end() ? 0 : it->second;
}

std::vector<int> FakeServer::transaction_attempts() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->transaction_attempts;
}

// --- faults

void FakeServer::refuse(int64_t k, int code, std::string message) {
  std::lock_guard lock(m_state->mutex);
  m_state->refusals[k] = {code, std::move(message)};
}

void FakeServer::lose_reply(int64_t k) {
  std::lock_guard lock(m_state->mutex);
  m_state->lost_replies.insert(k);
}

void FakeServer::transient_error_once(int64_t k) {
  std::lock_guard lock(m_state->mutex);
  m_state->transient_errors.insert(k);
}

void FakeServer::before_request(int64_t k, std::function<void()> hook) {
  std::lock_guard lock(m_state->mutex);
  m_state->hooks[k] = std::move(hook);
}

void FakeServer::before_nth_request_of(const std::string& op, int n, std::function<void()> hook) {
  std::lock_guard lock(m_state->mutex);
  m_state->hooks_by_op[{op, n}] = std::move(hook);
}

void FakeServer::fail_next_requests_of(const std::string& op, int n) {
  std::lock_guard lock(m_state->mutex);
  m_state->failing_ops[op] = n;
}

void FakeServer::set_write_count(int64_t n) {
  std::lock_guard lock(m_state->mutex);
  m_state->write_count = n;
}

// --- tampering and seeding

void FakeServer::put_entry(const model::HistoryEntry& entry) {
  std::lock_guard lock(m_state->mutex);
  m_state->create_collection(m_state->options.database, m_state->options.history_collection);
  m_state->entries[entry.rank] = stored(entry);
}

void FakeServer::put_run(const model::RunRecord& run) {
  std::lock_guard lock(m_state->mutex);
  m_state->create_collection(m_state->options.database, m_state->lock_collection);
  m_state->runs[run.lease] = stored(run);
}

void FakeServer::put_lease(const port::Lease& lease) {
  std::lock_guard lock(m_state->mutex);
  m_state->create_collection(m_state->options.database, m_state->lock_collection);
  m_state->leases[lease.id] = lease;
}

void FakeServer::put_collection(const std::string& database, const std::string& name) {
  std::lock_guard lock(m_state->mutex);
  m_state->create_collection(database, name);
}

void FakeServer::put_document(const std::string& database, const std::string& collection,
                              const bson::Document& document) {
  std::lock_guard lock(m_state->mutex);
  m_state->catalog.put(database, collection, document);
}

void FakeServer::release_all_leases() {
  std::lock_guard lock(m_state->mutex);
  for (auto& [id, lease] : m_state->leases) lease.released = true;
}

void FakeServer::delete_lease(int64_t id) {
  std::lock_guard lock(m_state->mutex);
  m_state->leases.erase(id);
}

void FakeServer::set_lease_expiry(int64_t id, int64_t expires_ms) {
  std::lock_guard lock(m_state->mutex);
  if (auto it = m_state->leases.find(id); it != m_state->leases.end()) it->second.expires_ms = expires_ms;
}

}  // namespace mongoway::testing
