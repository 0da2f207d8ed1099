#include "cli/fleet_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "cli/command_options.hpp"
#include "cli/commands.hpp"
#include "cli/diagnostic_text.hpp"
#include "cli/fleet_input.hpp"
#include "cli/fleet_report.hpp"
#include "cli/fleet_table.hpp"
#include "cli/format.hpp"
#include "cli/reporter.hpp"
#include "cli/signals.hpp"
#include "mongoway/fleet.hpp"
#include "util/redact.hpp"

namespace mongoway::cli {
namespace {

[[noreturn]] void usage_error(const std::string& message) { throw Error(ExitCode::usage, message); }

constexpr std::string_view kDatabaseMark = "{database}";

// A file name with {database} in it, made the database's own.
std::string per_database(std::string text, const std::string& database) {
  for (size_t at; (at = text.find(kDatabaseMark)) != std::string::npos;)
    text.replace(at, kDatabaseMark.size(), database);
  return text;
}

// snapshot writes one file per database: --output-file must say where.
void check_fleet_files(const CommandLine& line) {
  if (line.command->id != CommandId::snapshot) return;
  const auto file = line.value("output-file");
  if (!file || file->find(kDatabaseMark) == std::string::npos) {
    usage_error("snapshot on a fleet writes a file per database: give --output-file with {database} in it, e.g. "
                "--output-file 'schemas/{database}.json'");
  }
}

// The single-database command, on one database of the fleet.
FleetOutcome run_on(Migrator& m, CommandId id, const MigratorOptions& o, const std::string& database) {
  switch (id) {
    case CommandId::migrate: return m.migrate(o.migrate);
    case CommandId::undo: return m.undo(o.undo);
    case CommandId::goto_: return m.go_to(o.go_to);
    case CommandId::baseline: return m.baseline(o.baseline);
    case CommandId::info: return m.info();
    case CommandId::validate: return m.validate();
    case CommandId::history: return m.history(o.history);
    case CommandId::repair: return m.repair(o.repair);
    case CommandId::snapshot: {
      SnapshotOptions snapshot = o.snapshot;
      snapshot.output_file = per_database(snapshot.output_file, database);
      return m.snapshot(snapshot);
    }
    case CommandId::diff: {
      DiffOptions diff = o.diff;
      diff.against = per_database(diff.against, database);
      return m.diff(diff);
    }
    default: return std::monostate{};
  }
}

// The set, printed before anything runs: one line per cluster.
void print_selection(Console& console, const std::vector<FleetTarget>& targets, const std::string& command, int jobs) {
  std::vector<std::pair<std::string, std::vector<std::string>>> clusters;
  for (const auto& target : targets) {
    const std::string cluster = cluster_of(target.uri);
    if (clusters.empty() || clusters.back().first != cluster)
      clusters.emplace_back(cluster, std::vector<std::string>{});
    clusters.back().second.push_back(target.database);
  }
  std::string out = fmt::format("mongoway: {} on {}, {} at a time:\n", command,
                                plural(static_cast<int64_t>(targets.size()), "database"), jobs);
  for (const auto& [cluster, names] : clusters) {
    out += fmt::format("  {} ({}): {}\n", cluster, names.size(), fmt::join(names, ", "));
  }
  console.err(out);
}

std::vector<FleetTarget> select_fleet(const FleetRequest& request, const Settings& settings) {
  std::vector<FleetTarget> targets = select_databases(settings.config, request.selections);
  if (targets.empty()) {
    std::string where;
    for (const auto& selection : request.selections) where += (where.empty() ? "" : ", ") + cluster_of(selection.uri);
    usage_error(fmt::format("no database selected on {}: no name matches the patterns given (admin, local, config "
                            "and mongoway_scratch_* never do)",
                            where));
  }
  return targets;
}

// Every URI's secrets are masked, the --uris-file ones too.
void mask_secrets(Console& console, const Settings& settings, const FleetRequest& request) {
  std::vector<std::string> secrets = settings.secrets;
  for (const auto& selection : request.selections) {
    for (auto& secret : uri_secrets(selection.uri)) secrets.push_back(std::move(secret));
  }
  console.set_secrets(std::move(secrets));
}

// --metrics-file on a fleet: each database's metrics, told on its own
// thread, gathered for one file in the fleet's order.
class FleetMetrics {
 public:
  FleetListener collecting(FleetListener listener) {
    listener.listener = [this, inner = listener.listener](size_t index) {
      Listener each = inner(index);
      each.metrics = [this, index](const DatabaseMetrics& m) {
        const std::lock_guard lock(m_mutex);
        m_metrics.emplace(index, m);
      };
      return each;
    };
    return listener;
  }
  std::vector<DatabaseMetrics> in_fleet_order() const {
    std::vector<DatabaseMetrics> out;
    for (const auto& [index, m] : m_metrics) out.push_back(m);
    return out;
  }

 private:
  std::mutex m_mutex;
  std::multimap<size_t, DatabaseMetrics> m_metrics;
};

bool stops_politely(const CommandLine& line) {
  const CommandId id = line.command->id;
  const bool writes = id == CommandId::migrate || id == CommandId::undo || id == CommandId::goto_ ||
                      id == CommandId::baseline || id == CommandId::repair;
  return writes && !line.has("dry-run");
}

}  // namespace

int run_fleet_command(const CommandLine& line, const Settings& settings, Console& console) {
  const FleetRequest request = read_fleet_request(line, settings);
  check_fleet_files(line);
  const MigratorOptions options = read_migrator_options(line, line.command->id, line.has("dry-run"));
  mask_secrets(console, settings, request);
  const std::vector<FleetTarget> targets = select_fleet(request, settings);
  const std::string command(line.command->name);
  const bool json = settings.output == OutputFormat::json;
  if (!json && !settings.quiet) print_selection(console, targets, command, request.options.jobs);

  FleetReport report(console, command, targets, json, settings);
  std::optional<StopSignals> signals;
  if (stops_politely(line)) {
    const CommandId id = line.command->id;
    const bool at_safe_point = id == CommandId::migrate || id == CommandId::undo;
    signals.emplace(console, at_safe_point ? StopSignals::Stops::at_safe_point : StopSignals::Stops::after_the_work);
  }
  Fleet fleet(settings.config, targets, request.options);
  FleetMetrics metrics;
  fleet.set_listener(settings.metrics_file.empty() ? report.listener() : metrics.collecting(report.listener()));
  const CommandId id = line.command->id;
  const auto results = fleet.run(
      [&](Migrator& migrator, const FleetTarget& target) { return run_on(migrator, id, options, target.database); });
  const int code = report.finish(results);
  return write_metrics(settings.metrics_file, metrics.in_fleet_order(), code, console);
}

}  // namespace mongoway::cli
