#include "cli/fleet_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/diagnostic_text.hpp"
#include "cli/format.hpp"
#include "cli/json_writer.hpp"

namespace mongoway::cli {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// JSON text nested deeper: its lines after the first shifted by `indent`
// (a string of JSON never holds a raw newline).
std::string per_line_indent(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<FleetTarget>& targets) {
  std::vector<std::string> names;
  names.reserve(targets.size());
  for (const auto& target : targets) names.push_back(target.database);
  return names;
}

bool changed(const FleetOutcome& outcome) {
  if (const auto* run = std::get_if<RunResult>(&outcome)) return !run->dry_run && !run->steps.empty();
  if (const auto* repair = std::get_if<RepairResult>(&outcome)) return !repair->dry_run && !repair->changes.empty();
  return false;
}

std::string run_line(const RunResult& r) {
  const auto versions = static_cast<int64_t>(r.steps.size());
  const std::string span = fmt::format("{} -> {}", r.from_version, r.to_version);
  if (r.dry_run) return fmt::format("{}  dry run: would run {}", span, plural(versions, "version"));
  if (r.taken_over) return fmt::format("{}  baselined (from {})", span, r.taken_over->tool);
  if (r.steps.empty())
    return fmt::format("{}  {}", span, r.direction == Direction::undo ? "nothing to undo" : "up to date");
  for (const auto& step : r.steps) {
    if (!step.success) return fmt::format("{}  failed at {}: {}", span, step_label(step), step.error);
  }
  return fmt::format("{}  {} {}", span, r.direction == Direction::undo ? "undid" : "migrated",
                     plural(versions, "version"));
}

std::string info_line(const InfoResult& r) {
  auto in = [&r](State state) {
    return std::count_if(r.migrations.begin(), r.migrations.end(), [state](const auto& m) { return m.state == state; });
  };
  std::string line = fmt::format("version {}  pending {}  failed {}", r.current_version, in(State::pending),
                                 in(State::failed));
  if (in(State::running) > 0) line += fmt::format("  running {}", in(State::running));
  if (in(State::resumable) > 0) line += fmt::format("  resumable {}", in(State::resumable));
  if (!r.valid()) line += "  invalid files";
  return line;
}

std::string outcome_line(const FleetOutcome& outcome) {
  return std::visit(
      Overloaded{
          [](const std::monostate&) { return std::string(); },
          [](const RunResult& r) { return run_line(r); },
          [](const InfoResult& r) { return info_line(r); },
          [](const ValidateResult& r) {
            return r.ok ? std::string("valid") : plural(static_cast<int64_t>(r.problems.size()), "problem");
          },
          [](const std::vector<HistoryRecord>& r) { return plural(static_cast<int64_t>(r.size()), "entry"); },
          [](const RepairResult& r) {
            if (r.changes.empty()) return std::string("nothing to repair");
            return fmt::format("{}{}", plural(static_cast<int64_t>(r.changes.size()), "change"),
                               r.dry_run ? " (dry run)" : "");
          },
          [](const SnapshotResult& r) { return fmt::format("version {}  wrote {}", r.version, r.file); },
          [](const DiffResult& r) {
            return r.differences.empty() ? std::string("no drift")
                                         : plural(static_cast<int64_t>(r.differences.size()), "difference");
          },
      },
      outcome);
}

// The single-database command's own document for this result.
void report_outcome(Reporter& reporter, const std::string& command, const FleetResult& result) {
  const std::string& database = result.target.database;
  std::visit(Overloaded{
                 [&](const std::monostate&) {
                   reporter.error(Error(static_cast<ExitCode>(result.exit_code), result.error, result.diagnostics));
                 },
                 [&](const RunResult& r) { reporter.run(command, database, r); },
                 [&](const InfoResult& r) { reporter.info(r); },
                 [&](const ValidateResult& r) { reporter.validate(database, r); },
                 [&](const std::vector<HistoryRecord>& r) { reporter.history(database, r); },
                 [&](const RepairResult& r) { reporter.repair(database, r); },
                 [&](const SnapshotResult& r) { reporter.snapshot(r); },
                 [&](const DiffResult& r) { reporter.diff(r); },
             },
             result.result);
}

const char* status_name(FleetStatus status) {
  switch (status) {
    case FleetStatus::succeeded: return "succeeded";
    case FleetStatus::failed: return "failed";
    case FleetStatus::skipped: break;
  }
  return "skipped";
}

}  // namespace

FleetCounts count_fleet(const std::vector<FleetResult>& results) {
  FleetCounts counts;
  for (const auto& result : results) {
    switch (result.status) {
      case FleetStatus::succeeded: ++(changed(result.result) ? counts.migrated : counts.up_to_date); break;
      case FleetStatus::failed: ++counts.failed; break;
      case FleetStatus::skipped: ++counts.skipped; break;
    }
  }
  return counts;
}

std::string fleet_line(const FleetResult& result) {
  if (result.status == FleetStatus::skipped) return "skipped: " + result.error;
  if (std::holds_alternative<std::monostate>(result.result)) {
    return fmt::format("failed (exit {}): {}", result.exit_code, result.error);
  }
  return outcome_line(result.result);
}

FleetReport::FleetReport(Console& console, std::string command, const std::vector<FleetTarget>& targets, bool json,
                         const Settings& settings)
    : m_console(console),
      m_command(std::move(command)),
      m_targets(targets),
      m_json(json),
      m_quiet(settings.quiet),
      m_verbose(settings.verbose),
      m_documents(targets.size()),
      m_table(console, names_of(targets)) {
  for (const auto& target : targets) {
    m_name_width = std::max(m_name_width, display_width(target.database));
    m_several_clusters = m_several_clusters || cluster_of(target.uri) != cluster_of(targets.front().uri);
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!m_json) continue;
    m_reporters.push_back(make_json_reporter(
        m_console, m_command, [this, i](std::string document) { m_documents[i] = std::move(document); }));
  }
}

FleetListener FleetReport::listener() {
  FleetListener listener;
  listener.listener = [this](size_t index) { return listener_for(index); };
  listener.started = [this](size_t index) { m_table.started(index); };
  listener.finished = [this](size_t index, const FleetResult& result) { ended(index, result); };
  return listener;
}

Listener FleetReport::listener_for(size_t index) {
  const std::string prefix = "mongoway: " + m_targets[index].database + ": ";
  Listener l;
  l.step_started = [this, index](const StepResult& step, size_t at, size_t total) {
    m_table.state(index, fmt::format("{} {} ({}/{})", step_label(step), step.description, at + 1, total));
  };
  if (m_json) {
    l.step_finished = [this, index](const StepResult& step, size_t, size_t) {
      m_reporters[index]->step_finished(step);
    };
  }
  if (!m_quiet) l.waiting = [this, prefix](const std::string& message) { m_console.err(prefix + message + "\n"); };
  l.warning = [this, prefix](const Diagnostic& warning) {
    m_console.err(prefix + diagnostic_line(warning, m_console.err_style()) + "\n");
  };
  l.repair_planned = [this, index](const std::vector<std::string>& changes) {
    std::string out;
    for (const auto& change : changes) {
      out += fmt::format("mongoway: repair of {} will {}\n", m_targets[index].database, change);
    }
    m_console.err(out);
  };
  if (m_verbose) l.debug = [this, prefix](const std::string& message) { m_console.err(prefix + message + "\n"); };
  return l;
}

void FleetReport::ended(size_t index, const FleetResult& result) {
  m_table.finished(index, result.status == FleetStatus::failed);
  if (m_json) {
    if (result.status != FleetStatus::skipped) report_outcome(*m_reporters[index], m_command, result);
    return;
  }
  if (m_quiet && result.status == FleetStatus::succeeded) return;
  const std::string& name = result.target.database;
  std::string line = name + std::string(m_name_width - display_width(name), ' ');
  if (m_several_clusters) line += "  " + result.cluster;
  line += "  " + fleet_line(result);
  if (result.status != FleetStatus::skipped) line += "  " + format_duration(result.duration_ms);
  m_console.out(line + "\n");
}

int FleetReport::finish(const std::vector<FleetResult>& results) {
  m_table.finish();
  const FleetCounts counts = count_fleet(results);
  const int exit_code = fleet_exit_code(results);
  if (m_json) write_document(results, counts, exit_code);
  else write_summary(results, counts);
  return exit_code;
}

void FleetReport::write_summary(const std::vector<FleetResult>& results, const FleetCounts& counts) {
  std::string out = fmt::format("\n{}: {} migrated, {} up to date, {} failed, {} skipped\n",
                                plural(static_cast<int64_t>(results.size()), "database"), counts.migrated,
                                counts.up_to_date, counts.failed, counts.skipped);
  if (counts.failed > 0) out += "Failed:\n";
  for (const auto& result : results) {
    if (result.status != FleetStatus::failed) continue;
    const std::string why = result.error.empty() ? fleet_line(result) : result.error;
    out += fmt::format("  {} ({}): exit {}: {}\n", result.target.database, result.cluster, result.exit_code, why);
  }
  m_console.out(out);
}

// Each database's document is put in whole, indented to its place.
void FleetReport::write_document(const std::vector<FleetResult>& results, const FleetCounts& counts, int exit_code) {
  JsonWriter json;
  json.begin_object().field("format", kJsonFormat).field("command", m_command).key("databases").begin_array();
  for (size_t i = 0; i < results.size(); ++i) {
    const FleetResult& r = results[i];
    json.begin_object()
        .field("cluster", r.cluster)
        .field("database", r.target.database)
        .field("status", status_name(r.status))
        .field("exit_code", r.exit_code)
        .field("error", r.error.empty() ? std::nullopt : std::optional(r.error))
        .field("duration_ms", r.duration_ms)
        .key("result");
    std::string document = m_documents[i];
    while (!document.empty() && document.back() == '\n') document.pop_back();
    if (document.empty()) json.null();
    else json.raw(per_line_indent(document, "      "));
    json.end_object();
  }
  json.end_array().key("summary").begin_object();
  json.field("databases", static_cast<int64_t>(results.size()))
      .field("migrated", counts.migrated)
      .field("up_to_date", counts.up_to_date)
      .field("failed", counts.failed)
      .field("skipped", counts.skipped)
      .field("exit_code", exit_code);
  m_console.out(json.end_object().end_object().str());
}

}  // namespace mongoway::cli
