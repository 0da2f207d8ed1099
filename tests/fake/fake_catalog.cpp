#include "fake_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>

#include "bson/bson_util.hpp"
#include "port/server.hpp"

namespace mongoway::testing {
namespace {

// MongoDB's codes for these refusals.
constexpr int kIndexNotFound = 27;
constexpr int kNamespaceNotFound = 26;
constexpr int kCommandNotSupportedOnView = 166;

// Fields every command may carry, which are not the collection's options.
bool is_generic_field(std::string_view key) {
  static const std::set<std::string_view> generic = {"writeConcern", "comment",          "lsid",     "$db", "txnNumber",
                                                     "autocommit",   "startTransaction", "maxTimeMS"};
  return generic.count(key) > 0;
}

// The command's fields after its first (the command name and its collection).
bson::Document fields_after_first(const bson::Document& command) {
  bson::Document out;
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get()) || !bson_iter_next(&it)) return out;
  while (bson_iter_next(&it)) {
    if (!is_generic_field(bson::iter_key(it))) bson::append_value(out, bson::iter_key(it), it);
  }
  return out;
}

std::string first_string(const bson::Document& command) {
  bson_iter_t it;
  if (bson_iter_init(&it, command.get()) && bson_iter_next(&it)) return bson::iter_string(it);
  return {};
}

bson::Document id_index() {
  return bson::Document::adopt(
      BCON_NEW("v", BCON_INT32(2), "key", "{", "_id", BCON_INT32(1), "}", "name", BCON_UTF8("_id_")));
}

std::string string_of(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) ? bson::iter_string(it) : std::string();
}

// {v: 2, then the spec as given}, as listIndexes shows an index.
bson::Document stored_index(const bson::Document& spec) {
  bson::Document out = bson::Document::adopt(BCON_NEW("v", BCON_INT32(2)));
  bson_iter_t it;
  if (bson_iter_init(&it, spec.get())) {
    while (bson_iter_next(&it)) {
      if (bson::iter_key(it) != "v") bson::append_value(out, bson::iter_key(it), it);
    }
  }
  return out;
}

// The document with `key` set to the value at `value` (added last when absent).
bson::Document with_field(const bson::Document& doc, std::string_view key, const bson_iter_t& value) {
  bson::Document out;
  bool replaced = false;
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get())) {
    while (bson_iter_next(&it)) {
      if (bson::iter_key(it) == key) {
        bson::append_value(out, key, value);
        replaced = true;
      } else {
        bson::append_value(out, bson::iter_key(it), it);
      }
    }
  }
  if (!replaced) bson::append_value(out, key, value);
  return out;
}

// BSON's order of types for sorting (MongoDB's comparison order).
int type_rank(bson_type_t type) {
  switch (type) {
    case BSON_TYPE_MINKEY: return 0;
    case BSON_TYPE_NULL: return 1;
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
    case BSON_TYPE_DOUBLE:
    case BSON_TYPE_DECIMAL128: return 2;
    case BSON_TYPE_UTF8:
    case BSON_TYPE_SYMBOL: return 3;
    case BSON_TYPE_DOCUMENT: return 4;
    case BSON_TYPE_ARRAY: return 5;
    case BSON_TYPE_BINARY: return 6;
    case BSON_TYPE_OID: return 7;
    case BSON_TYPE_BOOL: return 8;
    case BSON_TYPE_DATE_TIME: return 9;
    case BSON_TYPE_TIMESTAMP: return 10;
    case BSON_TYPE_REGEX: return 11;
    case BSON_TYPE_MAXKEY: return 13;
    default: return 12;
  }
}

// Whether a's _id sorts before b's: types first, then values (numbers as
// numbers, strings and ObjectIds by their bytes, the rest by their text).
bool id_less(const bson::Document& a, const bson::Document& b) {
  bson_iter_t x, y;
  const bool has_x = bson::find_field(a, "_id", &x), has_y = bson::find_field(b, "_id", &y);
  if (!has_x || !has_y) return has_x < has_y;
  const int rx = type_rank(bson_iter_type(&x)), ry = type_rank(bson_iter_type(&y));
  if (rx != ry) return rx < ry;
  if (rx == 2) return bson_iter_as_double(&x) < bson_iter_as_double(&y);
  if (rx == 3) return bson::iter_string(x) < bson::iter_string(y);
  if (rx == 7) return bson_oid_compare(bson_iter_oid(&x), bson_iter_oid(&y)) < 0;
  bson::Document vx, vy;
  bson::append_value(vx, "v", x);
  bson::append_value(vy, "v", y);
  return vx.to_json(bson::JsonMode::canonical) < vy.to_json(bson::JsonMode::canonical);
}

// A document as the server stores it: an ObjectId _id first when it has none.
bson::Document with_id(const bson::Document& doc) {
  bson_iter_t it;
  if (bson::find_field(doc, "_id", &it)) return doc;
  bson::Document out;
  bson_oid_t oid;
  bson_oid_init(&oid, nullptr);
  BSON_APPEND_OID(out.mut(), "_id", &oid);
  if (bson_iter_init(&it, doc.get())) {
    while (bson_iter_next(&it)) bson::append_value(out, bson::iter_key(it), it);
  }
  return out;
}

}  // namespace

FakeCollection* FakeCatalog::find(const std::string& database, const std::string& name) {
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return nullptr;
  auto it = db->second.find(name);
  return it == db->second.end() ? nullptr : &it->second;
}

bool FakeCatalog::has(const std::string& database, const std::string& name) const {
  return const_cast<FakeCatalog*>(this)->find(database, name) !=
         nullptr;  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

std::vector<std::string> FakeCatalog::names(const std::string& database) const {
  std::vector<std::string> out;
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return out;
  for (const auto& [name, collection] : db->second) out.push_back(name);
  return out;
}

void FakeCatalog::ensure(const std::string& database, const std::string& name) {
  if (name.empty() || has(database, name)) return;
  FakeCollection collection;
  collection.indexes.push_back(id_index());
  collection.uuid = m_next_uuid++;
  m_databases[database].emplace(name, std::move(collection));
}

void FakeCatalog::remove(const std::string& database, const std::string& name) {
  auto db = m_databases.find(database);
  if (db != m_databases.end()) db->second.erase(name);
}

void FakeCatalog::rename(const std::string& from_db, const std::string& from, const std::string& to_db,
                         const std::string& to) {
  FakeCollection* source = find(from_db, from);
  if (source == nullptr) {
    throw port::ServerError(kNamespaceNotFound, fmt::format("source namespace {}.{} does not exist", from_db, from));
  }
  FakeCollection moved = std::move(*source);
  remove(from_db, from);
  m_databases[to_db].insert_or_assign(to, std::move(moved));
}

void FakeCatalog::drop_database(const std::string& database) { m_databases.erase(database); }

std::vector<std::string> FakeCatalog::databases() const {
  std::vector<std::string> out;
  for (const auto& [name, collections] : m_databases) {
    if (!collections.empty()) out.push_back(name);
  }
  return out;
}

// `create`: a collection with its options, a view (viewOn) or a time-series
// collection (timeseries). An existing one is left as it is.
void FakeCatalog::create(const std::string& database, const bson::Document& command) {
  const std::string name = first_string(command);
  if (name.empty() || has(database, name)) return;
  FakeCollection collection;
  collection.options = fields_after_first(command);
  bson_iter_t it;
  if (bson::find_field(collection.options, "viewOn", &it)) {
    collection.type = "view";
  } else {
    collection.type = bson::find_field(collection.options, "timeseries", &it) ? "timeseries" : "collection";
    collection.indexes.push_back(id_index());
  }
  collection.uuid = m_next_uuid++;
  m_databases[database].emplace(name, std::move(collection));
}

// createIndexes: each index not there yet by name is added.
bson::Document FakeCatalog::create_indexes(const std::string& database, const bson::Document& command) {
  const std::string name = first_string(command);
  if (FakeCollection* view = find(database, name); view != nullptr && view->type == "view") {
    throw port::ServerError(kCommandNotSupportedOnView, fmt::format("Namespace {}.{} is a view", database, name));
  }
  const bool created = !has(database, name);
  ensure(database, name);
  FakeCollection& collection = *find(database, name);
  const auto before = static_cast<int32_t>(collection.indexes.size());
  bson_iter_t it;
  if (bson::find_field(command, "indexes", &it)) {
    for (const auto& spec : bson::iter_documents(it)) {
      const std::string index = string_of(spec, "name");
      const bool exists = std::any_of(collection.indexes.begin(), collection.indexes.end(),
                                      [&](const bson::Document& each) { return string_of(each, "name") == index; });
      if (!exists) collection.indexes.push_back(stored_index(spec));
    }
  }
  bson::Document reply;
  bson::append_bool(reply, "createdCollectionAutomatically", created);
  bson::append_int32(reply, "numIndexesBefore", created ? 1 : before);
  bson::append_int32(reply, "numIndexesAfter", static_cast<int32_t>(collection.indexes.size()));
  return reply;
}

// dropIndexes: by name, a list of names, or "*" (every index but _id's).
void FakeCatalog::drop_indexes(const std::string& database, const bson::Document& command) {
  FakeCollection* collection = find(database, first_string(command));
  if (collection == nullptr) throw port::ServerError(kNamespaceNotFound, "ns not found");
  std::set<std::string> names;
  bson_iter_t it;
  if (bson::find_field(command, "index", &it) && BSON_ITER_HOLDS_ARRAY(&it)) {
    bson_iter_t child;
    bson_iter_recurse(&it, &child);
    while (bson_iter_next(&child)) names.insert(bson::iter_string(child));
  } else if (bson::find_field(command, "index", &it)) {
    names.insert(bson::iter_string(it));
  }
  auto& indexes = collection->indexes;
  for (const auto& name : names) {
    if (name == "*") continue;
    auto found = std::find_if(indexes.begin(), indexes.end(),
                              [&](const bson::Document& each) { return string_of(each, "name") == name; });
    if (found == indexes.end())
      throw port::ServerError(kIndexNotFound, fmt::format("index not found with name [{}]", name));
    indexes.erase(found);
  }
  if (names.count("*") > 0) {
    indexes.erase(std::remove_if(indexes.begin(), indexes.end(),
                                 [](const bson::Document& each) { return string_of(each, "name") != "_id_"; }),
                  indexes.end());
  }
}

// collMod: the options given replace the collection's; `index` changes one
// index's expireAfterSeconds or hidden.
void FakeCatalog::coll_mod(const std::string& database, const bson::Document& command) {
  FakeCollection* collection = find(database, first_string(command));
  if (collection == nullptr) throw port::ServerError(kNamespaceNotFound, "ns does not exist");
  const bson::Document changes = fields_after_first(command);
  bson_iter_t it;
  if (!bson_iter_init(&it, changes.get())) return;
  while (bson_iter_next(&it)) {
    if (bson::iter_key(it) != "index") {
      collection->options = with_field(collection->options, bson::iter_key(it), it);
      continue;
    }
    const bson::Document change = bson::iter_document(it);
    for (auto& index : collection->indexes) {
      if (string_of(index, "name") != string_of(change, "name")) continue;
      bson_iter_t field;
      if (!bson_iter_init(&field, change.get())) continue;
      while (bson_iter_next(&field)) {
        if (bson::iter_key(field) != "name") index = with_field(index, bson::iter_key(field), field);
      }
    }
  }
}

void FakeCatalog::insert(const std::string& database, const bson::Document& command) {
  const std::string name = first_string(command);
  ensure(database, name);
  FakeCollection& collection = *find(database, name);
  bson_iter_t it;
  if (!bson::find_field(command, "documents", &it)) return;
  for (const auto& doc : bson::iter_documents(it)) collection.documents.push_back(with_id(doc));
}

namespace {

// The _id values of a filter {_id: {$in: [...]}}, each as {_id: value}'s
// canonical text; nullopt for any other filter.
std::optional<std::set<std::string>> ids_in(const bson::Document& filter) {
  bson_iter_t it, in;
  if (!bson::find_field(filter, "_id", &it) || !BSON_ITER_HOLDS_DOCUMENT(&it)) return std::nullopt;
  if (!bson_iter_recurse(&it, &in) || !bson_iter_find(&in, "$in") || !BSON_ITER_HOLDS_ARRAY(&in)) return std::nullopt;
  std::set<std::string> ids;
  bson_iter_t value;
  bson_iter_recurse(&in, &value);
  while (bson_iter_next(&value)) {
    bson::Document id;
    bson::append_value(id, "_id", value);
    ids.insert(id.to_json(bson::JsonMode::canonical));
  }
  return ids;
}

std::string id_text(const bson::Document& document) {
  bson_iter_t it;
  bson::Document id;
  if (bson::find_field(document, "_id", &it)) bson::append_value(id, "_id", it);
  return id.to_json(bson::JsonMode::canonical);
}

}  // namespace

void FakeCatalog::delete_by_ids(const std::string& database, const bson::Document& command) {
  FakeCollection* collection = find(database, first_string(command));
  bson_iter_t it;
  if (collection == nullptr || !bson::find_field(command, "deletes", &it)) return;
  for (const auto& statement : bson::iter_documents(it)) {
    bson_iter_t q;
    if (!bson::find_field(statement, "q", &q) || !BSON_ITER_HOLDS_DOCUMENT(&q)) continue;
    const auto ids = ids_in(bson::iter_document(q));
    if (!ids) continue;
    auto& docs = collection->documents;
    docs.erase(std::remove_if(docs.begin(), docs.end(),
                              [&](const bson::Document& each) { return ids->count(id_text(each)) > 0; }),
               docs.end());
  }
}

int64_t FakeCatalog::count(const std::string& database, const bson::Document& command) const {
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return 0;
  auto found = db->second.find(first_string(command));
  if (found == db->second.end()) return 0;
  const auto& docs = found->second.documents;
  bson_iter_t q;
  if (!bson::find_field(command, "query", &q) || !BSON_ITER_HOLDS_DOCUMENT(&q))
    return static_cast<int64_t>(docs.size());
  const auto ids = ids_in(bson::iter_document(q));
  if (!ids) return static_cast<int64_t>(docs.size());
  return std::count_if(docs.begin(), docs.end(),
                       [&](const bson::Document& each) { return ids->count(id_text(each)) > 0; });
}

void FakeCatalog::put(const std::string& database, const std::string& name, const bson::Document& document) {
  ensure(database, name);
  find(database, name)->documents.push_back(with_id(document));
}

std::vector<bson::Document> FakeCatalog::specs(const std::string& database) const {
  std::vector<bson::Document> out;
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return out;
  for (const auto& [name, collection] : db->second) {
    bson::Document spec;
    bson::append_string(spec, "name", name);
    bson::append_string(spec, "type", collection.type);
    bson::append_document(spec, "options", collection.options);
    bson::Document info;
    bson::append_bool(info, "readOnly", collection.type == "view");
    if (collection.type != "view") {
      uint8_t uuid[16] = {};
      std::memcpy(uuid, &collection.uuid, sizeof collection.uuid);
      BSON_APPEND_BINARY(info.mut(), "uuid", BSON_SUBTYPE_UUID, uuid, sizeof uuid);
    }
    bson::append_document(spec, "info", info);
    if (collection.type == "collection") bson::append_document(spec, "idIndex", id_index());
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<bson::Document> FakeCatalog::indexes(const std::string& database, const std::string& name) const {
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return {};
  auto it = db->second.find(name);
  if (it == db->second.end()) return {};
  if (it->second.type == "view") {
    throw port::ServerError(kCommandNotSupportedOnView,
                            fmt::format("Namespace {}.{} is a view, not a collection", database, name));
  }
  return it->second.indexes;
}

std::vector<bson::Document> FakeCatalog::documents_by_id(const std::string& database, const std::string& name) const {
  auto db = m_databases.find(database);
  if (db == m_databases.end()) return {};
  auto it = db->second.find(name);
  if (it == db->second.end()) return {};
  std::vector<bson::Document> out = it->second.documents;
  std::stable_sort(out.begin(), out.end(), id_less);
  return out;
}

}  // namespace mongoway::testing
