// Scenario 4: a lock left by a killed process is taken over at once when its
// death can be seen from here (same boot and pid namespace), and otherwise
// (its lease rewritten as another machine's) once its lease expires, never
// before, a live holder's lock is never taken, even when
// its command runs for several TTLs (the heartbeat renews it), and a holder
// frozen past its TTL and taken over sends nothing more once it resumes.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "../support/inspect.hpp"
#include "checks.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

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

// A holder is stopped (killed or frozen) at a random moment up to this long
// after it took the lock.
constexpr int64_t kLatestStopMs = 1500;
// How many times a holder that finished before it could be stopped is run
// again (on a fresh database) before the trial counts as failed.
constexpr int kAttempts = 3;

// V1..V(2k+2), the even versions up to 2k slow (a 5,000-document seed, then an
// updateMany of 30 of its documents).
MarkerSet holder_set(int slow) {
  MarkerSet set{2 * slow + 2, {}, 5000, 30, false};
  for (int i = 1; i <= slow; ++i) set.slow.push_back(2 * i);
  return set;
}

// The holder's migrations, sized from a probe run of holder_set(3) here so
// that a run lasts about 5 s, over three times the latest stop: a holder that
// finishes its run before the signal has no lock left to lose. (With a fixed
// 8 versions, a run of about 1.5 s on a quiet machine, the holder often
// finished and released its lease within the 1.5 s before the kill, and the
// scenario failed with "the killed holder's lease is not there".)
// `probe_seconds` is the probe's run time.
MarkerSet sized_holder_set(mongo::Client& client, const std::string& uri, const std::string& database,
                           const std::string& dir, double& probe_seconds) {
  const MarkerSet probe = holder_set(3);
  write_marker_versions(dir, probe);
  MarkerDatabase m{client, uri, database, dir, probe};
  auto o = run_mongoway(m.cli({"migrate"}), Seconds(300));
  EXPECT_EQ(o.exit_code, 0) << "probe run: " << o.describe();
  drop_database(client, database);
  probe_seconds = o.seconds;
  const double per_slow = std::max(o.seconds, 0.1) / 3;
  return holder_set(static_cast<int>(std::clamp(std::ceil(5.0 / per_slow), 3.0, 40.0)));
}

// Whether the history holds every version of the set as applied.
bool run_complete(MarkerDatabase& m) {
  int applied = 0;
  for (const auto& e : history_of(m.client, m.database)) {
    if (e.type == model::EntryType::migrate && e.success && !e.repaired) ++applied;
  }
  return applied == m.set.versions;
}

// Starts a holder (`migrate` on `m`) and, once it holds the lock, sends it
// `sig` (SIGKILL or SIGSTOP) at a random moment 0 to 1.5 s later. Returns the
// holder's lease, read after the signal: still its newest, not released. A
// holder that had already finished its run and released the lock (the run
// faster here than the probe's) is not a trial of anything: its database is
// dropped and it is run again, at most kAttempts times in all, each counted
// in `finished_first`. Anything else, and a holder finishing first every time,
// is a failure (nullopt).
std::optional<port::Lease> stop_while_holding(Scenario& s, MarkerDatabase& m, std::unique_ptr<Process>& holder, int sig,
                                              int& finished_first) {
  const char* what = sig == SIGKILL ? "killed" : "frozen";
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    holder = std::make_unique<Process>(m.cli({"migrate"}));
    if (!wait_for_lease_of(m.client, m.database, *holder)) {
      s.fail("the holder never took the lock: " + holder->wait(Seconds(30)).describe());
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(random_between(0, kLatestStopMs)));
    const bool was_running = holder->running();
    if (was_running) holder->signal(sig);
    std::optional<Outcome> ended;
    if (sig == SIGKILL || !was_running) ended = holder->wait(Seconds(30));
    auto lease = read_newest_lease(m.client, m.database, "mongoway_history_lock");
    if (lease && !lease->released && lease->owner.ends_with(fmt::format(":{}", holder->pid()))) {
      if (ended && ended->exit_code != 128 + SIGKILL) {
        s.fail("the holder ended before it was killed, its lease left: " + ended->describe());
        return std::nullopt;
      }
      return lease;
    }
    const bool finished = run_complete(m) && lease && lease->released;
    if (!ended) {
      holder->signal(SIGCONT);
      ended = holder->wait(Seconds(30));
    }
    const std::string found = lease ? fmt::format("newest lease {} of {}, {}", lease->id, lease->owner,
                                                  lease->released ? "released" : "not released")
                                    : std::string("no lease");
    if (!finished) {
      s.fail(fmt::format("the {} holder's lease is not there ({}; holder {})", what, found, ended->describe()));
      return std::nullopt;
    }
    ++finished_first;
    if (attempt == kAttempts) {
      s.fail(fmt::format("the holder finished its run before it was {} in all {} attempts ({}; last: {})", what,
                         kAttempts, found, ended->describe()));
      return std::nullopt;
    }
    drop_database(m.client, m.database);
  }
  return std::nullopt;
}

TEST_F(Reliability, StaleLockIsTakenOverAfterItsTtl) {
  Scenario s("stale lock taken over");
  double probe = 0;
  const MarkerSet set = sized_holder_set(client(), server_uri(), trial_db(), temp_dir(), probe);
  auto dir = temp_dir();
  write_marker_versions(dir, set);
  const int n = trials(2, 20);
  double latest = 0, earliest = 1e9;
  int taken = 0, finished_first = 0, seen_dead = 0;
  double slowest_seen = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    MarkerDatabase m{client(), server_uri(), trial_db(), dir, set};
    std::unique_ptr<Process> holder;
    // Kill it at a random moment while it holds the lock.
    const auto dead = stop_while_holding(s, m, holder, SIGKILL, finished_first);
    if (!dead) continue;
    if (t % 2 == 0) {
      // Its death seen from here: the next run neither waits nor takes the
      // version it was running for running.
      ++seen_dead;
      const auto t0 = std::chrono::steady_clock::now();
      auto next = run_mongoway(m.cli({"--lock-timeout", "30", "migrate"}), Seconds(90));
      const double took = Seconds(std::chrono::steady_clock::now() - t0).count();
      if (next.exit_code != 0 && next.exit_code != 3) s.fail("the next run: " + next.describe());
      if (next.err.find("waiting for the lock held by") != std::string::npos)
        s.fail("the next run waited for a holder known dead: " + next.describe());
      if (took >= lock_ttl()) s.fail(fmt::format("the next run took {}, a whole TTL", format_seconds(took)));
      auto after = read_newest_lease(client(), m.database, "mongoway_history_lock");
      if (after && after->id > dead->id && after->acquired_ms >= dead->expires_ms)
        s.fail("the dead holder's lease was taken only after it expired");
      slowest_seen = std::max(slowest_seen, took);
    } else {
      // As another machine's holder: the next run waits, takes over after
      // the TTL, and then refuses the failed version.
      port::Lease elsewhere = *dead;
      elsewhere.process.boot_id = "a1b2c3d4-0000-4000-8000-000000000000";
      replace_newest_lease(client(), m.database, "mongoway_history_lock", elsewhere);
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
    }
    const int64_t cut = m.check_truth(s, false);
    m.recover(s, cut);
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} holders killed here were seen dead (the next run ended within {}, no wait); {} dead "
                       "leases of another machine taken over {} to {} after they expired (server clock, TTL {} s), "
                       "never before; holders of {} versions ({} slow; probe run of 8 versions {}), {} finished "
                       "before the kill and were run again",
                       seen_dead, format_seconds(slowest_seen), taken, format_seconds(taken ? earliest : 0),
                       format_seconds(latest), lock_ttl(), set.versions, set.slow.size(), format_seconds(probe),
                       finished_first));
}

// The command whose last request a holder says was answered once its lease
// was lost: "V8__marker_8.json stopped during command 1 of 3: its last
// request was sent while the lease was held and answered once it was lost".
struct AnsweredAfterLoss {
  int version = 0;
  int command = 0;
};
std::optional<AnsweredAfterLoss> answered_after_loss(const std::string& err) {
  static const std::regex said(R"(V(\d+)__\S+ stopped during command (\d+) of \d+: its last request was sent while )"
                               R"(the lease was held and answered once it was lost)");
  std::smatch m;
  if (!std::regex_search(err, m, said)) return std::nullopt;
  return AnsweredAfterLoss{std::stoi(m[1]), std::stoi(m[2])};
}
std::string collection_of(const MarkerSet& set, const AnsweredAfterLoss& c) {
  return marker_command_collection(set, c.version, c.command);
}

// A holder frozen (SIGSTOP: a paused VM, a stopped container) for longer than
// its TTL while it runs: the next run takes over, finds the version it was
// running unfinished and refuses it. Resumed (SIGCONT), the frozen process
// must notice it lost the lease and stop (exit 4) without sending anything
// more: the database after it exits is the database before it resumed. Only
// a request it checked its lease for before the freeze can still run (frozen
// between the check and the send, or while the server ran it): it must then
// say so, and only that command's collection may change.
TEST_F(Reliability, FrozenHolderSendsNothingOnceItResumes) {
  Scenario s("frozen holder resumed");
  double probe = 0;
  const MarkerSet set = sized_holder_set(client(), server_uri(), trial_db(), temp_dir(), probe);
  auto dir = temp_dir();
  write_marker_versions(dir, set);
  const int n = trials(1, 10);
  int stopped = 0, finished_first = 0, unchanged = 0, answered_late = 0, run_again = 0;
  double frozen_longest = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    MarkerDatabase m{client(), server_uri(), trial_db(), dir, set};
    std::unique_ptr<Process> holder;
    // Freeze it at a random moment while it holds the lock.
    const auto lease = stop_while_holding(s, m, holder, SIGSTOP, run_again);
    if (!lease) continue;
    const auto frozen_at = std::chrono::steady_clock::now();
    // The next run waits for the frozen lease to expire and takes over.
    auto next = run_mongoway(m.cli({"--lock-timeout", "30", "migrate"}), Seconds(90));
    if (next.exit_code != 0 && next.exit_code != 3) s.fail("the run taking over: " + next.describe());
    const auto taken = read_newest_lease(client(), m.database, "mongoway_history_lock");
    if (!taken || taken->id <= lease->id) s.fail("the frozen holder's lease was not taken over");
    const std::string before = snapshot_of(client(), m.database);
    frozen_longest = std::max(frozen_longest, Seconds(std::chrono::steady_clock::now() - frozen_at).count());
    holder->signal(SIGCONT);
    auto o = holder->wait(Seconds(60));
    if (o.exit_code == 4) {
      ++stopped;
      if (o.err.find("lost the lock") == std::string::npos)
        s.fail("exit 4 without saying the lock was lost: " + o.describe());
    } else if (o.exit_code == 0 && next.exit_code == 0 && next.out.find("up to date") != std::string::npos) {
      ++finished_first;  // it had recorded every version before it was frozen
    } else {
      s.fail("the resumed holder: " + o.describe());
    }
    const auto changed = changed_collections(before, snapshot_of(client(), m.database));
    if (changed.empty()) {
      ++unchanged;
    } else if (const auto c = answered_after_loss(o.err);
               c && changed == std::set<std::string>{collection_of(set, *c)}) {
      ++answered_late;  // the request it had checked its lease for before the freeze ran late
    } else {
      s.fail(fmt::format("the resumed holder changed {} after it lost its lease ({})", fmt::join(changed, ", "),
                         o.describe()));
    }
    const int64_t cut = m.check_truth(s, false);
    m.recover(s, cut);
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} holders frozen for up to {} (TTL {} s) and taken over; on resuming {} stopped with exit "
                       "4 and {} had recorded every version before they were frozen; {} of {} left the database as "
                       "it was, {} saw the request they had checked their lease for before the freeze answered "
                       "after it and said so (only that command's collection changed); holders of {} versions ({} "
                       "slow; probe run of 8 versions {}), {} finished before the freeze and were run again",
                       n, format_seconds(frozen_longest), lock_ttl(), stopped, finished_first, unchanged, n,
                       answered_late, set.versions, set.slow.size(), format_seconds(probe), run_again));
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
    versions = static_cast<int>(std::clamp(4.0 * lock_ttl() / (o.seconds / 5), 5.0, 500.0));
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
        else if (lease->id != first->id)
          s.fail(fmt::format("lease {} replaced lease {} of the live holder", lease->id, first->id));
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
    if (o.seconds < 2 * lock_ttl())
      s.fail(fmt::format("the holder ran only {}; not several TTLs", format_seconds(o.seconds)));
    if (!first) s.fail("never saw the holder's lease");
    m.check_truth(s, false);
    if (count_docs(client(), m.database, "markers") != versions) s.fail("the holder's run is incomplete");
    drop_database(client(), m.database);
  }
  s.report(fmt::format("the holder ran up to {} ({:.1f} TTLs of {} s; {} versions) and kept its lease; {} contenders "
                       "were refused with exit 4, none took the lock",
                       format_seconds(longest), longest / lock_ttl(), lock_ttl(), versions, refused));
}

}  // namespace
}  // namespace mongoway::testing
