// info (status): every version and its state, and who holds the lock, read
// without the lock. It answers whatever the files: a file with an error is a
// version in state `invalid`, the rest is what the database holds.

#include <algorithm>

#include "bson/bson_util.hpp"
#include "exec/commands.hpp"
#include "exec/lease_state.hpp"

namespace mongoway::exec {
namespace {

std::optional<std::chrono::system_clock::time_point> known(model::TimePoint time) {
  if (time == model::TimePoint{}) return std::nullopt;
  return time;
}

CutInfo cut_info(const model::HistoryEntry& e) {
  const model::Cut cut = e.cut.value_or(model::Cut{});
  CutInfo out;
  out.how = model::to_string(cut.how);
  if (cut.how != model::Cut::How::not_recorded) out.at = cut.at;
  out.lease = e.lease;
  out.run_by = e.installed_by;
  if (cut.adopted_lease != 0) {
    out.adopted_lease = cut.adopted_lease;
    out.adopted_by = cut.adopted_by;
    out.adopted_on = known(cut.adopted_on);
  }
  out.message = model::describe_cut(e);
  return out;
}

ResumePoint resume_point(const model::Checkpoint& c, Direction direction) {
  ResumePoint out;
  out.direction = direction == Direction::undo ? "undo" : "migrate";
  out.command = c.command;
  out.done = c.done;
  out.total = std::max(c.total, c.done);
  out.batches = c.batches;
  if (c.has_last_id()) out.last_id = bson::value_json(c.last_id, "_id");
  out.message = "resumable at " + model::describe_progress(c);
  return out;
}

VersionInfo version_info(const plan::VersionStatus& v) {
  VersionInfo info;
  info.version = v.version;
  info.description = v.description;
  info.script = v.script;
  info.checksum = v.checksum;
  info.state = v.state;
  info.installed_on = v.installed_on;
  info.execution_time_ms = v.execution_time_ms;
  info.undoable = v.undoable;
  info.undo = plan::to_string(v.undo);
  info.undo_reason = v.no_undo;
  if (v.state == State::failed) info.error = v.last_error;
  if ((v.state == State::failed || v.state == State::resumable) && v.cut) info.cut = cut_info(*v.cut);
  if (v.state == State::resumable && v.resume) info.resume = resume_point(*v.resume, v.resume_direction);
  return info;
}

// The version of an invalid file becomes `invalid`, with the file's first
// error; a version only the invalid file knows gets a row of its own.
void mark_invalid(std::vector<VersionInfo>& rows, const script::InvalidFile& invalid) {
  const int64_t version = invalid.file.name.version;
  auto it = std::lower_bound(rows.begin(), rows.end(), version,
                             [](const VersionInfo& row, int64_t n) { return row.version < n; });
  if (it == rows.end() || it->version != version) {
    VersionInfo row;
    row.version = version;
    it = rows.insert(it, row);
  }
  if (it->state == State::invalid) return;  // one error per version: its first file's
  if (invalid.file.name.kind == script::FileKind::migrate || it->script.empty()) {
    it->description = invalid.file.name.description;
    it->script = invalid.file.file_name;
  }
  it->state = State::invalid;
  it->error = invalid.first_error.to_string();
  it->cut.reset();
}

// What the history says; with a server that cannot be read, the files'
// errors are what is reported, as by every other command.
std::pair<plan::Status, NewestLease> read_status_or_refuse_files(Engine& engine) {
  try {
    return engine.read_status_and_lease();
  } catch (const Error&) {
    engine.refuse_invalid_files();
    throw;
  }
}

}  // namespace

InfoResult info(Engine& engine) {
  engine.check_config();
  const auto& files = engine.read_files();
  const auto [status, newest] = read_status_or_refuse_files(engine);
  InfoResult out;
  out.database = engine.config.database;
  out.current_version = status.current_version;
  if (keeps_others_out(newest.state)) out.lock = lock_holder(*newest.lease, newest.state);
  for (const auto& v : status.versions) out.migrations.push_back(version_info(v));
  for (const auto& invalid : files.invalid_files) mark_invalid(out.migrations, invalid);
  out.diagnostics = files.diagnostics;
  return out;
}

}  // namespace mongoway::exec
