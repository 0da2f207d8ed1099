#include "mongo/history_store.hpp"

#include "mongo/history_codec.hpp"

namespace mongoway::mongo {

HistoryStore::HistoryStore(Client& client, std::string database, std::string collection)
    : m_server(client, std::move(database), collection, lock_collection_of(collection)) {}

bson::Document HistoryStore::to_document(const model::HistoryEntry& entry) { return entry_to_document(entry); }
model::HistoryEntry HistoryStore::from_document(const bson::Document& doc) { return entry_from_document(doc); }
bson::Document HistoryStore::to_document(const model::RunRecord& run) { return run_to_document(run); }
model::RunRecord HistoryStore::run_from_document(const bson::Document& doc) {
  return mongo::run_from_document(doc);
}

namespace {

void insert_in_rank_order(std::vector<model::HistoryEntry>& history, model::HistoryEntry entry) {
  const auto at = model::rank_position(history, entry.rank);
  history.insert(at, std::move(entry));
}

}  // namespace

std::vector<model::HistoryEntry> HistoryStore::read_all() {
  auto history = m_server.read_log();
  for (const auto& run : m_server.read_runs()) {
    if (auto e = model::running_entry(run, history)) insert_in_rank_order(history, std::move(*e));
  }
  return history;
}

std::vector<model::HistoryEntry> HistoryStore::read_and_adopt(int64_t own_lease) {
  auto history = m_server.read_log();
  for (const auto& run : m_server.read_runs()) {
    if (run.lease == own_lease) continue;
    // The entry first, then the record: cut in between, the next holder
    // finds the entry written and only deletes the record.
    if (auto e = model::running_entry(run, history)) {
      insert(*e);
      insert_in_rank_order(history, std::move(*e));
    }
    end_run(run.lease);
  }
  return history;
}

void HistoryStore::ensure_indexes() { m_server.ensure_history_indexes(); }
void HistoryStore::insert(const model::HistoryEntry& entry) { m_server.append(entry); }
void HistoryStore::record_run(const model::RunRecord& run) { m_server.record_run(run); }
void HistoryStore::end_run(int64_t lease) { m_server.end_run(lease); }
void HistoryStore::mark_repaired(const std::vector<int64_t>& ranks) { m_server.mark_repaired(ranks); }

}  // namespace mongoway::mongo
