// The fake server's own clock and fault injection: the engine's tests built
// on it trust that a fault lands on the request it names, and only there.

#include <gtest/gtest.h>

#include <thread>

#include "fake/fake_server.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

bson::Document json(const std::string& text) {
  auto doc = bson::Document::from_json(text);
  if (!doc) throw std::runtime_error("bad JSON in test: " + text);
  return std::move(*doc);
}

model::HistoryEntry entry(int64_t rank) {
  model::HistoryEntry e;
  e.rank = rank;
  e.version = rank;
  e.success = e.finished = true;
  return e;
}

port::Lease lease(int64_t id, std::string token = "t") {
  port::Lease l;
  l.id = id;
  l.owner = "me@host:1";
  l.token = std::move(token);
  l.expires_ms = 1767225600000 + 60000;
  return l;
}

std::vector<std::string> ops(const FakeServer& server) {
  std::vector<std::string> out;
  for (const auto& r : server.requests()) out.push_back(r.op);
  return out;
}

const auto kInsertOne = [] { return json(R"({"insert": "things", "documents": [{"a": 1}]})"); };

TEST(FakeClock, SleepingMovesTheClockAtOnce) {
  FakeClock clock;
  const auto started = std::chrono::steady_clock::now();
  clock.sleep_for(3600s);
  EXPECT_EQ(clock.now_ns(), 3600LL * 1000 * 1000 * 1000);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  clock.advance(5ms);
  EXPECT_EQ(clock.now_ns(), 3600LL * 1000 * 1000 * 1000 + 5 * 1000 * 1000);
}

TEST(FakeServerTime, EachRequestCostsItsRoundTrip) {
  FakeServerOptions options;
  options.request_cost = 7ms;
  FakeServer server(options);
  server.read_log();
  server.newest_lease();
  EXPECT_EQ(server.clock().now_ns(), 14 * 1000 * 1000);
}

TEST(FakeServerTime, TheServerClockIsTheEpochPlusTheFakeClockPlusItsJumps) {
  FakeServer server;
  server.clock().advance(1000ms);
  EXPECT_EQ(server.time_ms(), 1767225600000 + 1005);  // the request itself costs 5 ms
  server.jump_server_clock(-60000);
  EXPECT_EQ(server.time_ms(), 1767225600000 + 1010 - 60000);
}

TEST(FakeServerRequests, AreNumberedAcrossConnectionsAndLogged) {
  FakeServer server;
  auto heartbeat = server.another(2s);
  server.read_log();
  heartbeat->renew_lease(lease(1), 0, 1);
  server.send("app", kInsertOne(), port::Reply::write);
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].number, 1);
  EXPECT_EQ(log[0].connection, 0);
  EXPECT_EQ(log[1].op, "renew_lease");
  EXPECT_EQ(log[1].connection, 1);
  EXPECT_EQ(log[2].op, "send:insert");
  EXPECT_EQ(log[2].database, "app");
  EXPECT_EQ(log[2].command_json, kInsertOne().to_json(bson::JsonMode::canonical));
  EXPECT_EQ(dynamic_cast<FakeServer&>(*heartbeat).reply_timeout(), 2s);
}

TEST(FakeServerRequests, FactsAreAskedOncePerConnection) {
  FakeServer server;
  server.facts();
  server.facts();
  server.another(1s)->facts();
  EXPECT_EQ(ops(server), (std::vector<std::string>{"facts", "facts"}));
}

TEST(FakeServerFaults, ARefusedRequestHasNoEffect) {
  FakeServer server;
  server.refuse(2, 10107, "not primary");
  server.append(entry(1));
  try {
    server.append(entry(2));
    FAIL() << "request 2 was not refused";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), 10107);
    EXPECT_STREQ(e.what(), "not primary");
  }
  ASSERT_EQ(server.entries().size(), 1u);
  server.append(entry(2));  // only request 2 was refused
  EXPECT_EQ(server.entries().size(), 2u);
}

TEST(FakeServerFaults, ALostReplyHidesAnEffectThatHappened) {
  FakeServer server;
  server.lose_reply(1);
  try {
    server.append(entry(1));
    FAIL() << "the reply was not lost";
  } catch (const port::ServerError&) {
    FAIL() << "a lost reply is no refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::connection);
    EXPECT_NE(std::string(e.what()).find("outcome is unknown"), std::string::npos);
  }
  EXPECT_EQ(server.entries().size(), 1u);
}

TEST(FakeServerFaults, AHookRunsJustBeforeItsRequestTakesEffect) {
  FakeServer server;
  ASSERT_TRUE(server.insert_lease(lease(1)));
  server.before_request(2, [&] { server.release_all_leases(); });
  EXPECT_FALSE(server.renew_lease(lease(1), 1767225600000, 1767225600000 + 60000));
  EXPECT_TRUE(server.leases().front().released);
}

TEST(FakeServerFaults, AHookMaySendRequestsOfItsOwn) {
  FakeServer server;
  server.before_request(1, [&] { server.another(1s)->insert_lease(lease(1, "other")); });
  EXPECT_FALSE(server.insert_lease(lease(1, "mine")));
  EXPECT_EQ(server.leases().front().token, "other");
  EXPECT_EQ(ops(server), (std::vector<std::string>{"insert_lease", "insert_lease"}));
}

TEST(FakeServerFaults, FailingRequestsOfOneOperationRecoverAfterN) {
  FakeServer server;
  ASSERT_TRUE(server.insert_lease(lease(1)));
  server.fail_next_requests_of("renew_lease", 2);
  for (int i = 0; i < 2; ++i) {
    try {
      server.renew_lease(lease(1), 0, 1767225600000 + 90000);
      FAIL() << "renewal " << i << " reached the server";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::connection);
    }
    EXPECT_FALSE(server.newer_lease_exists(1));  // other operations go through
  }
  EXPECT_EQ(server.leases().front().expires_ms, 1767225600000 + 60000);
  EXPECT_TRUE(server.renew_lease(lease(1), 0, 1767225600000 + 90000));
}

TEST(FakeServerFaults, AStarFailsEveryOperation) {
  FakeServer server;
  server.fail_next_requests_of("*", 2);
  EXPECT_THROW(server.read_log(), Error);
  EXPECT_THROW(server.list_collections(), Error);
  EXPECT_NO_THROW(server.read_log());
}

TEST(FakeServerTransactions, SendsTakeEffectAtTheCommit) {
  FakeServer server;
  server.with_transaction([&] {
    server.send("app", kInsertOne(), port::Reply::write);
    EXPECT_TRUE(server.collections().empty());
  });
  EXPECT_EQ(server.collections(), (std::vector<std::string>{"things"}));
  EXPECT_EQ(ops(server), (std::vector<std::string>{"facts", "start_transaction", "send:insert", "commit"}));
}

TEST(FakeServerTransactions, AnExceptionAbortsAndIsRethrown) {
  FakeServer server;
  EXPECT_THROW(server.with_transaction([&] {
    server.send("app", kInsertOne(), port::Reply::write);
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  EXPECT_TRUE(server.collections().empty());
  EXPECT_EQ(ops(server).back(), "abort");
}

TEST(FakeServerTransactions, ATransientErrorRunsTheWholeBodyAgain) {
  FakeServer server;
  server.transient_error_once(5);  // facts, start, create, insert, *update*
  int runs = 0;
  server.with_transaction([&] {
    ++runs;
    server.send("app", json(R"({"create": "first"})"), port::Reply::plain);
    server.send("app", kInsertOne(), port::Reply::write);
    server.send("app", json(R"({"update": "things", "updates": [{"q": {}, "u": {"$set": {"b": 1}}}]})"),
                port::Reply::write);
  });
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(server.transaction_attempts(), (std::vector<int>{2}));
  EXPECT_EQ(server.inserted("app", "things"), 1);  // the first attempt's insert was discarded
  EXPECT_EQ(ops(server), (std::vector<std::string>{"facts", "start_transaction", "send:create", "send:insert",
                                                   "send:update", "abort", "start_transaction", "send:create",
                                                   "send:insert", "send:update", "commit"}));
}

TEST(FakeServerTransactions, ATransientErrorTheBodySwallowedFailsTheCommitAndRetries) {
  FakeServer server;
  server.transient_error_once(3);
  server.with_transaction([&] {
    try {
      server.send("app", kInsertOne(), port::Reply::write);
    } catch (const port::ServerError&) {
    }
  });
  EXPECT_EQ(server.transaction_attempts(), (std::vector<int>{2}));
  EXPECT_EQ(server.inserted("app", "things"), 1);
}

TEST(FakeServerTransactions, ATransientErrorAtTheCommitRetries) {
  FakeServer server;
  server.transient_error_once(4);  // facts, start, insert, *commit*
  server.with_transaction([&] { server.send("app", kInsertOne(), port::Reply::write); });
  EXPECT_EQ(server.transaction_attempts(), (std::vector<int>{2}));
  EXPECT_EQ(server.inserted("app", "things"), 1);
}

TEST(FakeServerTransactions, ACommitWhoseReplyIsLostHasCommitted) {
  FakeServer server;
  server.lose_reply(4);
  try {
    server.with_transaction([&] { server.send("app", kInsertOne(), port::Reply::write); });
    FAIL() << "the commit's reply was not lost";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::connection);
  }
  EXPECT_EQ(server.collections(), (std::vector<std::string>{"things"}));
}

TEST(FakeServerTransactions, ARefusedCommitCommitsNothing) {
  FakeServer server;
  server.refuse(4, 112, "WriteConflict");
  EXPECT_THROW(server.with_transaction([&] { server.send("app", kInsertOne(), port::Reply::write); }),
               port::ServerError);
  EXPECT_TRUE(server.collections().empty());
}

TEST(FakeServerTransactions, ATransientErrorOutsideATransactionIsATestMistake) {
  FakeServer server;
  server.transient_error_once(1);
  EXPECT_THROW(server.read_log(), std::logic_error);
}

TEST(FakeServerCommands, WhatCreatesACollectionAndWhatDoesNot) {
  FakeServer server;
  server.send("app", json(R"({"delete": "d", "deletes": [{"q": {}, "limit": 0}]})"), port::Reply::write);
  server.send("app", json(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}]})"), port::Reply::write);
  EXPECT_TRUE(server.collections().empty());
  server.send("app", json(R"({"update": "v", "updates": [{"q": {}, "u": {"$set": {"a": 1}}, "upsert": true}]})"),
              port::Reply::write);
  server.send("app", json(R"({"createIndexes": "w", "indexes": [{"key": {"a": 1}, "name": "a_1"}]})"),
              port::Reply::plain);
  server.send("other", json(R"({"create": "x"})"), port::Reply::plain);
  EXPECT_EQ(server.collections(), (std::vector<std::string>{"v", "w"}));
  EXPECT_EQ(server.collections("other"), (std::vector<std::string>{"x"}));
  server.send("admin", json(R"({"renameCollection": "app.v", "to": "app.z"})"), port::Reply::plain);
  server.send("app", json(R"({"drop": "w"})"), port::Reply::plain);
  EXPECT_EQ(server.collections(), (std::vector<std::string>{"z"}));
}

TEST(FakeServerCommands, UpdateAndDeleteReportTheWriteCountSet) {
  FakeServer server;
  server.set_write_count(3);
  auto reply = server.send("app", json(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}]})"),
                           port::Reply::write);
  EXPECT_EQ(reply.to_json(), R"({ "n" : 3, "nModified" : 3, "ok" : 1.0 })");
}

TEST(FakeServerCommands, DroppingTheLockCollectionTakesLeasesAndRunRecords) {
  FakeServer server;
  server.insert_lease(lease(1));
  model::RunRecord run;
  run.lease = 1;
  server.record_run(run);
  server.append(entry(1));
  server.send("app", json(R"({"drop": "mongoway_history_lock"})"), port::Reply::plain);
  EXPECT_TRUE(server.leases().empty());
  EXPECT_TRUE(server.runs().empty());
  EXPECT_EQ(server.entries().size(), 1u);
}

TEST(FakeServerThreads, TwoConnectionsOnTwoThreadsNeverShareANumber) {
  FakeServer server;
  auto heartbeat = server.another(1s);
  std::thread other([&] {
    for (int i = 0; i < 500; ++i) heartbeat->newer_lease_exists(1);
  });
  for (int i = 0; i < 500; ++i) server.send("app", kInsertOne(), port::Reply::write);
  other.join();
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 1000u);
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].number, static_cast<int64_t>(i) + 1);
  EXPECT_EQ(server.inserted("app", "things"), 500);
}

}  // namespace
}  // namespace mongoway::testing
