#pragma once
// The history of a database that only this process uses and that is dropped
// after the run (a scratch database). Its log is read from the server once
// and then kept in memory: every entry this process appends or marks repaired
// is applied to the copy as the server accepts it. Its run records are kept
// in memory only, never sent: they exist so that another process can tell a
// run cut short, and no other process reads this database.
//
// Why: verify runs the engine three times per version on its scratch
// database. Every run reads the whole log, which grows by three entries per
// version (read from the server each time, that made verify quadratic in the
// number of versions), and writes, reads and deletes a run record (three
// requests per run, as many as the version's own commands on most sets).
//
// The copy is never trusted after a request that failed (its write may or may
// not have happened): it is dropped and the next read goes to the server. A
// transaction's appends are kept only once it commits, and a transaction run
// again by the driver starts from the copy as it was before it.

#include <map>
#include <optional>

#include "exec/forwarding_server.hpp"

namespace mongoway::exec {

class RememberedHistory final : public ForwardingServer {
 public:
  using ForwardingServer::ForwardingServer;

  std::vector<model::HistoryEntry> read_log() override;
  std::vector<model::RunRecord> read_runs() override;
  void record_run(const model::RunRecord& run) override;
  bool record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) override;
  void end_run(int64_t lease) override;
  void append(const model::HistoryEntry& entry) override;
  void mark_repaired(const std::vector<int64_t>& ranks) override;
  void with_transaction(const std::function<void()>& body) override;

 private:
  std::optional<std::vector<model::HistoryEntry>> m_log;      // nullopt: read it from the server
  std::optional<std::map<int64_t, model::RunRecord>> m_runs;  // by lease; nullopt: not read yet
};

}  // namespace mongoway::exec
