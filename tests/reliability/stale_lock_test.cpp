// Scenario 4: a lock left by a killed process is taken over once its lease
// expires (never before), a live holder's lock is never taken, even when
// its command runs for several TTLs (the heartbeat renews it), and a holder
// frozen past its TTL and taken over sends nothing more once it resumes.

#include <signal.h>

#include <algorithm>
#include <thread>

#include "checks.hpp"
#include "../support/inspect.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kTtl = 3;

// Polls until `holder` holds the lock of `database` (the newest lease is
// unreleased and owned by its pid), for up to 60 s or until it exits.
std::optional<port::Lease> wait_for_lease_of(mongo::Client& client, const std::string& database, Process& holder) {
  const std::string owner = fmt::format(":{}", holder.pid());
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < until && holder.running()) {
    auto lease = read_newest_lease(client, database, "mongoway_history_lock");
    if (lease && !lease->released && lease->owner.ends_with(owner)) return lease;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

// Starts `holder` and returns once it has held the lock for a random 0 to
// 1.5 s (nullopt, a failure recorded, when it never took it).
std::optional<port::Lease> hold_for_a_random_while(Scenario& s, const MarkerDatabase& m, Process& holder) {
  auto lease = wait_for_lease_of(m.client, m.database, holder);
  if (!lease) {
    s.fail("the holder never took the lock");
    return std::nullopt;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(random_between(0, 1500)));
  return lease;
}

TEST_F(Reliability, StaleLockIsTakenOverAfterItsTtl) {
  Scenario s("stale lock taken over");
  auto dir = temp_dir();
  const MarkerSet set{8, {2, 4, 6}, 5000, 30, false};
  write_marker_versions(dir, set);
  const int n = trials(2, 20);
  double latest = 0, earliest = 1e9;
  int taken = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    MarkerDatabase m{client(), server_uri(), trial_db(), dir, set};
    Process holder(m.cli({"migrate"}));
    // Kill it at a random moment while it holds the lock.
    if (!hold_for_a_random_while(s, m, holder)) continue;
    holder.signal(SIGKILL);
    holder.wait(Seconds(30));
    const auto dead = read_newest_lease(client(), m.database, "mongoway_history_lock");
    if (!dead || dead->released) {
      s.fail("the killed holder's lease is not there");
      continue;
    }
    // The next run waits, takes over after the TTL, and then refuses the failed version.
    auto next = run_mongoway(m.cli({"--lock-timeout", "30", "migrate"}), Seconds(90));
    if (next.exit_code != 0 && next.exit_code != 3) s.fail("the next run: " + next.describe());
    if (next.err.find("waiting for the lock held by") == std::string::npos &&
        next.out.find("waiting for the lock held by") == std::string::npos) {
      s.fail("the next run did not say who held the lock: " + next.describe());
    }
    auto after = read_newest_lease(client(), m.database, "mongoway_history_lock");
    if (!after || after->id != dead->id + 1) {
      s.fail(fmt::format("expected lease {} after the takeover, found {}", dead->id + 1, after ? after->id : 0));
    } else {
      ++taken;
      const double lateness = static_cast<double>(after->acquired_ms - dead->expires_ms) / 1000.0;
      if (lateness < 0) s.fail(fmt::format("the lease was taken {} before it expired", format_seconds(-lateness)));
      if (lateness > 5) s.fail(fmt::format("the lease was taken only {} after it expired", format_seconds(lateness)));
      latest = std::max(latest, lateness);
      earliest = std::min(earliest, lateness);
    }
    const int64_t cut = m.check_truth(s, false);
    m.recover(s, cut);
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} dead leases taken over {} to {} after they expired (server clock, TTL {} s), never "
                       "before",
                       taken, format_seconds(taken ? earliest : 0), format_seconds(latest), kTtl));
}

// A holder frozen (SIGSTOP: a paused VM, a stopped container) for longer than
// its TTL while it runs: the next run takes over, finds the version it was
// running unfinished and refuses it. Resumed (SIGCONT), the frozen process
// must notice it lost the lease and stop (exit 4) without sending anything
// more: the database after it exits is the database before it resumed.
TEST_F(Reliability, FrozenHolderSendsNothingOnceItResumes) {
  Scenario s("frozen holder resumed");
  auto dir = temp_dir();
  const MarkerSet set{8, {2, 4, 6}, 5000, 30, false};
  write_marker_versions(dir, set);
  const int n = trials(1, 10);
  int stopped = 0, finished_first = 0, unchanged = 0;
  double frozen_longest = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    MarkerDatabase m{client(), server_uri(), trial_db(), dir, set};
    Process holder(m.cli({"migrate"}));
    const auto lease = hold_for_a_random_while(s, m, holder);
    if (!lease) continue;
    holder.signal(SIGSTOP);
    const auto frozen_at = std::chrono::steady_clock::now();
    // The next run waits for the frozen lease to expire and takes over.
    auto next = run_mongoway(m.cli({"--lock-timeout", "30", "migrate"}), Seconds(90));
    if (next.exit_code != 0 && next.exit_code != 3) s.fail("the run taking over: " + next.describe());
    const auto taken = read_newest_lease(client(), m.database, "mongoway_history_lock");
    if (!taken || taken->id <= lease->id) s.fail("the frozen holder's lease was not taken over");
    const std::string before = snapshot_of(client(), m.database);
    frozen_longest = std::max(frozen_longest, Seconds(std::chrono::steady_clock::now() - frozen_at).count());
    holder.signal(SIGCONT);
    auto o = holder.wait(Seconds(60));
    if (o.exit_code == 4) {
      ++stopped;
      if (o.err.find("lost the lock") == std::string::npos) s.fail("exit 4 without saying the lock was lost: " + o.describe());
    } else if (o.exit_code == 0 && next.exit_code == 0 && next.out.find("up to date") != std::string::npos) {
      ++finished_first;  // it had recorded every version before it was frozen
    } else {
      s.fail("the resumed holder: " + o.describe());
    }
    if (snapshot_of(client(), m.database) == before) {
      ++unchanged;
    } else {
      s.fail(fmt::format("the resumed holder changed the database after it lost its lease ({})", o.describe()));
    }
    const int64_t cut = m.check_truth(s, false);
    m.recover(s, cut);
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} holders frozen for up to {} (TTL {} s) and taken over; on resuming {} stopped with exit "
                       "4 and {} had finished before they were frozen; {} of {} left the database as it was",
                       n, format_seconds(frozen_longest), kTtl, stopped, finished_first, unchanged, n));
}

TEST_F(Reliability, LiveHolderIsNeverTakenOver) {
  Scenario s("live lock never taken");
  // A run of about four TTLs: every version inserts a seed and updates part of
  // it. How many versions that takes here is measured first. (Each server
  // command stays well under the TTL: FerretDB's SQLite backend holds its one
  // write lock for a whole updateMany, and the heartbeat's renewal waits for it.)
  int versions = 0;
  {
    auto probe = temp_dir();
    write_marker_versions(probe, MarkerSet{5, {1, 2, 3, 4, 5}, 2000, 30, false});
    const std::string database = trial_db();
    auto o = run_mongoway(cli(database, probe, {"migrate"}), Seconds(300));
    ASSERT_EQ(o.exit_code, 0) << o.describe();
    drop_database(client(), database);
    versions = static_cast<int>(std::clamp(4.0 * kTtl / (o.seconds / 5), 5.0, 500.0));
  }
  auto dir = temp_dir();
  MarkerSet set{versions, {}, 2000, 30, false};
  for (int v = 1; v <= versions; ++v) set.slow.push_back(v);
  write_marker_versions(dir, set);
  const int n = trials(1, 5);
  int refused = 0;
  double longest = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    MarkerDatabase m{client(), server_uri(), trial_db(), dir, set};
    Process holder(m.cli({"migrate"}));
    // Contenders start once the holder has the lock.
    std::optional<port::Lease> first = wait_for_lease_of(client(), m.database, holder);
    while (holder.running()) {
      auto lease = read_newest_lease(client(), m.database, "mongoway_history_lock");
      if (lease && !lease->released) {
        if (!first) first = lease;
        else if (lease->id != first->id) s.fail(fmt::format("lease {} replaced lease {} of the live holder", lease->id, first->id));
      }
      // A contender with a short timeout: it must be refused while the holder lives.
      auto contender = run_mongoway(m.cli({"--lock-timeout", "1", "migrate"}), Seconds(60));
      const bool holder_alive = holder.running();
      if (contender.exit_code == 4) {
        ++refused;
        if (contender.err.find("held by") == std::string::npos) s.fail("exit 4 without the holder: " + contender.err);
      } else if (holder_alive) {
        s.fail("a contender was not refused while the holder ran: " + contender.describe());
      }
    }
    auto o = holder.wait(Seconds(1));
    longest = std::max(longest, o.seconds);
    if (o.exit_code != 0) s.fail("the holder: " + o.describe());
    if (o.seconds < 2 * kTtl) s.fail(fmt::format("the holder ran only {}; not several TTLs", format_seconds(o.seconds)));
    if (!first) s.fail("never saw the holder's lease");
    m.check_truth(s, false);
    if (count_docs(client(), m.database, "markers") != versions) s.fail("the holder's run is incomplete");
    drop_database(client(), m.database);
  }
  s.report(fmt::format("the holder ran up to {} ({:.1f} TTLs of {} s; {} versions) and kept its lease; {} contenders "
                       "were refused with exit 4, none took the lock",
                       format_seconds(longest), longest / kTtl, kTtl, versions, refused));
}

}  // namespace
}  // namespace mongoway::testing
