#include "mongo/history_store.hpp"

#include <mongoc/mongoc.h>

namespace mongoway::mongo {
namespace {

int64_t to_ms(model::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string get_string(const bson_iter_t& it) {
  return BSON_ITER_HOLDS_UTF8(&it) ? std::string(bson_iter_utf8(&it, nullptr)) : std::string();
}

}  // namespace

HistoryStore::HistoryStore(Client& client, std::string database, std::string collection)
    : m_client(client), m_database(std::move(database)), m_collection(std::move(collection)) {}

bson::Document HistoryStore::to_document(const model::HistoryEntry& e) {
  bson::Document d;
  bson_t* b = d.mut();
  BSON_APPEND_INT64(b, "_id", e.rank);
  BSON_APPEND_INT64(b, "version", e.version);
  BSON_APPEND_UTF8(b, "description", e.description.c_str());
  BSON_APPEND_UTF8(b, "script", e.script.c_str());
  BSON_APPEND_UTF8(b, "type", model::to_string(e.type));
  BSON_APPEND_UTF8(b, "checksum", e.checksum.c_str());
  BSON_APPEND_UTF8(b, "installed_by", e.installed_by.c_str());
  BSON_APPEND_DATE_TIME(b, "installed_on", to_ms(e.installed_on));
  BSON_APPEND_INT64(b, "execution_time_ms", e.execution_time_ms);
  BSON_APPEND_BOOL(b, "success", e.success);
  BSON_APPEND_BOOL(b, "finished", e.finished);
  BSON_APPEND_INT64(b, "lease", e.lease);
  if (e.repaired) BSON_APPEND_BOOL(b, "repaired", true);
  if (!e.error.empty()) BSON_APPEND_UTF8(b, "error", e.error.c_str());
  return d;
}

model::HistoryEntry HistoryStore::from_document(const bson::Document& doc) {
  model::HistoryEntry e;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return e;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "_id") e.rank = bson_iter_as_int64(&it);
    else if (key == "version") e.version = bson_iter_as_int64(&it);
    else if (key == "description") e.description = get_string(it);
    else if (key == "script") e.script = get_string(it);
    else if (key == "type") e.type = model::entry_type_from_string(get_string(it)).value_or(model::EntryType::migrate);
    else if (key == "checksum") e.checksum = get_string(it);
    else if (key == "installed_by") e.installed_by = get_string(it);
    else if (key == "installed_on" && BSON_ITER_HOLDS_DATE_TIME(&it))
      e.installed_on = model::TimePoint(std::chrono::milliseconds(bson_iter_date_time(&it)));
    else if (key == "execution_time_ms") e.execution_time_ms = bson_iter_as_int64(&it);
    else if (key == "success") e.success = bson_iter_as_bool(&it);
    else if (key == "finished") e.finished = bson_iter_as_bool(&it);
    else if (key == "repaired") e.repaired = bson_iter_as_bool(&it);
    else if (key == "lease") e.lease = bson_iter_as_int64(&it);
    else if (key == "error") e.error = get_string(it);
  }
  return e;
}

std::vector<model::HistoryEntry> HistoryStore::read_all() {
  bson::Document find;
  BSON_APPEND_UTF8(find.mut(), "find", m_collection.c_str());
  bson_t sort;
  BSON_APPEND_DOCUMENT_BEGIN(find.mut(), "sort", &sort);
  BSON_APPEND_INT32(&sort, "_id", 1);
  bson_append_document_end(find.mut(), &sort);
  BSON_APPEND_INT32(find.mut(), "batchSize", 100000);
  std::vector<model::HistoryEntry> out;
  for (const auto& doc : m_client.run_cursor(m_database, find)) out.push_back(from_document(doc));
  return out;
}

void HistoryStore::ensure_indexes() {
  bson::Document cmd;
  bson_t indexes, index, key;
  BSON_APPEND_UTF8(cmd.mut(), "createIndexes", m_collection.c_str());
  BSON_APPEND_ARRAY_BEGIN(cmd.mut(), "indexes", &indexes);
  BSON_APPEND_DOCUMENT_BEGIN(&indexes, "0", &index);
  BSON_APPEND_DOCUMENT_BEGIN(&index, "key", &key);
  BSON_APPEND_INT32(&key, "version", 1);
  bson_append_document_end(&index, &key);
  BSON_APPEND_UTF8(&index, "name", "version_1");
  bson_append_document_end(&indexes, &index);
  bson_append_array_end(cmd.mut(), &indexes);
  m_client.run(m_database, cmd);
}

void HistoryStore::insert(const model::HistoryEntry& entry) {
  bson::Document cmd;
  bson_t docs;
  BSON_APPEND_UTF8(cmd.mut(), "insert", m_collection.c_str());
  BSON_APPEND_ARRAY_BEGIN(cmd.mut(), "documents", &docs);
  auto doc = to_document(entry);
  BSON_APPEND_DOCUMENT(&docs, "0", doc.get());
  bson_append_array_end(cmd.mut(), &docs);
  m_client.run_write(m_database, cmd);
}

void HistoryStore::finish(int64_t rank, bool success, int64_t execution_time_ms, const std::string& error) {
  bson::Document cmd;
  bson_t updates, update, q, u, set;
  BSON_APPEND_UTF8(cmd.mut(), "update", m_collection.c_str());
  BSON_APPEND_ARRAY_BEGIN(cmd.mut(), "updates", &updates);
  BSON_APPEND_DOCUMENT_BEGIN(&updates, "0", &update);
  BSON_APPEND_DOCUMENT_BEGIN(&update, "q", &q);
  BSON_APPEND_INT64(&q, "_id", rank);
  bson_append_document_end(&update, &q);
  BSON_APPEND_DOCUMENT_BEGIN(&update, "u", &u);
  BSON_APPEND_DOCUMENT_BEGIN(&u, "$set", &set);
  BSON_APPEND_BOOL(&set, "success", success);
  BSON_APPEND_BOOL(&set, "finished", true);
  BSON_APPEND_INT64(&set, "execution_time_ms", execution_time_ms);
  if (!error.empty()) BSON_APPEND_UTF8(&set, "error", error.c_str());
  bson_append_document_end(&u, &set);
  bson_append_document_end(&update, &u);
  bson_append_document_end(&updates, &update);
  bson_append_array_end(cmd.mut(), &updates);
  m_client.run_write(m_database, cmd);
}

void HistoryStore::mark_repaired(const std::vector<int64_t>& ranks) {
  if (ranks.empty()) return;
  bson::Document cmd;
  bson_t updates, update, q, id, in, u, set;
  BSON_APPEND_UTF8(cmd.mut(), "update", m_collection.c_str());
  BSON_APPEND_ARRAY_BEGIN(cmd.mut(), "updates", &updates);
  BSON_APPEND_DOCUMENT_BEGIN(&updates, "0", &update);
  BSON_APPEND_DOCUMENT_BEGIN(&update, "q", &q);
  BSON_APPEND_DOCUMENT_BEGIN(&q, "_id", &id);
  BSON_APPEND_ARRAY_BEGIN(&id, "$in", &in);
  for (size_t i = 0; i < ranks.size(); ++i) BSON_APPEND_INT64(&in, std::to_string(i).c_str(), ranks[i]);
  bson_append_array_end(&id, &in);
  bson_append_document_end(&q, &id);
  bson_append_document_end(&update, &q);
  BSON_APPEND_DOCUMENT_BEGIN(&update, "u", &u);
  BSON_APPEND_DOCUMENT_BEGIN(&u, "$set", &set);
  BSON_APPEND_BOOL(&set, "repaired", true);
  bson_append_document_end(&u, &set);
  bson_append_document_end(&update, &u);
  BSON_APPEND_BOOL(&update, "multi", true);
  bson_append_document_end(&updates, &update);
  bson_append_array_end(cmd.mut(), &updates);
  m_client.run_write(m_database, cmd);
}

}  // namespace mongoway::mongo
