// Scenario 3: the server is killed (SIGKILL) while a migration runs, on a
// server of this scenario's own. mongoway must exit 5 within its timeouts;
// after the server is started again on the same data, `info` tells the truth
// and repair + migrate completes.

#include <signal.h>

#include <thread>

#include "checks.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(Reliability, ServerLostMidRun) {
  Scenario s("server lost mid-run");
  PrivateServer server;
  auto dir = temp_dir();
  const MarkerSet set{50, {7, 19, 31, 44}, 5000, 30, false};
  write_marker_versions(dir, set);
  auto client = std::make_unique<mongo::Client>(client_options(server.uri()));
  auto marker_db = [&](const std::string& name) { return MarkerDatabase{*client, server.uri(), name, dir, set}; };

  double run_time = 0;
  {
    auto m = marker_db("calibrate");
    auto o = run_mongoway(m.cli({"migrate"}), Seconds(300));
    ASSERT_EQ(o.exit_code, 0) << o.describe();
    run_time = o.seconds;
    drop_database(*client, m.database);
  }

  const int n = trials(3, 20);
  int lost = 0, finished = 0, cut_inside = 0;
  double slowest_exit = 0, slowest_failed = 0;
  for (int t = 0; t < n; ++t) {
    s.trial();
    const auto m = marker_db(fmt::format("loss_{}", t));
    const auto delay = std::chrono::milliseconds(random_between(200, static_cast<int64_t>(run_time * 1000)));
    Process p(m.cli({"migrate"}));
    std::this_thread::sleep_for(delay);
    server.kill_hard();
    const auto killed_at = std::chrono::steady_clock::now();
    auto o = p.wait(Seconds(120));
    const double exit_after = Seconds(std::chrono::steady_clock::now() - killed_at).count();
    if (o.exit_code == 0) {
      ++finished;
    } else if (o.exit_code == 5) {
      ++lost;
      slowest_exit = std::max(slowest_exit, exit_after);
      // Said as a loss, on the cut version's line when one was cut, never
      // as a server to look for at the URI.
      if (o.err.find("lost the connection") == std::string::npos && o.err.find("lost the lock") == std::string::npos)
        s.fail("unclear message: " + o.describe());
      if (o.err.find("check that it is running") != std::string::npos)
        s.fail("advice for a server never reached: " + o.describe());
      // A version cut inside says so on its own line, with where it was cut.
      if (o.err.find(" was interrupted (connection lost during command ") != std::string::npos &&
          o.out.find(" ... INTERRUPTED (connection lost during command ") == std::string::npos) {
        s.fail("the cut version's line does not say INTERRUPTED: " + o.out);
      }
      // Server selection and connection timeouts are 5 s each; the lock's release adds one more try.
      if (exit_after > 30) s.fail(fmt::format("exit 5 only {} after the server died", format_seconds(exit_after)));
    } else {
      s.fail("expected exit 5: " + o.describe());
    }

    server.start();  // the same data directory
    client = std::make_unique<mongo::Client>(client_options(server.uri()));
    auto after = marker_db(m.database);
    if (after.verify_cut_and_recover(s, slowest_failed) != 0) ++cut_inside;
    drop_database(*client, after.database);
  }
  s.report(fmt::format("{} runs lost the server and exited 5 at most {} after it died, {} finished first; after the "
                       "restart info showed {} cut version(s) as failed (within {}), and repair + migrate completed "
                       "every time ({} server)",
                       lost, format_seconds(slowest_exit), finished, cut_inside, format_seconds(slowest_failed),
                       server.kind()));
}

// Scenario 3b: the server is still starting when mongoway starts (a
// container beside its database). With --connect-retries it tries again,
// once a second here, and migrates once the server answers; the server is
// started only after the first attempt failed, so the retry is what is tested.
TEST_F(Reliability, ServerStartedDuringConnectRetries) {
  Scenario s("server started during connect retries");
  s.trial();
  PrivateServer server;
  const std::string uri = server.uri();
  server.stop();
  auto dir = temp_dir();
  write_marker_versions(dir, MarkerSet{3, {}, 0, 0, false});
  Process p({"-u", uri, "-d", "late_server", "-l", dir, "-v", "--connect-retries", "120", "--connect-retry-interval",
             "1", "--connect-timeout", "1", "migrate"});
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (p.err_so_far().find("attempt 1 of 121 failed") == std::string::npos && p.running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  server.start();  // the same data directory, and the same port when it is still free
  if (server.uri() != uri) GTEST_SKIP() << "the server's port was taken while it was stopped; nothing to check";
  auto o = p.wait(Seconds(180));
  if (o.exit_code != 0) s.fail("expected exit 0 once the server answered: " + o.describe());
  if (o.err.find("attempt 2 of 121") == std::string::npos) s.fail("no second attempt: " + o.err);
  if (o.out.find("V3") == std::string::npos) s.fail("V3 not migrated: " + o.out);
  s.report(fmt::format("the server started after the first attempt failed; migrate waited for it and applied 3 "
                       "versions in {} ({} server)",
                       format_seconds(o.seconds), server.kind()));
}

}  // namespace
}  // namespace mongoway::testing
