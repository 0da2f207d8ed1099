#pragma once
// The history collection: a log with one document per action.

#include <optional>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "mongo/client.hpp"

namespace mongoway::mongo {

class HistoryStore {
 public:
  HistoryStore(Client& client, std::string database, std::string collection);

  // Every entry, ascending by rank, in one query.
  std::vector<model::HistoryEntry> read_all();
  // Creates the indexes the log needs; called once, before its first entry.
  void ensure_indexes();
  void insert(const model::HistoryEntry& entry);
  // Records how the action of entry `rank` ended.
  void finish(int64_t rank, bool success, int64_t execution_time_ms, const std::string& error);
  // In one ordered write: marks entry `rank` successful and writes `next`, the
  // unfinished entry of the version that runs next. `next` is written by an
  // upsert that only inserts ($setOnInsert), so an entry written by another
  // process is never overwritten (the write fails instead).
  void finish_and_start(int64_t rank, int64_t execution_time_ms, const model::HistoryEntry& next);
  void mark_repaired(const std::vector<int64_t>& ranks);

  const std::string& collection() const { return m_collection; }

  static bson::Document to_document(const model::HistoryEntry& entry);
  static model::HistoryEntry from_document(const bson::Document& doc);

 private:
  static void append_fields(bson_t* b, const model::HistoryEntry& entry);  // every field but _id

  Client& m_client;
  std::string m_database;
  std::string m_collection;
};

}  // namespace mongoway::mongo
