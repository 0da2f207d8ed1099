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
      if (o.err.find("cannot reach the server") == std::string::npos) s.fail("unclear message: " + o.describe());
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

}  // namespace
}  // namespace mongoway::testing
