#include "exec/metrics.hpp"

#include <algorithm>
#include <chrono>

#include "util/redact.hpp"

namespace mongoway::exec {
namespace {

constexpr double kNsPerSecond = 1e9;
constexpr double kMsPerSecond = 1e3;

int64_t count_in(const plan::Status& status, State state) {
  return std::count_if(status.versions.begin(), status.versions.end(),
                       [state](const plan::VersionStatus& v) { return v.state == state; });
}

// The newest time a version was applied, baselined or undone, as the history shows.
std::optional<double> newest_success(const plan::Status& status) {
  std::optional<model::TimePoint> newest;
  for (const auto& v : status.versions) {
    const bool succeeded = v.state == State::applied || v.state == State::baseline || v.state == State::undone;
    if (!succeeded || !v.installed_on || *v.installed_on == model::TimePoint{}) continue;
    if (!newest || *v.installed_on > *newest) newest = v.installed_on;
  }
  if (!newest) return std::nullopt;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(newest->time_since_epoch()).count();
  return static_cast<double>(ms) / kMsPerSecond;
}

}  // namespace

Outcome outcome_of(const RunResult& result) {
  const bool success = std::all_of(result.steps.begin(), result.steps.end(),
                                   [](const StepResult& s) { return s.success; });
  return {success, !result.dry_run && !result.steps.empty()};
}
Outcome outcome_of(const InfoResult& result) { return {result.valid(), false}; }
Outcome outcome_of(const ValidateResult& result) { return {result.ok, false}; }
Outcome outcome_of(const RepairResult& result) { return {true, !result.dry_run && !result.changes.empty()}; }
Outcome outcome_of(const RemoveResult& /*result*/) { return {true, false}; }
Outcome outcome_of(const UnlockResult& /*result*/) { return {true, false}; }
Outcome outcome_of(const std::vector<HistoryRecord>& /*result*/) { return {true, false}; }
Outcome outcome_of(const SnapshotResult& /*result*/) { return {true, false}; }
Outcome outcome_of(const DiffResult& result) { return {result.differences.empty(), false}; }
Outcome outcome_of(const std::vector<std::string>& /*dropped*/) { return {true, true}; }

CommandMetrics::CommandMetrics(Engine& engine, std::string command)
    : m_engine(engine), m_command(std::move(command)), m_start_ns(engine.clock.now_ns()) {
  m_engine.last_status.reset();
  m_engine.files_read = false;
}

void CommandMetrics::ended(Outcome outcome) {
  DatabaseMetrics metrics = measured(outcome.success);
  report(std::move(metrics), status(outcome.wrote || !m_engine.last_status));
}

void CommandMetrics::failed(ExitCode code) {
  DatabaseMetrics metrics = measured(false);
  // Reaching a server again that was not reached would wait as long again.
  const bool unreachable = code == ExitCode::connection || (code == ExitCode::usage && !m_engine.connected());
  report(std::move(metrics), unreachable ? std::nullopt : status(true));
}

DatabaseMetrics CommandMetrics::measured(bool success) const {
  DatabaseMetrics m;
  m.command = m_command;
  m.cluster = uri_hosts(m_engine.config.uri);
  m.database = m_engine.config.database;
  m.last_run_duration_seconds = static_cast<double>(m_engine.clock.now_ns() - m_start_ns) / kNsPerSecond;
  m.last_run_success = success;
  if (success) m.last_success_timestamp_seconds = static_cast<double>(m_engine.clock.system_ms()) / kMsPerSecond;
  return m;
}

std::optional<plan::Status> CommandMetrics::status(bool read_again) const {
  if (!read_again) return m_engine.last_status;
  try {
    // A command that never read the files (unlock, history) has none to count pending ones from.
    if (!m_engine.files_read) m_engine.read_files();
    return m_engine.read_status();
  } catch (const Error& e) {
    m_engine.debug(std::string("metrics: the history could not be read: ") + e.what());
    return std::nullopt;
  }
}

void CommandMetrics::report(DatabaseMetrics metrics, const std::optional<plan::Status>& status) const {
  if (status) {
    metrics.current_version = status->current_version;
    metrics.pending_versions = count_in(*status, State::pending);
    metrics.failed_versions = count_in(*status, State::failed);
    if (!metrics.last_run_success) metrics.last_success_timestamp_seconds = newest_success(*status);
  }
  m_engine.listener.metrics(metrics);
}

}  // namespace mongoway::exec
