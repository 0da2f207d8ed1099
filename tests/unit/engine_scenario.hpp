#pragma once
// One run of the engine on a fresh fake server, and what it left: the
// scenario every engine test on the fake builds on.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../fake/fake_processes.hpp"
#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/history.hpp"

namespace mongoway::testing {

using namespace std::chrono_literals;

// Insert batches of 2 documents at most.
inline FakeServerOptions small_batches() {
  FakeServerOptions o;
  o.facts.max_write_batch_size = 2;
  return o;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One run of the engine on a fresh fake server.
class Scenario {
 public:
  explicit Scenario(Config config, FakeServerOptions options = small_batches())
      : fake(std::move(options)), m_config(std::move(config)) {}

  // Runs migrate; returns the error it ended with (nullopt: it succeeded).
  std::optional<Error> migrate(const MigrateOptions& options = {}) {
    return capture([&](exec::Engine& e) { result = exec::migrate(e, options); });
  }
  std::optional<Error> undo(const UndoOptions& options) {
    return capture([&](exec::Engine& e) { result = exec::undo(e, options); });
  }
  // Runs info; returns the error it ended with (nullopt: it answered).
  std::optional<Error> info() {
    return capture([&](exec::Engine& e) { shown = exec::info(e); });
  }
  // Runs info, which must answer, and returns the row of `version`.
  VersionInfo info_of(int64_t version) {
    auto error = info();
    EXPECT_FALSE(error) << error->what();
    for (const auto& row : shown.migrations) {
      if (row.version == version) return row;
    }
    ADD_FAILURE() << "info shows no version " << version;
    return {};
  }
  // A run of `owner` under `lease` that started V1 at `started_ms` and was cut inside it.
  void put_run_cut_in_v1(int64_t lease, const std::string& owner, int64_t started_ms) {
    model::RunRecord run;
    run.lease = lease;
    run.first_rank = 1;
    run.installed_by = owner;
    run.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(started_ms));
    run.steps = {{1, "a", "V1__a.json", "sha256:00"}};
    fake.put_run(run);
  }
  int64_t time_ms_now() { return fake.time_ms(); }

  // The request numbers of the sends of a run without faults whose
  // operation is one of `ops` (runs are deterministic: a later run on a fresh
  // fake sends them at the same numbers).
  std::vector<int64_t> sends_of(const std::vector<std::string>& ops) const {
    std::vector<int64_t> out;
    for (const auto& r : fake.requests()) {
      if (std::find(ops.begin(), ops.end(), r.op) != ops.end()) out.push_back(r.number);
    }
    return out;
  }
  // The operations of the sends made at or after request k.
  std::vector<std::string> sends_from(int64_t k) const {
    std::vector<std::string> out;
    for (const auto& r : fake.requests()) {
      if (r.number >= k && r.op.rfind("send:", 0) == 0) out.push_back(r.op);
    }
    return out;
  }
  std::vector<int64_t> recorded_versions() const {
    std::vector<int64_t> out;
    for (const auto& e : fake.entries()) out.push_back(e.version);
    return out;
  }
  // The unfinished entry the history shows for a run that was cut (none: nullopt).
  std::optional<model::HistoryEntry> unfinished() {
    for (const auto& e : exec::read_history(fake)) {
      if (!e.finished) return e;
    }
    return std::nullopt;
  }

  FakeServer fake;
  Listener listener;        // given to the engine
  FakeProcesses processes;  // this machine's, as the engine sees them
  RunResult result;
  std::vector<StepResult> finished;  // what the listener was told, version by version
  InfoResult shown;

  // Runs any command on an engine of its own (the same fake server and machine).
  std::optional<Error> capture(const std::function<void(exec::Engine&)>& command) {
    exec::Engine engine(
        m_config, [this](const exec::Engine&) { return fake.another(0ms); }, fake.clock(), processes);
    engine.heartbeat_thread = false;  // renewed inline, on the fake's clock
    engine.listener = listener;
    engine.listener.step_finished = [this, told = listener.step_finished](const StepResult& r, size_t i, size_t n) {
      finished.push_back(r);
      if (told) told(r, i, n);
    };
    try {
      command(engine);
      return std::nullopt;
    } catch (const Error& e) {
      return e;
    }
  }

 private:
  Config m_config;
};

}  // namespace mongoway::testing
