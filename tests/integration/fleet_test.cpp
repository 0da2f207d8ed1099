// The library's fleet run against a real server: databases selected by a
// pattern from listDatabases, migrated `jobs` at a time with the cluster's
// connections shared (counted: at most 2 x jobs + 2, heartbeats included),
// each with its own history; a second run leaves every database as it was.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "fixture.hpp"
#include "mongoway/fleet.hpp"

namespace mongoway::testing {
namespace {

// The TCP port a URI's first host names.
int port_of(const std::string& uri) {
  const std::string hosts = cluster_of(uri);
  return std::stoi(hosts.substr(hosts.rfind(':') + 1, hosts.find(',') - hosts.rfind(':') - 1));
}

// This process's established TCP connections to `port`: its sockets
// (/proc/self/fd) among the system's connections (/proc/self/net/tcp*).
int connections_to(int port) {
  std::set<std::string> inodes;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const std::string target = std::filesystem::read_symlink(fd.path(), error).string();
    if (!error && target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
  }
  int count = 0;
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      const int remote_port = std::stoi(remote.substr(remote.find(':') + 1), nullptr, 16);
      if (state == "01" && remote_port == port && inodes.count(inode) > 0) ++count;
    }
  }
  return count;
}

class FleetTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    dir = temp_dir();
    write(dir, "V1__a.json", R"([{"createCollection": "a"}])");
    write(dir, "V2__b.json", R"([{"createIndex": "a", "key": {"x": 1}, "name": "x_1"}])");
    write(dir, "V3__c.json", R"([{"insertOne": "a", "document": {"_id": 1, "x": 1}}])");
  }
  void TearDown() override {
    for (const auto& name : names) {
      bson::Document drop;
      BSON_APPEND_INT32(drop.mut(), "dropDatabase", 1);
      client().run(name, drop);
    }
    DatabaseTest::TearDown();
  }

  // `count` databases of this test at version 1, so that listDatabases names them.
  void make_databases(int count) {
    for (int i = 0; i < count; ++i) {
      names.push_back(fmt::format("{}_t{}", db, i));
      Config c = config({dir});
      c.database = names.back();
      MigrateOptions to_1;
      to_1.target = 1;
      Migrator(c).migrate(to_1);
    }
  }

  std::vector<FleetTarget> by_pattern() {
    Config base = config({dir});
    return select_databases(base, {FleetSelection{server_uri(), {db + "_t*"}, {}, {}}});
  }

  int64_t version_of(const std::string& database) {
    Config c = config({dir});
    c.database = database;
    return Migrator(c).info().current_version;
  }

  std::string dir;
  std::vector<std::string> names;
};

TEST_F(FleetTest, APatternSelectsTheDatabasesTheServerListsSorted) {
  make_databases(3);
  const auto targets = by_pattern();
  ASSERT_EQ(targets.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(targets[i].database, names[i]);
    EXPECT_EQ(targets[i].uri, server_uri());
  }
}

TEST_F(FleetTest, EightDatabasesTwoAtATimeStayWithinSixConnections) {
  make_databases(8);
  Fleet fleet(config({dir}), by_pattern(), FleetOptions{2, false});
  const int port = port_of(server_uri());
  const int before = connections_to(port);
  std::atomic<bool> running{true};
  std::atomic<int> most{0};
  std::thread counter([&] {
    while (running) {
      most = std::max(most.load(), connections_to(port) - before);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  const auto results = fleet.migrate();
  running = false;
  counter.join();
  EXPECT_LE(most.load(), 2 * 2 + 2) << "connections beyond those open before the run";
  EXPECT_GE(most.load(), 2) << "the count saw no connection of the run";
  ASSERT_EQ(results.size(), 8u);
  for (const auto& result : results) {
    EXPECT_EQ(result.status, FleetStatus::succeeded) << result.target.database << ": " << result.error;
    EXPECT_EQ(version_of(result.target.database), 3);
  }
}

TEST_F(FleetTest, RunningAgainLeavesDatabasesAtTheTargetAsTheyWere) {
  make_databases(3);
  Fleet fleet(config({dir}), by_pattern(), FleetOptions{});
  for (const auto& result : fleet.migrate()) ASSERT_EQ(result.status, FleetStatus::succeeded) << result.error;
  for (const auto& result : fleet.migrate()) {
    ASSERT_EQ(result.status, FleetStatus::succeeded) << result.error;
    const auto& run = std::get<RunResult>(result.result);
    EXPECT_TRUE(run.steps.empty());
    EXPECT_EQ(run.to_version, 3);
  }
  for (const auto& name : names) {
    Config c = config({dir});
    c.database = name;
    EXPECT_EQ(Migrator(c).history().size(), 3u) << name << ": each version recorded once";
  }
}

TEST_F(FleetTest, InfoGivesEachDatabasesState) {
  make_databases(2);
  Fleet fleet(config({dir}), by_pattern(), FleetOptions{});
  const auto results = fleet.info();
  ASSERT_EQ(results.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& info = std::get<InfoResult>(results[i].result);
    EXPECT_EQ(info.database, names[i]);
    EXPECT_EQ(info.current_version, 1);
    EXPECT_EQ(std::count_if(info.migrations.begin(), info.migrations.end(),
                            [](const VersionInfo& v) { return v.state == State::pending; }),
              2);
  }
}

}  // namespace
}  // namespace mongoway::testing
