#pragma once
// Checks shared by the fault scenarios (kill, server loss, stale lock): does
// the history tell the truth about the data, and does a run recover?

#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

namespace mongoway::testing {

// A database migrated from write_marker_versions(dir, set) (with_runs false).
struct MarkerDatabase {
  mongo::Client& client;
  std::string uri;
  std::string database;
  std::string dir;
  MarkerSet set;

  // mongoway -u URI -d DB -l DIR --lock-ttl lock_ttl() MORE...
  std::vector<std::string> cli(std::vector<std::string> more) const;

  // Marker v there, and for a slow version its whole seed, updated.
  bool effect_present(int64_t v);
  // Checks the history against the data; returns the version of the one entry
  // that is not a success (0 when there is none). With `expect_finished`, that
  // entry must be finished and say it was interrupted (SIGINT/SIGTERM).
  int64_t check_truth(Scenario& s, bool expect_finished);
  // Polls `info --output json` until no version is `running` (the dead
  // process's lease expired), for at most `limit` seconds (0: 17 s beyond the
  // TTL); returns the states and sets `seconds` to the wait.
  std::map<int64_t, std::string> wait_until_not_running(Scenario& s, double& seconds, double limit = 0);
  // migrate refuses while `cut` is failed; after checking the data (the cut
  // version's partial seed is dropped) repair + migrate completes, every
  // version applied exactly once, the lock released.
  // When the killed process's last insert landed after the seed was dropped
  // (the server finishes a request whose client is gone), the migrate after
  // repair meets its documents: the data is checked and repaired again, and
  // `late_write` says so.
  void recover(Scenario& s, int64_t cut);
  bool late_write = false;
  // After a process died mid-run: waits until its lease expired (adding the
  // wait to `waited_max`), checks the history against the data and that the
  // version it cut (returned, 0 if none) shows as failed, then recovers.
  int64_t verify_cut_and_recover(Scenario& s, double& waited_max);
};

}  // namespace mongoway::testing
