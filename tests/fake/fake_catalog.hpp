#pragma once
// What the fake server keeps of its databases: each collection and view with
// the options it was created with, its indexes and the documents inserted
// into it, as the commands it receives make them. Enough for the engine's
// tests and the schema fingerprint; updates and deletes change the documents
// their filters match, for the filters and updates fake_query.hpp evaluates.
// Not thread-safe: FakeServer holds its lock around every call.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::testing {

struct FakeCollection {
  std::string type = "collection";  // collection, view or timeseries
  bson::Document options;           // as given to `create`, the command's own fields left out
  std::vector<bson::Document> indexes;
  std::vector<bson::Document> documents;  // in insertion order
  int64_t uuid = 0;                       // tells one creation from another
};

class FakeCatalog {
 public:
  // Whether the collection (or view) exists.
  bool has(const std::string& database, const std::string& name) const;
  // Names of a database's collections and views, sorted.
  std::vector<std::string> names(const std::string& database) const;

  // Made implicitly (an insert, an index, the history): a plain collection
  // with its _id index. Nothing happens when it exists.
  void ensure(const std::string& database, const std::string& name);
  void remove(const std::string& database, const std::string& name);
  void rename(const std::string& from_db, const std::string& from, const std::string& to_db, const std::string& to);
  void drop_database(const std::string& database);

  // The commands that change what is kept: create, createIndexes,
  // dropIndexes, collMod, insert. Refusals throw port::ServerError.
  void create(const std::string& database, const bson::Document& command);
  // Answers as MongoDB: {createdCollectionAutomatically, numIndexesBefore, numIndexesAfter}.
  bson::Document create_indexes(const std::string& database, const bson::Document& command);
  void drop_indexes(const std::string& database, const bson::Document& command);
  void coll_mod(const std::string& database, const bson::Document& command);
  void insert(const std::string& database, const bson::Document& command);
  // delete: the documents its statements' filters match (fake_query.hpp);
  // nullopt, and nothing removed, for a filter the fake cannot evaluate.
  std::optional<int64_t> delete_matching(const std::string& database, const bson::Document& command);
  // update: {n, nModified}, its statements applied to the documents their
  // filters match; nullopt, and nothing changed, for a filter or an update
  // the fake cannot evaluate, or a collection without documents.
  std::optional<std::pair<int64_t, int64_t>> update_matching(const std::string& database,
                                                             const bson::Document& command);
  // count: the documents its query matches (every one without a query).
  int64_t count(const std::string& database, const bson::Document& command) const;
  // {_id: …} of each document `filter` matches, ascending by _id (a find's
  // `_id`s); refused for a filter the fake cannot evaluate.
  std::vector<bson::Document> ids_matching(const std::string& database, const std::string& name,
                                           const bson::Document& filter) const;
  // One document put in as it is (a test writing another tool's record).
  void put(const std::string& database, const std::string& name, const bson::Document& document);

  // listCollections' documents, as MongoDB writes them.
  std::vector<bson::Document> specs(const std::string& database) const;
  // listIndexes' documents; refused on a view, as by MongoDB.
  std::vector<bson::Document> indexes(const std::string& database, const std::string& name) const;
  // The documents, ascending by _id (BSON's order of types, then values).
  std::vector<bson::Document> documents_by_id(const std::string& database, const std::string& name) const;

 private:
  FakeCollection* find(const std::string& database, const std::string& name);
  std::map<std::string, std::map<std::string, FakeCollection>> m_databases;
  int64_t m_next_uuid = 1;
};

}  // namespace mongoway::testing
