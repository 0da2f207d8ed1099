#pragma once
// What the fake server keeps of its databases: each collection and view with
// the options it was created with, its indexes and the documents inserted
// into it, as the commands it receives make them. Enough for the engine's
// tests and the schema fingerprint; updates leave the documents as they
// are, and a delete removes only those its filter names by `_id` ($in).
// Not thread-safe: FakeServer holds its lock around every call.

#include <cstdint>
#include <map>
#include <string>
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
  // The databases that hold a collection or view, sorted.
  std::vector<std::string> databases() const;

  // The commands that change what is kept: create, createIndexes,
  // dropIndexes, collMod, insert. Refusals throw port::ServerError.
  void create(const std::string& database, const bson::Document& command);
  // Answers as MongoDB: {createdCollectionAutomatically, numIndexesBefore, numIndexesAfter}.
  bson::Document create_indexes(const std::string& database, const bson::Document& command);
  void drop_indexes(const std::string& database, const bson::Document& command);
  void coll_mod(const std::string& database, const bson::Document& command);
  void insert(const std::string& database, const bson::Document& command);
  // delete: the statements whose filter is {_id: {$in: [...]}} (what a
  // derived undo sends) remove those documents; any other filter removes none.
  void delete_by_ids(const std::string& database, const bson::Document& command);
  // count: every document, or those whose _id is in the query's {_id: {$in: [...]}}.
  int64_t count(const std::string& database, const bson::Document& command) const;
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
