#pragma once
// The history log of a database that only this process writes (a scratch
// database), read from the server once and then kept in memory: every entry
// this process appends or marks repaired is applied to the copy as the server
// accepts it.
//
// Why: verify runs the engine three times per version on its scratch
// database, and every run reads the whole log, which grows by three entries
// per version; read from the server each time, that made verify quadratic in
// the number of versions.
//
// The copy is never trusted after a request that failed (its write may or may
// not have happened): it is dropped and the next read goes to the server. A
// transaction's appends are kept only once it commits, and a transaction run
// again by the driver starts from the copy as it was before it.

#include <optional>

#include "exec/forwarding_server.hpp"

namespace mongoway::exec {

class RememberedHistory final : public ForwardingServer {
 public:
  using ForwardingServer::ForwardingServer;

  std::vector<model::HistoryEntry> read_log() override;
  void append(const model::HistoryEntry& entry) override;
  void mark_repaired(const std::vector<int64_t>& ranks) override;
  void with_transaction(const std::function<void()>& body) override;

 private:
  std::optional<std::vector<model::HistoryEntry>> m_log;  // nullopt: read it from the server
};

}  // namespace mongoway::exec
