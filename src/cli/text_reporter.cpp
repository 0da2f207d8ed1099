// Results as text for people: aligned tables, a line per version, a summary.

#include <fmt/format.h>

#include <set>
#include <utility>

#include "cli/diagnostic_text.hpp"
#include "cli/format.hpp"
#include "cli/reporter.hpp"
#include "cli/table.hpp"

namespace mongoway::cli {
namespace {

Color state_color(State state) {
  switch (state) {
    case State::applied:
    case State::baseline: return Color::green;
    case State::pending:
    case State::ignored: return Color::yellow;
    case State::failed:
    case State::missing:
    case State::invalid: return Color::red;
    case State::running:
    case State::resumable: return Color::cyan;
    case State::undone:
    case State::deleted:
    case State::future: return Color::magenta;
  }
  return Color::none;
}

std::string optional_time(const std::optional<std::chrono::system_clock::time_point>& time) {
  return time ? text_utc(*time) : "";
}

// " at …" for a failed version, " (started …)" for one cut short.
std::string when_it_ran(const VersionInfo& m) {
  if (m.state != State::failed || !m.installed_on) return "";
  const std::string time = text_utc(*m.installed_on);
  return m.cut ? fmt::format(" (started {} UTC)", time) : fmt::format(" at {} UTC", time);
}

std::string optional_duration(const std::optional<int64_t>& ms) { return ms ? format_duration(*ms) : ""; }

// "deploy@ci:4242 (pid 4242, boot 0b5e7d1c, pid namespace 4026531836)"; the
// boot id's first 8 hex digits tell machines apart.
std::string holder_text(const LockHolder& h) {
  if (!h.process) return h.owner;
  return fmt::format("{} (pid {}, boot {}, pid namespace {})", h.owner, h.process->pid, h.process->boot_id.substr(0, 8),
                     h.process->pid_namespace);
}

// "  V5 resumable at 1,200 of about 3,000 (40%) in command 2 (started …): `mongoway
// migrate` goes on from there; cut: the run's lease 6 (…) expired at …"
std::string resume_line(const VersionInfo& m, const Style& style) {
  const ResumePoint& r = *m.resume;
  return fmt::format("  V{} {} in command {}{}: `mongoway {}` goes on from there{}\n", m.version,
                     style.paint(r.message, Color::cyan), r.command,
                     m.installed_on ? fmt::format(" (started {} UTC)", text_utc(*m.installed_on)) : "", r.direction,
                     m.cut ? "; " + m.cut->message : "");
}

// info's line about the lease that keeps others out.
std::string lock_line(const LockHolder& h) {
  if (h.revoked) {
    return fmt::format("Lock {} released by `mongoway unlock --force` from {}; others wait for its expiry at {} UTC\n",
                       h.lease, holder_text(h), text_utc(h.expires));
  }
  return fmt::format("Lock {} held by {} since {} UTC (expires {} UTC unless renewed)\n", h.lease, holder_text(h),
                     text_utc(h.acquired), text_utc(h.expires));
}

class TextReporter final : public Reporter {
 public:
  TextReporter(Console& console, bool quiet) : Reporter(console), m_quiet(quiet) {}

  void step_finished(const StepResult& step) override {
    m_printed.insert({step.direction == Direction::undo, step.version});
    if (!m_quiet || !step.success) m_console.out(step_line(step));
  }

  void run(const std::string& command, const std::string& database, const RunResult& result) override {
    if (result.dry_run) return plan(command, database, result);
    for (const auto& step : result.steps) {
      if (m_printed.count({step.direction == Direction::undo, step.version}) == 0) step_finished(step);
    }
    m_console.out(summary(command, database, result) + "\n");
  }

  void info(const InfoResult& result) override {
    const Style& style = m_console.out_style();
    std::string out = fmt::format("Database {}: current version {}\n", style.paint(result.database, Color::bold),
                                  style.paint(std::to_string(result.current_version), Color::bold));
    if (result.lock) out += lock_line(*result.lock);
    out += "\n";
    if (result.migrations.empty()) {
      m_console.out(out + "No versions: no migration files and no history.\n");
      return;
    }
    Table table({{"Version", Table::Align::right},
                 {"Description"},
                 {"State"},
                 {"Installed on (UTC)"},
                 {"Time", Table::Align::right},
                 {"Undo"}});
    for (const auto& m : result.migrations) {
      table.add_row({{std::to_string(m.version)},
                     {m.description},
                     {to_string(m.state), state_color(m.state)},
                     {optional_time(m.installed_on)},
                     {optional_duration(m.execution_time_ms)},
                     {m.undo}});
    }
    m_console.out(out + table.render(style) + version_details(result));
  }

  void validate(const std::string& database, const ValidateResult& result) override {
    std::string out;
    size_t errors = 0, warnings = 0;
    for (const auto& problem : result.problems) {
      out += diagnostic_line(problem, m_console.out_style()) + "\n";
      (problem.is_error() ? errors : warnings)++;
    }
    if (result.ok) {
      out += fmt::format(
          "Validation of {} passed{}\n", database,
          warnings == 0 ? "" : fmt::format(" with {}", plural(static_cast<int64_t>(warnings), "warning")));
    } else {
      out += fmt::format("Validation of {} failed: {}, {}\n", database, plural(static_cast<int64_t>(errors), "error"),
                         plural(static_cast<int64_t>(warnings), "warning"));
    }
    m_console.out(out);
  }

  void history(const std::string& database, const std::vector<HistoryRecord>& records) override {
    if (records.empty()) {
      m_console.out(fmt::format("No history entries to show in {}\n", database));  // none, or none the filters keep
      return;
    }
    Table table({{"Rank", Table::Align::right},
                 {"Version", Table::Align::right},
                 {"Type"},
                 {"Description"},
                 {"Installed on (UTC)"},
                 {"By"},
                 {"Time", Table::Align::right},
                 {"Result"},
                 {"Error"}});
    for (const auto& r : records) {
      Cell result = r.success ? Cell{"ok", Color::green} : Cell{"failed", Color::red};
      if (r.repaired) result = {r.success ? "ok, repaired" : "failed, repaired", Color::yellow};
      table.add_row({{std::to_string(r.rank)},
                     {std::to_string(r.version)},
                     {r.derived ? r.type + " (derived)" : r.type},
                     {r.description},
                     {optional_time(r.installed_on)},
                     {r.installed_by},
                     {optional_duration(r.execution_time_ms)},
                     result,
                     {r.error}});
    }
    m_console.out(table.render(m_console.out_style()));
  }

  void repair_planned(const std::string& database, const std::vector<std::string>& changes) override {
    std::string out = fmt::format("Repairing {}: {}\n", database,
                                  plural(static_cast<int64_t>(changes.size()), "change"));
    for (const auto& change : changes) out += "  " + change + "\n";
    m_console.out(out);
    m_planned = true;
  }

  void repair(const std::string& database, const RepairResult& result) override {
    if (result.changes.empty() && !result.warnings.empty()) {
      m_console.out(fmt::format("Nothing else to repair in {}: {} whose file is missing left as applied (see the "
                                "warnings; `repair --mark-deleted` records them as deleted)\n",
                                database, plural(static_cast<int64_t>(result.warnings.size()), "version")));
      return;
    }
    if (result.changes.empty()) {
      m_console.out(fmt::format("Nothing to repair in {}\n", database));
      return;
    }
    std::string out;
    if (!m_planned) {
      for (const auto& change : result.changes) out += "  " + change + "\n";
    }
    const std::string count = plural(static_cast<int64_t>(result.changes.size()), "change");
    out += result.dry_run ? fmt::format("Dry run: repair would make {} in {}; nothing was changed\n", count, database)
                          : fmt::format("Repaired {}: {}\n", database, count);
    m_console.out(out);
  }

  void remove(const std::string& database, const RemoveResult& result) override {
    if (result.removed.empty()) {
      m_console.out(fmt::format(
          "Nothing to remove: every version with files is in the history of {}, or below one that is\n", database));
      return;
    }
    std::string out;
    size_t files = 0;
    for (const auto& version : result.removed) {
      for (const auto& path : version.files) {
        out += fmt::format("  {} {} (version {})\n", result.dry_run ? "would delete" : "deleted", path,
                           version.version);
        ++files;
      }
    }
    const std::string count = plural(static_cast<int64_t>(files), "file");
    out += result.dry_run ? fmt::format("Dry run: remove would delete {} of {}; nothing was deleted\n", count,
                                        plural(static_cast<int64_t>(result.removed.size()), "version"))
                          : fmt::format("Removed {} of {}\n", count,
                                        plural(static_cast<int64_t>(result.removed.size()), "version"));
    m_console.out(out);
  }

  void clean(const std::string& database, const std::vector<std::string>& dropped) override {
    std::string out;
    for (const auto& name : dropped) out += "  dropped " + name + "\n";
    out += fmt::format("Cleaned {}: {} dropped\n", database,
                       plural(static_cast<int64_t>(dropped.size()), "collection"));
    m_console.out(out);
  }

  void unlock(const std::string& database, const UnlockResult& result) override {
    if (!result.released) {
      m_console.out(fmt::format("No lock is held on {}\n", database));
      return;
    }
    const auto& h = *result.released;
    const std::string held = fmt::format("held by {} since {} UTC", holder_text(h), text_utc(h.acquired));
    if (h.revoked && !result.forced) {
      m_console.out(fmt::format("Lock {} on {} was already released by `mongoway unlock --force`, {}; other "
                                "processes wait for its expiry at {} UTC\n",
                                h.lease, database, held, text_utc(h.expires)));
    } else if (result.forced) {
      m_console.out(fmt::format("Released lock {} on {} by force, {}; the lease was live: its holder sends no "
                                "request later than a third of its TTL plus one round trip (a command it already "
                                "sent is not stopped), and other processes wait for its expiry at {} UTC\n",
                                h.lease, database, held, text_utc(h.expires)));
    } else {
      m_console.out(fmt::format("Released lock {} on {}, {} ({})\n", h.lease, database, held,
                                h.holder_gone ? "its process no longer runs on this machine" : "expired"));
    }
  }

  void snapshot(const SnapshotResult& result) override {
    m_console.out(fmt::format("Wrote the schema of {} at version {} to {}: {}, {}{}\n", result.database, result.version,
                              result.file, plural(result.collections, "collection"),
                              fmt::format("{} {}", result.indexes, result.indexes == 1 ? "index" : "indexes"),
                              result.data ? ", with digests of the data" : ""));
  }

  static std::string verified_line(const VerifiedVersion& v) {
    const std::string name = fmt::format("  version {} {}: ", v.version, v.description);
    if (v.result == "ok") return name + "its undo restores its schema\n";
    if (v.result == "no_undo") return name + "no undo file\n";
    std::string out = name + (v.result == "undo_differs" ? "its undo does not restore the schema before it\n"
                                                         : "applied again after its undo, it gives another schema\n");
    for (const auto& d : v.differences) out += "    " + d.message + "\n";
    return out;
  }

  std::string verify_summary(const VerifyResult& result) const {
    const auto count = static_cast<int64_t>(result.versions.size());
    if (result.failed_version) {
      return fmt::format("{} at version {} (on the scratch database {}): fix its undo file\n",
                         m_console.out_style().paint("Verify failed", Color::red), *result.failed_version,
                         result.scratch_database);
    }
    const std::string without = result.without_undo == 0
                                    ? ""
                                    : fmt::format(" ({} without an undo file)", plural(result.without_undo, "version"));
    if (!result.passed) {
      return fmt::format("{}: {} without an undo file, and --require-undo asks for one each\n",
                         m_console.out_style().paint("Verify failed", Color::red),
                         plural(result.without_undo, "version"));
    }
    return fmt::format("Verified {} up to version {} on the scratch database {}: every undo restores its "
                       "version's schema{}\n",
                       plural(count, "version"), result.target_version, result.scratch_database, without);
  }

  // What diff compared with: the snapshot file, or the history replayed.
  static std::string diff_expected(const DiffResult& result) {
    if (result.expected == "snapshot") {
      return fmt::format("{} (written from {} at version {})", result.against, result.snapshot_database,
                         result.snapshot_version);
    }
    if (result.scratch_database.empty()) return "its history at version 0 (no collections)";
    return fmt::format("its history replayed to version {} on the scratch database {} on {}", result.version,
                       result.scratch_database, result.scratch_uri);
  }

  void diff(const DiffResult& result) override {
    const std::string expected = diff_expected(result);
    std::string out;
    if (result.differences.empty()) {
      out = fmt::format("No drift: the schema of {} at version {} matches {}\n", result.database, result.version,
                        expected);
    } else {
      for (const auto& d : result.differences) out += "  " + d.message + "\n";
      out += fmt::format("{} in {} at version {} against {}: {}\n", m_console.out_style().paint("Drift", Color::red),
                         result.database, result.version, expected,
                         plural(static_cast<int64_t>(result.differences.size()), "difference"));
    }
    if (result.expected == "history" && !result.scratch_database.empty() && !result.scratch_dropped) {
      out += fmt::format("The scratch database {} could not be dropped: drop it by hand\n", result.scratch_database);
    }
    m_console.out(out);
  }

  void verify(const VerifyResult& result) override {
    std::string out;
    for (const auto& v : result.versions) out += verified_line(v);
    out += verify_summary(result);
    if (!result.scratch_dropped) {
      out += fmt::format("The scratch database {} could not be dropped: drop it by hand\n", result.scratch_database);
    }
    m_console.out(out);
  }

  void lint(const std::vector<std::string>& locations, const script::LoadResult& result,
            const std::string& server_profile) override {
    std::string out;
    size_t errors = 0, warnings = 0;
    for (const auto& diagnostic : result.diagnostics) {
      out += diagnostic_line(diagnostic, m_console.out_style()) + "\n";
      (diagnostic.is_error() ? errors : warnings)++;
    }
    std::string checked = fmt::format(
        "Checked {} ({}) in {}", plural(static_cast<int64_t>(result.migrations_found), "migration"),
        plural(static_cast<int64_t>(result.files_read), "file"), fmt::join(locations, ", "));
    if (!server_profile.empty()) checked += " against " + server_profile;
    if (errors == 0 && warnings == 0) {
      out += checked + ": no problems\n";
    } else {
      out += fmt::format("{}: {}, {}\n", checked, plural(static_cast<int64_t>(errors), "error"),
                         plural(static_cast<int64_t>(warnings), "warning"));
    }
    m_console.out(out);
  }

  void created(const std::vector<std::string>& paths) override {
    std::string out;
    for (const auto& path : paths) out += "Created " + path + "\n";
    m_console.out(out);
  }

  void imported(const ImportSummary& summary, const std::vector<script::ImportedFile>& files) override {
    std::string out;
    int64_t versions = 0;
    for (const auto& file : files) {
      if (file.kind == script::FileKind::migrate) ++versions;
      if (summary.dry_run) {
        out += fmt::format("--- {} (from {})\n{}", file.path, file.source, file.content);
      } else {
        out += fmt::format("Wrote {} (from {}: {})\n", file.path, file.source, plural(file.commands, "command"));
      }
      for (const auto& kept : file.kept) {
        out += fmt::format("  command {} ({}) kept as runCommand: {}\n", kept.index, kept.name, kept.reason);
      }
    }
    const std::string what = fmt::format("{} ({}) from {} into {}", plural(versions, "version"),
                                         plural(static_cast<int64_t>(files.size()), "file"), summary.source,
                                         summary.location);
    out += summary.dry_run ? fmt::format("Dry run: would import {}; nothing was written\n", what)
                           : fmt::format("Imported {}\n", what);
    m_console.out(out);
  }

  void error(const Error& e) override {
    const std::string message = e.what();
    std::string out;
    for (const auto& diagnostic : e.diagnostics()) {
      if (message.find(diagnostic.message) != std::string::npos) continue;  // already said
      out += diagnostic_line(diagnostic, m_console.err_style()) + "\n";
    }
    out += fmt::format("mongoway: {}: {}\n", m_console.err_style().paint("error", Color::red), message);
    m_console.err(out);
  }

 private:
  // Under the table, what a failed or invalid version's row cannot hold: its
  // error, or how it was cut short.
  std::string version_details(const InfoResult& result) const {
    const Style& style = m_console.out_style();
    std::string out;
    for (const auto& m : result.migrations) {
      if (!m.error.empty()) {
        out += fmt::format("  V{} {}{}: {}\n", m.version, style.paint(to_string(m.state), state_color(m.state)),
                           when_it_ran(m), m.error);
      }
      if (m.resume) out += resume_line(m, style);
      // Why an applied version cannot be undone, so the answer is not left to `undo`.
      if (m.state == State::applied && m.undo == "none" && !m.undo_reason.empty()) {
        out += fmt::format("  V{} no undo: {}\n", m.version, m.undo_reason);
      }
    }
    return out.empty() ? out : "\n" + out;
  }

  std::string step_line(const StepResult& step) const {
    const Style& style = m_console.out_style();
    std::string line = fmt::format("{} {} ... ", style.paint(step_label(step), Color::bold), step.description);
    if (step.interrupted) {
      // The outcome is unknown, so no duration or counts that would look final.
      return line + style.paint("INTERRUPTED", Color::red) + " (" + step.error + ")\n";
    }
    line += step.success ? style.paint("ok", Color::green) : style.paint("FAILED", Color::red);
    line += " " + format_duration(step.execution_time_ms);
    auto counts = format_counts(step.counts);
    if (!counts.empty()) line += ", " + counts;
    if (!step.success && !step.error.empty()) line += "\n  " + step.error;
    return line + "\n";
  }

  std::string summary(const std::string& command, const std::string& database, const RunResult& result) const {
    if (!result.message.empty() && result.steps.empty()) return result.message;
    if (command == "baseline") return fmt::format("Baselined {} at version {}", database, result.to_version);
    if (result.steps.empty()) {
      return result.direction == Direction::undo
                 ? fmt::format("Nothing to undo in {} (version {})", database, result.to_version)
                 : fmt::format("{} is up to date at version {}", database, result.to_version);
    }
    return fmt::format("{} {}: version {} -> {}, {} in {}", result.direction == Direction::undo ? "Undid" : "Migrated",
                       database, result.from_version, result.to_version,
                       plural(static_cast<int64_t>(result.steps.size()), "version"),
                       format_duration(result.total_time_ms));
  }

  void plan(const std::string& command, const std::string& database, const RunResult& result) {
    const Style& style = m_console.out_style();
    std::string out = fmt::format("Dry run of {} on {}: version {} -> {}, {}; nothing was changed\n", command, database,
                                  result.from_version, result.to_version,
                                  plural(static_cast<int64_t>(result.steps.size()), "version"));
    for (const auto& step : result.steps) {
      out += fmt::format("\n{} {} ({})\n", style.paint(step_label(step), Color::bold), step.description, step.script);
      for (const auto& command_plan : step.commands) {
        out += fmt::format("  {}. {} on {}", command_plan.index, style.paint(command_plan.name, Color::cyan),
                           command_plan.database);
        if (command_plan.documents)
          out += fmt::format(", {}", plural(static_cast<int64_t>(*command_plan.documents), "document"));
        if (command_plan.documents_file) out += " from " + *command_plan.documents_file;
        if (!command_plan.comment.empty()) out += style.paint("  # " + command_plan.comment, Color::gray);
        out += "\n     " + command_plan.command_json + "\n";
      }
    }
    if (!result.message.empty()) out += "\n" + result.message + "\n";
    m_console.out(out);
  }

  bool m_quiet;
  bool m_planned = false;
  std::set<std::pair<bool, int64_t>> m_printed;
};

}  // namespace

std::unique_ptr<Reporter> make_text_reporter(Console& console, bool quiet) {
  return std::make_unique<TextReporter>(console, quiet);
}

}  // namespace mongoway::cli
