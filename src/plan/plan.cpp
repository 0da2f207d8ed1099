#include "plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace mongoway::plan {
namespace {

using model::EntryType;
using model::HistoryEntry;

struct Track {
  VersionStatus status;
  bool applied = false;  // its effect is in the database (migrate or baseline, not undone)
  bool seen = false;     // any non-repaired entry
  bool undo_file = false;
  std::string irreversible;  // FileVersion::irreversible
};

Diagnostic error(std::string file, std::string message) {
  return Diagnostic{Diagnostic::Severity::error, std::move(file), 0, 0, std::move(message)};
}

std::string label(const VersionStatus& v) { return v.script.empty() ? fmt::format("version {}", v.version) : v.script; }

// The states whose effect is in the database, which an undo would take back.
bool counts_as_applied(State state) {
  return state == State::applied || state == State::missing || state == State::deleted || state == State::future ||
         state == State::baseline;
}

// A resumable version is finished by the command that was running it.
std::string resume_elsewhere(const VersionStatus& v) {
  const bool undo = v.resume_direction == Direction::undo;
  return fmt::format("the {} of version {} was cut at {} of its command {}; finish it with `mongoway {}` (it "
                     "resumes from there), or check the data and run `mongoway repair`",
                     undo ? "undo" : "migration", v.version, model::describe_progress(*v.resume), v.resume->command,
                     undo ? "undo" : "migrate");
}

// Where a resumable version goes on from (the engine checks the file).
Resume resumed_from(const VersionStatus& v) { return Resume{*v.resume, v.cut ? v.cut->checksum : ""}; }

// Failed versions block until `repair`. A version another live process is
// running does not: the caller waits for the lock and plans again from the
// history it then reads, where that version is applied or failed.
void refuse_failed(const Status& status, Direction direction) {
  const char* action = direction == Direction::migrate ? "migrate" : "undo";
  std::vector<Diagnostic> diags;
  for (const auto& v : status.versions) {
    if (v.state == State::failed) {
      diags.push_back(error(v.script, fmt::format("version {} is failed{}; check the data, then run "
                                                  "`mongoway repair`",
                                                  v.version, v.last_error.empty() ? "" : ": " + v.last_error)));
    } else if (v.state == State::resumable && v.resume_direction != direction) {
      diags.push_back(error(v.script, resume_elsewhere(v)));
    }
  }
  if (!diags.empty()) {
    auto message = fmt::format("cannot {}: {}", action, diags.front().message);
    throw Error(ExitCode::invalid, message, std::move(diags));
  }
}

}  // namespace

const char* to_string(UndoKind kind) {
  switch (kind) {
    case UndoKind::file: return "file";
    case UndoKind::derived: return "derived";
    case UndoKind::none: return "none";
  }
  return "none";
}

const VersionStatus* Status::find(int64_t version) const {
  auto it = std::lower_bound(versions.begin(), versions.end(), version,
                             [](const VersionStatus& v, int64_t n) { return v.version < n; });
  return it != versions.end() && it->version == version ? &*it : nullptr;
}

namespace {

// compute_status in four passes, each its own function: the files give the
// tracks, the history entries (in rank order) update them, the current
// version follows from the result, and the final states go out in version order.

std::map<int64_t, Track> tracks_from_files(const std::vector<FileVersion>& files) {
  std::map<int64_t, Track> tracks;
  for (const auto& f : files) {
    auto& t = tracks[f.version];
    t.status.version = f.version;
    t.status.description = f.description;
    t.status.script = f.script;
    t.status.checksum = f.checksum;
    t.status.has_file = true;
    t.undo_file = f.undoable;
    t.irreversible = f.irreversible;
  }
  return tracks;
}

std::vector<const HistoryEntry*> by_rank(const std::vector<HistoryEntry>& history) {
  std::vector<const HistoryEntry*> entries;
  entries.reserve(history.size());
  for (const auto& e : history) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(),
            [](const HistoryEntry* a, const HistoryEntry* b) { return a->rank < b->rank; });
  return entries;
}

// A finished, successful entry: what its action made of the version.
void apply_success(Track& t, const HistoryEntry& e, Status& out) {
  auto& s = t.status;
  switch (e.type) {
    case EntryType::migrate:
      t.applied = true;
      s.state = State::applied;
      s.recorded_checksum = e.checksum;
      s.installed_on = e.installed_on;
      s.execution_time_ms = e.execution_time_ms;
      s.created = e.created;
      break;
    case EntryType::baseline:
      t.applied = true;
      s.state = State::baseline;
      s.recorded_checksum = e.checksum;
      s.installed_on = e.installed_on;
      out.baseline_version = std::max(out.baseline_version, e.version);
      break;
    case EntryType::undo:
      t.applied = false;
      s.state = State::undone;
      s.installed_on = e.installed_on;
      s.execution_time_ms = e.execution_time_ms;
      break;
    case EntryType::repair:
      // A checksum realignment: the version keeps its state.
      s.recorded_checksum = e.checksum;
      break;
    case EntryType::deleted:
      // Still applied, its files gone: `applied` again once they come back.
      t.applied = true;
      s.state = State::deleted;
      s.recorded_checksum = e.checksum;
      break;
  }
}

// One entry that is not repaired, taken in rank order: a later entry of a
// version overrides what an earlier one said.
void apply_entry(Track& t, const HistoryEntry& e, std::optional<int64_t> live_lease, Status& out) {
  auto& s = t.status;
  s.version = e.version;
  if (!s.has_file) {
    s.description = e.description;
    s.script = e.script;
  }
  t.seen = true;
  s.cut.reset();
  s.resume.reset();
  if (!e.finished) {
    s.installed_on = e.installed_on;
    s.execution_time_ms.reset();
    if (live_lease && e.lease == *live_lease) {
      s.state = State::running;
      return;
    }
    s.last_error = model::describe_cut(e);
    s.cut = e;
    s.state = e.checkpoint ? State::resumable : State::failed;
    if (e.checkpoint) {
      s.resume = e.checkpoint;
      s.resume_direction = e.type == EntryType::undo ? Direction::undo : Direction::migrate;
    }
    return;
  }
  if (!e.success) {
    s.state = State::failed;
    s.last_error = e.error;
    s.installed_on = e.installed_on;
    s.execution_time_ms = e.execution_time_ms;
    return;
  }
  apply_success(t, e, out);
}

int64_t current_version_of(std::map<int64_t, Track>& tracks, const std::vector<const HistoryEntry*>& entries,
                           int64_t baseline_version) {
  int64_t current = 0;
  for (auto& [version, t] : tracks) {
    if (t.applied) current = std::max(current, version);
  }
  // A failed or running undo: the version was applied before it.
  for (const HistoryEntry* e : entries) {
    if (e->repaired || e->type != EntryType::undo) continue;
    auto& t = tracks[e->version];
    const State state = t.status.state;
    if (state == State::failed || state == State::running || state == State::resumable) {
      current = std::max(current, e->version);
    }
  }
  return std::max(current, baseline_version);
}

// Why an applied version has no derived undo ("" when it has one): it must
// have recorded what it created, the file it was applied with.
std::string why_not_derived(const VersionStatus& s) {
  if (!s.created) return "it was applied before mongoway recorded what versions create";
  if (!s.created->not_derivable.empty()) return s.created->not_derivable;
  if (s.recorded_checksum != s.checksum) return "its file changed since it was applied";
  return "";
}

// How the version would be undone. A version not applied yet is judged by
// its file alone: once it runs, its entry records what it created.
void judge_undo(Track& t) {
  auto& s = t.status;
  s.no_undo.clear();
  if (t.undo_file) {
    s.undo = UndoKind::file;
  } else if (!s.has_file) {
    s.no_undo = "its migration files are missing";
  } else if (!t.irreversible.empty()) {
    s.no_undo = t.irreversible;
  } else if (s.state == State::baseline) {
    s.no_undo = "it was recorded by baseline, not applied by mongoway";
  } else if (s.state == State::applied) {
    s.no_undo = why_not_derived(s);
  }
  if (!t.undo_file && s.no_undo.empty()) s.undo = UndoKind::derived;
  s.undoable = s.undo != UndoKind::none;
}

// The states that depend on the whole picture (missing, future, ignored,
// pending, baselined by an earlier baseline), and the list in version order.
void finish_versions(std::map<int64_t, Track>& tracks, int64_t max_file_version, Status& out) {
  for (auto& [version, t] : tracks) {
    auto& s = t.status;
    if (!s.has_file && s.state == State::applied) {
      s.state = version > max_file_version ? State::future : State::missing;
    }
    // Its file is back: applied, compared with the checksum it was applied with.
    if (s.has_file && s.state == State::deleted) s.state = State::applied;
    if (s.has_file && !t.seen) {
      if (version <= out.baseline_version) {
        s.state = State::baseline;
      } else {
        s.state = version < out.current_version ? State::ignored : State::pending;
      }
    }
    if (!s.has_file && !t.seen) continue;
    if (s.checksum.empty()) s.checksum = s.recorded_checksum;
    judge_undo(t);
    out.versions.push_back(s);
  }
}

}  // namespace

Status compute_status(const std::vector<FileVersion>& files, const std::vector<HistoryEntry>& history,
                      std::optional<int64_t> live_lease) {
  Status out;
  std::map<int64_t, Track> tracks = tracks_from_files(files);
  const int64_t max_file_version = files.empty() ? 0 : files.back().version;
  const std::vector<const HistoryEntry*> entries = by_rank(history);
  for (const HistoryEntry* e : entries) {
    out.has_history = true;
    out.next_rank = std::max(out.next_rank, e->rank + 1);
    out.highest_in_history = std::max(out.highest_in_history, e->version);
    tracks[e->version].status.in_history = true;
    if (!e->repaired) apply_entry(tracks[e->version], *e, live_lease, out);
  }
  out.current_version = current_version_of(tracks, entries, out.baseline_version);
  finish_versions(tracks, max_file_version, out);
  return out;
}

Plan plan_migrate(const Status& status, std::optional<int64_t> target, std::optional<int64_t> steps,
                  bool out_of_order) {
  refuse_failed(status, Direction::migrate);
  Plan plan;
  plan.from_version = status.current_version;
  plan.to_version = status.current_version;
  if (steps && *steps <= 0) throw Error(ExitCode::usage, "--steps must be a positive number");
  if (target) {
    if (*target < status.current_version) {
      throw Error(ExitCode::usage,
                  fmt::format("target version {} is below the current version {}; use `mongoway goto {} --allow-undo` "
                              "(or `mongoway undo --target {}`) to go down",
                              *target, status.current_version, *target, *target));
    }
    const auto* v = status.find(*target);
    if (*target != status.current_version && (!v || !v->has_file)) {
      int64_t latest = 0;
      for (const auto& s : status.versions) {
        if (s.has_file) latest = s.version;
      }
      throw Error(ExitCode::usage, fmt::format("no migration file has version {} (the latest is {})", *target, latest));
    }
  }

  std::vector<Diagnostic> ignored;
  for (const auto& v : status.versions) {
    const bool runnable = v.has_file &&
                          (v.state == State::pending || v.state == State::undone || v.state == State::ignored ||
                           v.state == State::running || v.state == State::resumable);
    if (!runnable) continue;
    if (target && v.version > *target) continue;
    if (v.state == State::resumable) plan.resume[v.version] = resumed_from(v);
    if (v.version < status.current_version && !out_of_order) {
      ignored.push_back(error(v.script, fmt::format("version {} is pending but below the current version "
                                                    "{} (out of order); apply it with `mongoway migrate "
                                                    "--out-of-order`",
                                                    v.version, status.current_version)));
      continue;
    }
    plan.versions.push_back(v.version);
  }
  if (!ignored.empty()) {
    auto message = fmt::format("cannot migrate: {}", ignored.front().message);
    throw Error(ExitCode::invalid, message, std::move(ignored));
  }
  if (steps && static_cast<int64_t>(plan.versions.size()) > *steps) plan.versions.resize(*steps);
  for (auto v : plan.versions) plan.to_version = std::max(plan.to_version, v);
  return plan;
}

namespace {

// Every version `undo` would run must have been applied by mongoway, its
// files here and an undo file among them: all are refused together.
void refuse_what_cannot_be_undone(const std::vector<const VersionStatus*>& candidates) {
  std::vector<Diagnostic> problems;
  for (const auto* v : candidates) {
    if (v->state == State::baseline) {
      problems.push_back(error(v->script, fmt::format("version {} was recorded by baseline, not applied by "
                                                      "mongoway, so it cannot be undone",
                                                      v->version)));
    } else if (v->state == State::deleted) {
      problems.push_back(error(v->script, fmt::format("version {} was marked deleted (its files are gone), so it "
                                                      "cannot be undone, nor the versions below it; undo no "
                                                      "further than `--target {}`",
                                                      v->version, v->version)));
    } else if (!v->has_file) {
      problems.push_back(error(v->script, fmt::format("version {} is applied but its migration files are "
                                                      "missing, so it cannot be undone",
                                                      v->version)));
    } else if (!v->undoable) {
      problems.push_back(error(v->script, fmt::format("version {} has no undo file (U{}__undo_*.json) and no "
                                                      "derived undo: {}; nothing was undone",
                                                      v->version, v->version, v->no_undo)));
    }
  }
  if (!problems.empty()) {
    auto message = fmt::format("cannot undo: {}", problems.front().message);
    throw Error(ExitCode::invalid, message, std::move(problems));
  }
}

}  // namespace

Plan plan_undo(const Status& status, std::optional<int64_t> target, std::optional<int64_t> steps) {
  refuse_failed(status, Direction::undo);
  Plan plan;
  plan.direction = Direction::undo;
  plan.from_version = status.current_version;
  if (steps && *steps <= 0) throw Error(ExitCode::usage, "--steps must be a positive number");
  if (target && *target < 0) throw Error(ExitCode::usage, "--target must be 0 or a version");
  if (target && *target > status.current_version) {
    throw Error(ExitCode::usage, fmt::format("target version {} is above the current version {}; use `mongoway migrate "
                                             "--target {}` to go up",
                                             *target, status.current_version, *target));
  }
  const int64_t steps_wanted = steps ? *steps : (target ? INT64_MAX : 1);
  const int64_t floor = target ? *target : INT64_MIN;

  std::vector<const VersionStatus*> candidates;
  for (auto it = status.versions.rbegin(); it != status.versions.rend(); ++it) {
    const auto& v = *it;
    if (v.version <= floor) break;
    if (counts_as_applied(v.state) || (v.state == State::resumable && v.resume_direction == Direction::undo)) {
      if (static_cast<int64_t>(candidates.size()) >= steps_wanted) break;
      candidates.push_back(&v);
    }
  }
  refuse_what_cannot_be_undone(candidates);
  for (const auto* v : candidates) {
    plan.versions.push_back(v->version);
    if (v->undo == UndoKind::derived) plan.derived[v->version] = v->created.value_or(model::Created{});
    if (v->state == State::resumable) plan.resume[v->version] = resumed_from(*v);
  }

  // The current version once these are undone: the highest applied version left.
  plan.to_version = 0;
  for (const auto& v : status.versions) {
    if (counts_as_applied(v.state) &&
        std::find(plan.versions.begin(), plan.versions.end(), v.version) == plan.versions.end()) {
      plan.to_version = std::max(plan.to_version, v.version);
    }
  }
  plan.to_version = std::max(plan.to_version, status.baseline_version);
  return plan;
}

namespace {

void refuse_unknown_target(const Status& status, int64_t target) {
  if (target < 0) throw Error(ExitCode::usage, fmt::format("goto needs 0 or a version, got {}", target));
  if (target == 0 || status.find(target) != nullptr) return;
  int64_t latest = 0;
  for (const auto& v : status.versions) latest = std::max(latest, v.version);
  throw Error(ExitCode::usage,
              fmt::format("no migration file or history entry has version {} (the latest is {})", target, latest));
}

// The versions going down to `target` undoes, newest first, whether or not
// they can be: what the refusal without --allow-undo names.
std::vector<int64_t> applied_above(const Status& status, int64_t target) {
  std::vector<int64_t> out;
  for (auto it = status.versions.rbegin(); it != status.versions.rend() && it->version > target; ++it) {
    if (counts_as_applied(it->state)) out.push_back(it->version);
  }
  return out;
}

std::string version_list(const std::vector<int64_t>& versions) {
  std::string out;
  for (auto v : versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

Plan plan_goto_down(const Status& status, int64_t target, bool allow_undo) {
  refuse_failed(status, Direction::undo);
  if (!allow_undo) {
    const auto versions = applied_above(status, target);
    throw Error(ExitCode::usage, fmt::format("goto {} would undo version{} {} (the current version is {}); add "
                                             "--allow-undo to undo {}",
                                             target, versions.size() == 1 ? "" : "s", version_list(versions),
                                             status.current_version, versions.size() == 1 ? "it" : "them"));
  }
  Plan plan = plan_undo(status, target, std::nullopt);
  if (plan.to_version != target) {
    throw Error(ExitCode::usage,
                fmt::format("version {} is {}, not applied, so undoing down to it would leave the database at "
                            "version {}: run `mongoway goto {} --allow-undo`, then `mongoway goto {}`",
                            target, to_string(status.find(target)->state), plan.to_version, plan.to_version, target));
  }
  return plan;
}

}  // namespace

Plan plan_goto(const Status& status, int64_t target, bool allow_undo) {
  refuse_unknown_target(status, target);
  if (target < status.current_version) return plan_goto_down(status, target, allow_undo);
  return plan_migrate(status, target, std::nullopt, false);
}

std::vector<Diagnostic> check_history(const Status& status, bool out_of_order) {
  std::vector<Diagnostic> out;
  for (const auto& v : status.versions) {
    switch (v.state) {
      case State::applied:
        if (!v.recorded_checksum.empty() && v.checksum != v.recorded_checksum) {
          out.push_back(error(v.script, fmt::format("checksum changed since version {} was applied: recorded "
                                                    "{}, file {}; restore the file, or run `mongoway repair` "
                                                    "to accept the change",
                                                    v.version, v.recorded_checksum, v.checksum)));
        }
        break;
      case State::missing:
        out.push_back(error(v.script, fmt::format("version {} is applied but its file {} is missing from the "
                                                  "locations; restore it, or, if it was deleted on purpose, "
                                                  "record that with `mongoway repair --mark-deleted`",
                                                  v.version, label(v))));
        break;
      case State::failed:
        out.push_back(error(v.script, fmt::format("version {} is failed{}; check the data, then run "
                                                  "`mongoway repair`",
                                                  v.version, v.last_error.empty() ? "" : ": " + v.last_error)));
        break;
      case State::ignored:
        if (out_of_order) break;
        out.push_back(error(v.script, fmt::format("version {} is pending but below the current version {} "
                                                  "(out of order); apply it with `mongoway migrate "
                                                  "--out-of-order`",
                                                  v.version, status.current_version)));
        break;
      case State::future: {
        Diagnostic d = error(v.script,
                             fmt::format("version {} is applied but newer than every migration file", v.version));
        d.severity = Diagnostic::Severity::warning;
        out.push_back(d);
        break;
      }
      default: break;
    }
  }
  return out;
}

namespace {

[[noreturn]] void refuse_remove(const VersionStatus* v, int64_t version, const std::string& reason) {
  std::vector<Diagnostic> diags{error(v ? v->script : "", reason)};
  throw Error(ExitCode::invalid, fmt::format("cannot remove version {}: {}", version, reason), std::move(diags));
}

// Why `version` may not be removed, or nothing when it may.
void check_removable(const Status& status, int64_t version) {
  const VersionStatus* v = status.find(version);
  if (!v || !v->has_file) refuse_remove(v, version, fmt::format("no migration file has version {}", version));
  if (v->in_history) {
    refuse_remove(v, version,
                  fmt::format("it is in the history (state {}); remove deletes only the files of versions "
                              "that never ran; an applied version is taken back with `mongoway undo`",
                              to_string(v->state)));
  }
  if (version < status.highest_in_history) {
    refuse_remove(v, version,
                  fmt::format("it never ran, but version {} above it is in the history; remove deletes "
                              "only versions above every version in the history",
                              status.highest_in_history));
  }
}

}  // namespace

std::vector<int64_t> plan_remove(const Status& status, std::optional<int64_t> version) {
  if (version) {
    check_removable(status, *version);
    return {*version};
  }
  std::vector<int64_t> out;
  for (auto it = status.versions.rbegin(); it != status.versions.rend(); ++it) {
    if (it->version <= status.highest_in_history) break;
    if (it->has_file && !it->in_history) out.push_back(it->version);
  }
  return out;
}

std::vector<Diagnostic> check_running(const Status& status) {
  std::vector<Diagnostic> out;
  for (const auto& v : status.versions) {
    if (v.state == State::resumable) {
      out.push_back(error(v.script, fmt::format("version {} is resumable: {}", v.version, resume_elsewhere(v))));
    }
    if (v.state != State::running) continue;
    out.push_back(error(v.script, fmt::format("version {} is running (the process holding the lock runs it); wait "
                                              "for it to end; if that process is gone, the version shows as failed "
                                              "once its lease expires: check the data, then run `mongoway repair`",
                                              v.version)));
  }
  return out;
}

}  // namespace mongoway::plan
