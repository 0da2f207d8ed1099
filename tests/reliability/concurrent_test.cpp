// Scenario 1: K deploy jobs run `migrate` on the same fresh database at the
// same instant. Every version must be applied exactly once, every process must
// exit 0 or 4 (with a message naming the lock), and none may hang.

#include <map>

#include "../support/inspect.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

TEST_F(Reliability, ConcurrentDeploys) {
  constexpr int kVersions = 30;
  Scenario s("concurrent deploys");
  auto dir = temp_dir();
  write_marker_versions(dir, MarkerSet{kVersions, {}, 0, 0, true});
  // Short: 6 trials in all; full: 50 for each K.
  const std::map<int, int> per_k = full_mode() ? std::map<int, int>{{2, 50}, {4, 50}, {8, 50}}
                                               : std::map<int, int>{{2, 2}, {4, 2}, {8, 2}};
  int exits0 = 0, exits4 = 0;
  double slowest = 0, total = 0;
  int slowest_k = 0;
  for (const auto& [k, n] : per_k) {
    for (int t = 0; t < n; ++t) {
      s.trial();
      const std::string database = trial_db();
      std::vector<std::unique_ptr<Process>> procs;
      for (int i = 0; i < k; ++i) procs.push_back(std::make_unique<Process>(cli(database, dir, {"migrate"})));
      double trial_seconds = 0;
      for (auto& p : procs) {
        auto o = p->wait(Seconds(240));
        trial_seconds = std::max(trial_seconds, o.seconds);
        if (o.timed_out) {
          s.fail(fmt::format("K={}: a process hung: {}", k, o.describe()));
        } else if (o.exit_code == 0) {
          ++exits0;
          if (o.out.find("igrated") == std::string::npos && o.out.find("up to date") == std::string::npos) {
            s.fail(fmt::format("K={}: exit 0 without saying what it did: {}", k, o.out.substr(0, 300)));
          }
        } else if (o.exit_code == 4) {
          ++exits4;
          if (o.err.find("lock") == std::string::npos || o.err.find("held by") == std::string::npos) {
            s.fail(fmt::format("K={}: exit 4 without naming the lock holder: {}", k, o.err));
          }
        } else {
          s.fail(fmt::format("K={}: unexpected {}", k, o.describe()));
        }
      }
      total += trial_seconds;
      if (trial_seconds > slowest) {
        slowest = trial_seconds;
        slowest_k = k;
      }
      // Exactly once: in the data and in the history.
      auto& c = client();
      std::map<int64_t, int> runs;
      for (const auto& d : find_all(c, database, "runs")) {
        bson_iter_t it;
        if (bson_iter_init_find(&it, d.get(), "v")) ++runs[bson_iter_as_int64(&it)];
      }
      for (int v = 1; v <= kVersions; ++v) {
        if (runs[v] != 1) s.fail(fmt::format("K={}: V{} ran {} times", k, v, runs[v]));
      }
      if (static_cast<int>(runs.size()) != kVersions) s.fail(fmt::format("K={}: runs of {} versions", k, runs.size()));
      const auto markers = count_docs(c, database, "markers");
      if (markers != kVersions) s.fail(fmt::format("K={}: {} markers", k, markers));
      int successes = 0, others = 0;
      for (const auto& e : history_of(c, database)) {
        if (e.type == model::EntryType::migrate && e.success && e.finished && !e.repaired) ++successes;
        else ++others;
      }
      if (successes != kVersions || others != 0) {
        s.fail(fmt::format("K={}: history has {} successful migrate entries and {} others", k, successes, others));
      }
      auto lease = read_newest_lease(c, database, "mongoway_history_lock");
      if (!lease || !lease->released) s.fail(fmt::format("K={}: the lock was not released", k));
      drop_database(c, database);
    }
  }
  s.report(fmt::format("K = 2, 4, 8; {} processes exited 0 and {} exited 4 (lock timeout); each of {} versions "
                       "applied exactly once; mean trial {}, slowest {} (K={})",
                       exits0, exits4, kVersions, format_seconds(total / std::max(1, s.trials())),
                       format_seconds(slowest), slowest_k));
}

}  // namespace
}  // namespace mongoway::testing
