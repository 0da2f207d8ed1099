#pragma once
// The fixture of the commands that work on a scratch database (verify, and
// diff without a snapshot): the target database "app" on one fake server,
// the scratch database on another, so that a test sees which one each
// request reached.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "../fake/fake_server.hpp"
#include "exec/engine.hpp"
#include "exec/stop.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {

class TargetAndScratch : public ::testing::Test {
 protected:
  static constexpr const char* kScratch = "mongoway_scratch_test";

  TargetAndScratch() : scratch_server(FakeServerOptions{kScratch}) {}
  ~TargetAndScratch() override { exec::request_stop(0); }  // the flag is the process's

  // The target's requests go to `target`, the scratch database's to
  // `scratch_server`; the engine's time is `clock`'s.
  exec::Engine engine_on(FakeClock& clock) {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    exec::Engine e(
        c,
        [this](const exec::Engine& asked) {
          using namespace std::chrono_literals;
          return asked.config.database == "app" ? target.another(0ms) : scratch_server.another(0ms);
        },
        clock);
    e.heartbeat_thread = false;
    return e;
  }

  // The code of the Error `run` throws (0: none), with its message.
  static int exit_code_of(const std::function<void()>& run, std::string* message) {
    try {
      run();
    } catch (const Error& e) {
      if (message) *message = e.what();
      return e.exit_code();
    }
    return 0;
  }

  bool scratch_dropped() const {
    return scratch_server.collections(kScratch).empty() && scratch_server.requests_of("drop_database").size() == 1;
  }

  script::testing::TempDir dir;
  FakeServer target;
  FakeServer scratch_server;
  Listener listener;
};

}  // namespace mongoway::testing
