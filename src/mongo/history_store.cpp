#include "mongo/history_store.hpp"

#include <mongoc/mongoc.h>

#include <algorithm>

#include "mongo/commands.hpp"

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
  append_fields(b, e);
  return d;
}

void HistoryStore::append_fields(bson_t* b, const model::HistoryEntry& e) {
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
  // Sorted here, not by the server: a server without a usable index for the
  // sort (FerretDB) need not sort, and the reply is read whole anyway.
  auto cmd = find_command(m_collection, bson::Document{}, bson::Document{});
  std::vector<model::HistoryEntry> out;
  for (const auto& doc : m_client.run_cursor(m_database, cmd)) out.push_back(from_document(doc));
  std::stable_sort(out.begin(), out.end(),
                   [](const model::HistoryEntry& a, const model::HistoryEntry& b) { return a.rank < b.rank; });
  return out;
}

void HistoryStore::ensure_indexes() {
  m_client.run(m_database, bson::Document::adopt(BCON_NEW("createIndexes", BCON_UTF8(m_collection.c_str()), "indexes",
                                                         "[", "{", "key", "{", "version", BCON_INT32(1), "}", "name",
                                                         BCON_UTF8("version_1"), "}", "]")));
}

void HistoryStore::insert(const model::HistoryEntry& entry) {
  m_client.run_write(m_database, insert_one_command(m_collection, to_document(entry)));
}

void HistoryStore::finish(int64_t rank, bool success, int64_t execution_time_ms, const std::string& error) {
  auto set = bson::Document::adopt(BCON_NEW("success", BCON_BOOL(success), "finished", BCON_BOOL(true),
                                            "execution_time_ms", BCON_INT64(execution_time_ms)));
  if (!error.empty()) BSON_APPEND_UTF8(set.mut(), "error", error.c_str());
  m_client.run_write(m_database, update_set_command(m_collection, id_filter(rank), set));
}

void HistoryStore::finish_and_start(int64_t rank, int64_t execution_time_ms, const model::HistoryEntry& next) {
  auto set = bson::Document::adopt(BCON_NEW("success", BCON_BOOL(true), "finished", BCON_BOOL(true),
                                            "execution_time_ms", BCON_INT64(execution_time_ms)));
  // The next entry is written with $setOnInsert: if an entry with its rank
  // exists already (another process's), it is left as it is and no upsert is
  // reported, which is checked below.
  bson::Document next_fields;
  append_fields(next_fields.mut(), next);
  auto cmd = bson::Document::adopt(BCON_NEW(
      "update", BCON_UTF8(m_collection.c_str()), "updates", "[",
      "{", "q", "{", "_id", BCON_INT64(rank), "}", "u", "{", "$set", BCON_DOCUMENT(set.get()), "}", "}",
      "{", "q", "{", "_id", BCON_INT64(next.rank), "}", "u", "{", "$setOnInsert", BCON_DOCUMENT(next_fields.get()),
      "}", "upsert", BCON_BOOL(true), "}",
      "]", "ordered", BCON_BOOL(true)));
  auto reply = m_client.run_write(m_database, cmd);
  // The finish matched, and the start was inserted (not found): `n` counts
  // both, and `upserted` names the new entry. (Its `index` is not checked:
  // some servers count upserts there instead of statements.)
  bson_iter_t it;
  const int64_t n = bson_iter_init_find(&it, reply.get(), "n") ? bson_iter_as_int64(&it) : 0;
  bool upserted = false;
  bson_iter_t arr, entry;
  if (bson_iter_init_find(&it, reply.get(), "upserted") && BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &arr)) {
    while (bson_iter_next(&arr)) {
      if (BSON_ITER_HOLDS_DOCUMENT(&arr) && bson_iter_recurse(&arr, &entry) && bson_iter_find(&entry, "_id") &&
          bson_iter_as_int64(&entry) == next.rank) {
        upserted = true;
      }
    }
  }
  if (n != 2 || !upserted) {
    throw ServerError(0, "the history write did not take effect (another process may have written the history); "
                         "run `mongoway info` to see the state");
  }
}

void HistoryStore::mark_repaired(const std::vector<int64_t>& ranks) {
  if (ranks.empty()) return;
  bson::Document filter;
  bson_t id, in;
  BSON_APPEND_DOCUMENT_BEGIN(filter.mut(), "_id", &id);
  BSON_APPEND_ARRAY_BEGIN(&id, "$in", &in);
  for (size_t i = 0; i < ranks.size(); ++i) BSON_APPEND_INT64(&in, std::to_string(i).c_str(), ranks[i]);
  bson_append_array_end(&id, &in);
  bson_append_document_end(filter.mut(), &id);
  m_client.run_write(m_database, update_set_command(m_collection, filter,
                                                    bson::Document::adopt(BCON_NEW("repaired", BCON_BOOL(true))),
                                                    /*multi=*/true));
}

}  // namespace mongoway::mongo
