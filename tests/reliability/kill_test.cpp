// Scenario 2: a run of 50 versions (some slow) is killed at a random moment.
// SIGKILL: the history never claims a version whose effect is missing, a
// version cut in the middle is `failed` once the dead process's lease expires,
// `migrate` refuses until `repair`, and after repair + migrate every version is
// there exactly once. SIGINT/SIGTERM: the process finishes or abandons the
// current command, records the truth, releases the lock and exits 130/143
// promptly.

#include <signal.h>

#include <thread>

#include "../support/inspect.hpp"
#include "checks.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

class Kill : public Reliability {
 protected:
  // 50 versions, four of them slow: a 5,000-document seed, then 30 of its
  // documents updated by an updateMany.
  static MarkerSet marker_set() { return MarkerSet{50, {7, 19, 31, 44}, 5000, 30, false}; }

  MarkerDatabase marker_db(const std::string& dir) {
    return MarkerDatabase{client(), server_uri(), trial_db(), dir, marker_set()};
  }

  // How long one uninterrupted run takes here.
  double calibrate(const std::string& dir) {
    auto m = marker_db(dir);
    auto o = run_mongoway(m.cli({"migrate"}), Seconds(300));
    EXPECT_EQ(o.exit_code, 0) << o.describe();
    drop_database(client(), m.database);
    return o.seconds;
  }

  // Starts `migrate`, sends `sig` after a random delay between `min_delay_ms`
  // and 90 % of an uninterrupted run, and waits up to `deadline` for the exit;
  // `exit_after` is the time from the signal to the exit.
  static Outcome migrate_and_signal(const MarkerDatabase& m, int sig, int64_t min_delay_ms, double run_time,
                                    Seconds deadline, double& exit_after) {
    const auto delay = std::chrono::milliseconds(random_between(min_delay_ms, static_cast<int64_t>(run_time * 900)));
    Process p(m.cli({"migrate"}));
    std::this_thread::sleep_for(delay);
    p.signal(sig);
    const auto signalled_at = std::chrono::steady_clock::now();
    auto o = p.wait(deadline);
    exit_after = Seconds(std::chrono::steady_clock::now() - signalled_at).count();
    return o;
  }
};

TEST_F(Kill, SigkillAtARandomMoment) {
  Scenario s("kill -9 at a random moment");
  auto dir = temp_dir();
  write_marker_versions(dir, marker_set());
  const double run_time = calibrate(dir);
  if (HasFailure()) return;  // no run time to pick the signal's moment from
  const int n = trials(7, 100);
  int mid = 0, between = 0, finished = 0, late = 0;
  double slowest_failed_visible = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    auto m = marker_db(dir);
    double exit_after = 0;
    auto o = migrate_and_signal(m, SIGKILL, 30, run_time, Seconds(30), exit_after);
    if (o.exit_code == 0) {
      ++finished;
    } else if (o.exit_code != 128 + SIGKILL) {
      s.fail("killed process: " + o.describe());
    }
    // While the dead process's lease lives its version is `running`; then `failed`.
    const int64_t cut = m.verify_cut_and_recover(s, slowest_failed_visible);
    if (m.late_write) ++late;
    if (cut != 0) {
      ++mid;
    } else if (o.exit_code != 0) {
      ++between;
    }
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} cut inside a version (failed, refused until repair), {} between versions, {} finished "
                       "before the kill; the cut version showed as failed at most {} after the kill (TTL {} s); "
                       "repair + migrate completed every time (uninterrupted run {}); {} times the killed "
                       "process's last insert landed after the cut version's seed was dropped, so the data was "
                       "checked and repaired again",
                       mid, between, finished, format_seconds(slowest_failed_visible), lock_ttl(),
                       format_seconds(run_time), late));
}

TEST_F(Kill, SigintAndSigtermAtARandomMoment) {
  Scenario s("SIGINT/SIGTERM at a random moment");
  auto dir = temp_dir();
  write_marker_versions(dir, marker_set());
  const double run_time = calibrate(dir);
  if (HasFailure()) return;  // no run time to pick the signal's moment from
  const int n = trials(2, 20);
  int interrupted = 0, finished = 0, recorded_failed = 0;
  double slowest_exit = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    const int sig = t % 2 == 0 ? SIGTERM : SIGINT;
    auto m = marker_db(dir);
    double exit_after = 0;
    auto o = migrate_and_signal(m, sig, 300, run_time, Seconds(60), exit_after);
    if (o.exit_code == 0) {
      ++finished;
    } else if (o.exit_code == 128 + sig) {
      ++interrupted;
      slowest_exit = std::max(slowest_exit, exit_after);
      if (o.err.find(sig == SIGTERM ? "SIGTERM" : "SIGINT") == std::string::npos) {
        s.fail("no message naming the signal: " + o.describe());
      }
    } else {
      s.fail(fmt::format("signal {}: {}", sig, o.describe()));
    }
    if (exit_after > 15) s.fail(fmt::format("exited {} after the signal", format_seconds(exit_after)));
    auto lease = read_newest_lease(client(), m.database, "mongoway_history_lock");
    if (lease && !lease->released) s.fail("the lock was not released");
    const int64_t cut = m.check_truth(s, true);
    if (cut != 0) ++recorded_failed;
    m.recover(s, cut);
    drop_database(client(), m.database);
  }
  s.report(fmt::format("{} interrupted (exit 130/143, lock released, every entry finished; {} recorded a failed "
                       "version, the others stopped between versions), {} finished before the signal; exit at most "
                       "{} after the signal",
                       interrupted, recorded_failed, finished, format_seconds(slowest_exit)));
}

}  // namespace
}  // namespace mongoway::testing
