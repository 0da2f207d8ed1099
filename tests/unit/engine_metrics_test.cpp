// A command's metrics (Listener::metrics) on the fake server: once at its
// end, success or failure, with the database's state after it, read from
// what the command read when that is still the database's, and nothing read
// or known when the server was never reached.

#include <gtest/gtest.h>

#include <chrono>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/metrics.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

class CommandMetricsOnFake : public ::testing::Test {
 protected:
  CommandMetricsOnFake() {
    dir.write("V1__a.json", R"([{"createCollection": "a"}])");
    dir.write("V2__b.json", R"([{"createIndex": "b", "key": {"x": 1}, "unique": true}])");
    dir.write("V3__c.json", R"([{"createCollection": "c"}])");
  }

  Config config() const {
    Config c;
    c.uri = "mongodb://ops:s3cret@db1.example:27017,db2.example:27018/app?replicaSet=rs0";
    c.database = "app";
    c.locations = {dir.str()};
    c.lock_ttl = 6s;
    return c;
  }

  // Runs `command` on `server` measured as the Migrator measures it, on an
  // engine of its own with a metrics listener (none when `listen` is false);
  // returns the error it ended with, nullopt when it succeeded.
  template <typename Command>
  std::optional<Error> run(FakeServer& server, const std::string& name, Command command, bool listen = true) {
    exec::Engine engine(
        config(),
        [&](const exec::Engine&) -> std::unique_ptr<port::Server> {
          ++connections;
          if (unreachable) throw port::ServerUnreachable("cannot reach the server at db1.example:27017: refused");
          return server.another(0ms);
        },
        server.clock());
    engine.heartbeat_thread = false;
    if (listen) engine.listener.metrics = [this](const DatabaseMetrics& m) { heard.push_back(m); };
    start_ns = server.clock().now_ns();
    try {
      exec::measured(engine, name, [&] { return command(engine); });
      return std::nullopt;
    } catch (const Error& e) {
      return e;
    }
  }
  std::optional<Error> migrate(FakeServer& server, bool listen = true) {
    return run(
        server, "migrate", [](exec::Engine& e) { return exec::migrate(e, {}); }, listen);
  }
  std::optional<Error> info(FakeServer& server, bool listen = true) {
    return run(
        server, "info", [](exec::Engine& e) { return exec::info(e); }, listen);
  }
  static size_t history_reads(const FakeServer& server) { return server.requests_of("read_log").size(); }
  static double seconds_since_epoch(model::TimePoint t) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) /
           1e3;
  }
  const DatabaseMetrics& only_report() const {
    EXPECT_EQ(heard.size(), 1u) << "one report per command";
    static const DatabaseMetrics none;
    return heard.empty() ? none : heard.front();
  }

  script::testing::TempDir dir;
  FakeServer fake;
  bool unreachable = false;
  int connections = 0;
  std::vector<DatabaseMetrics> heard;
  int64_t start_ns = 0;
};

TEST_F(CommandMetricsOnFake, ASuccessfulMigrateReportsTheStateItLeftWithItsHostsAndNoCredentials) {
  ASSERT_FALSE(migrate(fake));
  const DatabaseMetrics& m = only_report();
  EXPECT_EQ(m.command, "migrate");
  EXPECT_EQ(m.cluster, "db1.example:27017,db2.example:27018");
  EXPECT_EQ(m.database, "app");
  EXPECT_EQ(m.current_version, 3);
  EXPECT_EQ(m.pending_versions, 0);
  EXPECT_EQ(m.failed_versions, 0);
  EXPECT_TRUE(m.last_run_success);
  EXPECT_GT(m.last_run_duration_seconds, 0.0);
  // The command's end on the wall clock: its start plus its duration.
  ASSERT_TRUE(m.last_success_timestamp_seconds);
  const double start = static_cast<double>(FakeClock::kEpochMs) / 1e3 + static_cast<double>(start_ns) / 1e9;
  EXPECT_NEAR(*m.last_success_timestamp_seconds, start + m.last_run_duration_seconds, 1e-3);
}

TEST_F(CommandMetricsOnFake, ARefusedVersionIsCountedFailedAndTheLastSuccessIsWhenAVersionWasLastApplied) {
  FakeServer probe;
  ASSERT_FALSE(migrate(probe, false));
  const auto index = probe.requests_of("send:createIndexes");
  ASSERT_EQ(index.size(), 1u);
  fake.refuse(index.front().number, 11000, "E11000 duplicate key error collection: app.b index: x_1");

  const auto error = migrate(fake);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::migration_failed) << error->what();
  const DatabaseMetrics& m = only_report();
  EXPECT_FALSE(m.last_run_success);
  EXPECT_EQ(m.current_version, 1);
  EXPECT_EQ(m.failed_versions, 1);
  EXPECT_EQ(m.pending_versions, 1) << "V3";
  ASSERT_TRUE(m.last_success_timestamp_seconds);
  EXPECT_DOUBLE_EQ(*m.last_success_timestamp_seconds, seconds_since_epoch(fake.entries().front().installed_on));
}

TEST_F(CommandMetricsOnFake, AServerNeverReachedLeavesEveryCountUnknownAndIsNotTriedAgain) {
  unreachable = true;
  const auto error = migrate(fake);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection);
  const DatabaseMetrics& m = only_report();
  EXPECT_FALSE(m.last_run_success);
  EXPECT_FALSE(m.current_version);
  EXPECT_FALSE(m.pending_versions);
  EXPECT_FALSE(m.failed_versions);
  EXPECT_FALSE(m.last_success_timestamp_seconds);
  EXPECT_EQ(m.cluster, "db1.example:27017,db2.example:27018");
  EXPECT_EQ(connections, 1) << "not reached once more for the metrics";
}

TEST_F(CommandMetricsOnFake, AMigrateThatRanReadsTheHistoryOnceMoreOnlyForAMetricsListener) {
  FakeServer without;
  ASSERT_FALSE(migrate(without, false));
  EXPECT_TRUE(heard.empty());
  ASSERT_FALSE(migrate(fake, true));
  EXPECT_EQ(history_reads(fake), history_reads(without) + 1);
}

TEST_F(CommandMetricsOnFake, InfoAndAMigrateWithNothingToDoReportWhatTheyReadWithoutReadingAgain) {
  FakeServer without;
  ASSERT_FALSE(migrate(without, false));
  ASSERT_FALSE(migrate(fake, false));
  for (const auto& name : {"info", "migrate"}) {
    SCOPED_TRACE(name);
    heard.clear();
    const size_t before_without = history_reads(without);
    const size_t before = history_reads(fake);
    auto command = [&](FakeServer& server, bool listen) {
      return std::string(name) == "info" ? info(server, listen) : migrate(server, listen);
    };
    ASSERT_FALSE(command(without, false));
    ASSERT_FALSE(command(fake, true));
    EXPECT_EQ(history_reads(fake) - before, history_reads(without) - before_without);
    const DatabaseMetrics& m = only_report();
    EXPECT_EQ(m.command, name);
    EXPECT_EQ(m.current_version, 3);
    EXPECT_EQ(m.pending_versions, 0);
    EXPECT_TRUE(m.last_run_success);
  }
}

TEST_F(CommandMetricsOnFake, ACommandThatReadsNoFilesStillCountsThePendingVersions) {
  ASSERT_FALSE(run(fake, "history", [](exec::Engine& e) { return exec::history(e, {}); }));
  const DatabaseMetrics& m = only_report();
  EXPECT_EQ(m.command, "history");
  EXPECT_EQ(m.current_version, 0);
  EXPECT_EQ(m.pending_versions, 3);
}

}  // namespace
}  // namespace mongoway::testing
