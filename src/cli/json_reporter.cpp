// Results as one JSON document on stdout, with stable field names (documented
// in the man page, JSON OUTPUT, field by field). Every document starts with
// "format" and "command"; a list of problems is "diagnostics", and the names
// it had before format 1 ("warnings", "problems") are kept beside it.

#include <fmt/format.h>

#include "cli/format.hpp"
#include "cli/json_writer.hpp"
#include "cli/reporter.hpp"

namespace mongoway::cli {
namespace {

std::optional<std::string> optional_iso(const std::optional<std::chrono::system_clock::time_point>& time) {
  if (!time) return std::nullopt;
  return iso8601_utc(*time);
}

// A lease's holder (`info`'s lock, `unlock`'s released); the token is never shown.
void write_lock_holder(JsonWriter& json, const LockHolder& h) {
  json.begin_object()
      .field("lease", h.lease)
      .field("owner", h.owner)
      .field("acquired", iso8601_utc(h.acquired))
      .field("expires", iso8601_utc(h.expires))
      .field("expired", h.expired)
      .key("process");
  if (h.process) {
    json.begin_object()
        .field("boot_id", h.process->boot_id)
        .field("pid_namespace", h.process->pid_namespace)
        .field("pid", h.process->pid)
        .field("start_time", h.process->start_time)
        .end_object();
  } else {
    json.null();
  }
  json.field("holder_gone", h.holder_gone).field("revoked", h.revoked).end_object();
}

void write_diagnostics(JsonWriter& json, const std::vector<Diagnostic>& diagnostics) {
  json.begin_array();
  for (const auto& d : diagnostics) {
    json.begin_object()
        .field("severity", d.is_error() ? "error" : "warning")
        .field("file", d.file)
        .field("line", d.line)
        .field("column", d.column)
        .field("message", d.message)
        .end_object();
  }
  json.end_array();
}

// The list under its one name, and under the name it had before (an alias).
void write_diagnostics(JsonWriter& json, const std::vector<Diagnostic>& diagnostics, std::string_view alias) {
  json.key("diagnostics");
  write_diagnostics(json, diagnostics);
  json.key(alias);
  write_diagnostics(json, diagnostics);
}

void write_cut(JsonWriter& json, const std::optional<CutInfo>& cut) {
  json.key("cut");
  if (!cut) {
    json.null();
    return;
  }
  json.begin_object()
      .field("how", cut->how)
      .field("at", optional_iso(cut->at))
      .field("lease", cut->lease)
      .field("run_by", cut->run_by)
      .key("adopted");
  if (cut->adopted_lease) {
    json.begin_object()
        .field("lease", *cut->adopted_lease)
        .field("by", cut->adopted_by)
        .field("on", optional_iso(cut->adopted_on))
        .end_object();
  } else {
    json.null();
  }
  json.field("message", cut->message).end_object();
}

void write_resume(JsonWriter& json, const std::optional<ResumePoint>& resume) {
  json.key("resume");
  if (!resume) {
    json.null();
    return;
  }
  json.begin_object()
      .field("direction", resume->direction)
      .field("command", resume->command)
      .field("done", resume->done)
      .field("total", resume->total)
      .field("batches", resume->batches);
  json.key("last_id");
  if (resume->last_id.empty()) json.null();
  else json.raw(resume->last_id);
  json.field("message", resume->message).end_object();
}

void write_version(JsonWriter& json, const VersionInfo& m) {
  json.begin_object()
      .field("version", m.version)
      .field("description", m.description)
      .field("state", to_string(m.state))
      .field("script", m.script)
      .field("checksum", m.checksum)
      .field("installed_on", optional_iso(m.installed_on))
      .field("execution_time_ms", m.execution_time_ms)
      .field("undoable", m.undoable)
      .field("undo", m.undo);
  json.key("undo_reason");
  if (m.undo_reason.empty()) json.null();
  else json.value(m.undo_reason);
  json.key("error");
  if (m.error.empty()) json.null();
  else json.value(m.error);
  write_cut(json, m.cut);
  write_resume(json, m.resume);
  json.end_object();
}

void write_step(JsonWriter& json, const StepResult& step) {
  json.begin_object()
      .field("version", step.version)
      .field("description", step.description)
      .field("script", step.script)
      .field("direction", step.direction == Direction::undo ? "undo" : "migrate")
      .field("success", step.success)
      .field("interrupted", step.interrupted)
      .field("execution_time_ms", step.execution_time_ms)
      .field("batches", step.batches)
      .field("resumed_at", step.resumed_at);
  json.key("counts")
      .begin_object()
      .field("matched", step.counts.matched)
      .field("modified", step.counts.modified)
      .field("inserted", step.counts.inserted)
      .field("deleted", step.counts.deleted)
      .field("upserted", step.counts.upserted)
      .end_object();
  json.key("error");
  if (step.success) json.null();
  else json.value(step.error);
  json.key("commands").begin_array();
  for (const auto& c : step.commands) {
    json.begin_object()
        .field("index", c.index)
        .field("name", c.name)
        .field("comment", c.comment)
        .field("database", c.database);
    json.key("command");
    if (c.command_json.empty()) json.null();
    else json.raw(c.command_json);
    json.field("documents_file", c.documents_file).field("documents", c.documents).end_object();
  }
  json.end_array().end_object();
}

class JsonReporter final : public Reporter {
 public:
  JsonReporter(Console& console, std::optional<std::string> command)
      : Reporter(console), m_command(std::move(command)) {}

  void step_finished(const StepResult& step) override { m_steps.push_back(step); }

  // One line of JSON on stderr, so that stdout stays one document.
  void batch_done(const BatchProgress& b) override {
    m_console.err(fmt::format(R"({{"event": "batch", "version": {}, "command": {}, "name": "{}", "batch": {}, )"
                              R"("documents": {}, "done": {}, "total": {}, "write_ms": {}, )"
                              R"("counts": {{"matched": {}, "modified": {}, "deleted": {}}}}})"
                              "\n",
                              b.version, b.command, b.name, b.batch, b.documents, b.done, b.total, b.write_ms,
                              b.counts.matched, b.counts.modified, b.counts.deleted));
  }

  void run(const std::string& command, const std::string& database, const RunResult& result) override {
    JsonWriter json;
    begin(json, command)
        .field("database", database)
        .field("direction", result.direction == Direction::undo ? "undo" : "migrate")
        .field("dry_run", result.dry_run)
        .field("from_version", result.from_version)
        .field("to_version", result.to_version)
        .field("total_time_ms", result.total_time_ms)
        .field("message", result.message);
    json.key("from");
    if (result.taken_over) {
      json.begin_object()
          .field("tool", result.taken_over->tool)
          .field("collection", result.taken_over->collection)
          .field("version", result.taken_over->version)
          .end_object();
    } else {
      json.null();
    }
    json.key("steps").begin_array();
    for (const auto& step : result.steps) write_step(json, step);
    json.end_array();
    write_diagnostics(json, result.warnings, "warnings");
    emit(json.end_object());
  }

  void info(const InfoResult& result) override {
    JsonWriter json;
    begin(json)
        .field("database", result.database)
        .field("current_version", result.current_version)
        .field("valid", result.valid());
    json.key("lock");
    if (result.lock) {
      write_lock_holder(json, *result.lock);
    } else {
      json.null();
    }
    json.key("migrations").begin_array();
    for (const auto& m : result.migrations) write_version(json, m);
    json.end_array();
    write_diagnostics(json, result.diagnostics, "warnings");
    emit(json.end_object());
  }

  void validate(const std::string& database, const ValidateResult& result) override {
    JsonWriter json;
    begin(json).field("database", database).field("valid", result.ok);
    write_diagnostics(json, result.problems, "problems");
    emit(json.end_object());
  }

  void history(const std::string& database, const std::vector<HistoryRecord>& records) override {
    JsonWriter json;
    begin(json).field("database", database).key("entries").begin_array();
    for (const auto& r : records) {
      json.begin_object()
          .field("rank", r.rank)
          .field("version", r.version)
          .field("description", r.description)
          .field("script", r.script)
          .field("type", r.type)
          .field("checksum", r.checksum)
          .field("installed_by", r.installed_by)
          .field("installed_on", optional_iso(r.installed_on))
          .field("execution_time_ms", r.execution_time_ms)
          .field("success", r.success)
          .field("repaired", r.repaired)
          .field("derived", r.derived);
      json.key("error");
      if (r.error.empty()) json.null();
      else json.value(r.error);
      json.end_object();
    }
    emit(json.end_array().end_object());
  }

  // stdout carries one JSON document at the end; the plan goes to stderr
  // first, so a log shows what repair set out to change even if it stops.
  void repair_planned(const std::string& database, const std::vector<std::string>& changes) override {
    std::string out;
    for (const auto& change : changes) out += fmt::format("mongoway: repair of {} will {}\n", database, change);
    m_console.err(out);
  }

  void repair(const std::string& database, const RepairResult& result) override {
    JsonWriter json;
    begin(json).field("database", database).field("dry_run", result.dry_run).key("changes").begin_array();
    for (const auto& change : result.changes) json.value(change);
    emit(json.end_array().end_object());
  }

  void remove(const std::string& database, const RemoveResult& result) override {
    JsonWriter json;
    begin(json).field("database", database).field("dry_run", result.dry_run).key("removed").begin_array();
    for (const auto& version : result.removed) {
      json.begin_object().field("version", version.version).key("files").begin_array();
      for (const auto& path : version.files) json.value(path);
      json.end_array().end_object();
    }
    emit(json.end_array().end_object());
  }

  void clean(const std::string& database, const std::vector<std::string>& dropped) override {
    JsonWriter json;
    begin(json).field("database", database).key("dropped").begin_array();
    for (const auto& name : dropped) json.value(name);
    emit(json.end_array().end_object());
  }

  void unlock(const std::string& database, const UnlockResult& result) override {
    JsonWriter json;
    begin(json).field("database", database).key("released");
    if (!result.released) {
      json.null();
    } else {
      write_lock_holder(json, *result.released);
    }
    emit(json.field("forced", result.forced).end_object());
  }

  void snapshot(const SnapshotResult& result) override {
    JsonWriter json;
    begin(json)
        .field("database", result.database)
        .field("file", result.file)
        .field("version", result.version)
        .field("collections", result.collections)
        .field("indexes", result.indexes)
        .field("data", result.data);
    emit(json.end_object());
  }

  // The fields of the other source than the one compared with are null;
  // so are the scratch database's at version 0, when nothing was replayed.
  void diff(const DiffResult& result) override {
    const bool snapshot = result.expected == "snapshot";
    const bool scratch = !snapshot && !result.scratch_database.empty();
    auto when = [](bool present, auto value) { return present ? std::optional(value) : std::nullopt; };
    JsonWriter json;
    begin(json)
        .field("database", result.database)
        .field("version", result.version)
        .field("expected", result.expected)
        .field("against", when(snapshot, result.against))
        .field("snapshot_database", when(snapshot, result.snapshot_database))
        .field("snapshot_version", when(snapshot, result.snapshot_version))
        .field("scratch_uri", when(scratch, result.scratch_uri))
        .field("scratch_database", when(scratch, result.scratch_database))
        .field("scratch_dropped", when(scratch, result.scratch_dropped))
        .field("data", result.data)
        .field("drift", !result.differences.empty());
    differences(json.key("differences"), result.differences);
    emit(json.end_object());
  }

  // diff's and verify's: one object per difference.
  static void differences(JsonWriter& json, const std::vector<SchemaDifference>& list) {
    json.begin_array();
    for (const auto& d : list) {
      json.begin_object().field("kind", d.kind).field("collection", d.collection);
      json.field("index", d.index.empty() ? std::nullopt : std::optional(d.index));
      json.field("field", d.field.empty() ? std::nullopt : std::optional(d.field));
      json.field("expected", d.expected).field("actual", d.actual).field("message", d.message).end_object();
    }
    json.end_array();
  }

  void verify(const VerifyResult& result) override {
    JsonWriter json;
    begin(json)
        .field("scratch_uri", result.scratch_uri)
        .field("scratch_database", result.scratch_database)
        .field("target_version", result.target_version)
        .field("data", result.data)
        .field("require_undo", result.require_undo)
        .field("passed", result.passed)
        .field("failed_version", result.failed_version)
        .field("without_undo", result.without_undo)
        .field("scratch_dropped", result.scratch_dropped)
        .key("versions")
        .begin_array();
    for (const auto& v : result.versions) {
      json.begin_object().field("version", v.version).field("description", v.description).field("result", v.result);
      differences(json.key("differences"), v.differences);
      json.end_object();
    }
    emit(json.end_array().end_object());
  }

  void lint(const std::vector<std::string>& locations, const script::LoadResult& result,
            const std::string& server_profile) override {
    JsonWriter json;
    begin(json).field("valid", !result.has_errors()).key("locations").begin_array();
    for (const auto& location : locations) json.value(location);
    json.end_array().key("server_profile");
    if (server_profile.empty()) json.null();
    else json.value(server_profile);
    json.key("migrations").begin_array();
    for (const auto& m : result.migrations) {
      json.begin_object()
          .field("version", m.version())
          .field("description", m.description())
          .field("script", m.up.file.path)
          .field("checksum", m.up.checksum);
      json.key("undo_script");
      if (m.undo) json.value(m.undo->file.path);
      else json.null();
      json.key("undo_checksum");
      if (m.undo) json.value(m.undo->checksum);
      else json.null();
      json.end_object();
    }
    json.end_array().key("diagnostics");
    write_diagnostics(json, result.diagnostics);
    emit(json.end_object());
  }

  void created(const std::vector<std::string>& paths) override {
    JsonWriter json;
    begin(json).key("created").begin_array();
    for (const auto& path : paths) json.value(path);
    emit(json.end_array().end_object());
  }

  void imported(const ImportSummary& summary, const std::vector<script::ImportedFile>& files) override {
    JsonWriter json;
    begin(json)
        .field("tool", summary.tool)
        .field("source", summary.source)
        .field("location", summary.location)
        .field("dry_run", summary.dry_run)
        .key("files")
        .begin_array();
    for (const auto& file : files) {
      json.begin_object()
          .field("path", file.path)
          .field("source", file.source)
          .field("kind", file.kind == script::FileKind::migrate ? "migrate" : "undo")
          .field("version", file.version)
          .field("description", file.description)
          .field("source_commands", file.source_commands)
          .field("commands", file.commands)
          .key("content");
      if (summary.dry_run) json.value(file.content);
      else json.null();
      json.key("run_commands").begin_array();
      for (const auto& kept : file.kept) {
        json.begin_object()
            .field("index", kept.index)
            .field("command", kept.name)
            .field("reason", kept.reason)
            .end_object();
      }
      json.end_array().end_object();
    }
    emit(json.end_array().end_object());
  }

  void error(const Error& e) override {
    JsonWriter json;
    begin(json).key("error").begin_object().field("code", e.exit_code()).field("message", e.what());
    json.key("diagnostics");
    write_diagnostics(json, e.diagnostics());
    json.end_object();
    if (!m_steps.empty()) {
      json.key("steps").begin_array();
      for (const auto& step : m_steps) write_step(json, step);
      json.end_array();
    }
    emit(json.end_object());
  }

 private:
  // {"format": 1, "command": "...", ...}: the command as run (migrate,
  // undo and baseline name themselves), null when none was read.
  JsonWriter& begin(JsonWriter& json, const std::optional<std::string>& command = std::nullopt) const {
    return json.begin_object().field("format", kJsonFormat).field("command", command ? command : m_command);
  }
  void emit(JsonWriter& json) { m_console.out(json.str()); }

  std::optional<std::string> m_command;
  std::vector<StepResult> m_steps;
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter(Console& console, std::optional<std::string> command) {
  return std::make_unique<JsonReporter>(console, std::move(command));
}

}  // namespace mongoway::cli
