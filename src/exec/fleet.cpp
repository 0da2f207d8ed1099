#include "exec/fleet.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>

#include "exec/stop.hpp"
#include "script/names.hpp"
#include "util/parallel.hpp"

namespace mongoway {

bool is_reserved_database(const std::string& name) {
  return name == "admin" || name == "local" || name == "config" || name.starts_with("mongoway_scratch_");
}

// Read from the text, as the user wrote it (the driver is not below the
// engine): the hosts between the scheme and the path, credentials left out,
// each with its port (27017 when it names none; an SRV name as it is).
std::string cluster_of(const std::string& uri) {
  const size_t scheme = uri.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t end = std::min(uri.find_first_of("/?", start), uri.size());
  std::string hosts = uri.substr(start, end - start);
  if (const size_t at = hosts.rfind('@'); at != std::string::npos) hosts.erase(0, at + 1);
  if (uri.starts_with("mongodb+srv://")) return hosts;
  std::string out;
  size_t from = 0;
  while (from <= hosts.size()) {
    const size_t comma = std::min(hosts.find(',', from), hosts.size());
    std::string host = hosts.substr(from, comma - from);
    const size_t bracket = host.rfind(']');
    if (host.find(':', bracket == std::string::npos ? 0 : bracket) == std::string::npos) host += ":27017";
    out += (out.empty() ? "" : ",") + host;
    from = comma + 1;
  }
  return out;
}

namespace {

// 130/143 > 5 > 4 > 1 > 3 > 2 > 6 > 0: a signal, then what the operator must
// act on first (a cluster not reached, a lock held, a refused command), then
// the files, the command line, the output. An unknown code ranks with 1.
int rank_of(int code) {
  switch (code) {
    case 0: return 0;
    case static_cast<int>(ExitCode::output): return 1;
    case static_cast<int>(ExitCode::usage): return 2;
    case static_cast<int>(ExitCode::invalid): return 3;
    case static_cast<int>(ExitCode::lock): return 5;
    case static_cast<int>(ExitCode::connection): return 6;
    case static_cast<int>(ExitCode::interrupted):
    case static_cast<int>(ExitCode::terminated): return 7;
    default: return 4;
  }
}

bool matches_any(const std::string& name, const std::vector<std::string>& globs) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return fnmatch(glob.c_str(), name.c_str(), 0) == 0; });
}

}  // namespace

int worse_exit_code(int a, int b) { return rank_of(b) > rank_of(a) ? b : a; }

int fleet_exit_code(const std::vector<FleetResult>& results) {
  int worst = 0;
  for (const auto& result : results) worst = worse_exit_code(worst, result.exit_code);
  return worst;
}

int exit_code_of(const FleetOutcome& outcome) {
  constexpr int kFailed = static_cast<int>(ExitCode::migration_failed);
  constexpr int kInvalid = static_cast<int>(ExitCode::invalid);
  if (const auto* run = std::get_if<RunResult>(&outcome)) {
    const bool failed = std::any_of(run->steps.begin(), run->steps.end(), [](const auto& s) { return !s.success; });
    return failed ? kFailed : 0;
  }
  if (const auto* info = std::get_if<InfoResult>(&outcome)) return info->valid() ? 0 : kInvalid;
  if (const auto* validate = std::get_if<ValidateResult>(&outcome)) return validate->ok ? 0 : kInvalid;
  if (const auto* diff = std::get_if<DiffResult>(&outcome)) return diff->differences.empty() ? 0 : kInvalid;
  return 0;
}

}  // namespace mongoway

namespace mongoway::exec {

std::vector<std::string> select_from(const std::vector<std::string>& listed, const FleetSelection& selection) {
  std::vector<std::string> out;
  auto take = [&](const std::string& name) {
    if (!matches_any(name, selection.excludes) && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  };
  std::vector<std::string> matched;
  for (const auto& name : listed) {
    if (!is_reserved_database(name) && matches_any(name, selection.patterns)) matched.push_back(name);
  }
  std::sort(matched.begin(), matched.end());
  for (const auto& name : matched) take(name);
  for (const auto& name : selection.names) {
    if (is_reserved_database(name)) {
      throw Error(ExitCode::usage, fmt::format("the database {} is never migrated as part of a fleet: admin, local, "
                                               "config and mongoway_scratch_* belong to the server or to mongoway",
                                               name));
    }
    if (const auto problem = script::database_name_problem(name)) {
      throw Error(ExitCode::usage, fmt::format("database name \"{}\": {}", name, *problem));
    }
    take(name);
  }
  return out;
}

namespace {

std::string why_skipped(bool stopped) {
  if (!stopped) return "not started: an earlier database failed (--fail-fast)";
  return exec::stop_signal() == SIGTERM ? "not started: stopped by SIGTERM" : "not started: stopped by SIGINT";
}

int64_t milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// One database: its outcome, or the Error it threw, as its result.
void run_one(FleetResult& result, const std::function<FleetOutcome(size_t)>& work, size_t index) {
  const auto start = std::chrono::steady_clock::now();
  try {
    result.result = work(index);
    result.exit_code = exit_code_of(result.result);
  } catch (const Error& e) {
    result.exit_code = e.exit_code();
    result.error = e.what();
    result.diagnostics = e.diagnostics();
  }
  result.status = result.exit_code == 0 ? FleetStatus::succeeded : FleetStatus::failed;
  if (result.status == FleetStatus::failed && result.error.empty()) {
    result.error = fmt::format("exit code {}", result.exit_code);
  }
  result.duration_ms = milliseconds_since(start);
}

}  // namespace

std::vector<FleetResult> run_fleet(const std::vector<FleetTarget>& targets, const FleetOptions& options,
                                   const FleetListener& listener,
                                   const std::function<FleetOutcome(size_t index)>& work) {
  std::vector<FleetResult> results(targets.size());
  std::atomic<bool> failed{false};
  util::parallel_for(targets.size(), static_cast<size_t>(std::max(1, options.jobs)), [&](size_t i) {
    FleetResult& result = results[i];
    result.target = targets[i];
    result.cluster = cluster_of(targets[i].uri);
    const bool stopped = stop_requested();
    if (stopped || (options.fail_fast && failed.load())) {
      // A stop is the run's outcome even where no database was running;
      // --fail-fast's failure carries its own code.
      result.status = FleetStatus::skipped;
      result.error = why_skipped(stopped);
      if (stopped)
        result.exit_code = static_cast<int>(stop_signal() == SIGTERM ? ExitCode::terminated : ExitCode::interrupted);
    } else {
      if (listener.started) listener.started(i);
      run_one(result, work, i);
      if (result.status == FleetStatus::failed) failed = true;
    }
    if (listener.finished) listener.finished(i, result);
  });
  return results;
}

}  // namespace mongoway::exec
