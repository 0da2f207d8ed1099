#pragma once
// Reads the schema fingerprint of any database of a server through the port:
// listCollections, then listIndexes of each collection (not of views) and,
// with data, each collection's documents ascending by _id.

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

// Every ObjectId named by a command of the loaded files (V and U).
std::set<std::string> object_ids_named_by(const script::LoadResult& files);

}  // namespace mongoway::exec
