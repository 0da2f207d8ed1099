// Scenario 9: a fleet of tenant databases migrated as one job. Three of them
// are made to fail — a unique index the data conflicts with, a rename whose
// collection is missing, a version left failed by an earlier run — and the
// whole process is SIGKILLed in the middle of a second run. `info --databases`
// must name the databases it cut; after `repair` of those, the next runs bring
// every healthy database to the latest version with each version applied
// exactly once, report each failing database with its own error every time,
// and no database's history claims what its data does not hold.
//
// The kill comes once a random share of the second run's versions has landed
// (read behind mongoway's back), not after a delay: every check afterwards
// holds wherever it fell.

#include <algorithm>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "../support/inspect.hpp"
#include "checks.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

// The first versions every database gets; the failing ones fail among these.
constexpr int kFirstVersions = 4;

// Each failing database, what makes it fail, and a word only its error holds.
enum class Failing { unique_index, missing_collection, failed_before };
struct FailingCase {
  Failing kind;
  const char* name;
  const char* own_word;  // in this database's error, in no other's
  int version;           // the version that fails
};
const std::vector<FailingCase>& failing_cases() {
  static const std::vector<FailingCase> cases{
      {Failing::unique_index, "a unique index the data conflicts with", "email_unique", 2},
      {Failing::missing_collection, "a rename whose collection is missing", "legacy", 3},
      {Failing::failed_before, "a version left failed by an earlier run", "settings", 1},
  };
  return cases;
}

// What a fleet command printed with --output json, per database.
struct DatabaseOutcome {
  int exit_code = -1;
  std::string errors;                                        // every "error" string in its entry
  std::map<int64_t, std::pair<std::string, bool>> versions;  // info: version -> (state, cut recorded)
};
struct FleetOutput {
  bool parsed = false;
  std::map<std::string, DatabaseOutcome> databases;
  std::map<std::string, int64_t> summary;
};

// Appends every string under a key "error", or anywhere inside an "error"
// object (its message, its diagnostics), at any depth; nothing else: the
// commands a result lists name other databases' collections too.
void collect_errors(bson_iter_t it, bool inside_error, std::string& out) {
  while (bson_iter_next(&it)) {
    const bool error = inside_error || std::string(bson_iter_key(&it)) == "error";
    bson_iter_t sub;
    if (BSON_ITER_HOLDS_UTF8(&it) && error) {
      out += bson_iter_utf8(&it, nullptr);
      out += '\n';
    } else if ((BSON_ITER_HOLDS_DOCUMENT(&it) || BSON_ITER_HOLDS_ARRAY(&it)) && bson_iter_recurse(&it, &sub)) {
      collect_errors(sub, error, out);
    }
  }
}

void read_versions(bson_iter_t result, DatabaseOutcome& out) {
  bson_iter_t arr, item;
  if (!bson_iter_find(&result, "migrations") || !BSON_ITER_HOLDS_ARRAY(&result) || !bson_iter_recurse(&result, &arr))
    return;
  while (bson_iter_next(&arr)) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &item)) continue;
    int64_t version = 0;
    std::string state;
    bool cut = false;
    while (bson_iter_next(&item)) {
      const std::string key = bson_iter_key(&item);
      if (key == "version" && BSON_ITER_HOLDS_NUMBER(&item)) version = bson_iter_as_int64(&item);
      if (key == "state" && BSON_ITER_HOLDS_UTF8(&item)) state = bson_iter_utf8(&item, nullptr);
      if (key == "cut") cut = BSON_ITER_HOLDS_DOCUMENT(&item);
    }
    out.versions[version] = {state, cut};
  }
}

void read_database(bson_iter_t entry, FleetOutput& out) {
  std::string name;
  DatabaseOutcome d;
  collect_errors(entry, false, d.errors);
  while (bson_iter_next(&entry)) {
    const std::string key = bson_iter_key(&entry);
    bson_iter_t result;
    if (key == "database" && BSON_ITER_HOLDS_UTF8(&entry)) name = bson_iter_utf8(&entry, nullptr);
    if (key == "exit_code" && BSON_ITER_HOLDS_NUMBER(&entry))
      d.exit_code = static_cast<int>(bson_iter_as_int64(&entry));
    if (key == "result" && BSON_ITER_HOLDS_DOCUMENT(&entry) && bson_iter_recurse(&entry, &result))
      read_versions(result, d);
  }
  out.databases[name] = std::move(d);
}

FleetOutput parse_fleet(const std::string& json) {
  FleetOutput out;
  auto doc = bson::Document::from_json(json);
  bson_iter_t it, arr, entry;
  if (!doc || !bson_iter_init_find(&it, doc->get(), "databases") || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &arr))
    return out;
  while (bson_iter_next(&arr)) {
    if (BSON_ITER_HOLDS_DOCUMENT(&arr) && bson_iter_recurse(&arr, &entry)) read_database(entry, out);
  }
  if (bson_iter_init_find(&it, doc->get(), "summary") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
      bson_iter_recurse(&it, &entry)) {
    while (bson_iter_next(&entry)) {
      if (BSON_ITER_HOLDS_NUMBER(&entry)) out.summary[bson_iter_key(&entry)] = bson_iter_as_int64(&entry);
    }
  }
  out.parsed = true;
  return out;
}

class Fleet : public Reliability {
 protected:
  struct Trial {
    std::string prefix;                // every database of the trial starts with it
    std::vector<std::string> healthy;  // in name order
    std::map<std::string, FailingCase> failing;
    std::string dir;
    MarkerSet set;
    std::vector<std::string> all() const {
      auto v = healthy;
      for (const auto& [name, _] : failing) v.push_back(name);
      std::sort(v.begin(), v.end());
      return v;
    }
  };

  void TearDown() override {
    for (const auto& d : m_databases) {
      try {
        drop_database(client(), d);
      } catch (const std::exception&) {
      }
    }
    Reliability::TearDown();
  }

  // The trial's databases: `size` in all, the three failing ones spread among the healthy ones.
  Trial make_trial(int size, int versions) {
    Trial t;
    t.prefix = unique_db_name("fleet") + "_";
    t.dir = temp_dir();
    t.set = MarkerSet{versions, {}, 0, 0, false};
    const auto& cases = failing_cases();
    std::map<int, size_t> failing_at;  // position (1-based) -> case
    for (size_t k = 0; k < cases.size(); ++k) failing_at[size * static_cast<int>(k + 1) / 4] = k;
    for (int i = 1; i <= size; ++i) {
      const std::string name = fmt::format("{}t{:02}", t.prefix, i);
      m_databases.push_back(name);
      if (failing_at.count(i)) t.failing.emplace(name, cases[failing_at[i]]);
      else t.healthy.push_back(name);
    }
    return t;
  }

  // V1..V`upto`: V1 inserts the default settings, V2 makes accounts' email
  // unique, V3 renames legacy to archive; every version ends by upserting
  // its marker (so a marker means every command of its version ran).
  static void write_versions(const Trial& t, int upto) {
    const std::vector<std::string> first{
        R"({"insertOne": "settings", "document": {"_id": "defaults", "theme": "light"}})",
        R"({"createIndex": "accounts", "key": {"email": 1}, "name": "email_unique", "unique": true})",
        R"({"renameCollection": "legacy", "to": "archive"})",
    };
    for (int v = 1; v <= upto; ++v) {
      std::string commands = v <= static_cast<int>(first.size()) ? first[static_cast<size_t>(v - 1)] + ",\n  " : "";
      commands += fmt::format(
          R"({{"updateOne": "work", "filter": {{"_id": "v{0}"}}, "update": {{"$inc": {{"n": 1}}}}, )"
          R"("upsert": true}},
  {{"updateOne": "markers", "filter": {{"_id": {0}}}, "update": {{"$set": {{"ok": true}}}}, "upsert": true}})",
          v);
      std::ofstream(fmt::format("{}/V{}__tenant_step_{}.json", t.dir, v, v)) << "[\n  " << commands << "\n]\n";
    }
  }

  // The data each database starts with; the earlier, failed run of the third failing one.
  void seed(Scenario& s, const Trial& t) {
    auto& c = client();
    for (const auto& name : t.all()) {
      const auto it = t.failing.find(name);
      auto is = [&](Failing k) { return it != t.failing.end() && it->second.kind == k; };
      // Every tenant database exists before the first run (a pattern selects only existing ones).
      c.run(name, json(fmt::format(R"({{"insert": "tenant", "documents": [{{"_id": "{}"}}]}})", name)));
      if (!is(Failing::missing_collection)) c.run(name, json(R"({"insert": "legacy", "documents": [{"a": 1}]})"));
      if (is(Failing::unique_index)) {
        c.run(name, json(R"({"insert": "accounts", "documents": [{"email": "same@example.com"},
                                                                 {"email": "same@example.com"}]})"));
      }
      if (is(Failing::failed_before)) {
        c.run(name, json(R"({"insert": "settings", "documents": [{"_id": "defaults", "theme": "dark"}]})"));
        auto o = run_mongoway(cli(name, t.dir, {"--lock-ttl", std::to_string(lock_ttl()), "migrate"}), Seconds(120));
        if (o.exit_code != 1 || o.err.find("settings") == std::string::npos) {
          s.fail("the earlier run did not fail on settings: " + o.describe());
        }
      }
    }
  }

  std::vector<std::string> fleet_cli(const Trial& t, std::vector<std::string> more) const {
    std::vector<std::string> a{"-u", server_uri(), "-l", t.dir, "--lock-ttl", std::to_string(lock_ttl())};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  std::vector<std::string> fleet_migrate(const Trial& t) const {
    return fleet_cli(t, {"migrate", "--databases", t.prefix + "*", "--jobs", "4", "--output", "json"});
  }

  // A finished fleet run: every healthy database at exit 0 and `at` versions,
  // each failing one reported with its own error; the fleet's exit code.
  void check_run(Scenario& s, const Trial& t, const Outcome& o, const std::string& run, int expected_exit) {
    if (o.timed_out || o.exit_code != expected_exit) {
      s.fail(fmt::format("{}: expected exit {}: {}", run, expected_exit, o.describe()));
    }
    const auto out = parse_fleet(o.out);
    if (!out.parsed) {
      s.fail(fmt::format("{}: no fleet JSON document on stdout: {}", run, o.out.substr(0, 400)));
      return;
    }
    if (out.databases.size() != t.all().size()) {
      s.fail(fmt::format("{}: {} databases reported, {} expected", run, out.databases.size(), t.all().size()));
    }
    for (const auto& name : t.healthy) {
      auto d = out.databases.find(name);
      if (d == out.databases.end()) s.fail(fmt::format("{}: {} not reported", run, name));
      else if (d->second.exit_code != 0) s.fail(fmt::format("{}: healthy {}: {}", run, name, d->second.errors));
    }
    for (const auto& [name, c] : t.failing) check_own_error(s, run, name, c, out);
    check_summary(s, t, out, run, expected_exit);
  }

  static void check_summary(Scenario& s, const Trial& t, const FleetOutput& out, const std::string& run,
                            int expected_exit) {
    auto count = [&](const char* key) { return out.summary.count(key) ? out.summary.at(key) : -1; };
    if (count("failed") != static_cast<int64_t>(t.failing.size()) || count("exit_code") != expected_exit) {
      s.fail(fmt::format("{}: summary says {} failed, exit {}", run, count("failed"), count("exit_code")));
    }
    const auto done = count("migrated") + count("up_to_date");
    if (done != static_cast<int64_t>(t.healthy.size())) {
      s.fail(fmt::format("{}: summary: {} migrated or up to date, {} healthy", run, done, t.healthy.size()));
    }
  }

  static void check_own_error(Scenario& s, const std::string& run, const std::string& name, const FailingCase& c,
                              const FleetOutput& out) {
    auto d = out.databases.find(name);
    if (d == out.databases.end()) {
      s.fail(fmt::format("{}: failing {} not reported", run, name));
      return;
    }
    if (d->second.exit_code == 0 || d->second.errors.find(c.own_word) == std::string::npos) {
      s.fail(fmt::format("{}: {} ({}) not reported with its own error: {}", run, name, c.name, d->second.errors));
    }
    for (const auto& other : failing_cases()) {
      if (other.kind != c.kind && d->second.errors.find(other.own_word) != std::string::npos) {
        s.fail(fmt::format("{}: {} ({}) reported with another's error: {}", run, name, c.name, d->second.errors));
      }
    }
  }

  MarkerDatabase marker_db(const Trial& t, const std::string& name) {
    return MarkerDatabase{client(), server_uri(), name, t.dir, t.set};
  }

  // Every healthy database at version `upto` with each version applied exactly once.
  void check_healthy(Scenario& s, const Trial& t, int upto) {
    for (const auto& name : t.healthy) {
      auto m = marker_db(t, name);
      if (m.check_truth(s, false) != 0) s.fail(name + ": a failed entry remains");
      std::map<int64_t, int> applied;
      for (const auto& e : history_of(client(), name)) {
        if (e.type == model::EntryType::migrate && e.success && !e.repaired) ++applied[e.version];
      }
      for (int v = 1; v <= upto; ++v) {
        if (applied[v] != 1) s.fail(fmt::format("{}: V{} applied {} times", name, v, applied[v]));
      }
      if (static_cast<int>(applied.size()) != upto)
        s.fail(fmt::format("{}: {} versions applied", name, applied.size()));
      if (count_docs(client(), name, "markers") != upto) s.fail(name + ": markers missing");
      if (upto >= 3 && (count_docs(client(), name, "archive") != 1 || count_docs(client(), name, "legacy") != 0)) {
        s.fail(name + ": legacy was not renamed to archive");
      }
    }
  }

  // A failing database's history: what it was, its one failed entry last and
  // finished, saying what failed; nothing after it.
  void check_failing(Scenario& s, const Trial& t, std::map<std::string, size_t>& entries) {
    for (const auto& [name, c] : t.failing) {
      auto m = marker_db(t, name);
      if (m.check_truth(s, false) != c.version) s.fail(fmt::format("{}: V{} is not its failed entry", name, c.version));
      const auto history = history_of(client(), name);
      if (history.empty() || !history.back().finished || history.back().error.find(c.own_word) == std::string::npos) {
        s.fail(fmt::format("{}: its last entry does not record its own failure", name));
      }
      if (entries.count(name) && entries[name] != history.size()) {
        s.fail(fmt::format("{}: {} history entries, {} before", name, history.size(), entries[name]));
      }
      entries[name] = history.size();
    }
  }

  // Versions applied so far, over the healthy databases (read behind mongoway's back).
  int64_t markers_done(const Trial& t) {
    int64_t n = 0;
    for (const auto& name : t.healthy) n += count_docs(client(), name, "markers");
    return n;
  }

  // Starts the fleet run and SIGKILLs it once `kill_at` markers (in all) are there.
  Outcome run_and_kill(const Trial& t, int64_t kill_at, int64_t& seen_at_kill) {
    Process p(fleet_migrate(t));
    const auto deadline = std::chrono::steady_clock::now() + 600s;
    while (p.running() && std::chrono::steady_clock::now() < deadline) {
      seen_at_kill = markers_done(t);
      if (seen_at_kill >= kill_at) break;
      std::this_thread::sleep_for(20ms);
    }
    p.signal(SIGKILL);
    return p.wait(Seconds(60));
  }

  // The server may still be running a request the killed process sent (it
  // finishes a request whose client is gone): waits until the histories and
  // markers read twice, half a second apart, are the same (at most 2 minutes).
  void wait_until_quiet(const Trial& t) {
    std::string last;
    for (int i = 0; i < 240; ++i) {
      std::string now;
      for (const auto& name : t.all()) {
        const auto history = history_of(client(), name);
        const auto finished = std::count_if(history.begin(), history.end(), [](const auto& e) { return e.finished; });
        now += fmt::format("{} {} {} {};", name, history.size(), finished, count_docs(client(), name, "markers"));
      }
      if (now == last) return;
      last = now;
      std::this_thread::sleep_for(500ms);
    }
  }

  // Polls `info --databases` until no version is running (the dead process's
  // leases expired); returns its last output.
  FleetOutput info_when_settled(Scenario& s, const Trial& t, double& waited) {
    const auto started = std::chrono::steady_clock::now();
    FleetOutput out;
    for (;;) {
      auto o = run_mongoway(fleet_cli(t, {"info", "--databases", t.prefix + "*", "--output", "json"}), Seconds(120));
      out = parse_fleet(o.out);
      if (!out.parsed) {
        s.fail("info --databases: " + o.describe());
        break;
      }
      bool running = false;
      for (const auto& [_, d] : out.databases) {
        for (const auto& [v, st] : d.versions) running = running || st.first == "running";
      }
      waited = Seconds(std::chrono::steady_clock::now() - started).count();
      if (!running) break;
      if (waited > lock_ttl() + 90) {
        s.fail(fmt::format("a version still shows as running {} s after the kill (TTL {} s)", waited, lock_ttl()));
        break;
      }
      std::this_thread::sleep_for(500ms);
    }
    return out;
  }

  // The databases info names as cut, checked against the histories read behind its back.
  std::set<std::string> cut_named_by_info(Scenario& s, const Trial& t, const FleetOutput& info) {
    std::set<std::string> named, truth;
    for (const auto& [name, d] : info.databases) {
      for (const auto& [v, st] : d.versions) {
        if (st.second) named.insert(name);
        const bool expected_failed = t.failing.count(name) && t.failing.at(name).version == v;
        if (st.first == "failed" && !st.second && !expected_failed) {
          s.fail(fmt::format("{}: V{} shows failed without being cut", name, v));
        }
      }
    }
    for (const auto& name : t.all()) {
      for (const auto& e : history_of(client(), name)) {
        if (!e.finished && !e.repaired) truth.insert(name);
      }
    }
    if (named != truth) {
      s.fail(fmt::format("info --databases named {} database(s) as cut, the histories hold {}", named.size(),
                         truth.size()));
    }
    for (const auto& name : named) {
      if (t.failing.count(name)) s.fail(name + ": a failing database was cut (it should have been refused)");
    }
    return named;
  }

  void repair(Scenario& s, const Trial& t, const std::set<std::string>& cut) {
    if (cut.empty()) return;
    const std::string file = temp_dir() + "/cut.txt";
    {
      std::ofstream f(file);
      for (const auto& name : cut) f << name << '\n';
    }
    auto o = run_mongoway(fleet_cli(t, {"repair", "--databases-file", file}), Seconds(300));
    if (o.exit_code != 0) s.fail("repair --databases-file: " + o.describe());
  }

 private:
  std::vector<std::string> m_databases;
};

TEST_F(Fleet, FailingDatabasesAndAKillInTheMiddle) {
  if (run_mongoway({"migrate", "--help"}).out.find("--databases") == std::string::npos) {
    MONGOWAY_SKIP_BECAUSE("this mongoway has no --databases");
  }
  Scenario s("fleet: 3 failing databases and a kill -9");
  const int size = full_mode() ? 30 : 9;
  const int versions = full_mode() ? 12 : 8;
  const int n = trials(1, 10);
  int cut_total = 0, cut_most = 0, killed = 0;
  double waited_most = 0, trial_seconds = 0;
  for (int i = 0; i < n; ++i) {
    s.trial();
    const auto started = std::chrono::steady_clock::now();
    auto t = make_trial(size, versions);
    write_versions(t, kFirstVersions);
    seed(s, t);
    std::map<std::string, size_t> failing_entries;
    // A first run: the healthy ones reach V4; the failing ones fail, each its own way.
    check_run(s, t, run_mongoway(fleet_migrate(t), Seconds(600)), "first run", 1);
    check_healthy(s, t, kFirstVersions);
    check_failing(s, t, failing_entries);
    if (s.trial_failed()) continue;  // what follows would only repeat it
    // More versions; the second run is killed once a random share of them landed.
    write_versions(t, versions);
    const int64_t work = static_cast<int64_t>(t.healthy.size()) * (versions - kFirstVersions);
    const int64_t before = markers_done(t);
    int64_t seen = 0;
    auto o = run_and_kill(t, before + random_between(1, work * 6 / 10), seen);
    if (o.exit_code == 128 + SIGKILL) ++killed;
    else if (o.exit_code != 3) s.fail("the killed run: " + o.describe());  // 3: it finished before the kill
    const auto killed_at = std::chrono::steady_clock::now();
    wait_until_quiet(t);
    double waited = 0;
    const auto info = info_when_settled(s, t, waited);
    waited = Seconds(std::chrono::steady_clock::now() - killed_at).count();
    waited_most = std::max(waited_most, waited);
    for (const auto& name : t.all()) marker_db(t, name).check_truth(s, false);  // no history lies
    const auto cut = cut_named_by_info(s, t, info);
    cut_total += static_cast<int>(cut.size());
    cut_most = std::max(cut_most, static_cast<int>(cut.size()));
    repair(s, t, cut);
    // Two more runs: the first completes the healthy ones, the second finds nothing to do.
    check_run(s, t, run_mongoway(fleet_migrate(t), Seconds(600)), "run after repair", 3);
    check_healthy(s, t, versions);
    check_failing(s, t, failing_entries);
    check_run(s, t, run_mongoway(fleet_migrate(t), Seconds(600)), "run again", 3);
    check_healthy(s, t, versions);
    check_failing(s, t, failing_entries);
    trial_seconds += Seconds(std::chrono::steady_clock::now() - started).count();
  }
  s.report(fmt::format("{} databases (3 failing: unique index, missing collection, failed before) x {} versions, "
                       "--jobs 4; {} of {} runs killed mid-way, {} database(s) cut in all (at most {} in one run), "
                       "each named by info --databases (settled {} after the kill, TTL {} s), repaired and "
                       "completed; each failing database reported with its own error in 3 runs; every healthy "
                       "database at V{} with each version applied once; mean trial {}",
                       size, versions, killed, n, cut_total, cut_most, format_seconds(waited_most), lock_ttl(),
                       versions, format_seconds(trial_seconds / n)));
}

}  // namespace
}  // namespace mongoway::testing
