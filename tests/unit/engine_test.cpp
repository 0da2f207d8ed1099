// The engine's logic on the fake server: no server, no sleeps, the same run
// every time. Each test injects one fault at a chosen request and checks what
// the engine sent, what it recorded and how it ended.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "../fake/fake_processes.hpp"
#include "../fake/fake_server.hpp"
#include "engine_scenario.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/history.hpp"
#include "exec/sent_text.hpp"
#include "exec/step_runner.hpp"
#include "exec/stop.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

// V2 sends 3 insert batches (2 documents each at most), an update and an index.
constexpr const char* kV2 = R"([
  {"insertMany": "b", "documents": [{"i": 1}, {"i": 2}, {"i": 3}, {"i": 4}, {"i": 5}]},
  {"updateMany": "b", "filter": {}, "update": {"$set": {"x": 1}}},
  {"createIndex": "b", "key": {"x": 1}}
])";

class EngineOnFake : public ::testing::Test {
 protected:
  EngineOnFake() {
    dir.write("V1__a.json", R"([{"createCollection": "a"}])");
    dir.write("V2__b.json", kV2);
    dir.write("V3__c.json", R"([{"createCollection": "c"}])");
  }

  Config config() const {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    c.lock_ttl = 6s;  // renewed every 2 s, believed held 5 s after a renewal was sent
    c.lock_timeout = 30s;
    return c;
  }
  Config in_transactions() const {
    Config c = config();
    c.transaction = TransactionMode::always;
    return c;
  }

  // The request numbers of V2's five requests.
  std::vector<int64_t> v2_requests(const Config& c) const {
    Scenario probe(c);
    EXPECT_FALSE(probe.migrate());
    return probe.sends_of({"send:insert", "send:update", "send:createIndexes"});
  }

  TempDir dir;
};

TEST_F(EngineOnFake, AFaultFreeRunRecordsEveryVersionAndEndsItsRun) {
  Scenario s(config());
  s.fake.put_lease(port::Lease{3, "gone@host:1", "old", 0, 1, false, {}, 0});  // long expired
  ASSERT_FALSE(s.migrate());
  const auto leases = s.fake.leases();
  ASSERT_EQ(leases.size(), 1u) << "the older leases are deleted when the lease is released";
  EXPECT_EQ(leases[0].id, 4);
  EXPECT_TRUE(leases[0].released);
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(s.fake.runs().empty());
  EXPECT_EQ(s.result.steps.at(1).counts.inserted, 5);
  EXPECT_EQ(s.fake.requests_of("send:insert").size(), 3u);  // 5 documents, 2 a batch
}

// --- the lease lost before each request of a version

// The lease released (`mongoway unlock`) while request k is in flight, with
// a renewal due: the check before the next request must see it.
void lose_the_lease_during(Scenario& s, int64_t k) {
  s.fake.before_request(k, [&s] {
    s.fake.release_all_leases();
    s.fake.clock().advance(2s);
  });
}

TEST_F(EngineOnFake, ALeaseLostBetweenTwoVersionsLeavesTheNextOnePending) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  const int64_t v1_recorded = probe.fake.requests_of("append").at(0).number;
  Scenario s(config());
  lose_the_lease_during(s, v1_recorded);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(s.sends_from(v1_recorded).empty()) << "sent after the lease was lost";
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(s.fake.runs().empty()) << "V2 never started: its run record must not make it look cut";
  EXPECT_FALSE(s.unfinished());
}

// Inside V2's step, before its first request (while the batcher asks the
// server's limits): nothing of V2 went, so it is pending, not cut. Without
// the pre-flight check, which would have read the server's facts before the
// lock, that is the first time they are asked for.
TEST_F(EngineOnFake, ALeaseLostBeforeAVersionsFirstRequestLeavesItPending) {
  Config c = config();
  c.preflight = PreflightMode::off;
  const auto positions = v2_requests(c);
  Scenario s(c);
  lose_the_lease_during(s, positions[0] - 1);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "V2__b.json stopped before sending any of its commands")) << error->what();
  EXPECT_TRUE(s.sends_from(positions[0]).empty()) << "sent after the lease was lost";
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(s.fake.runs().empty()) << "the run record would make V2 look cut";
  EXPECT_FALSE(s.unfinished());
}

TEST_F(EngineOnFake, ALeaseLostBeforeAnyLaterRequestOfAVersionStopsItThereAndLeavesItUnfinished) {
  const auto positions = v2_requests(config());
  ASSERT_EQ(positions.size(), 5u);
  for (size_t p = 1; p < positions.size(); ++p) {
    SCOPED_TRACE(fmt::format("lease lost before V2's request {} (request {})", p + 1, positions[p]));
    Scenario s(config());
    lose_the_lease_during(s, positions[p] - 1);
    auto error = s.migrate();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
    EXPECT_TRUE(contains(error->what(), "V2__b.json stopped")) << error->what();
    EXPECT_TRUE(s.sends_from(positions[p]).empty()) << "sent after the lease was lost";
    EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
    auto cut = s.unfinished();
    ASSERT_TRUE(cut) << "the run record must stand for the cut version";
    EXPECT_EQ(cut->version, 2);
  }
}

// The lease is lost while a request is out (as when the process is paused
// between its check and its send, or while the server runs it): that
// request may have run after another process took over, so the command it
// ends is not counted as done, and nothing more is sent.
TEST_F(EngineOnFake, TheStopSaysWhichCommandAndHowManyOfItsRequestsWent) {
  const auto positions = v2_requests(config());
  const std::string answered_after =
      ": its last request was sent while the lease was held and answered once it was lost, so it may have run after "
      "another process took over";
  const std::vector<std::string> where = {
      "",  // before the first request: pending (above)
      "during command 1 of 3, after 1 of its requests (it is partly applied)",
      "during command 1 of 3, after 2 of its requests (it is partly applied)",
      "during command 1 of 3" + answered_after,
      "during command 2 of 3" + answered_after,
  };
  for (size_t p = 1; p < positions.size(); ++p) {
    SCOPED_TRACE(fmt::format("lease lost before V2's request {}", p + 1));
    Scenario s(config());
    lose_the_lease_during(s, positions[p] - 1);
    auto error = s.migrate();
    ASSERT_TRUE(error);
    EXPECT_TRUE(contains(error->what(), where[p])) << error->what();
  }
}

// After the version's last request, before its entry: the entry is never
// written (the history is another process's now) and the version is left
// unfinished, every command of it sent.
TEST_F(EngineOnFake, ALeaseLostDuringAVersionsLastRequestWritesNoEntryForIt) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  lose_the_lease_during(s, positions.back());
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
  auto cut = s.unfinished();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->version, 2);
}

// A refused command whose lease is gone by then: not even the failure is written.
TEST_F(EngineOnFake, ARefusalAfterTheLeaseIsLostIsNotRecorded) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  lose_the_lease_during(s, positions[3]);
  s.fake.refuse(positions[3], 2, "BadValue: no");
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
}

// Another process took a newer lease (it believed this one expired): the
// next renewal sees it and the holder stops.
TEST_F(EngineOnFake, ANewerLeaseOfAnotherProcessStopsTheHolder) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  s.fake.before_request(positions[1], [&s] {
    const int64_t now = s.fake.time_ms();
    s.fake.put_lease(port::Lease{2, "other@host:2", "theirs", now, now + 60000, false, {}, 0});
    s.fake.clock().advance(2s);
  });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "another process took over the lock")) << error->what();
  EXPECT_TRUE(s.sends_from(positions[2]).empty());
}

// --- a reply lost at each request of a version

TEST_F(EngineOnFake, AReplyLostAtAnyRequestLeavesTheVersionUnfinishedNeverRefused) {
  const auto positions = v2_requests(config());
  for (size_t p = 0; p < positions.size(); ++p) {
    SCOPED_TRACE(fmt::format("reply of V2's request {} (request {}) lost", p + 1, positions[p]));
    Scenario s(config());
    s.fake.lose_reply(positions[p]);
    auto error = s.migrate();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ExitCode::connection) << error->what();
    EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1})) << "an unknown outcome is never recorded";
    EXPECT_TRUE(s.sends_from(positions[p] + 1).empty());
    auto cut = s.unfinished();
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->version, 2);
    EXPECT_TRUE(cut->error.empty());
    // Its own line says it was cut, where, and that nobody knows how far it got.
    ASSERT_EQ(s.finished.size(), 2u);
    EXPECT_TRUE(s.finished[1].interrupted);
    EXPECT_FALSE(s.finished[1].success);
    const int command = p < 3 ? 1 : static_cast<int>(p) - 1;
    EXPECT_EQ(s.finished[1].error, fmt::format("connection lost during command {} of 3; outcome unknown", command));
    EXPECT_TRUE(contains(error->what(), "V2__b.json was interrupted")) << error->what();
  }
}

TEST_F(EngineOnFake, AConnectionLostWhileRecordingAVersionSaysItRanToItsLastCommand) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("append").at(1).number);  // V2's entry
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection) << error->what();
  ASSERT_EQ(s.finished.size(), 2u);
  EXPECT_TRUE(s.finished[1].interrupted);
  EXPECT_EQ(s.finished[1].error, "connection lost while recording it, after its last command; outcome unknown");
}

TEST_F(EngineOnFake, ARefusedRequestRecordsTheVersionFailedNamingTheCommand) {
  const auto positions = v2_requests(config());
  const std::vector<std::string> named = {"command 1 (insertMany)", "command 1 (insertMany)", "command 1 (insertMany)",
                                          "command 2 (updateMany)", "command 3 (createIndex)"};
  for (size_t p = 0; p < positions.size(); ++p) {
    SCOPED_TRACE(fmt::format("V2's request {} refused", p + 1));
    Scenario s(config());
    s.fake.refuse(positions[p], 2, "BadValue: no");
    auto error = s.migrate();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ExitCode::migration_failed);
    auto entries = s.fake.entries();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_TRUE(entries[1].finished);
    EXPECT_FALSE(entries[1].success);
    EXPECT_EQ(entries[1].error, named[p] + ": BadValue: no");
    EXPECT_TRUE(s.fake.runs().empty()) << "a recorded failure ends the run";
  }
}

// --- a stop asked for by SIGINT or SIGTERM (as the signal handler does,
// while request k is in flight)

class StopRequests : public EngineOnFake {
 protected:
  ~StopRequests() override { exec::request_stop(0); }  // the flag is the process's
  static void stop_during(Scenario& s, int64_t k, int signal) {
    s.fake.before_request(k, [signal] { exec::request_stop(signal); });
  }
};

TEST_F(StopRequests, BetweenTwoVersionsTheNextOneStaysPending) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  stop_during(s, probe.fake.requests_of("append").at(0).number, SIGINT);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::interrupted);
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(s.fake.runs().empty());
  EXPECT_FALSE(s.unfinished());
}

TEST_F(StopRequests, BetweenTwoCommandsTheVersionIsRecordedFailedAfterTheCommandThatEnded) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  stop_during(s, positions[2], SIGTERM);  // the last batch of command 1
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::terminated);
  ASSERT_EQ(s.fake.entries().size(), 2u);
  EXPECT_TRUE(s.fake.entries()[1].finished);
  EXPECT_FALSE(s.fake.entries()[1].success);
  EXPECT_EQ(s.fake.entries()[1].error, "interrupted by SIGTERM after command 1 of 3");
  EXPECT_TRUE(s.sends_from(positions[3]).empty()) << "command 2 was sent after the stop";
  EXPECT_TRUE(s.fake.runs().empty());
}

TEST_F(StopRequests, BetweenTwoBatchesTheCommandIsRecordedPartlyApplied) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  stop_during(s, positions[0], SIGINT);  // the first batch
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::interrupted);
  ASSERT_EQ(s.fake.entries().size(), 2u);
  EXPECT_EQ(s.fake.entries()[1].error, "interrupted by SIGINT during command 1 of 3; that command is partly applied");
  EXPECT_TRUE(s.sends_from(positions[3]).empty()) << "command 2 was sent after the stop";
}

// --- transactions

// --- a second signal: stop at once (exec::stop_now)
//
// stop_now() holds back every later request of the process for good, so
// each case runs in a child process (a death test) whose exit code says
// whether its checks held: 0 when they did.

class StopNow : public EngineOnFake {
 protected:
  // Runs migrate on the fake; `at_first_command` runs as V1's first command
  // is about to be sent, and must end the process.
  void migrate_and(const std::function<void(FakeServer&)>& at_first_command) {
    FakeServer fake(small_batches());
    exec::Engine engine(
        config(), [&fake](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    engine.heartbeat_thread = false;
    engine.listener.command_started = [&fake, &at_first_command](const PlannedCommand&) { at_first_command(fake); };
    try {
      exec::migrate(engine, {});
    } catch (const Error&) {
    }
    _exit(2);  // at_first_command did not end the process
  }

  // As a kill leaves it: no entry for V1, its run record standing for it.
  static bool left_unfinished(const FakeServer& fake) { return fake.entries().empty() && fake.runs().size() == 1; }
};

TEST_F(StopNow, WithNoRequestInFlightReleasesTheLeaseAndLeavesTheVersionUnfinished) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(migrate_and([](FakeServer& fake) {
                const bool released = exec::stop_now() == exec::StopNow::lease_released;
                _exit(released && fake.leases().back().released && left_unfinished(fake) ? 0 : 1);
              }),
              ::testing::ExitedWithCode(0), "");
}

TEST_F(StopNow, WithARequestInFlightLeavesTheLeaseToExpire) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(migrate_and([](FakeServer& fake) {
                // The next request is V1's command: stop at once while it is in flight.
                fake.before_request(static_cast<int64_t>(fake.requests().size()) + 1, [&fake] {
                  const bool in_flight = exec::stop_now() == exec::StopNow::request_in_flight;
                  _exit(in_flight && !fake.leases().back().released && left_unfinished(fake) ? 0 : 1);
                });
              }),
              ::testing::ExitedWithCode(0), "");
}

TEST_F(EngineOnFake, AVersionInATransactionIsCommitted) {
  Scenario s(in_transactions());
  ASSERT_FALSE(s.migrate());
  EXPECT_EQ(s.fake.requests_of("commit").size(), 3u);
  EXPECT_TRUE(s.fake.requests_of("abort").empty());
  EXPECT_EQ(s.fake.transaction_attempts(), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(s.fake.inserted("app", "b"), 5);
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(EngineOnFake, AVersionPutInATransactionRefusesACommandsOwnWriteConcernBeforeTheLock) {
  dir.write("V3__c.json", R"([{"createCollection": "c", "writeConcern": {"w": "majority"}}])");
  Scenario s(in_transactions());
  const auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_EQ(std::string(error->what()),
            dir.str() + "/V3__c.json:1:2: command 1 (createCollection): field \"writeConcern\": the version runs in a "
                        "transaction (as --transaction asks), and MongoDB refuses a command's own writeConcern inside "
                        "one; remove the field, or set \"transaction\": false in the file");
  EXPECT_TRUE(s.sends_from(0).empty()) << "nothing is sent, V1 and V2 included";
  EXPECT_TRUE(s.recorded_versions().empty());
  // Out of a transaction, the same file runs.
  dir.write("V3__c.json", R"({"transaction": false, "commands": [
    {"createCollection": "c", "writeConcern": {"w": "majority"}}]})");
  Scenario again(in_transactions());
  EXPECT_FALSE(again.migrate());
  EXPECT_EQ(again.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(EngineOnFake, ALeaseLostBeforeTheCommitAbortsTheTransactionAndLeavesTheVersionPending) {
  const auto positions = v2_requests(in_transactions());
  Scenario s(in_transactions());
  lose_the_lease_during(s, positions.back());  // the last command: the commit is next
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock);
  EXPECT_TRUE(contains(error->what(), "the transaction of V2__b.json was aborted")) << error->what();
  EXPECT_EQ(s.fake.requests_of("commit").size(), 1u) << "only V1's";
  EXPECT_EQ(s.fake.requests_of("abort").size(), 1u);
  EXPECT_EQ(s.fake.inserted("app", "b"), 0) << "nothing of the aborted version is applied";
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
  EXPECT_TRUE(s.fake.runs().empty()) << "the version is pending, not cut";
  EXPECT_FALSE(s.unfinished());
}

TEST_F(EngineOnFake, ARefusedCommandAbortsTheTransactionAndRecordsTheVersionFailed) {
  const auto positions = v2_requests(in_transactions());
  Scenario s(in_transactions());
  s.fake.refuse(positions[3], 2, "BadValue: no");  // the update
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::migration_failed);
  EXPECT_EQ(s.fake.requests_of("abort").size(), 1u);
  EXPECT_EQ(s.fake.inserted("app", "b"), 0) << "the batches before it are rolled back";
  ASSERT_EQ(s.fake.entries().size(), 2u);
  EXPECT_EQ(s.fake.entries()[1].error, "command 2 (updateMany): BadValue: no");
}

TEST_F(EngineOnFake, ARefusedCommitRecordsTheVersionFailedAtTheCommit) {
  Scenario probe(in_transactions());
  ASSERT_FALSE(probe.migrate());
  const int64_t v2_commit = probe.fake.requests_of("commit").at(1).number;
  Scenario s(in_transactions());
  s.fake.refuse(v2_commit, 251, "NoSuchTransaction");
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::migration_failed);
  ASSERT_EQ(s.fake.entries().size(), 2u);
  EXPECT_EQ(s.fake.entries()[1].error, "the commit of the transaction: NoSuchTransaction");
  EXPECT_EQ(s.fake.inserted("app", "b"), 0);
}

TEST_F(EngineOnFake, ARetriedTransactionStartsAgainAtItsFirstCommandAndCountsOnce) {
  const auto positions = v2_requests(in_transactions());
  Scenario s(in_transactions());
  s.fake.transient_error_once(positions[3]);  // the update
  ASSERT_FALSE(s.migrate());
  EXPECT_EQ(s.fake.transaction_attempts(), (std::vector<int>{1, 2, 1}));
  // After the transient error, the next send is the first batch again.
  auto after = s.sends_from(positions[3] + 1);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front(), "send:insert");
  EXPECT_EQ(s.fake.inserted("app", "b"), 5) << "the first attempt's batches are discarded";
  EXPECT_EQ(s.result.steps.at(1).counts.inserted, 5) << "counts start from zero on every attempt";
}

// --- the run record of a long run

TEST(EngineRunRecord, ARunOfMoreThanAThousandVersionsRewritesItsRecordAtTheThousandth) {
  TempDir dir;
  const int versions = static_cast<int>(exec::kRunRecordSteps) + 2;
  for (int v = 1; v <= versions; ++v)
    dir.write(fmt::format("V{}__c{}.json", v, v), fmt::format(R"([{{"createCollection": "c{}"}}])", v));
  Config c;
  c.database = "app";
  c.locations = {dir.str()};
  c.lock_ttl = 60s;
  Scenario probe(c);
  ASSERT_FALSE(probe.migrate());
  const auto creates = probe.sends_of({"send:create"});
  ASSERT_EQ(creates.size(), static_cast<size_t>(versions));
  EXPECT_EQ(probe.fake.requests_of("record_run").size(), 2u);

  Scenario s(c);
  s.fake.lose_reply(creates.back());  // the last version is cut
  ASSERT_TRUE(s.migrate());
  const auto runs = s.fake.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].first_rank, static_cast<int64_t>(exec::kRunRecordSteps) + 1);
  ASSERT_EQ(runs[0].steps.size(), 2u);
  EXPECT_EQ(runs[0].steps[0].version, static_cast<int64_t>(exec::kRunRecordSteps) + 1);
  auto cut = s.unfinished();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->version, versions);
}

// --- the heartbeat

// Every request takes 100 ms of the fake's time, and V2 has 60 commands: the
// run lasts several renewal periods (2 s; the lease is believed held for 5 s
// after a renewal was sent).
class Heartbeat : public EngineOnFake {
 protected:
  Heartbeat() {
    std::string v2 = "[";
    for (int i = 0; i < 60; ++i) v2 += fmt::format(R"({}{{"createCollection": "b{}"}})", i ? "," : "", i);
    dir.write("V2__b.json", v2 + "]");
  }
  static FakeServerOptions slow_requests() {
    FakeServerOptions o;
    o.request_cost = 100ms;
    return o;
  }
};

TEST_F(Heartbeat, ARenewalThatFailsOnceIsMadeUpByTheNextWithinFiveSixthsOfTheTtl) {
  Scenario s(config(), slow_requests());
  s.fake.fail_next_requests_of("renew_lease", 1);
  ASSERT_FALSE(s.migrate()) << "one failed renewal must not lose the lease";
  EXPECT_GE(s.fake.requests_of("renew_lease").size(), 3u);
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
}

// The holder stops on its own once 5/6 of the TTL passed since the last
// renewal it sent, before the server lets the lease expire (after the whole
// TTL), so before any other process can take it.
TEST_F(Heartbeat, RenewalsFailingForLongerThanFiveSixthsOfTheTtlStopTheHolder) {
  Scenario s(config(), slow_requests());
  s.fake.fail_next_requests_of("renew_lease", 2);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "lost the lock (lease 1): it could not be renewed for")) << error->what();
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1}));
}

// A renewal whose reply comes back after 5/6 of the TTL proves nothing: the
// lease may have expired and been taken in between.
TEST_F(Heartbeat, ARenewalThatLandsTooLateStopsTheHolder) {
  Scenario s(config(), slow_requests());
  s.fake.fail_next_requests_of("renew_lease", 1);
  Scenario probe(config(), slow_requests());
  probe.fake.fail_next_requests_of("renew_lease", 1);
  ASSERT_FALSE(probe.migrate());
  const int64_t second_renewal = probe.fake.requests_of("renew_lease").at(1).number;
  s.fake.before_request(second_renewal, [&s] { s.fake.clock().advance(1500ms); });  // a slow reply
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "renewed too late")) << error->what();
}

TEST_F(Heartbeat, AServerClockThatJumpsPastTheExpiryStopsTheHolder) {
  Scenario s(config(), slow_requests());
  s.fake.before_request(30, [&s] { s.fake.jump_server_clock(60000); });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "released, removed or let expire")) << error->what();
}

// --- taking the lock

TEST_F(EngineOnFake, ALiveLeaseIsWaitedForUntilTheTimeoutThenNamed) {
  Config c = config();
  c.lock_timeout = 5s;
  Scenario waiting(c);
  const int64_t now = waiting.fake.time_ms();
  waiting.fake.put_lease(port::Lease{7, "ops@db1:42", "t", now, now + 600000, false, {}, 0});
  auto error = waiting.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock);
  EXPECT_TRUE(contains(error->what(), "could not acquire the lock within 5 s: held by ops@db1:42")) << error->what();
  EXPECT_TRUE(waiting.sends_from(1).empty());
}

// The newest lease was read, then others were taken, released and deleted
// before this insert: it succeeds, but a newer lease exists, so it is given
// back and the holder of the newer one is waited for.
TEST_F(EngineOnFake, ALeaseInsertedBelowANewerOneIsGivenBack) {
  Config c = config();
  c.lock_timeout = 1s;
  Scenario s(c);
  Scenario probe(c);
  ASSERT_FALSE(probe.migrate());
  const int64_t insert = probe.fake.requests_of("insert_lease").at(0).number;
  s.fake.before_request(insert, [&s] {
    const int64_t now = s.fake.time_ms();
    s.fake.put_lease(port::Lease{5, "other@host:2", "theirs", now, now + 60000, false, {}, 0});
  });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "held by other@host:2")) << error->what();
  const auto leases = s.fake.leases();
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].id, 1);
  EXPECT_TRUE(leases[0].released) << "the lease below the newer one is given back";
  EXPECT_TRUE(s.sends_from(1).empty());
}

TEST_F(EngineOnFake, AnExpiredLeaseIsTakenOverOnlyOnceTheServerClockPassesItsExpiry) {
  Scenario s(config());
  const int64_t now = s.fake.time_ms();
  s.fake.put_lease(port::Lease{7, "ops@db1:42", "t", now - 60000, now + 3000, false, {}, 0});
  ASSERT_FALSE(s.migrate());
  const auto leases = s.fake.leases();
  ASSERT_FALSE(leases.empty());
  EXPECT_EQ(leases.back().id, 8);
  EXPECT_GE(leases.back().acquired_ms, now + 3000);
}

// --- info: the whole table, whatever the files and however runs ended

std::chrono::system_clock::time_point at_ms(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// A run that finishes its version between a reader's reading of the history
// and its reading of the lease (entry appended, run ended, lease released) is
// not judged cut by that lease: the reader reads the history again.
class FinishedBetweenTheReadings : public EngineOnFake {
 protected:
  FinishedBetweenTheReadings() : s(config()) {
    Scenario probe(config());
    MigrateOptions one;
    one.target = 1;
    EXPECT_FALSE(probe.migrate(one));
    model::HistoryEntry v1 = probe.fake.entries().at(0);
    v1.lease = 1;
    const int64_t now = s.time_ms_now();
    s.fake.put_lease(port::Lease{1, "deploy@host:1", "t", now, now + 60000, false, {}, 0});
    s.put_run_cut_in_v1(1, "deploy@host:1", now);
    s.fake.before_nth_request_of("newest_lease", 1, [this, v1] {
      s.fake.put_entry(v1);
      s.fake.end_run(1);
      s.fake.release_all_leases();
    });
  }
  Scenario s;
};

TEST_F(FinishedBetweenTheReadings, InfoShowsTheVersionApplied) { EXPECT_EQ(s.info_of(1).state, State::applied); }

TEST_F(FinishedBetweenTheReadings, MigrateGoesOnFromIt) {
  const auto error = s.migrate();
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(EngineOnFake, InfoShowsWhatIsAppliedWhenAFileDoesNotParseAndEachInvalidFileAsAVersion) {
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  dir.write("V4__d.json", "[{\"createCollection\": }]");
  dir.write("U9__undo_i.json", R"([{"dropCollection": "i"}])");
  ASSERT_FALSE(s.info());
  EXPECT_FALSE(s.shown.valid());
  EXPECT_EQ(s.shown.current_version, 3);
  ASSERT_EQ(s.shown.migrations.size(), 5u);
  EXPECT_EQ(s.shown.migrations[2].state, State::applied);
  const auto& v4 = s.shown.migrations[3];
  EXPECT_EQ(v4.version, 4);
  EXPECT_EQ(v4.state, State::invalid);
  EXPECT_EQ(v4.script, "V4__d.json");
  EXPECT_EQ(v4.description, "d");
  EXPECT_TRUE(contains(v4.error, "V4__d.json:1:23: error: ")) << v4.error;
  const auto& v9 = s.shown.migrations[4];
  EXPECT_EQ(v9.state, State::invalid);
  EXPECT_EQ(v9.script, "U9__undo_i.json");
  EXPECT_TRUE(contains(v9.error, "undo file of version 9 has no migration")) << v9.error;
  EXPECT_EQ(s.fake.requests_of("send:insert").size(), 3u) << "info sends no migration command";
}

TEST_F(EngineOnFake, InfoWithAnInvalidFileAndNoServerReportsTheFileAsEveryCommandDoes) {
  Scenario s(config());
  dir.write("V4__d.json", "[");
  s.fake.fail_next_requests_of("*", 100);
  auto error = s.info();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "V4__d.json:1:2: expected a value")) << error->what();
}

TEST_F(EngineOnFake, InfoShowsAnAppliedVersionWhoseFileBrokeAsInvalidWithWhenItWasApplied) {
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  dir.write("V2__b.json", "[");
  const auto v2 = s.info_of(2);
  EXPECT_EQ(v2.state, State::invalid);
  EXPECT_TRUE(v2.installed_on.has_value());
  EXPECT_EQ(s.shown.current_version, 3);
}

TEST_F(EngineOnFake, InfoShowsWhenAFailedVersionRanAndItsError) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  s.fake.refuse(positions[3], 2, "BadValue: no");
  ASSERT_TRUE(s.migrate());
  const auto v2 = s.info_of(2);
  EXPECT_EQ(v2.state, State::failed);
  EXPECT_EQ(v2.error, "command 2 (updateMany): BadValue: no");
  EXPECT_TRUE(v2.installed_on.has_value());
  EXPECT_TRUE(v2.execution_time_ms.has_value());
  EXPECT_FALSE(v2.cut);
}

TEST_F(EngineOnFake, AVersionCutByADeadProcessIsFailedAndSaysItsLeaseExpiredAndWhen) {
  Scenario s(config());
  const int64_t now = s.time_ms_now();
  s.fake.put_lease(port::Lease{5, "dead@host:9", "t", now - 60000, now - 1000, false, {}, 0});
  s.put_run_cut_in_v1(5, "dead@host:9", now - 30000);
  const auto v1 = s.info_of(1);
  EXPECT_EQ(v1.state, State::failed);
  EXPECT_EQ(v1.installed_on, at_ms(now - 30000)) << "when the version started";
  ASSERT_TRUE(v1.cut);
  EXPECT_EQ(v1.cut->how, "lease_expired");
  EXPECT_EQ(v1.cut->at, at_ms(now - 1000));
  EXPECT_EQ(v1.cut->lease, 5);
  EXPECT_EQ(v1.cut->run_by, "dead@host:9");
  EXPECT_FALSE(v1.cut->adopted_lease);
  EXPECT_TRUE(contains(v1.cut->message, "cut: the run's lease 5 (dead@host:9) expired at ")) << v1.cut->message;
  EXPECT_EQ(v1.error, v1.cut->message);
}

TEST_F(EngineOnFake, AVersionWhoseLeaseWasReleasedOrSupersededSaysSo) {
  Scenario released(config());
  const int64_t now = released.time_ms_now();
  released.fake.put_lease(port::Lease{5, "dead@host:9", "t", now - 60000, now + 30000, true, {}, 0});
  released.put_run_cut_in_v1(5, "dead@host:9", now - 30000);
  auto v1 = released.info_of(1);
  ASSERT_TRUE(v1.cut);
  EXPECT_EQ(v1.cut->how, "lease_released");
  EXPECT_EQ(v1.cut->at, at_ms(now + 30000)) << "released by its expiry at the latest";

  Scenario superseded(config());
  superseded.fake.put_lease(port::Lease{6, "next@host:2", "u", now - 5000, now + 60000, false, {}, 0});
  superseded.put_run_cut_in_v1(5, "dead@host:9", now - 30000);
  v1 = superseded.info_of(1);
  ASSERT_TRUE(v1.cut);
  EXPECT_EQ(v1.state, State::failed);
  EXPECT_EQ(v1.cut->how, "later_lease");
  EXPECT_EQ(v1.cut->at, at_ms(now - 5000));
  EXPECT_TRUE(contains(v1.cut->message, "a later lease 6 (next@host:2) was taken at ")) << v1.cut->message;
}

TEST_F(EngineOnFake, AVersionALiveProcessIsRunningIsNotCut) {
  Scenario s(config());
  const int64_t now = s.time_ms_now();
  s.fake.put_lease(port::Lease{5, "busy@host:9", "t", now - 1000, now + 60000, false, {}, 0});
  s.put_run_cut_in_v1(5, "busy@host:9", now - 30000);
  const auto v1 = s.info_of(1);
  EXPECT_EQ(v1.state, State::running);
  EXPECT_FALSE(v1.cut);
  EXPECT_EQ(v1.error, "");
}

// info shows the lock's holder and judges the cut run by the same lease: it
// reads the server's time and the newest lease once, after the history.
TEST_F(EngineOnFake, InfoReadsTheNewestLeaseOnceForTheLockAndTheCutRun) {
  Scenario s(config());
  const int64_t now = s.time_ms_now();
  s.fake.put_lease(port::Lease{5, "busy@host:9", "t", now - 1000, now + 60000, false, {}, 0});
  s.put_run_cut_in_v1(5, "busy@host:9", now - 30000);
  const size_t times_before = s.fake.requests_of("time").size();
  EXPECT_EQ(s.info_of(1).state, State::running);
  ASSERT_TRUE(s.shown.lock);
  EXPECT_EQ(s.fake.requests_of("newest_lease").size(), 1u);
  EXPECT_EQ(s.fake.requests_of("time").size() - times_before, 1u);
  EXPECT_LT(s.fake.requests_of("read_log").at(0).number, s.fake.requests_of("newest_lease").at(0).number)
      << "a lease read before the history could be older than a run the history shows";
}

// A migrate that finds V1 running waits for the lock; the runner dies, its
// lease expires, and the waiting migrate takes over.
TEST_F(EngineOnFake, ACutVersionWrittenIntoTheHistoryByTheNextRunKeepsHowItWasKnownAndWhoWroteIt) {
  Scenario s(config());
  const int64_t now = s.time_ms_now();
  s.fake.put_lease(port::Lease{5, "dead@host:9", "t", now - 60000, now + 3000, false, {}, 0});
  s.put_run_cut_in_v1(5, "dead@host:9", now - 30000);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << "V1 is failed once the lock is taken: " << error->what();
  const auto entries = s.fake.entries();
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_TRUE(entries[0].cut);
  EXPECT_EQ(entries[0].cut->adopted_lease, 6);
  const auto v1 = s.info_of(1);
  ASSERT_TRUE(v1.cut);
  EXPECT_EQ(v1.cut->how, "lease_expired");
  EXPECT_EQ(v1.cut->at, at_ms(now + 3000));
  EXPECT_EQ(v1.cut->adopted_lease, 6);
  EXPECT_TRUE(v1.cut->adopted_on.has_value());
  EXPECT_TRUE(contains(v1.cut->message, "; written into the history by lease 6 (")) << v1.cut->message;
}

TEST_F(EngineOnFake, AVersionWhoseReplyWasLostIsShownCutOnceItsRunEnded) {
  const auto positions = v2_requests(config());
  Scenario s(config());
  s.fake.lose_reply(positions[3]);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection);
  const auto v2 = s.info_of(2);
  EXPECT_EQ(v2.state, State::failed);
  ASSERT_TRUE(v2.cut) << "a failed version is never shown without its reason";
  EXPECT_EQ(v2.cut->how, "lease_released") << "the run gave its lease back as it stopped";
  EXPECT_TRUE(contains(v2.cut->message, " was released by ")) << v2.cut->message;
  EXPECT_TRUE(v2.installed_on.has_value());
}

// --- -v: each command as sent

TEST_F(EngineOnFake, VerboseShowsEachCommandAsSentWithSecretsMaskedAndLongInsertsCut) {
  std::string documents;
  for (int i = 0; i < 5000; ++i) documents += fmt::format("{}{{\"i\": {}}}", i == 0 ? "" : ", ", i);
  dir.write("V4__d.json", "[{\"insertMany\": \"d\", \"documents\": [" + documents +
                              "]}, {\"updateMany\": \"d\", \"filter\": {}, \"update\": {\"$set\": {\"key\": "
                              "\"${api_token}\"}}}]");
  Config c = config();
  c.placeholders = {{"api_token", "s3cr3t-value"}};
  Scenario s(c);
  std::vector<std::string> lines;
  s.listener.debug = [&lines](const std::string& line) { lines.push_back(line); };
  ASSERT_FALSE(s.migrate());
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  EXPECT_TRUE(contains(all, "V1__a.json command 1 (createCollection) on app: { \"create\" : \"a\" }\n")) << all;
  EXPECT_TRUE(contains(all, "V4__d.json command 1 (insertMany) on app: { \"insert\" : \"d\", \"ordered\" : true, "
                            "\"documents\" : [ { \"i\" : 0 }, { \"i\" : 1 }, { \"i\" : 2 }, … 4,997 more "
                            "documents ] }\n"))
      << all;
  EXPECT_TRUE(contains(all, "V4__d.json command 2 (updateMany) on app: { \"update\" : \"d\"")) << all;
  EXPECT_TRUE(contains(all, "\"key\" : \"****\"")) << all;
  EXPECT_FALSE(contains(all, "s3cr3t")) << "a secret placeholder's value is never shown";
  EXPECT_EQ(s.fake.inserted("app", "d"), 5000) << "what is shown is cut, not what is sent";
}

TEST(SentText, ALongDocumentIsCutWithTheCountOfWhatWasLeftOut) {
  script::ServerCommand command;
  command.database = "app";
  const std::string long_value(3000, 'x');
  command.command = *bson::Document::from_json("{\"drop\": \"" + long_value + "\"}");
  const std::string text = exec::sent_text(command, std::nullopt, {});
  EXPECT_EQ(text.size(), exec::kShownChars + std::string(" … 2,015 more characters").size()) << text;
  EXPECT_TRUE(contains(text, "xxx … 2,015 more characters")) << text;
}

// --- the holder's process: a lease records it, and a holder gone from this
// machine frees the lock at once

// A lease of pid 77, expiring in a minute; `holder` says which machine, pid
// namespace and start time it was taken by.
port::Lease lease_of(const port::ProcessIdentity& holder, int64_t now_ms) {
  return port::Lease{7, "ops@db1:77", "theirs", now_ms, now_ms + 60000, false, holder, 0};
}

TEST_F(EngineOnFake, ALeaseRecordsItsHoldersProcess) {
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  const auto leases = s.fake.leases();
  ASSERT_FALSE(leases.empty());
  EXPECT_EQ(leases.back().process, s.processes.self());
}

TEST_F(EngineOnFake, ALeaseWhoseHolderNoLongerRunsOnThisMachineIsTakenAtOnce) {
  for (const bool pid_reused : {false, true}) {
    SCOPED_TRACE(pid_reused ? "pid 77 now belongs to a process started later" : "pid 77 runs no process");
    Scenario s(config());
    const int64_t now = s.fake.time_ms();
    s.fake.put_lease(lease_of(s.processes.process(77, 5000), now));
    if (pid_reused) s.processes.start(s.processes.process(77, 6000));
    std::vector<std::string> told;
    ASSERT_FALSE(s.capture([&](exec::Engine& e) {
      e.listener.waiting = [&](const std::string& message) { told.push_back(message); };
      s.result = exec::migrate(e, {});
    }));
    const auto leases = s.fake.leases();
    EXPECT_EQ(leases.back().id, 8);
    EXPECT_LT(leases.back().acquired_ms, now + 1000) << "taken at once, not after the TTL";
    ASSERT_EQ(told.size(), 1u);
    EXPECT_TRUE(contains(told[0], "taking over the lock held by ops@db1:77 (pid 77, boot 0b5e7d1c, pid namespace "
                                  "4026531836)"))
        << told[0];
    EXPECT_TRUE(contains(told[0], "no longer runs on this machine")) << told[0];
    EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1, 2, 3}));
  }
}

// Only the same boot and pid namespace, and a pid proven free or reused,
// prove a holder gone; anything less keeps the TTL rule.
TEST_F(EngineOnFake, ALeaseIsKeptWhileItsHolderMayStillRun) {
  struct Case {
    const char* name;
    std::function<port::ProcessIdentity(FakeProcesses&)> holder;
  };
  const std::vector<Case> cases = {
      {"the holder runs",
       [](FakeProcesses& p) {
         p.start(p.process(77, 5000));
         return p.process(77, 5000);
       }},
      {"pid 77 hidden from /proc",
       [](FakeProcesses& p) {
         p.hide(77);
         return p.process(77, 5000);
       }},
      {"another boot",
       [](FakeProcesses& p) {
         auto other = p.process(77, 5000);
         other.boot_id = "a1b2c3d4-0000-4000-8000-000000000000";
         return other;
       }},
      {"another pid namespace",
       [](FakeProcesses& p) {
         auto other = p.process(77, 5000);
         other.pid_namespace = 4026532001;
         return other;
       }},
      {"a lease of an older version, without the identity", [](FakeProcesses&) { return port::ProcessIdentity{}; }},
  };
  Config c = config();
  c.lock_timeout = 1s;
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Scenario s(c);
    s.fake.put_lease(lease_of(k.holder(s.processes), s.fake.time_ms()));
    auto error = s.migrate();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ExitCode::lock);
    EXPECT_TRUE(contains(error->what(), "could not acquire the lock within 1 s: held by ops@db1:77")) << error->what();
    EXPECT_TRUE(s.sends_from(1).empty());
  }
}

TEST_F(EngineOnFake, ALeaseOfAnotherBootIsTakenOnlyOnceItExpires) {
  Scenario s(config());
  const int64_t now = s.fake.time_ms();
  auto holder = s.processes.process(77, 5000);
  holder.boot_id = "a1b2c3d4-0000-4000-8000-000000000000";
  auto lease = lease_of(holder, now);
  lease.expires_ms = now + 3000;
  s.fake.put_lease(lease);
  ASSERT_FALSE(s.migrate());
  EXPECT_GE(s.fake.leases().back().acquired_ms, now + 3000);
}

// --- unlock

TEST_F(EngineOnFake, UnlockRefusesALiveLeaseNamingItsHolderAndItsProcess) {
  Scenario s(config());
  s.processes.start(s.processes.process(77, 5000));
  s.fake.put_lease(lease_of(s.processes.process(77, 5000), s.fake.time_ms()));
  auto error = s.capture([](exec::Engine& e) { exec::unlock(e, {}); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock);
  EXPECT_TRUE(contains(error->what(), "the lock is held by ops@db1:77 (pid 77, boot 0b5e7d1c, pid namespace "
                                      "4026531836) since"))
      << error->what();
  EXPECT_TRUE(contains(error->what(), "`mongoway unlock --force`")) << error->what();
  EXPECT_FALSE(contains(error->what(), "theirs")) << "the token is the lease's secret";
  EXPECT_FALSE(s.fake.leases().at(0).released);
}

TEST_F(EngineOnFake, UnlockReleasesWithoutForceALeaseThatKeepsNoOneOut) {
  for (const bool gone : {false, true}) {
    SCOPED_TRACE(gone ? "its holder no longer runs" : "expired");
    Scenario s(config());
    auto lease = lease_of(s.processes.process(77, 5000), s.fake.time_ms());
    if (!gone) {
      s.processes.start(s.processes.process(77, 5000));
      lease.expires_ms = s.fake.time_ms() - 1;
    }
    s.fake.put_lease(lease);
    UnlockResult result;
    ASSERT_FALSE(s.capture([&](exec::Engine& e) { result = exec::unlock(e, {}); }));
    ASSERT_TRUE(result.released);
    EXPECT_FALSE(result.forced);
    EXPECT_EQ(result.released->holder_gone, gone);
    EXPECT_EQ(result.released->expired, !gone);
    ASSERT_TRUE(result.released->process);
    EXPECT_EQ(result.released->process->pid, 77);
    EXPECT_TRUE(s.fake.leases().at(0).released);
    EXPECT_EQ(s.fake.leases().at(0).revoked_ms, 0);
  }
}

// A forced release keeps the lease's expiry: its holder may still be sending
// until its heartbeat sees the release, so others wait until then.
TEST_F(EngineOnFake, UnlockForceRevokesALiveLeaseWhichKeepsOthersOutUntilItsExpiry) {
  Config c = config();
  c.lock_timeout = 1s;
  Scenario s(c);
  s.processes.start(s.processes.process(77, 5000));
  const int64_t now = s.fake.time_ms();
  s.fake.put_lease(lease_of(s.processes.process(77, 5000), now));
  UnlockResult result;
  ASSERT_FALSE(s.capture([&](exec::Engine& e) { result = exec::unlock(e, UnlockOptions{true}); }));
  EXPECT_TRUE(result.forced);
  ASSERT_TRUE(result.released);
  const auto revoked = s.fake.leases().at(0);
  EXPECT_TRUE(revoked.released);
  EXPECT_GE(revoked.revoked_ms, now);
  EXPECT_EQ(revoked.expires_ms, now + 60000);

  std::vector<std::string> told;
  auto error = s.capture([&](exec::Engine& e) {
    e.listener.waiting = [&](const std::string& message) { told.push_back(message); };
    exec::migrate(e, {});
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(contains(told[0], "released by `mongoway unlock --force` from ops@db1:77")) << told[0];
  EXPECT_TRUE(s.sends_from(1).empty());

  s.fake.clock().advance(60s);
  ASSERT_FALSE(s.migrate());
  EXPECT_GE(s.fake.leases().back().acquired_ms, now + 60000);
}

// The request right after a renewal during V2 of a fault-free run: the worst
// moment for a release, the next beat being a whole period away.
int64_t right_after_a_renewal_in_v2(const Scenario& probe) {
  const auto v2 = probe.sends_of({"send:create"});
  for (const auto& r : probe.fake.requests_of("renew_lease")) {
    if (r.number > v2.at(10) && r.number < v2.at(50)) return r.number + 1;
  }
  return 0;
}

// `unlock --force` while a holder runs V2: the holder sends no request later
// than one heartbeat period (TTL/3) plus one round trip after the release.
// Every request takes 100 ms of the fake's time and nothing else moves it, so
// request numbers measure time.
TEST_F(Heartbeat, AfterUnlockForceTheHolderStopsWithinAThirdOfTheTtlPlusOneRoundTrip) {
  Scenario probe(config(), slow_requests());
  ASSERT_FALSE(probe.migrate());
  const int64_t k = right_after_a_renewal_in_v2(probe);
  ASSERT_NE(k, 0);

  Scenario s(config(), slow_requests());
  s.fake.before_request(k, [&s] {
    const port::Lease held = s.fake.leases().back();
    ASSERT_TRUE(s.fake.another(0ms)->revoke_lease(held, s.fake.clock().now_ns() / 1000000));  // one request
  });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "lost the lock (lease 1): the lease was released")) << error->what();

  const int64_t released_at = s.fake.requests_of("revoke_lease").at(0).number;
  int64_t last_send = 0;
  for (const auto& r : s.fake.requests()) {
    if (r.op.rfind("send:", 0) == 0) last_send = r.number;
  }
  const auto period = 2000ms, round_trip = 100ms;
  EXPECT_GT(last_send, released_at) << "the holder went on until its heartbeat saw the release";
  EXPECT_LE((last_send - released_at) * 100ms, period + round_trip);
}

// A second migrate started right after `unlock --force` neither runs nor
// takes the version the holder is running for unfinished (info shows it
// running); once the lease expired (the holder has stopped by then) the next
// migrate takes over and finds it unfinished.
TEST_F(Heartbeat, ASecondMigrateRightAfterUnlockForceNeverCallsTheRunningVersionUnfinished) {
  Scenario probe(config(), slow_requests());
  ASSERT_FALSE(probe.migrate());
  const int64_t k = right_after_a_renewal_in_v2(probe);
  ASSERT_NE(k, 0);

  Scenario s(config(), slow_requests());
  UnlockResult forced;
  std::optional<Error> second;
  State v2_seen = State::pending;
  s.fake.before_request(k, [&] {
    ASSERT_FALSE(s.capture([&](exec::Engine& e) { forced = exec::unlock(e, UnlockOptions{true}); }));
    second = s.capture([&](exec::Engine& e) {
      e.config.lock_timeout = 0s;
      exec::migrate(e, {});
    });
    ASSERT_FALSE(s.capture([&](exec::Engine& e) { v2_seen = exec::info(e).migrations.at(1).state; }));
  });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(forced.forced);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->code(), ExitCode::lock) << "it waits for the revoked lease: " << second->what();
  EXPECT_EQ(v2_seen, State::running);
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1})) << "nothing wrote V2 into the history";

  s.fake.clock().advance(6s);
  auto next = s.migrate();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->code(), ExitCode::invalid) << next->what();
  auto cut = s.unfinished();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->version, 2);
}

}  // namespace
}  // namespace mongoway::testing
