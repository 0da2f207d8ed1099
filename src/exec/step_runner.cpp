#include "exec/step_runner.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bson/bson_util.hpp"
#include "exec/batched_walk.hpp"
#include "exec/creation_recorder.hpp"
#include "exec/derived_undo.hpp"
#include "exec/executor.hpp"
#include "exec/sent_text.hpp"
#include "exec/stop.hpp"

namespace mongoway::exec {
namespace {

StepResult describe_step(const Step& step, Direction direction) {
  StepResult r;
  r.version = step.migration->version();
  r.description = step.migration->description();
  r.script = step.script->file.file_name;
  r.direction = direction;
  return r;
}

bool is_stop(const Error& e) { return e.code() == ExitCode::interrupted || e.code() == ExitCode::terminated; }

bool is_batched(const std::vector<script::ServerCommand>& sent) {
  return !sent.empty() && sent.front().batching.has_value();
}

// "during command 2 of 3 at 1,200 of about 3,000 (40%)"
std::string where_in_batches(const Step& step, const StepProgress& at) {
  const auto& cp = *at.checkpoint;
  return fmt::format("during command {} of {} at {}", cp.command, step.commands.size(), model::describe_progress(cp));
}

}  // namespace

std::string recorded_failure(const Step& step, const StepProgress& at, const Error& error, bool stopped) {
  const size_t total = step.commands.size();
  if (stopped && at.in_command) {
    return fmt::format("{} during command {} of {}; that command is partly applied", error.what(), at.done + 1, total);
  }
  if (stopped) return fmt::format("{} after command {} of {}", error.what(), at.done, total);
  if (at.done < total) {
    const script::Command& command = *step.commands[at.done].first;
    return fmt::format("command {} ({}): {}", command.index, command.name, error.what());
  }
  return fmt::format("the commit of the transaction: {}", error.what());
}

RunResult dry_run(const Engine& engine, const std::vector<Step>& steps, Direction direction, const plan::Plan& p) {
  RunResult result;
  result.direction = direction;
  result.dry_run = true;
  result.from_version = p.from_version;
  result.to_version = p.to_version;
  for (const auto& step : steps) {
    auto r = describe_step(step, direction);
    for (const auto& [cmd, servers] : step.commands) {
      for (const auto& s : servers) r.commands.push_back(engine.shown(*cmd, s));
    }
    r.success = true;
    result.steps.push_back(std::move(r));
  }
  return result;
}

StepRunner::StepRunner(Engine& engine, std::vector<Step>& steps, Direction direction, LeaseLock& lock,
                       int64_t first_rank)
    : m_engine(engine),
      m_server(engine.server()),
      m_steps(steps),
      m_direction(direction),
      m_type(direction == Direction::migrate ? model::EntryType::migrate : model::EntryType::undo),
      m_lock(lock),
      m_first_rank(first_rank) {}

RunResult StepRunner::run(const plan::Plan& p, bool history_exists) {
  m_result.direction = m_direction;
  m_result.from_version = p.from_version;
  m_result.to_version = p.from_version;
  const int64_t started = m_engine.clock.now_ns();
  if (!history_exists) m_server.ensure_history_indexes();
  for (size_t i = 0; i < m_steps.size(); ++i) {
    begin_step(i);
    StepResult r = run_step(i);
    m_result.steps.push_back(r);
    if (m_direction == Direction::migrate) m_result.to_version = std::max(m_result.to_version, r.version);
    if (m_engine.listener.step_finished) m_engine.listener.step_finished(r, i, m_steps.size());
  }
  m_server.end_run(m_lock.lease_id());
  if (m_direction == Direction::undo) m_result.to_version = p.to_version;
  m_result.total_time_ms = m_engine.elapsed_ms(started);
  return std::move(m_result);
}

// Between two versions: a stop request or a lost lease ends the run here
// (every version before this one is recorded and this one never started, so
// the run record goes too: left behind, it would make this version look cut).
void StepRunner::begin_step(size_t i) {
  if (stop_requested()) {
    if (i > 0) m_server.end_run(m_lock.lease_id());
    throw_if_stopped();
  }
  try {
    m_lock.ensure_held();
  } catch (const Error&) {
    if (i > 0) end_run_if_possible();
    throw;
  }
  if (i % kRunRecordSteps == 0) {
    m_server.record_run(run_record(i));
    m_record_first_rank = m_first_rank + static_cast<int64_t>(i);
  }
}

StepResult StepRunner::run_step(size_t i) {
  const Step& step = m_steps[i];
  m_rank = m_first_rank + static_cast<int64_t>(i);
  model::HistoryEntry entry = m_engine.new_entry(m_first_rank + static_cast<int64_t>(i), *step.script, m_type,
                                                 m_lock.lease_id());
  StepResult r = describe_step(step, m_direction);
  if (m_engine.listener.step_started) m_engine.listener.step_started(r, i, m_steps.size());
  const int64_t started = m_engine.clock.now_ns();
  StepProgress at;
  try {
    auto body = [&] { run_commands(step, r, at); };
    if (step.transaction) {
      m_server.with_transaction(body);
    } else {
      body();
    }
  } catch (const Error& e) {
    r.execution_time_ms = m_engine.elapsed_ms(started);
    r.error = e.what();
    fail_step(i, entry, r, at, e);
  }
  r.execution_time_ms = m_engine.elapsed_ms(started);
  m_lock.ensure_held();
  entry.success = entry.finished = true;
  entry.execution_time_ms = r.execution_time_ms;
  if (m_direction == Direction::migrate) entry.created = m_created;
  entry.derived = step.derived != nullptr;
  try {
    m_server.append(entry);
  } catch (const Error& e) {
    if (e.code() != ExitCode::connection) throw;
    connection_lost(i, r, "connection lost while recording it, after its last command; outcome unknown", e);
  }
  r.success = true;
  return r;
}

// The lease is checked before every request of the version, not only between
// versions: a process paused for longer than the TTL (a frozen VM, SIGSTOP)
// must not send the rest of a version that another holder may be running by
// then.
BeforeSend StepRunner::lease_check(StepProgress& at) {
  return [this, &at] {
    m_lock.ensure_held();
    ++at.sent;
  };
}

// A transaction's body runs again when the driver retries it: each try
// starts from the first command, its counts from zero. A version that goes
// on from a checkpoint starts at its batched command: the ones before it
// completed in the run that was cut.
void StepRunner::run_commands(const Step& step, StepResult& r, StepProgress& at) {
  at = {};
  r.counts = {};
  r.batches = 0;
  const auto& listener = m_engine.listener;
  std::optional<CreationRecorder> recorder;
  if (m_direction == Direction::migrate && step.irreversible.empty()) {
    recorder.emplace(m_engine.config.database, known_collections());
  }
  if (step.resume) {
    at.checkpoint = resumed_here(step);
    if (m_rank != m_record_first_rank) save_checkpoint(at.checkpoint);
  }
  for (const auto& [cmd, servers] : step.commands) {
    if (step.resume && cmd->index < step.resume->command) {
      ++at.done;
      continue;
    }
    at.in_command = true;
    at.sent = 0;
    at.answered = false;
    for (const auto& s : servers) {
      if (listener.command_started) listener.command_started(m_engine.shown(*cmd, s));
      if (listener.debug) show_as_sent(*step.script, *cmd, s);
      if (recorder) {
        m_lock.ensure_held();
        recorder->before(m_server, s);
      }
      bson::Document reply;
      const WriteCounts counts = s.batching ? run_batched_command(step, *cmd, s, r, at)
                                            : run_server_command(m_server, s, cmd->documents_count,
                                                                 listener.documents_progress, lease_check(at), &reply);
      r.counts += counts;
      if (recorder) recorder->after(*cmd, s, reply, counts);
    }
    end_command(step, at);
  }
  // The commit is one more request: a lease lost by now aborts the transaction instead.
  if (step.transaction) m_lock.ensure_held();
  remember_creations(step, recorder ? &*recorder : nullptr);
}

// Held still when the last reply came? A request checked before it went may
// have run after the lease was lost (the process paused in between, or the
// server slow): the command is then not counted as done. A batched command's
// checkpoint stays in the run record while the next command is batched too
// (its own replaces it) or none follows (going on from it then runs nothing
// more); before any other command it is cleared: a cut inside that one
// leaves the version failed, as any other.
void StepRunner::end_command(const Step& step, StepProgress& at) {
  at.answered = true;
  m_lock.ensure_held();
  at.in_command = false;
  ++at.done;
  const size_t total = step.commands.size();
  if (at.checkpoint && at.done < total && !is_batched(step.commands[at.done].second)) {
    save_checkpoint(std::nullopt);
    at.checkpoint.reset();
  }
  if (at.done < total) throw_if_stopped();
}

// A resumed version's checkpoint, at its place in this run.
model::Checkpoint StepRunner::resumed_here(const Step& step) const {
  model::Checkpoint cp = *step.resume;
  cp.rank = m_rank;
  return cp;
}

// The batched command: its checkpoint in the run record after each batch,
// each batch reported; a stop request ends it between two batches.
WriteCounts StepRunner::run_batched_command(const Step& step, const script::Command& cmd,
                                            const script::ServerCommand& sent, StepResult& r, StepProgress& at) {
  model::Checkpoint start;
  if (step.resume && step.resume->command == cmd.index) {
    start = resumed_here(step);
    r.resumed_at = start.done;
  }
  start.rank = m_rank;
  start.version = step.migration->version();
  start.command = cmd.index;
  const int64_t batches_before = start.batches;
  BatchedWalk walk{m_server, m_engine.clock, sent, start, lease_check(at), {}, {}, [] { throw_if_stopped(); }};
  walk.save = [this, &at](const model::Checkpoint& cp) {
    save_checkpoint(cp);
    at.checkpoint = cp;
  };
  walk.batch_done = [&](const BatchDone& done) {
    r.batches = done.checkpoint.batches - batches_before;
    report_batch(step, cmd, done);
  };
  return run_batched(walk);
}

void StepRunner::report_batch(const Step& step, const script::Command& cmd, const BatchDone& done) const {
  const auto& listener = m_engine.listener;
  const model::Checkpoint& cp = done.checkpoint;
  if (listener.documents_progress) {
    listener.documents_progress(static_cast<uint64_t>(cp.done), static_cast<uint64_t>(std::max(cp.total, cp.done)));
  }
  if (listener.batch_done) {
    BatchProgress b;
    b.version = step.migration->version();
    b.command = cmd.index;
    b.name = cmd.name;
    b.batch = cp.batches;
    b.documents = done.batch_documents;
    b.done = cp.done;
    b.total = std::max(cp.total, cp.done);
    b.write_ms = done.write_ms;
    b.counts.matched = cp.matched;
    b.counts.modified = cp.modified;
    b.counts.deleted = cp.deleted;
    listener.batch_done(b);
  }
  m_engine.debug(fmt::format("{} command {} ({}): batch {} of {} documents done in {} ms; {}",
                             step.script->file.file_name, cmd.index, cmd.name, cp.batches, done.batch_documents,
                             done.write_ms, model::describe_progress(cp)));
}

// One request: the checkpoint field of this run's record, set or cleared.
void StepRunner::save_checkpoint(const std::optional<model::Checkpoint>& checkpoint) {
  m_lock.ensure_held();
  if (!m_server.record_checkpoint(m_lock.lease_id(), checkpoint)) {
    throw Error(ExitCode::lock, "the run's record is gone from the lock collection: another process took the run over");
  }
}

// The database's collections and views as this run knows them: read once
// (one listCollections), then followed through the versions it records.
std::set<std::string> StepRunner::known_collections() {
  if (!m_known) {
    m_lock.ensure_held();
    m_known.emplace();
    for (const auto& spec : m_server.list_collection_specs(m_engine.config.database)) {
      bson_iter_t it;
      if (bson::find_field(spec, "name", &it)) m_known->insert(bson::iter_string(it));
    }
  }
  return *m_known;
}

// What the version's entry records. A version that is not reversible may
// have changed any collection: the list is read again before the next one.
void StepRunner::remember_creations(const Step& step, const CreationRecorder* recorder) {
  if (recorder != nullptr) {
    m_created = recorder->created();
    m_known = recorder->known();
    return;
  }
  m_created = model::Created{{}, step.irreversible};
  m_known.reset();
}

// `-v`: "V3__x.json command 1 (updateMany) on shop: { … }  # its comment".
void StepRunner::show_as_sent(const script::Script& script, const script::Command& cmd,
                              const script::ServerCommand& sent) const {
  m_engine.debug(fmt::format("{} command {} ({}) on {}: {}{}", script.file.file_name, cmd.index, cmd.name,
                             sent.database, sent_text(sent, cmd.documents_count, m_engine.secrets),
                             cmd.comment.empty() ? "" : "  # " + cmd.comment));
}

// Records a version that failed or was stopped, then throws what the run
// ends with. A lost server or lease writes nothing: the run record stands for
// the version.
void StepRunner::fail_step(size_t i, model::HistoryEntry& entry, StepResult& r, const StepProgress& at,
                           const Error& e) {
  const Step& step = m_steps[i];
  if (e.code() == ExitCode::connection) {
    const size_t total = step.commands.size();
    connection_lost(i, r,
                    at.checkpoint ? fmt::format("connection lost {}", where_in_batches(step, at))
                    : at.done < total
                        ? fmt::format("connection lost during command {} of {}; outcome unknown", at.done + 1, total)
                        : "connection lost during the commit of its transaction; outcome unknown",
                    e, at.checkpoint.has_value());
  }
  if (e.code() == ExitCode::lock) lease_lost(step, at, e);
  if (is_stop(e) && at.checkpoint) stopped_resumable(i, r, at, e);
  m_lock.ensure_held();
  const bool stopped = is_stop(e);
  const std::string recorded = recorded_failure(step, at, e, stopped);
  entry.finished = true;
  entry.execution_time_ms = r.execution_time_ms;
  entry.error = recorded;
  m_server.append(entry);
  m_server.end_run(m_lock.lease_id());
  r.error = recorded;
  m_result.steps.push_back(r);
  if (m_engine.listener.step_finished) m_engine.listener.step_finished(r, i, m_steps.size());
  const std::string& file = step.script->file.file_name;
  if (stopped) {
    throw Error(e.code(), fmt::format("{}: {} is recorded as failed ({}); check the data, then run `mongoway repair`",
                                      e.what(), file, recorded));
  }
  throw Error(ExitCode::migration_failed,
              fmt::format("{} failed at {}; the version is recorded as failed: check the data, then run `mongoway "
                          "repair`",
                          file, recorded));
}

// The server (or its reply) is gone: nothing can be written, and the run
// record stands for this version, shown failed by the next run until
// `repair`. The version's own line says so; the advice to check the URI,
// meant for a server never reached, would mislead.
void StepRunner::connection_lost(size_t i, StepResult& r, const std::string& where, const Error& e, bool resumable) {
  r.success = false;
  r.interrupted = true;
  r.error = where;
  m_result.steps.push_back(r);
  if (m_engine.listener.step_finished) m_engine.listener.step_finished(r, i, m_steps.size());
  const std::string& file = m_steps[i].script->file.file_name;
  if (resumable) {
    throw Error(ExitCode::connection,
                fmt::format("{}; {} was interrupted ({}): once the server answers, {} goes on from its last "
                            "checkpoint (the batch in flight may run again)",
                            e.what(), file, where, resume_advice()));
  }
  throw Error(ExitCode::connection,
              fmt::format("{}; {} was interrupted ({}): once the server answers, `mongoway info` shows it failed; "
                          "check its data, then run `mongoway repair`",
                          e.what(), file, where));
}

// `mongoway migrate` (or undo): the command that goes on from a checkpoint of this run.
std::string StepRunner::resume_advice() const {
  return m_direction == Direction::migrate ? "`mongoway migrate`" : "`mongoway undo`";
}

// A stop request between two batches of a batched command: nothing is
// recorded in the history; the run record keeps the checkpoint of the last
// batch, so the version is resumable once the lease is released.
void StepRunner::stopped_resumable(size_t i, StepResult& r, const StepProgress& at, const Error& e) {
  const Step& step = m_steps[i];
  r.success = false;
  r.error = fmt::format("stopped {}", where_in_batches(step, at));
  m_result.steps.push_back(r);
  if (m_engine.listener.step_finished) m_engine.listener.step_finished(r, i, m_steps.size());
  throw Error(e.code(), fmt::format("{}: {} stopped {}; {} goes on from there", e.what(), step.script->file.file_name,
                                    where_in_batches(step, at), resume_advice()));
}

// The lease is gone: the history is another process's now, so nothing is
// written. A transaction was aborted, never committed, and a version none of
// whose requests was sent never started: nothing of it was applied, so it
// stays pending and the run record goes. Otherwise the run record stands for
// this version, partly applied.
void StepRunner::lease_lost(const Step& step, const StepProgress& at, const Error& e) {
  const std::string& file = step.script->file.file_name;
  if (step.transaction) {
    end_run_if_possible();
    throw Error(ExitCode::lock, fmt::format("{}; the transaction of {} was aborted, so nothing of it was applied and "
                                            "it is still pending",
                                            e.what(), file));
  }
  if (at.checkpoint) {
    throw Error(ExitCode::lock, fmt::format("{}; {} stopped {}: {} goes on from its last checkpoint (the batch in "
                                            "flight may run again)",
                                            e.what(), file, where_in_batches(step, at), resume_advice()));
  }
  if (at.done == 0 && at.sent == 0) {
    // Not one request of the version went: it never started on the server.
    // Left behind, the run record would make it look cut.
    end_run_if_possible();
    throw Error(ExitCode::lock, fmt::format("{}; {} stopped before sending any of its commands, so nothing of it was "
                                            "applied and it is still pending",
                                            e.what(), file));
  }
  const auto where = where_stopped(step, at);
  throw Error(ExitCode::lock, fmt::format("{}; {} stopped {} and is left unfinished: check the data, then run "
                                          "`mongoway repair`",
                                          e.what(), file, where));
}

// Where a version whose lease was lost stopped, for its message.
std::string StepRunner::where_stopped(const Step& step, const StepProgress& at) {
  const size_t total = step.commands.size();
  if (at.sent == 0) return fmt::format("before sending command {} of {}", at.done + 1, total);
  if (at.answered) {
    return fmt::format("during command {} of {}: its last request was sent while the lease was held and answered once "
                       "it was lost, so it may have run after another process took over",
                       at.done + 1, total);
  }
  return fmt::format("during command {} of {}, after {} of its requests (it is partly applied)", at.done + 1, total,
                     at.sent);
}

// The record of the steps from `first` on (at most kRunRecordSteps of them).
model::RunRecord StepRunner::run_record(size_t first) const {
  model::RunRecord run;
  run.lease = m_lock.lease_id();
  run.first_rank = m_first_rank + static_cast<int64_t>(first);
  run.type = m_type;
  run.installed_by = process_owner();
  run.started = std::chrono::system_clock::now();
  for (size_t i = first; i < m_steps.size() && i < first + kRunRecordSteps; ++i) {
    const auto& s = *m_steps[i].script;
    run.steps.push_back({s.file.name.version, s.file.name.description, s.file.file_name, s.checksum});
  }
  // A version going on from a checkpoint is resumable from the start: cut
  // before its walk writes a checkpoint of its own, it is still.
  if (const auto& resume = m_steps[first].resume) {
    run.checkpoint = *resume;
    run.checkpoint->rank = run.first_rank;
  }
  return run;
}

// Deletes this run's record after its lease was lost, when the history it
// stands for is complete. Best effort: the server may be what was lost, and
// the lease's loss is the error to report. It is this run's own document, so
// writing it without the lease is safe.
void StepRunner::end_run_if_possible() {
  try {
    m_server.end_run(m_lock.lease_id());
  } catch (const Error&) {
  }
}

}  // namespace mongoway::exec
