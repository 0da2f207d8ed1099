#include "fake_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>

#include "bson/bson_util.hpp"
#include "fake_query.hpp"
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

// Whether a's _id sorts before b's, in MongoDB's order.
bool id_less(const bson::Document& a, const bson::Document& b) {
  bson_iter_t x, y;
  const bool has_x = bson::find_field(a, "_id", &x), has_y = bson::find_field(b, "_id", &y);
  if (!has_x || !has_y) return has_x < has_y;
  return compare_values(x, y) < 0;
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

// The statements of a write command ("updates", "deletes"), with their filter.
struct Statement {
  bson::Document q;
  bson::Document rest;  // the statement whole
};

std::vector<Statement> statements_of(const bson::Document& command, const char* key) {
  std::vector<Statement> out;
  bson_iter_t it;
  if (!bson::find_field(command, key, &it)) return out;
  for (auto& statement : bson::iter_documents(it)) {
    bson_iter_t q;
    Statement s;
    if (bson::find_field(statement, "q", &q) && BSON_ITER_HOLDS_DOCUMENT(&q)) s.q = bson::iter_document(q);
    s.rest = std::move(statement);
    out.push_back(std::move(s));
  }
  return out;
}

// Whether every document's match is known; `matched` gets their places.
bool match_all(const std::vector<bson::Document>& docs, const bson::Document& filter, std::vector<size_t>& matched) {
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto result = matches(docs[i], filter);
    if (!result) return false;
    if (*result) matched.push_back(i);
  }
  return true;
}

}  // namespace

std::optional<int64_t> FakeCatalog::delete_matching(const std::string& database, const bson::Document& command) {
  FakeCollection* collection = find(database, first_string(command));
  if (collection == nullptr) return 0;
  int64_t n = 0;
  for (const auto& statement : statements_of(command, "deletes")) {
    std::vector<size_t> matched;
    auto& docs = collection->documents;
    if (!match_all(docs, statement.q, matched)) return std::nullopt;
    bson_iter_t limit;
    if (bson::find_field(statement.rest, "limit", &limit) && bson_iter_as_int64(&limit) == 1 && matched.size() > 1) {
      matched.resize(1);
    }
    for (auto it = matched.rbegin(); it != matched.rend(); ++it) docs.erase(docs.begin() + static_cast<long>(*it));
    n += static_cast<int64_t>(matched.size());
  }
  return n;
}

std::optional<std::pair<int64_t, int64_t>> FakeCatalog::update_matching(const std::string& database,
                                                                        const bson::Document& command) {
  FakeCollection* collection = find(database, first_string(command));
  if (collection == nullptr || collection->documents.empty()) return std::nullopt;
  std::vector<bson::Document> docs = collection->documents;
  int64_t n = 0, modified = 0;
  for (const auto& statement : statements_of(command, "updates")) {
    std::vector<size_t> matched;
    bson_iter_t u;
    if (!match_all(docs, statement.q, matched) || !bson::find_field(statement.rest, "u", &u) ||
        !BSON_ITER_HOLDS_DOCUMENT(&u)) {
      return std::nullopt;
    }
    for (size_t i : matched) {
      auto after = updated(docs[i], bson::iter_document(u));
      if (!after) return std::nullopt;
      if (!(*after == docs[i])) ++modified;
      docs[i] = std::move(*after);
    }
    n += static_cast<int64_t>(matched.size());
  }
  collection->documents = std::move(docs);
  return std::make_pair(n, modified);
}

std::vector<bson::Document> FakeCatalog::ids_matching(const std::string& database, const std::string& name,
                                                      const bson::Document& filter) const {
  std::vector<bson::Document> out;
  for (const auto& doc : documents_by_id(database, name)) {
    const auto result = matches(doc, filter);
    if (!result) throw port::ServerError(2, "the fake server cannot evaluate this filter");
    bson_iter_t id;
    if (*result && bson::find_field(doc, "_id", &id)) {
      bson::Document only;
      bson::append_value(only, "_id", id);
      out.push_back(std::move(only));
    }
  }
  return out;
}

int64_t FakeCatalog::count(const std::string& database, const bson::Document& command) const {
  bson_iter_t q;
  bson::Document filter;
  if (bson::find_field(command, "query", &q) && BSON_ITER_HOLDS_DOCUMENT(&q)) filter = bson::iter_document(q);
  return static_cast<int64_t>(ids_matching(database, first_string(command), filter).size());
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
