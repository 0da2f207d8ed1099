#pragma once
// The history collection: a log with one document per action, only ever
// appended to by a run; and the records of runs in progress, kept in the lock
// collection (see model::RunRecord). The requests are MongoServer's; this
// class only adds the reading of unfinished entries and their adoption.

#include <optional>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "mongo/client.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::mongo {

class HistoryStore {
 public:
  HistoryStore(Client& client, std::string database, std::string collection);

  // The lock collection of a history collection: NAME_lock.
  static std::string lock_collection_of(const std::string& history_collection) {
    return port::lock_collection_of(history_collection);
  }

  // Every entry, ascending by rank, with the unfinished entry of each run
  // record that stands for one (a run in progress, or one cut short); two
  // queries whatever the length of the history.
  std::vector<model::HistoryEntry> read_all();
  // The same, for the holder of lease `own_lease`: the unfinished entries of
  // other leases' run records are first written into the history and those
  // records deleted, so that the history itself tells the truth from then on.
  std::vector<model::HistoryEntry> read_and_adopt(int64_t own_lease);

  // Creates the indexes the log needs; called once, before its first entry.
  void ensure_indexes();
  // Appends one entry (an insert: an existing rank is never overwritten).
  void insert(const model::HistoryEntry& entry);
  // Writes (or replaces) the record of the run of `run.lease`.
  void record_run(const model::RunRecord& run);
  // Deletes the record of the run of `lease`: the run has ended.
  void end_run(int64_t lease);
  void mark_repaired(const std::vector<int64_t>& ranks);

  const std::string& collection() const { return m_server.history_collection(); }

  // The documents (see history_codec.hpp).
  static bson::Document to_document(const model::HistoryEntry& entry);
  static model::HistoryEntry from_document(const bson::Document& doc);
  static bson::Document to_document(const model::RunRecord& run);
  static model::RunRecord run_from_document(const bson::Document& doc);

 private:
  MongoServer m_server;
};

}  // namespace mongoway::mongo
