#include "exec/remembered_history.hpp"

#include <algorithm>

namespace mongoway::exec {

std::vector<model::HistoryEntry> RememberedHistory::read_log() {
  if (!m_log) m_log = ForwardingServer::read_log();
  return *m_log;
}

// The records there before this process (none on a new scratch database) are
// read once; from then on they live here.
std::vector<model::RunRecord> RememberedHistory::read_runs() {
  if (!m_runs) {
    m_runs.emplace();
    for (auto& run : ForwardingServer::read_runs()) m_runs->emplace(run.lease, std::move(run));
  }
  std::vector<model::RunRecord> out;
  out.reserve(m_runs->size());
  for (const auto& [lease, run] : *m_runs) out.push_back(run);
  return out;
}

void RememberedHistory::record_run(const model::RunRecord& run) {
  read_runs();
  (*m_runs)[run.lease] = run;
}

bool RememberedHistory::record_checkpoint(int64_t lease, const std::optional<model::Checkpoint>& checkpoint) {
  read_runs();
  const auto it = m_runs->find(lease);
  if (it == m_runs->end()) return false;
  it->second.checkpoint = checkpoint;
  return true;
}

void RememberedHistory::end_run(int64_t lease) {
  read_runs();
  m_runs->erase(lease);
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
