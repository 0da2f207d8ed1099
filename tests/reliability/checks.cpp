#include "checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

#include "../support/inspect.hpp"

namespace mongoway::testing {

using namespace std::chrono_literals;

std::vector<std::string> MarkerDatabase::cli(std::vector<std::string> more) const {
  std::vector<std::string> a{"-u", uri, "-d", database, "-l", dir, "--lock-ttl", std::to_string(lock_ttl())};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

bool MarkerDatabase::effect_present(int64_t v) {
  if (count_docs(client, database, "markers", fmt::format(R"({{"_id": {}}})", v)) != 1) return false;
  if (std::find(set.slow.begin(), set.slow.end(), v) != set.slow.end()) {
    const std::string seed = fmt::format("seed_{}", v);
    if (count_docs(client, database, seed) != set.seed_docs) return false;
    if (count_docs(client, database, seed, R"({"touched": true})") != set.touch_docs) return false;
  }
  return true;
}

int64_t MarkerDatabase::check_truth(Scenario& s, bool expect_finished) {
  int64_t cut = 0;
  std::set<int64_t> recorded;
  auto history = history_of(client, database);
  for (size_t i = 0; i < history.size(); ++i) {
    const auto& e = history[i];
    recorded.insert(e.version);
    if (e.repaired) continue;
    if (e.success) {
      if (!effect_present(e.version)) {
        s.fail(fmt::format("the history says V{} succeeded, but its effect is missing", e.version));
      }
    } else {
      if (cut != 0) s.fail(fmt::format("more than one failed entry (V{} and V{})", cut, e.version));
      cut = e.version;
      if (i + 1 != history.size()) s.fail(fmt::format("the failed entry of V{} is not the last one", e.version));
      if (expect_finished && !e.finished) s.fail(fmt::format("V{} was left unfinished after a signal", e.version));
      if (expect_finished && e.error.find("interrupted") == std::string::npos) {
        s.fail(fmt::format("V{} failed without saying it was interrupted: {}", e.version, e.error));
      }
    }
  }
  // Nothing runs before its entry is written: no marker without an entry.
  for (const auto& m : find_all(client, database, "markers")) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, m.get(), "_id") && !recorded.count(bson_iter_as_int64(&it))) {
      s.fail(fmt::format("marker {} exists without a history entry", bson_iter_as_int64(&it)));
    }
  }
  return cut;
}

std::map<int64_t, std::string> MarkerDatabase::wait_until_not_running(Scenario& s, double& seconds, double limit) {
  const auto started = std::chrono::steady_clock::now();
  if (limit <= 0) limit = lock_ttl() + 17;
  std::map<int64_t, std::string> states;
  for (;;) {
    auto info = run_mongoway(cli({"info", "--output", "json"}), Seconds(60));
    if (info.exit_code != 0) {
      s.fail("info: " + info.describe());
      break;
    }
    states = states_from_info_json(info.out);
    if (states.empty()) s.fail("info printed no versions: " + info.out);
    bool running = std::any_of(states.begin(), states.end(), [](const auto& kv) { return kv.second == "running"; });
    if (!running) break;
    if (Seconds(std::chrono::steady_clock::now() - started).count() > limit) {
      s.fail(fmt::format("a version still shows as running {} s later (lease TTL {} s)", limit, lock_ttl()));
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  seconds = Seconds(std::chrono::steady_clock::now() - started).count();
  return states;
}

void MarkerDatabase::recover(Scenario& s, int64_t cut) {
  // A holder killed after its last version, before its release, leaves its
  // lease unreleased, and a recovery with nothing to run takes no lock: only
  // a lease taken during recovery and left unreleased is a lock held.
  const auto before = read_newest_lease(client, database, "mongoway_history_lock");
  if (cut != 0) {
    auto refused = run_mongoway(cli({"migrate"}));
    if (refused.exit_code != 3 || refused.err.find("repair") == std::string::npos) {
      s.fail("migrate did not refuse a failed version: " + refused.describe());
    }
    drop_collection(client, database, fmt::format("seed_{}", cut));
    auto repair = run_mongoway(cli({"repair"}));
    if (repair.exit_code != 0) s.fail("repair: " + repair.describe());
  }
  auto done = run_mongoway(cli({"migrate"}), Seconds(300));
  if (cut != 0 && done.exit_code == 1 && done.err.find("E11000") != std::string::npos &&
      done.err.find(fmt::format("seed_{} ", cut)) != std::string::npos) {
    late_write = true;
    drop_collection(client, database, fmt::format("seed_{}", cut));
    auto repair = run_mongoway(cli({"repair"}));
    if (repair.exit_code != 0) s.fail("repair after the late write: " + repair.describe());
    done = run_mongoway(cli({"migrate"}), Seconds(300));
  }
  if (done.exit_code != 0) s.fail("migrate after repair: " + done.describe());
  const auto markers = count_docs(client, database, "markers");
  if (markers != set.versions) s.fail(fmt::format("{} markers after recovery", markers));
  std::map<int64_t, int> applied;
  for (const auto& e : history_of(client, database)) {
    if (e.type == model::EntryType::migrate && e.success && !e.repaired) ++applied[e.version];
  }
  for (int v = 1; v <= set.versions; ++v) {
    if (applied[v] != 1) s.fail(fmt::format("V{} recorded as applied {} times after recovery", v, applied[v]));
    if (!effect_present(v)) s.fail(fmt::format("V{} incomplete after recovery", v));
  }
  auto lease = read_newest_lease(client, database, "mongoway_history_lock");
  if (lease && !lease->released && (!before || lease->id != before->id)) s.fail("the lock is held after recovery");
}

int64_t MarkerDatabase::verify_cut_and_recover(Scenario& s, double& waited_max) {
  double waited = 0;
  auto states = wait_until_not_running(s, waited);
  waited_max = std::max(waited_max, waited);
  const int64_t cut = check_truth(s, false);
  if (cut != 0 && states[cut] != "failed") {
    s.fail(fmt::format("the cut version V{} shows as '{}', not failed", cut, states[cut]));
  }
  recover(s, cut);
  return cut;
}

}  // namespace mongoway::testing
