#include "mongo/commands.hpp"

#include <bson/bson.h>

namespace mongoway::mongo {

bson::Document insert_one_command(const std::string& collection, const bson::Document& document) {
  return bson::Document::adopt(
      BCON_NEW("insert", BCON_UTF8(collection.c_str()), "documents", "[", BCON_DOCUMENT(document.get()), "]"));
}

bson::Document update_set_command(const std::string& collection, const bson::Document& filter,
                                  const bson::Document& set, bool multi) {
  return bson::Document::adopt(BCON_NEW("update", BCON_UTF8(collection.c_str()), "updates", "[", "{", "q",
                                        BCON_DOCUMENT(filter.get()), "u", "{", "$set", BCON_DOCUMENT(set.get()), "}",
                                        "multi", BCON_BOOL(multi), "}", "]"));
}

bson::Document upsert_replace_command(const std::string& collection, const bson::Document& filter,
                                      const bson::Document& replacement) {
  return bson::Document::adopt(BCON_NEW("update", BCON_UTF8(collection.c_str()), "updates", "[", "{", "q",
                                        BCON_DOCUMENT(filter.get()), "u", BCON_DOCUMENT(replacement.get()), "upsert",
                                        BCON_BOOL(true), "}", "]"));
}

bson::Document delete_many_command(const std::string& collection, const bson::Document& filter) {
  return bson::Document::adopt(BCON_NEW("delete", BCON_UTF8(collection.c_str()), "deletes", "[", "{", "q",
                                        BCON_DOCUMENT(filter.get()), "limit", BCON_INT32(0), "}", "]"));
}

bson::Document find_command(const std::string& collection, const bson::Document& filter, const bson::Document& sort,
                            int32_t limit) {
  auto cmd = bson::Document::adopt(
      BCON_NEW("find", BCON_UTF8(collection.c_str()), "filter", BCON_DOCUMENT(filter.get())));
  if (!sort.empty()) BSON_APPEND_DOCUMENT(cmd.mut(), "sort", sort.get());
  if (limit > 0) BSON_APPEND_INT32(cmd.mut(), "limit", limit);
  // The whole result in the first batch where the server allows it: one round trip.
  BSON_APPEND_INT32(cmd.mut(), "batchSize", limit > 0 ? limit : 100000);
  return cmd;
}

bson::Document id_filter(int64_t id) { return bson::Document::adopt(BCON_NEW("_id", BCON_INT64(id))); }

bson::Document list_collection_names_command() {
  return bson::Document::adopt(BCON_NEW("listCollections", BCON_INT32(1), "nameOnly", BCON_BOOL(true)));
}

bson::Document list_database_names_command() {
  return bson::Document::adopt(BCON_NEW("listDatabases", BCON_INT32(1), "nameOnly", BCON_BOOL(true)));
}

bson::Document list_collections_command() { return bson::Document::adopt(BCON_NEW("listCollections", BCON_INT32(1))); }

bson::Document list_indexes_command(const std::string& collection) {
  return bson::Document::adopt(BCON_NEW("listIndexes", BCON_UTF8(collection.c_str())));
}

bson::Document drop_command(const std::string& collection) {
  return bson::Document::adopt(BCON_NEW("drop", BCON_UTF8(collection.c_str())));
}

}  // namespace mongoway::mongo
