#pragma once
// Reads the schema fingerprint of any database of a server through the port:
// listCollections, then listIndexes of each collection (not of views) and,
// with data, each collection's documents ascending by _id.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "exec/fingerprint.hpp"
#include "port/server.hpp"
#include "script/script.hpp"

namespace mongoway::exec {

struct ReadOptions {
  std::string history_collection;  // left out, with its lock collection
  bool data = false;               // also a digest of each collection's documents
  // With data: the ObjectIds the migration files name, kept as they are in
  // the digest (every other ObjectId compares equal).
  std::set<std::string> named_object_ids;
};

// The fingerprint of `database` (its version left at 0 for the caller to set).
Fingerprint read_fingerprint(port::Server& server, const std::string& database, const ReadOptions& options);

// Reads one database's fingerprint again and again while migrations change
// it (verify: three times per version): listCollections every time, but
// listIndexes and, with data, the documents only of the collections that may
// have changed since the last read — the ones the caller names, new ones, and
// ones whose listCollections entry changed (options, uuid); what was read of
// every other collection is kept. Faithful only while nothing but the
// commands the caller accounts for writes to the database (a scratch one).
class FingerprintReader {
 public:
  FingerprintReader(port::Server& server, std::string database, ReadOptions options);

  // `changed`: the collections the commands since the last read can have
  // changed (script::collections_changed_by); nullopt reads them all.
  Fingerprint read(const std::optional<std::set<std::string>>& changed = std::nullopt);

 private:
  struct Known {
    bson::Document entry;  // its listCollections document
    CollectionPrint print;
  };

  port::Server& m_server;
  std::string m_database;
  ReadOptions m_options;
  std::map<std::string, Known> m_known;  // by name, as last read
};

// Every ObjectId named by a command of the loaded files (V and U).
std::set<std::string> object_ids_named_by(const script::LoadResult& files);

}  // namespace mongoway::exec
