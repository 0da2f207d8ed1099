#pragma once
// The few server command documents mongoway itself sends for its history and lock.

#include <cstdint>
#include <string>

#include "bson/document.hpp"

namespace mongoway::mongo {

// {insert: coll, documents: [doc]}
bson::Document insert_one_command(const std::string& collection, const bson::Document& document);
// {update: coll, updates: [{q: filter, u: {$set: set}, multi}]}
bson::Document update_set_command(const std::string& collection, const bson::Document& filter,
                                  const bson::Document& set, bool multi = false);
// {update: coll, updates: [{q: filter, u: replacement, upsert: true}]}
bson::Document upsert_replace_command(const std::string& collection, const bson::Document& filter,
                                      const bson::Document& replacement);
// {delete: coll, deletes: [{q: filter, limit: 0}]}
bson::Document delete_many_command(const std::string& collection, const bson::Document& filter);
// {find: coll, filter, sort?, limit?, batchSize?}
bson::Document find_command(const std::string& collection, const bson::Document& filter, const bson::Document& sort,
                            int32_t limit = 0);
// {_id: id}
bson::Document id_filter(int64_t id);
// {listCollections: 1, nameOnly: true}
bson::Document list_collection_names_command();
// {listCollections: 1}: every field of every collection and view
bson::Document list_collections_command();
// {listDatabases: 1, nameOnly: true}
bson::Document list_database_names_command();
// {listIndexes: coll}
bson::Document list_indexes_command(const std::string& collection);
// {drop: coll}
bson::Document drop_command(const std::string& collection);

}  // namespace mongoway::mongo
