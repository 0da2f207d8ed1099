#include "mongo/mongo_server.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <algorithm>
#include <stdexcept>

#include "mongo/commands.hpp"
#include "mongo/history_codec.hpp"
#include "mongo/lease_codec.hpp"

namespace mongoway::mongo {
namespace {

// The server's code for a drop of a collection that is not there.
constexpr int kNamespaceNotFound = 26;

// Whether an update's reply says it matched exactly one document.
bool matched_one(const bson::Document& reply) {
  bson_iter_t it;
  return bson_iter_init_find(&it, reply.get(), "n") && BSON_ITER_HOLDS_NUMBER(&it) && bson_iter_as_int64(&it) == 1;
}

}  // namespace

MongoServer::MongoServer(const ClientOptions& options, std::string database, std::string history_collection)
    : m_options(options),
      m_owned(std::make_unique<Client>(options)),
      m_client(m_owned.get()),
      m_database(std::move(database)),
      m_history(std::move(history_collection)),
      m_lock(port::lock_collection_of(m_history)) {}

MongoServer::MongoServer(Client& client, std::string database, std::string history_collection,
                         std::string lock_collection)
    : m_client(&client),
      m_database(std::move(database)),
      m_history(std::move(history_collection)),
      m_lock(std::move(lock_collection)) {}

const port::ServerFacts& MongoServer::facts() {
  if (m_facts) return *m_facts;
  const ServerInfo& info = m_client->server_info();
  port::ServerFacts facts;
  facts.ferretdb = info.ferretdb;
  facts.supports_transactions = info.supports_transactions;
  facts.version = info.version;
  facts.kind = info.kind;
  facts.kind_version = info.kind_version;
  facts.topology = info.topology;
  facts.max_write_batch_size = info.max_write_batch_size;
  facts.max_bson_object_size = info.max_bson_object_size;
  m_facts = std::move(facts);
  return *m_facts;
}

int64_t MongoServer::time_ms() { return m_client->server_time_ms(); }

// --- the history

std::vector<model::HistoryEntry> MongoServer::read_log() {
  // Sorted here, not by the server: a server without a usable index for the
  // sort (FerretDB) need not sort, and the reply is read whole anyway.
  auto cmd = find_command(m_history, bson::Document{}, bson::Document{});
  std::vector<model::HistoryEntry> out;
  for (const auto& doc : m_client->run_cursor(m_database, cmd)) out.push_back(entry_from_document(doc));
  std::stable_sort(out.begin(), out.end(),
                   [](const model::HistoryEntry& a, const model::HistoryEntry& b) { return a.rank < b.rank; });
  return out;
}

std::vector<model::RunRecord> MongoServer::read_runs() {
  auto filter = bson::Document::adopt(BCON_NEW("_id", "{", "$lt", BCON_INT64(0), "}"));
  std::vector<model::RunRecord> out;
  for (const auto& doc : m_client->run_cursor(m_database, find_command(m_lock, filter, bson::Document{}))) {
    out.push_back(run_from_document(doc));
  }
  return out;
}

void MongoServer::ensure_history_indexes() {
  m_client->run(m_database, bson::Document::adopt(BCON_NEW("createIndexes", BCON_UTF8(m_history.c_str()), "indexes",
                                                           "[", "{", "key", "{", "version", BCON_INT32(1), "}", "name",
                                                           BCON_UTF8("version_1"), "}", "]")));
}

void MongoServer::append(const model::HistoryEntry& entry) {
  try {
    m_client->run_write(m_database, insert_one_command(m_history, entry_to_document(entry)));
  } catch (const port::ServerError& e) {
    if (e.server_code() != port::kDuplicateKey) throw;
    throw port::ServerError(e.server_code(),
                            fmt::format("history entry {} exists already: another process has written the history; "
                                        "run `mongoway info` to see the state",
                                        entry.rank));
  }
}

void MongoServer::mark_repaired(const std::vector<int64_t>& ranks) {
  if (ranks.empty()) return;
  bson::Document filter;
  bson_t id, in;
  BSON_APPEND_DOCUMENT_BEGIN(filter.mut(), "_id", &id);
  BSON_APPEND_ARRAY_BEGIN(&id, "$in", &in);
  for (size_t i = 0; i < ranks.size(); ++i) BSON_APPEND_INT64(&in, std::to_string(i).c_str(), ranks[i]);
  bson_append_array_end(&id, &in);
  bson_append_document_end(filter.mut(), &id);
  m_client->run_write(
      m_database, update_set_command(m_history, filter, bson::Document::adopt(BCON_NEW("repaired", BCON_BOOL(true))),
                                     /*multi=*/true));
}

void MongoServer::record_run(const model::RunRecord& run) {
  m_client->run_write(m_database, upsert_replace_command(m_lock, id_filter(-run.lease), run_to_document(run)));
}

// An update of the one field, not an upsert: a record another process has
// deleted (taking the run over) is never made again.
bool MongoServer::record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) {
  return matched_one(
      m_client->run_write(m_database, update_set_command(m_lock, id_filter(-lease), checkpoint_field(checkpoint))));
}

void MongoServer::end_run(int64_t lease) {
  m_client->run_write(m_database, delete_many_command(m_lock, id_filter(-lease)));
}

// --- leases

std::optional<port::Lease> MongoServer::newest_lease() {
  // Leases have positive _ids (a run's record has minus its lease's).
  auto cmd = find_command(m_lock, bson::Document::adopt(BCON_NEW("_id", "{", "$gt", BCON_INT64(0), "}")),
                          bson::Document::adopt(BCON_NEW("_id", BCON_INT32(-1))), 1);
  auto docs = m_client->run_cursor(m_database, cmd);
  if (docs.empty()) return std::nullopt;
  return lease_from_document(docs.front());
}

bool MongoServer::insert_lease(const port::Lease& lease) {
  try {
    m_client->run_write(m_database, insert_one_command(m_lock, lease_to_document(lease)));
    return true;
  } catch (const port::ServerError& e) {
    if (e.server_code() != port::kDuplicateKey) throw;
    return false;  // another process took this lease number first
  }
}

bool MongoServer::newer_lease_exists(int64_t id) {
  auto filter = bson::Document::adopt(BCON_NEW("_id", "{", "$gt", BCON_INT64(id), "}"));
  return !m_client->run_cursor(m_database, find_command(m_lock, filter, bson::Document{}, 1)).empty();
}

// Renews a lease, only if it is still the one this process took (same token),
// not released and not yet expired at `now` (server clock): a lease that
// `unlock` released, that `clean` or a person deleted, or that expired and may
// already be superseded is never revived. False when nothing matched.
bool MongoServer::renew_lease(const port::Lease& lease, int64_t now_ms, int64_t expires_ms) {
  auto filter = bson::Document::adopt(BCON_NEW("_id", BCON_INT64(lease.id), "token", BCON_UTF8(lease.token.c_str()),
                                               "released", BCON_BOOL(false), "expires_at", "{", "$gt",
                                               BCON_DATE_TIME(now_ms), "}"));
  auto set = bson::Document::adopt(BCON_NEW("expires_at", BCON_DATE_TIME(expires_ms)));
  return matched_one(m_client->run_write(m_database, update_set_command(m_lock, filter, set)));
}

bool MongoServer::release_lease(const port::Lease& lease) {
  // By number and token: a number can be taken again after the collection
  // was dropped (`clean`), and another process's lease is never released.
  auto filter = bson::Document::adopt(BCON_NEW("_id", BCON_INT64(lease.id), "token", BCON_UTF8(lease.token.c_str())));
  auto set = bson::Document::adopt(BCON_NEW("released", BCON_BOOL(true)));
  return matched_one(m_client->run_write(m_database, update_set_command(m_lock, filter, set)));
}

bool MongoServer::revoke_lease(const port::Lease& lease, int64_t now_ms) {
  auto filter = bson::Document::adopt(BCON_NEW("_id", BCON_INT64(lease.id), "token", BCON_UTF8(lease.token.c_str())));
  auto set = bson::Document::adopt(BCON_NEW("released", BCON_BOOL(true), "revoked_at", BCON_DATE_TIME(now_ms)));
  return matched_one(m_client->run_write(m_database, update_set_command(m_lock, filter, set)));
}

void MongoServer::delete_leases_below(int64_t id) {
  // Not the run records, whose _ids are negative.
  auto filter = bson::Document::adopt(BCON_NEW("_id", "{", "$gt", BCON_INT64(0), "$lt", BCON_INT64(id), "}"));
  m_client->run_write(m_database, delete_many_command(m_lock, filter));
}

// --- the database's collections

std::vector<std::string> MongoServer::list_collections() {
  std::vector<std::string> names;
  for (const auto& doc : m_client->run_cursor(m_database, list_collection_names_command())) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, doc.get(), "name") && BSON_ITER_HOLDS_UTF8(&it)) {
      names.emplace_back(bson_iter_utf8(&it, nullptr));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

void MongoServer::drop_collection(const std::string& name) {
  try {
    m_client->run(m_database, drop_command(name));
  } catch (const port::ServerError& e) {
    // Gone already (another `clean`, or never created): what was asked for.
    if (e.server_code() != kNamespaceNotFound) throw;
  }
}

// --- any database's schema and documents

std::vector<bson::Document> MongoServer::list_collection_specs(const std::string& database) {
  return m_client->run_cursor(database, list_collections_command());
}

std::vector<bson::Document> MongoServer::list_indexes(const std::string& database, const std::string& collection) {
  try {
    return m_client->run_cursor(database, list_indexes_command(collection));
  } catch (const port::ServerError& e) {
    // Dropped since it was listed, or never there: it has no index.
    if (e.server_code() != kNamespaceNotFound) throw;
    return {};
  }
}

void MongoServer::read_documents_by_id(const std::string& database, const std::string& collection,
                                       const std::function<void(const bson::Document&)>& each) {
  const auto sort = bson::Document::adopt(BCON_NEW("_id", BCON_INT32(1)));
  m_client->for_each_in_cursor(database, find_command(collection, bson::Document{}, sort), each);
}

void MongoServer::drop_database(const std::string& database) {
  m_client->run(database, bson::Document::adopt(BCON_NEW("dropDatabase", BCON_INT32(1))));
}

// --- migration commands

bson::Document MongoServer::send(const std::string& database, const bson::Document& command, port::Reply reply) {
  switch (reply) {
    case port::Reply::plain: return m_client->run(database, command);
    case port::Reply::write: return m_client->run_write(database, command);
    case port::Reply::cursor: m_client->run_cursor(database, command); return bson::Document{};
  }
  throw std::logic_error("unknown port::Reply");
}

void MongoServer::with_transaction(const std::function<void()>& body) { m_client->with_transaction(body); }

std::unique_ptr<port::Server> MongoServer::another(std::chrono::milliseconds reply_timeout) {
  if (!m_options) throw std::logic_error("MongoServer::another() on a borrowed Client");
  ClientOptions options = *m_options;
  options.socket_timeout = reply_timeout;
  return std::make_unique<MongoServer>(options, m_database, m_history);
}

}  // namespace mongoway::mongo
