// Scenario 2c: a version that is one batched backfill is killed (SIGKILL) at a
// random moment. The version is then `resumable`, and a plain `migrate` (no
// repair) finishes it: every document updated, no batch skipped, at most one
// batch sent twice.
//
// The backfill sets `done` and increments `times` on every document of
// `items`, in batches; `times` counts how often each document was updated.
// A batch sent twice is the one in flight at the kill: its update may have
// landed (or lands later: the server finishes a request whose client is gone)
// while its checkpoint was not written, so the resumed run reads its `_id`s
// again. With the filter `{"done": {"$ne": true}}` the resumed run neither
// reads again nor updates again a document that update reached (the filter is
// part of every batch's update), so every document must end with `times: 1`.
// Without that filter the repeat is visible: the documents of at most one
// batch may end with `times: 2`.

#include <csignal>
#include <set>
#include <thread>

#include "reliability.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

struct Backfill {
  int docs = 0;
  int batch = 0;
  bool excluding = true;  // the filter {"done": {"$ne": true}}, else {}
};

// What one trial saw.
struct Trial {
  bool finished_first = false;  // the run ended before the kill
  int64_t done_at_kill = 0;     // documents seen updated when the kill was sent
  int64_t done_after_kill = 0;  // documents updated once the killed run was seen gone
  int64_t resumed_from = -1;    // the checkpoint `info` showed (documents done), -1 if none
  double resumed_in = 0;
  int64_t twice = 0;                   // documents updated twice
  std::set<int64_t> repeated_batches;  // their batches (_id / batch size)
};

// The lease's TTL of this scenario's runs, in seconds. FerretDB's one writer
// per database holds each batch's update for up to several seconds on a
// loaded machine (6 s measured beside a CPU hog at 5,000 documents), and the
// heartbeat's renewal waits behind it: with the 3 s of the other fault
// scenarios, runs lost their lease (exit 4, resumable as well) in every trial
// of a full run beside the hog. A killed run is taken over at once, since it
// is seen gone from this machine, so the TTL costs nothing here.
constexpr int kLockTtl = 30;

class Resume : public Reliability {
 protected:
  // FerretDB 1.24 updates each matching document through a lookup that scans
  // the collection (an update's cost per document grows with it): 3,000
  // documents in batches of 100 there (1,000 in the short mode, to keep it
  // under a minute beside a CPU hog); MongoDB takes a larger one.
  static Backfill backfill(bool excluding) {
    if (!server_is_ferretdb()) return {trials(20000, 100000), 1000, excluding};
    return {trials(1000, 3000), 100, excluding};
  }

  std::string write_version(const Backfill& b) {
    auto dir = temp_dir();
    write(dir, "V1__backfill.json",
          fmt::format(R"([{{"updateMany": "items", "filter": {}, "update": {{"$set": {{"done": true}}, )"
                      R"("$inc": {{"times": 1}}}}, "batchSize": {}}}])",
                      b.excluding ? R"({"done": {"$ne": true}})" : "{}", b.batch) +
              "\n");
    return dir;
  }

  void seed(const std::string& database, int docs) { seed_on(client(), database, docs); }

  static void seed_on(mongo::Client& c, const std::string& database, int docs) {
    constexpr int per_insert = 10000;
    for (int first = 0; first < docs; first += per_insert) {
      std::string documents;
      for (int i = first; i < std::min(docs, first + per_insert); ++i) {
        documents += fmt::format(R"({}{{"_id": {}, "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})",
                                 i == first ? "" : ",", i);
      }
      c.run_write(database, json(R"({"insert": "items", "documents": [)" + documents + "]}"));
    }
  }

  // mongoway -u URI -d DB -l DIR --lock-ttl kLockTtl MORE...
  std::vector<std::string> args(const std::string& database, const std::string& dir, std::vector<std::string> more) {
    more.insert(more.begin(), {"--lock-ttl", std::to_string(kLockTtl)});
    return cli(database, dir, std::move(more));
  }

  // Runs `migrate` and sends SIGKILL once at least `target` documents are
  // seen updated (polled every 20 ms, so the kill falls at a random point of
  // a batch: reading its _ids, updating them, or writing its checkpoint).
  Outcome kill_when_done(Scenario& s, const std::vector<std::string>& migrate, const std::string& database,
                         int64_t target, int64_t& done) {
    Process p(migrate);
    while (p.running()) {
      done = count_docs(client(), database, "items", R"({"done": true})");
      if (done >= target) {
        p.signal(SIGKILL);
        break;
      }
      if (p.age() > 600) {
        s.fail("the backfill ran for 600 s without reaching the kill");
        p.signal(SIGKILL);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    return p.wait(Seconds(60));
  }

  // V1's state in `info --output json` once it is no longer `running` (the
  // dead process is seen gone from this machine, or its lease expired), and
  // the documents done by its checkpoint.
  std::string state_after_kill(Scenario& s, const std::vector<std::string>& info, int64_t& resumed_from) {
    const auto started = std::chrono::steady_clock::now();
    for (;;) {
      auto o = run_mongoway(info, Seconds(60));
      if (o.exit_code != 0) {
        s.fail("info: " + o.describe());
        return "";
      }
      auto state = states_from_info_json(o.out)[1];
      if (state != "running") {
        resumed_from = resume_done_from_info_json(o.out);
        return state;
      }
      if (Seconds(std::chrono::steady_clock::now() - started).count() > kLockTtl + 17) {
        s.fail(fmt::format("V1 still shows as running {} s after the kill", kLockTtl + 17));
        return state;
      }
      std::this_thread::sleep_for(200ms);
    }
  }

  // migrations[0].resume.done in `info --output json`, -1 when absent.
  static int64_t resume_done_from_info_json(const std::string& text) {
    auto doc = bson::Document::from_json(text);
    bson_iter_t it, found;
    if (!doc || !bson_iter_init(&it, doc->get()) ||
        !bson_iter_find_descendant(&it, "migrations.0.resume.done", &found) || !BSON_ITER_HOLDS_NUMBER(&found)) {
      return -1;
    }
    return bson_iter_as_int64(&found);
  }

  // Every document updated (done, times >= 1: no batch skipped), none more
  // than twice; with the excluding filter none twice, without it the twice
  // updated ones within one batch.
  void check_documents(Scenario& s, const Backfill& b, const std::string& database, Trial& t) {
    int64_t seen = 0, not_done = 0, wrong = 0;
    for (const auto& d : find_all(client(), database, "items")) {
      bson_iter_t it;
      ++seen;
      const int64_t id = bson_iter_init_find(&it, d.get(), "_id") ? bson_iter_as_int64(&it) : -1;
      if (!bson_iter_init_find(&it, d.get(), "done") || !BSON_ITER_HOLDS_BOOL(&it) || !bson_iter_bool(&it)) ++not_done;
      const int64_t times = bson_iter_init_find(&it, d.get(), "times") && BSON_ITER_HOLDS_NUMBER(&it)
                                ? bson_iter_as_int64(&it)
                                : 0;
      if (times == 2) {
        ++t.twice;
        t.repeated_batches.insert(id / b.batch);
      } else if (times != 1) {
        ++wrong;
      }
    }
    if (seen != b.docs) s.fail(fmt::format("{} documents in items, not {}", seen, b.docs));
    if (not_done + wrong > 0) {
      s.fail(fmt::format("{} documents without done: true and {} updated neither once nor twice", not_done, wrong));
    }
    if (b.excluding && t.twice > 0) {
      s.fail(fmt::format("{} documents updated twice although the filter excludes the documents done", t.twice));
    }
    if (t.repeated_batches.size() > 1) {
      s.fail(fmt::format("documents updated twice in {} batches", t.repeated_batches.size()));
    }
  }

  // V1 applied once, by migrate, and nothing repaired.
  void check_history(Scenario& s, const std::string& database) {
    int applied = 0;
    for (const auto& e : history_of(client(), database)) {
      if (e.type == model::EntryType::migrate && e.success && !e.repaired) ++applied;
      if (e.type == model::EntryType::repair || e.repaired) s.fail("the history holds a repair");
    }
    if (applied != 1) s.fail(fmt::format("V1 recorded as applied {} times", applied));
  }

  Trial trial(Scenario& s, const Backfill& b, const std::string& dir) {
    Trial t;
    const auto database = trial_db();
    seed(database, b.docs);
    auto killed = kill_when_done(s, args(database, dir, {"migrate"}), database, random_between(1, b.docs - 1),
                                 t.done_at_kill);
    if (killed.exit_code == 0) {
      t.finished_first = true;
    } else if (killed.exit_code != 128 + SIGKILL) {
      s.fail("the killed run: " + killed.describe());
    }
    const auto state = state_after_kill(s, args(database, dir, {"info", "--output", "json"}), t.resumed_from);
    // A kill seen only once every document was updated may land after the
    // run recorded V1 (between its history entry and its exit): applied then.
    const bool recorded_maybe = t.finished_first || t.done_at_kill >= b.docs;
    if (state != "resumable" && !(state == "applied" && recorded_maybe)) {
      s.fail(fmt::format("V1 shows as '{}' after the kill ({} documents done then)", state, t.done_at_kill));
    }
    // The checkpoint is behind the data by at most the batch in flight: the
    // resumed run walks again at most one batch.
    t.done_after_kill = count_docs(client(), database, "items", R"({"done": true})");
    if (state == "resumable" &&
        (t.resumed_from < 0 || t.resumed_from > t.done_after_kill || t.done_after_kill - t.resumed_from > b.batch)) {
      s.fail(fmt::format("resumable at {} documents while {} were updated (batches of {})", t.resumed_from,
                         t.done_after_kill, b.batch));
    }
    auto resumed = run_mongoway(args(database, dir, {"migrate"}), Seconds(600));
    t.resumed_in = resumed.seconds;
    if (resumed.exit_code != 0) s.fail("migrate after the kill: " + resumed.describe());
    check_documents(s, b, database, t);
    check_history(s, database);
    drop_database(client(), database);
    return t;
  }

  // Runs `n` trials; returns the summary's figure.
  std::string run_trials(Scenario& s, const Backfill& b, int n) {
    const auto dir = write_version(b);
    int finished = 0, repeated = 0, behind = 0;
    int64_t most_twice = 0, lowest_kill = b.docs, highest_kill = 0, most_behind = 0;
    double slowest = 0;
    for (int i = 0; i < n; ++i) {
      s.trial();
      const auto t = trial(s, b, dir);
      if (t.finished_first) ++finished;
      if (t.twice > 0) ++repeated;
      most_twice = std::max(most_twice, t.twice);
      slowest = std::max(slowest, t.resumed_in);
      if (!t.finished_first && t.resumed_from >= 0 && t.done_after_kill > t.resumed_from) {
        ++behind;
        most_behind = std::max(most_behind, t.done_after_kill - t.resumed_from);
      }
      if (!t.finished_first) {
        lowest_kill = std::min(lowest_kill, t.done_at_kill);
        highest_kill = std::max(highest_kill, t.done_at_kill);
      }
    }
    return fmt::format(
        "{} documents in batches of {} ({} filter); {} killed inside the backfill (at {} to {} documents done), "
        "each then resumable and finished by migrate without repair (at most {}), {} finished before the kill; "
        "{} checkpoints were behind the data (by at most {} documents: the batch in flight, walked again); "
        "every document updated, none skipped; {} trials updated documents twice (at most {}, within one batch)",
        b.docs, b.batch, b.excluding ? "excluding" : "no excluding", n - finished, lowest_kill, highest_kill,
        format_seconds(slowest), finished, behind, most_behind, repeated, most_twice);
  }
};

// The holder is frozen (SIGSTOP) inside the walk for longer than its lease
// (3 s), another migrate takes the run over and finishes the version from
// its checkpoint, and the frozen holder, resumed (SIGCONT), sends nothing
// more: it exits 4, and the data is as one run would leave it but for the
// batch in flight when it froze, updated at most twice.
TEST_F(Resume, AHolderFrozenPastItsLeaseSendsNothingMoreAndAnotherGoesOn) {
  Scenario s("a batched backfill whose holder is frozen past its lease");
  const Backfill b = backfill(false);
  const auto dir = write_version(b);
  const int n = trials(1, 5);
  int lost = 0;
  for (int i = 0; i < n; ++i) {
    s.trial();
    Trial t;
    const auto database = trial_db();
    seed(database, b.docs);
    Process frozen(cli(database, dir, {"--lock-ttl", "3", "migrate"}));
    while (frozen.running() &&
           count_docs(client(), database, "items", R"({"done": true})") < 2 * static_cast<int64_t>(b.batch)) {
      std::this_thread::sleep_for(20ms);
    }
    frozen.signal(SIGSTOP);
    std::this_thread::sleep_for(8s);  // past the 3 s lease, renewals included
    auto other = run_mongoway(cli(database, dir, {"--lock-ttl", "30", "migrate"}), Seconds(600));
    if (other.exit_code != 0) s.fail("the migrate that took over: " + other.describe());
    frozen.signal(SIGCONT);
    auto o = frozen.wait(Seconds(120));
    if (o.exit_code == 4) {
      ++lost;
    } else if (o.exit_code != 0) {  // 0: it had finished before it froze
      s.fail("the frozen holder, resumed: " + o.describe());
    }
    check_documents(s, b, database, t);
    check_history(s, database);
    drop_database(client(), database);
  }
  s.report(fmt::format("{} documents in batches of {}; {} of {} frozen holders lost their lease and sent nothing "
                       "more once resumed, another migrate going on from the checkpoint without repair; every "
                       "document updated, at most one batch twice",
                       b.docs, b.batch, lost, n));
}

// The server is killed (SIGKILL) inside the walk, on a server of the
// scenario's own: mongoway exits 5, and once the server is started again on
// the same data, the version is resumable and a plain migrate finishes it.
TEST_F(Resume, TheServerLostInsideTheWalkAndStartedAgain) {
  Scenario s("a batched backfill whose server is lost and started again");
  PrivateServer server;
  const Backfill b = backfill(true);
  const auto dir = write_version(b);
  const int n = trials(1, 5);
  for (int i = 0; i < n; ++i) {
    s.trial();
    const std::string database = fmt::format("resume_loss_{}", i);
    auto own = std::make_unique<mongo::Client>(client_options(server.uri()));
    seed_on(*own, database, b.docs);
    Process p(cli(server.uri(), database, dir, {"--lock-ttl", std::to_string(kLockTtl), "migrate"}));
    while (p.running() &&
           count_docs(*own, database, "items", R"({"done": true})") < 2 * static_cast<int64_t>(b.batch)) {
      std::this_thread::sleep_for(20ms);
    }
    server.kill_hard();
    auto o = p.wait(Seconds(120));
    if (o.exit_code != 5) s.fail("expected exit 5 once the server was lost: " + o.describe());
    server.start();
    own = std::make_unique<mongo::Client>(client_options(server.uri()));
    auto info = run_mongoway(cli(server.uri(), database, dir, {"info", "--output", "json"}), Seconds(60));
    if (states_from_info_json(info.out)[1] != "resumable") s.fail("V1 after the restart: " + info.out);
    auto resumed = run_mongoway(cli(server.uri(), database, dir, {"migrate"}), Seconds(600));
    if (resumed.exit_code != 0) s.fail("migrate after the restart: " + resumed.describe());
    const int64_t done = count_docs(*own, database, "items", R"({"done": true, "times": 1})");
    if (done != b.docs) s.fail(fmt::format("{} of {} documents updated exactly once", done, b.docs));
    int applied = 0;
    for (const auto& e : history_of(*own, database)) applied += e.success && !e.repaired ? 1 : 0;
    if (applied != 1) s.fail(fmt::format("V1 recorded as applied {} times", applied));
    drop_database(*own, database);
  }
  s.report(fmt::format("{} documents in batches of {}; {} runs cut by the server's loss exited 5, showed resumable "
                       "after the restart and were finished by migrate without repair ({} server)",
                       b.docs, b.batch, n, server.kind()));
}

TEST_F(Resume, SigkillDuringABatchedBackfill) {
  Scenario s("kill -9 during a batched backfill");
  s.report(run_trials(s, backfill(true), trials(1, 20)));
}

TEST_F(Resume, SigkillDuringABatchedBackfillWithTheRepeatVisible) {
  Scenario s("kill -9 during a batched backfill, no excluding filter");
  s.report(run_trials(s, backfill(false), trials(1, 20)));
}

}  // namespace
}  // namespace mongoway::testing
