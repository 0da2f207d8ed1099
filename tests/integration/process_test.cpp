// mongoway run as processes against the real server: concurrent deploys,
// a process killed in the middle of a version.

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "../support/inspect.hpp"
#include "../support/process.hpp"
#include "fixture.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

class Processes : public DatabaseTest {
 protected:
  std::vector<std::string> args(const std::string& dir, std::vector<std::string> more) {
    std::vector<std::string> a{MONGOWAY_BINARY, "-u", server_uri(), "-d", db, "-l", dir};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  std::map<std::string, std::string> env() {
    return {{"MONGOWAY_URI", ""}, {"MONGOWAY_DATABASE", ""}, {"MONGOWAY_LOCATIONS", ""}, {"NO_COLOR", "1"}};
  }
  // V<n> upserts marker n and counts how often it ran.
  std::string marker_versions(int n) {
    auto dir = temp_dir();
    for (int v = 1; v <= n; ++v) {
      write(dir, fmt::format("V{}__marker_{}.json", v, v),
            fmt::format(R"([{{"insertOne": "runs", "document": {{"v": {}}}}},
                           {{"updateOne": "markers", "filter": {{"_id": {}}}, "update": {{"$set": {{"ok": true}}}}, "upsert": true}}])",
                        v, v));
    }
    return dir;
  }
  int64_t successful_migrates() {
    int64_t n = 0;
    for (const auto& e : read_history(client(), db, "mongoway_history")) {
      if (e.type == model::EntryType::migrate && e.success && !e.repaired) ++n;
    }
    return n;
  }
};

TEST_F(Processes, ConcurrentDeploysApplyEachVersionExactlyOnce) {
  constexpr int kVersions = 15;
  constexpr int kProcesses = 4;
  auto dir = marker_versions(kVersions);
  auto out = temp_dir();
  std::vector<int> pids;
  for (int i = 0; i < kProcesses; ++i) {
    pids.push_back(
        spawn_process(args(dir, {"migrate"}), env(), fmt::format("{}/out{}", out, i), fmt::format("{}/err{}", out, i)));
  }
  int zero = 0;
  for (int i = 0; i < kProcesses; ++i) {
    int code = wait_process(pids[i]);
    auto err = read_file(fmt::format("{}/err{}", out, i));
    EXPECT_TRUE(code == 0 || code == 4) << "exit " << code << ": " << err;
    if (code == 4) {
      EXPECT_NE(err.find("lock"), std::string::npos) << err;
    }
    if (code == 0) ++zero;
  }
  EXPECT_GE(zero, 1);
  EXPECT_EQ(count("markers"), kVersions);
  for (int v = 1; v <= kVersions; ++v) EXPECT_EQ(count("runs", fmt::format(R"({{"v": {}}})", v)), 1) << "V" << v;
  EXPECT_EQ(successful_migrates(), kVersions);
}

TEST_F(Processes, KilledMidVersionLeavesAFailedEntryAndRefusesUntilRepair) {
  auto dir = marker_versions(3);
  // V2 is slow: a large seed streamed from a file.
  {
    std::ofstream seed(dir + "/seed.ndjson");
    for (int i = 0; i < 80000; ++i)
      seed << fmt::format(R"({{"i": {}, "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})", i) << '\n';
  }
  write(dir, "V2__marker_2.json",
        R"([{"insertMany": "seed", "documentsFile": "seed.ndjson"},
            {"updateOne": "markers", "filter": {"_id": 2}, "update": {"$set": {"ok": true}}, "upsert": true}])");
  auto out = temp_dir();
  int pid = spawn_process(args(dir, {"--lock-ttl", "3", "migrate"}), env(), out + "/out", out + "/err");
  // Wait until V2 has started (its unfinished entry is written), then kill.
  bool started = false;
  for (int i = 0; i < 600 && !started; ++i) {
    for (const auto& e : read_history(client(), db, "mongoway_history")) {
      if (e.version == 2 && !e.finished) started = true;
    }
    if (!started) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(started) << read_file(out + "/err");
  kill(pid, SIGKILL);
  EXPECT_EQ(wait_process(pid), 128 + SIGKILL);
  // While the dead process's lease is live, V2 is "running"; once it expires, "failed".
  std::this_thread::sleep_for(3500ms);

  auto info = run_process(args(dir, {"info", "--output", "json"}), env());
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find(R"("state": "failed")"), std::string::npos) << info.out;
  auto refused = run_process(args(dir, {"migrate"}), env());
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("repair"), std::string::npos) << refused.err;
  EXPECT_EQ(count("markers", R"({"_id": 3})"), 0);

  // After checking the data (here: removing the partial seed), repair and migrate.
  client().run(db, json(R"({"drop": "seed"})"));
  auto repair = run_process(args(dir, {"repair"}), env());
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  auto done = run_process(args(dir, {"migrate"}), env());
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(count("markers"), 3);
  EXPECT_EQ(count("seed"), 80000);
}

TEST_F(Processes, SigtermFinishesTheCommandRecordsTheTruthAndReleasesTheLock) {
  auto dir = marker_versions(3);
  {
    std::ofstream seed(dir + "/seed.ndjson");
    for (int i = 0; i < 100000; ++i) seed << fmt::format(R"({{"i": {}}})", i) << '\n';
  }
  write(dir, "V2__marker_2.json",
        R"([{"insertMany": "seed", "documentsFile": "seed.ndjson"},
            {"updateOne": "markers", "filter": {"_id": 2}, "update": {"$set": {"ok": true}}, "upsert": true}])");
  auto out = temp_dir();
  int pid = spawn_process(args(dir, {"migrate"}), env(), out + "/out", out + "/err");
  // V2 has begun once its seed lands: "running" in the history (V1 recorded,
  // the run record naming V2) is not enough, since a stop asked for before
  // V2's first command leaves V2 pending instead (the check between versions).
  bool started = false;
  for (int i = 0; i < 1500 && !started; ++i) {
    started = count("seed") > 0;
    if (!started) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(started);
  kill(pid, SIGTERM);
  const auto t0 = std::chrono::steady_clock::now();
  int code = wait_process(pid);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  EXPECT_EQ(code, 143) << read_file(out + "/err");
  // The truth: V2 recorded as failed (interrupted), V3 not run, the lock released.
  auto h = read_history(client(), db, "mongoway_history");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_TRUE(h[1].finished);
  EXPECT_FALSE(h[1].success);
  EXPECT_NE(h[1].error.find("interrupted"), std::string::npos) << h[1].error;
  EXPECT_EQ(count("markers", R"({"_id": 3})"), 0);
  auto unlock = run_process(args(dir, {"unlock"}), env());
  EXPECT_EQ(unlock.exit_code, 0);
  EXPECT_NE(unlock.out.find("No lock"), std::string::npos) << unlock.out;
}

}  // namespace
}  // namespace mongoway::testing
