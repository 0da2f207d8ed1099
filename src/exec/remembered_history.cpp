#include "exec/remembered_history.hpp"

#include <algorithm>

namespace mongoway::exec {

std::vector<model::HistoryEntry> RememberedHistory::read_log() {
  if (!m_log) m_log = ForwardingServer::read_log();
  return *m_log;
}

void RememberedHistory::append(const model::HistoryEntry& entry) {
  try {
    ForwardingServer::append(entry);
  } catch (...) {
    m_log.reset();
    throw;
  }
  if (m_log) m_log->insert(model::rank_position(*m_log, entry.rank), entry);
}

void RememberedHistory::mark_repaired(const std::vector<int64_t>& ranks) {
  try {
    ForwardingServer::mark_repaired(ranks);
  } catch (...) {
    m_log.reset();
    throw;
  }
  if (!m_log) return;
  for (auto& entry : *m_log) {
    if (std::find(ranks.begin(), ranks.end(), entry.rank) != ranks.end()) entry.repaired = true;
  }
}

void RememberedHistory::with_transaction(const std::function<void()>& body) {
  const std::optional<std::vector<model::HistoryEntry>> before = m_log;
  try {
    ForwardingServer::with_transaction([&] {
      m_log = before;  // the driver may run the body again: from the state before it
      body();
    });
  } catch (...) {
    m_log.reset();
    throw;
  }
}

}  // namespace mongoway::exec
