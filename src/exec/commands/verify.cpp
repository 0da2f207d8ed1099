// verify: proves that every version's undo restores the schema the version
// changed. On a scratch database (never the target), from 0 up to the target
// one version at a time: apply V_N, undo it, apply it again, comparing the
// schema fingerprints — after U_N with before V_N, and after the second V_N
// with after the first. Stops at the first version that fails. The scratch
// database's history is kept in memory (exec/remembered_history.hpp) and its
// fingerprint read again only where a version can have changed it, so that
// the cost per version does not grow with the number of versions.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/commands/target_schema.hpp"
#include "exec/preflight.hpp"
#include "exec/schema_diff.hpp"
#include "exec/schema_reader.hpp"
#include "exec/scratch_database.hpp"
#include "exec/stop.hpp"
#include "script/reach.hpp"

namespace mongoway::exec {
namespace {

// The versions up to the target, in order; an unknown target is refused.
std::vector<const script::Migration*> versions_up_to(const script::LoadResult& files, std::optional<int64_t> target) {
  std::vector<const script::Migration*> out;
  for (const auto& m : files.migrations) {
    if (!target || m.version() <= *target) out.push_back(&m);
  }
  if (target && *target != 0 && (out.empty() || out.back()->version() != *target)) {
    throw Error(ExitCode::usage, fmt::format("--target {}: no migration has that version", *target));
  }
  return out;
}

// Every file verify runs: each version's V file and, when it has one, its U file.
std::vector<PlannedFile> files_of(const std::vector<const script::Migration*>& versions) {
  std::vector<PlannedFile> out;
  for (const auto* m : versions) {
    out.push_back({m->version(), &m->up});
    if (m->undo) out.push_back({m->version(), &*m->undo});
  }
  return out;
}

std::vector<mongoway::SchemaDifference> differences(const Fingerprint& expected, const Fingerprint& actual) {
  return public_differences(compare_fingerprints(expected, actual));
}

// What the version's files can change (both, since V_N, U_N and V_N run
// between two reads); nullopt: anything.
std::optional<std::set<std::string>> changed_by(const script::Migration& m) {
  auto out = script::collections_changed_by(m.up);
  if (!out || !m.undo) return out;
  auto undo = script::collections_changed_by(*m.undo);
  if (!undo) return std::nullopt;
  out->insert(undo->begin(), undo->end());
  return out;
}

// One version on the scratch database; `schema` is its schema before the
// version, and after it once checked. The fingerprints are read again only
// where the version's files can have changed them (exec/schema_reader.hpp).
class VersionCheck {
 public:
  VersionCheck(ScratchDatabase& scratch, ReadOptions read)
      : m_scratch(scratch), m_reader(scratch.engine().server(), scratch.name(), std::move(read)) {}

  Fingerprint read_all() { return m_reader.read(); }

  VerifiedVersion check(const script::Migration& m, Fingerprint& schema) {
    VerifiedVersion out;
    out.version = m.version();
    out.description = m.description();
    const auto changed = changed_by(m);
    apply(m.version());
    Fingerprint after = m_reader.read(changed);
    // An undo derived from what the version created is verified like a U file.
    if (!m.undo && !m_scratch.engine().irreversible(m.up).empty()) {
      out.result = "no_undo";
      schema = std::move(after);
      return out;
    }
    throw_if_stopped();
    exec::undo(m_scratch.engine(), UndoOptions{std::nullopt, 1, false});
    out.differences = differences(schema, m_reader.read(changed));
    if (!out.differences.empty()) {
      out.result = "undo_differs";
      return out;
    }
    throw_if_stopped();
    apply(m.version());
    Fingerprint again = m_reader.read(changed);
    out.differences = differences(after, again);
    out.result = out.differences.empty() ? "ok" : "reapply_differs";
    schema = std::move(again);
    return out;
  }

 private:
  void apply(int64_t version) {
    MigrateOptions options;
    options.target = version;
    exec::migrate(m_scratch.engine(), options);
  }

  ScratchDatabase& m_scratch;
  FingerprintReader m_reader;
};

void run_checks(Engine& engine, ScratchDatabase& scratch, const std::vector<const script::Migration*>& versions,
                VerifyResult& out) {
  VersionCheck check(scratch, fingerprint_options(engine, out.data));
  Fingerprint schema = check.read_all();
  for (size_t i = 0; i < versions.size(); ++i) {
    throw_if_stopped();
    if (engine.listener.verifying) engine.listener.verifying(versions[i]->version(), i, versions.size());
    out.versions.push_back(check.check(*versions[i], schema));
    const VerifiedVersion& v = out.versions.back();
    if (v.result == "no_undo") ++out.without_undo;
    if (v.result == "undo_differs" || v.result == "reapply_differs") {
      out.failed_version = v.version;
      return;
    }
  }
}

}  // namespace

VerifyResult verify(Engine& engine, const VerifyOptions& options) {
  engine.check_config();
  const auto& files = engine.load_files();
  const auto versions = versions_up_to(files, options.target);
  VerifyResult out;
  ScratchDatabase scratch(engine, ScratchOptions{options.scratch_uri, options.scratch_database},
                          [&](Engine& on) { tell_warnings(engine, preflight(on, files_of(versions))); });
  if (engine.listener.scratch_chosen) engine.listener.scratch_chosen(scratch.shown_uri(), scratch.name());
  out.scratch_uri = scratch.shown_uri();
  out.scratch_database = scratch.name();
  out.target_version = versions.empty() ? 0 : versions.back()->version();
  out.data = options.data;
  out.require_undo = options.require_undo;
  {
    // One lease for the whole run: the scratch database is this run's alone.
    auto lock = scratch.engine().take_lock();
    scratch.engine().held_lock = lock.get();
    run_checks(engine, scratch, versions, out);
    scratch.engine().held_lock = nullptr;
    lock->release();
  }
  out.scratch_dropped = scratch.drop();
  out.passed = !out.failed_version && !(options.require_undo && out.without_undo > 0);
  return out;
}

}  // namespace mongoway::exec
