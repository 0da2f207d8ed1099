// A fleet run's parts without a server: which databases a selection takes,
// the order of exit codes, the cluster a URI names, and the run itself on
// fake servers — databases at the same time, each with its own lease, one
// failure kept to its database, --fail-fast and a stop request.

#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <mutex>

#include "../fake/fake_processes.hpp"
#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/fleet.hpp"
#include "exec/stop.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

const std::vector<std::string> kListed = {"admin",       "billing",  "config",   "local",      "mongoway_scratch_1a2b",
                                          "tenant_acme", "tenant_b", "tenant_c", "tenant_test"};

FleetSelection patterns(std::vector<std::string> globs, std::vector<std::string> excludes = {}) {
  return FleetSelection{"mongodb://h", std::move(globs), std::move(excludes), {}};
}

TEST(FleetSelection, APatternTakesTheMatchingNamesSorted) {
  EXPECT_EQ(exec::select_from(kListed, patterns({"tenant_*"})),
            (std::vector<std::string>{"tenant_acme", "tenant_b", "tenant_c", "tenant_test"}));
  EXPECT_EQ(exec::select_from(kListed, patterns({"tenant_?", "billing"})),
            (std::vector<std::string>{"billing", "tenant_b", "tenant_c"}));
}

TEST(FleetSelection, ExcludesLeaveNamesOut) {
  EXPECT_EQ(exec::select_from(kListed, patterns({"tenant_*"}, {"*_test", "tenant_b"})),
            (std::vector<std::string>{"tenant_acme", "tenant_c"}));
}

TEST(FleetSelection, SystemAndScratchDatabasesAreNeverMatched) {
  EXPECT_EQ(exec::select_from(kListed, patterns({"*"})),
            (std::vector<std::string>{"billing", "tenant_acme", "tenant_b", "tenant_c", "tenant_test"}));
  EXPECT_TRUE(exec::select_from(kListed, patterns({"admin", "local", "config", "mongoway_scratch_*"})).empty());
}

TEST(FleetSelection, NamesGivenKeepTheirOrderOnceEach) {
  FleetSelection s{"mongodb://h", {}, {"skip_me"}, {"zeta", "alpha", "zeta", "skip_me"}};
  EXPECT_EQ(exec::select_from({}, s), (std::vector<std::string>{"zeta", "alpha"}));
}

TEST(FleetSelection, NamingAReservedDatabaseIsAUsageError) {
  for (const char* name : {"admin", "local", "config", "mongoway_scratch_x"}) {
    FleetSelection s{"mongodb://h", {}, {}, {"tenant_a", name}};
    try {
      exec::select_from({}, s);
      ADD_FAILURE() << name << " was taken";
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), static_cast<int>(ExitCode::usage));
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(FleetSelection, AnInvalidNameIsAUsageError) {
  FleetSelection s{"mongodb://h", {}, {}, {"bad/name"}};
  EXPECT_THROW(exec::select_from({}, s), Error);
}

TEST(FleetExitCode, TheWorstFollowsTheDocumentedOrder) {
  const std::vector<int> order = {130, 5, 4, 1, 3, 2, 6, 0};  // 143 ranks with 130
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i; j < order.size(); ++j) {
      EXPECT_EQ(worse_exit_code(order[i], order[j]), order[i]) << order[i] << " vs " << order[j];
      EXPECT_EQ(worse_exit_code(order[j], order[i]), order[i]) << order[j] << " vs " << order[i];
    }
  }
  EXPECT_EQ(worse_exit_code(143, 5), 143);
  EXPECT_EQ(worse_exit_code(1, 143), 143);
}

TEST(FleetExitCode, OfResultsIsTheWorstOfThem) {
  std::vector<FleetResult> results(4);
  results[0].exit_code = 0;
  results[1].exit_code = 3;
  results[2].exit_code = 1;
  results[3].exit_code = 6;
  EXPECT_EQ(fleet_exit_code(results), 1);
  EXPECT_EQ(fleet_exit_code({}), 0);
}

TEST(FleetCluster, IsTheHostsWithoutCredentials) {
  EXPECT_EQ(cluster_of("mongodb://user:s3cret@db1:27018,db2/app?replicaSet=rs"), "db1:27018,db2:27017");
  EXPECT_EQ(cluster_of("mongodb://127.0.0.1:27017"), "127.0.0.1:27017");
  EXPECT_EQ(cluster_of("mongodb+srv://u:p@cluster0.example.net/x"), "cluster0.example.net");
  EXPECT_EQ(cluster_of("mongodb://[::1]:27019/x"), "[::1]:27019");
}

// Fake servers, one per database, and the engine of each on its own.
class FleetOnFakes : public ::testing::Test {
 protected:
  FleetOnFakes() {
    dir.write("V1__a.json", R"([{"createCollection": "a"}])");
    dir.write("V2__b.json", R"([{"createCollection": "b"}])");
  }
  ~FleetOnFakes() override { exec::request_stop(0); }  // the flag is the process's

  void add_database(const std::string& name) {
    FakeServerOptions options;
    options.database = name;
    fakes.push_back(std::make_unique<FakeServer>(options));
    targets.push_back(FleetTarget{"mongodb://fake", name});
  }

  FleetOutcome migrate(size_t i) {
    Config c;
    c.database = targets[i].database;
    c.locations = {dir.str()};
    FakeServer& fake = *fakes[i];
    exec::Engine engine(
        c, [&fake](const exec::Engine&) { return fake.another(0ms); }, fake.clock(), processes);
    engine.heartbeat_thread = false;
    return exec::migrate(engine, {});
  }

  std::vector<FleetResult> run(FleetOptions options, const std::function<void(size_t)>& before = {}) {
    return exec::run_fleet(targets, options, {}, [&](size_t i) {
      if (before) before(i);
      return migrate(i);
    });
  }

  TempDir dir;
  FakeProcesses processes;
  std::vector<std::unique_ptr<FakeServer>> fakes;
  std::vector<FleetTarget> targets;
};

TEST_F(FleetOnFakes, DatabasesRunAtTheSameTimeEachUnderItsOwnLease) {
  add_database("tenant_a");
  add_database("tenant_b");
  std::mutex mutex;
  std::condition_variable both;
  int arrived = 0;
  bool both_live = false;
  auto live = [this](size_t i) {
    const auto leases = fakes[i]->leases();
    return !leases.empty() && !leases.back().released;
  };
  for (size_t i = 0; i < 2; ++i) {
    // Inside V1, under its lease: the second to come looks at both leases
    // while the first waits for it, its own still held.
    fakes[i]->before_nth_request_of("send:create", 1, [&] {
      std::unique_lock lock(mutex);
      if (++arrived == 2) {
        both_live = live(0) && live(1);
        both.notify_all();
      } else {
        both.wait_for(lock, 10s, [&] { return arrived == 2; });
      }
    });
  }
  const auto results = run(FleetOptions{2, false});
  EXPECT_TRUE(both_live) << "the two leases were never held at once";
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(results[i].status, FleetStatus::succeeded) << results[i].error;
    EXPECT_EQ(fakes[i]->entries().size(), 2u) << "each database has its own history";
    ASSERT_EQ(fakes[i]->leases().size(), 1u);
    EXPECT_TRUE(fakes[i]->leases().front().released);
  }
}

TEST_F(FleetOnFakes, OneDatabaseFailingLeavesTheOthersToRun) {
  for (const char* name : {"tenant_a", "tenant_b", "tenant_c"}) add_database(name);
  const auto results = run(FleetOptions{1, false}, [](size_t i) {
    if (i == 1) throw Error(ExitCode::lock, "the lock of tenant_b is held");
  });
  EXPECT_EQ(results[0].status, FleetStatus::succeeded);
  EXPECT_EQ(results[1].status, FleetStatus::failed);
  EXPECT_EQ(results[1].exit_code, 4);
  EXPECT_EQ(results[1].error, "the lock of tenant_b is held");
  EXPECT_EQ(results[2].status, FleetStatus::succeeded);
  EXPECT_EQ(fakes[2]->entries().size(), 2u);
}

TEST_F(FleetOnFakes, AVersionTheServerRefusesFailsItsDatabaseWithExitCode1) {
  add_database("probe");
  add_database("tenant_a");
  ASSERT_FALSE(std::holds_alternative<std::monostate>(migrate(0)));
  // The same run on a fresh fake sends V1's create at the same request.
  const int64_t k = fakes[0]->requests_of("send:create").front().number;
  fakes[1]->refuse(k, 48, "collection already exists");
  targets.erase(targets.begin());
  fakes.erase(fakes.begin());
  const auto results = run(FleetOptions{});
  EXPECT_EQ(results[0].status, FleetStatus::failed);
  EXPECT_EQ(results[0].exit_code, 1);
  EXPECT_NE(results[0].error.find("collection already exists"), std::string::npos) << results[0].error;
  ASSERT_EQ(fakes[0]->entries().size(), 1u);
  EXPECT_FALSE(fakes[0]->entries().front().success) << "recorded failed, as a single run records it";
}

TEST_F(FleetOnFakes, FailFastStartsNoDatabaseAfterAFailure) {
  for (const char* name : {"tenant_a", "tenant_b", "tenant_c"}) add_database(name);
  const auto results = run(FleetOptions{1, true}, [](size_t i) {
    if (i == 0) throw Error(ExitCode::migration_failed, "refused");
  });
  EXPECT_EQ(results[0].status, FleetStatus::failed);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(results[i].status, FleetStatus::skipped);
    EXPECT_EQ(results[i].exit_code, 0);
    EXPECT_TRUE(fakes[i]->requests().empty()) << "tenant " << i << " was reached";
  }
}

TEST_F(FleetOnFakes, AfterAStopRequestNoDatabaseStarts) {
  for (const char* name : {"tenant_a", "tenant_b", "tenant_c"}) add_database(name);
  const auto results = run(FleetOptions{1, false}, [](size_t i) {
    if (i == 0) exec::request_stop(SIGINT);
  });
  // The first stops at its first safe point, as a single run does.
  EXPECT_EQ(results[0].exit_code, 130);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(results[i].status, FleetStatus::skipped);
    EXPECT_EQ(results[i].exit_code, 130);
    EXPECT_EQ(results[i].error, "not started: stopped by SIGINT");
    EXPECT_TRUE(fakes[i]->requests().empty());
  }
  EXPECT_EQ(fleet_exit_code(results), 130);
}

}  // namespace
}  // namespace mongoway::testing
