// mongoway run as processes against the real server: concurrent deploys,
// a process killed in the middle of a version.

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "../support/inspect.hpp"
#include "../support/process.hpp"
#include "fixture.hpp"
#include "port/processes.hpp"

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
  // Every document of the seed, once the version ran again. The killed
  // process's last insert may still run on the server after the kill (a
  // server finishes a request whose client is gone; on a loaded machine,
  // after the lease expired and the seed was dropped), and add documents of
  // its own: so the documents are counted by their "i", not all of them.
  std::set<int32_t> seeded;
  for (const auto& doc : find("seed")) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, doc.get(), "i") && BSON_ITER_HOLDS_INT32(&it)) seeded.insert(bson_iter_int32(&it));
  }
  EXPECT_EQ(seeded.size(), 80000u);
  EXPECT_EQ(*seeded.begin(), 0);
  EXPECT_EQ(*seeded.rbegin(), 79999);
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

// --- a lease names its holder's process

// A pid of this machine that no process has any more.
int free_pid() {
  const int pid = spawn_process({"/bin/true"}, {}, "/dev/null", "/dev/null");
  wait_process(pid);
  return pid;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A live-looking lease (a minute left) held by `holder`.
port::Lease lease_held_by(const port::ProcessIdentity& holder) {
  return port::Lease{1, fmt::format("ops@db1:{}", holder.pid), "theirs", now_ms(), now_ms() + 60000, false, holder, 0};
}

// kill -9 a holder with the default TTL (60 s): the next run on this machine
// sees at once that the version the dead process was running is failed (not
// running), and `repair` takes the lock over at once, without waiting for the
// lease to expire.
TEST_F(Processes, AHolderKilledWithSigkillIsTakenOverAtOnce) {
  auto dir = marker_versions(3);
  {
    std::ofstream seed(dir + "/seed.ndjson");
    for (int i = 0; i < 80000; ++i) seed << fmt::format(R"({{"i": {}}})", i) << '\n';
  }
  write(dir, "V2__marker_2.json", R"([{"insertMany": "seed", "documentsFile": "seed.ndjson"}])");
  auto out = temp_dir();
  int pid = spawn_process(args(dir, {"migrate"}), env(), out + "/out", out + "/err");
  bool started = false;
  for (int i = 0; i < 1500 && !started; ++i) {
    started = count("seed") > 0;
    if (!started) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(started) << read_file(out + "/err");
  kill(pid, SIGKILL);
  ASSERT_EQ(wait_process(pid), 128 + SIGKILL);
  const auto dead = read_newest_lease(client(), db, "mongoway_history_lock");
  ASSERT_TRUE(dead && !dead->released);
  EXPECT_EQ(dead->process.pid, pid);

  // Generous bounds: a loaded machine may be slow, but the dead lease had a minute left.
  const auto t0 = std::chrono::steady_clock::now();
  auto next = run_process(args(dir, {"--lock-timeout", "50", "migrate"}), env());
  EXPECT_EQ(next.exit_code, 3) << next.err;
  EXPECT_NE(next.err.find("version 2 is failed"), std::string::npos) << next.err;
  client().run(db, json(R"({"drop": "seed"})"));
  auto repair = run_process(args(dir, {"--lock-timeout", "50", "repair"}), env());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_NE(repair.err.find("taking over the lock held by"), std::string::npos) << repair.err;
  EXPECT_NE(repair.err.find("no longer runs on this machine"), std::string::npos) << repair.err;
  const auto taken = read_newest_lease(client(), db, "mongoway_history_lock");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, dead->id + 1);
  EXPECT_LT(taken->acquired_ms, dead->expires_ms) << "taken before the dead lease expired";
  auto done = run_process(args(dir, {"migrate"}), env());
  EXPECT_EQ(done.exit_code, 0) << done.err;
}

// Only this boot and pid namespace prove a holder gone: a lease of another
// machine or container, its pid free here, waits for its TTL.
TEST_F(Processes, ALeaseOfAnotherBootOrPidNamespaceIsNeverTakenEarly) {
  auto dir = marker_versions(1);
  const port::ProcessIdentity me = port::local_processes().self();
  ASSERT_TRUE(me.known()) << "this machine's /proc cannot tell processes apart";
  port::ProcessIdentity gone = me;
  gone.pid = free_pid();
  port::ProcessIdentity other_boot = gone;
  other_boot.boot_id = "a1b2c3d4-0000-4000-8000-000000000000";
  port::ProcessIdentity other_namespace = gone;
  other_namespace.pid_namespace = me.pid_namespace + 1;
  const std::vector<std::pair<std::string, port::ProcessIdentity>> cases = {
      {"gone", gone}, {"other_boot", other_boot}, {"other_ns", other_namespace}};
  for (const auto& [name, holder] : cases) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(plant_lease(client(), db, name + "_lock", lease_held_by(holder)));
    auto run = run_process(args(dir, {"--history-collection", name, "--lock-timeout", "2", "migrate"}), env());
    if (name == "gone") {
      EXPECT_EQ(run.exit_code, 0) << run.err;
    } else {
      EXPECT_EQ(run.exit_code, 4) << run.err;
      EXPECT_NE(run.err.find(fmt::format("held by ops@db1:{} (pid {}", holder.pid, holder.pid)), std::string::npos)
          << run.err;
    }
  }
}

TEST_F(Processes, UnlockRefusesALiveHolderUnlessForced) {
  auto dir = marker_versions(1);
  const port::ProcessIdentity me = port::local_processes().self();
  ASSERT_TRUE(plant_lease(client(), db, "mongoway_history_lock", lease_held_by(me)));
  auto refused = run_process(args(dir, {"unlock"}), env());
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find(fmt::format("the lock is held by ops@db1:{} (pid {}", me.pid, me.pid)), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_FALSE(read_newest_lease(client(), db, "mongoway_history_lock")->released);

  auto forced = run_process(args(dir, {"unlock", "--force"}), env());
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("Released lock 1"), std::string::npos) << forced.out;
  EXPECT_NE(forced.out.find("by force"), std::string::npos) << forced.out;
  const auto revoked = read_newest_lease(client(), db, "mongoway_history_lock");
  EXPECT_TRUE(revoked->released);
  EXPECT_NE(revoked->revoked_ms, 0);

  auto info = run_process(args(dir, {"info"}), env());
  EXPECT_NE(info.out.find("released by `mongoway unlock --force`"), std::string::npos) << info.out;
  auto waits = run_process(args(dir, {"--lock-timeout", "1", "migrate"}), env());
  EXPECT_EQ(waits.exit_code, 4) << "the revoked lease keeps others out until it expires: " << waits.err;
}

}  // namespace
}  // namespace mongoway::testing
