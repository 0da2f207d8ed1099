// Batched commands on the fake server: the walk over the matching `_id`s,
// the checkpoint after each batch, and the version that goes on from it after
// a cut — with no sleeps, every request counted.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>

#include "bson/bson_util.hpp"
#include "engine_scenario.hpp"
#include "exec/batched_walk.hpp"
#include "exec/stop.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using script::testing::TempDir;

// V1 seeds 7 documents: _ids of several BSON types, `k` 1 on five of them.
constexpr const char* kSeed = R"([{"insertMany": "users", "documents": [
  {"_id": 3, "k": 1}, {"_id": 1.5, "k": 1}, {"_id": "b", "k": 1}, {"_id": {"$oid": "650000000000000000000001"}, "k": 1},
  {"_id": true, "k": 1}, {"_id": 2, "k": 0}, {"_id": "a", "k": 0}
]}])";

// V2: an index, the batched backfill (2 at a time) of the five with k 1, an index.
constexpr const char* kBackfill = R"([
  {"createIndex": "users", "key": {"k": 1}},
  {"updateMany": "users", "filter": {"k": 1}, "update": {"$set": {"done": true}}, "batchSize": 2},
  {"createIndex": "users", "key": {"done": 1}}
])";

class Batched : public ::testing::Test {
 protected:
  Batched() {
    dir.write("V1__seed.json", kSeed);
    dir.write("V2__backfill.json", kBackfill);
  }
  ~Batched() override { exec::request_stop(0); }  // the stop flag is the process's

  Config config() const {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    c.lock_ttl = 6s;
    c.lock_timeout = 30s;
    return c;
  }

  // The filters the batched update sent, one per batch, as canonical Extended JSON.
  static std::vector<std::string> update_filters(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& r : s.fake.requests_of("send:update")) {
      auto command = bson::Document::from_json(r.command_json);
      bson_iter_t it, q;
      if (!command || !bson::find_field(*command, "updates", &it)) continue;
      const auto statements = bson::iter_documents(it);
      if (!statements.empty() && bson::find_field(statements[0], "q", &q)) {
        out.push_back(bson::iter_document(q).to_json(bson::JsonMode::canonical));
      }
    }
    return out;
  }

  // The `_id`s of the documents of `users` with done: true, as relaxed JSON.
  static std::vector<std::string> done_ids(Scenario& s) {
    std::vector<std::string> out;
    s.fake.read_documents_by_id("app", "users", [&](const bson::Document& doc) {
      bson_iter_t done;
      if (bson::find_field(doc, "done", &done) && bson_iter_as_bool(&done)) out.push_back(bson::value_json(doc, "_id"));
    });
    return out;
  }

  // The operations from the first batched update on, the checkpoints among them.
  static std::vector<std::string> ops_from_first_update(const Scenario& s) {
    std::vector<std::string> out;
    bool started = false;
    for (const auto& r : s.fake.requests()) {
      started = started || r.op == "send:update";
      if (started && r.op != "renew_lease" && r.op != "newer_lease_exists") out.push_back(r.op);
    }
    return out;
  }

  TempDir dir;
};

const std::vector<std::string> kDoneInIdOrder = {"1.5", "3", "\"b\"", "{ \"$oid\" : \"650000000000000000000001\" }",
                                                 "true"};

TEST_F(Batched, EachBatchIsTheUsersFilterNarrowedToTheIdsReadInIdOrder) {
  Scenario s(config());
  auto failed = s.migrate();
  ASSERT_FALSE(failed) << failed->what();
  EXPECT_EQ(done_ids(s), kDoneInIdOrder) << "k 0 documents are left alone; every k 1 one is done";
  const auto filters = update_filters(s);
  ASSERT_EQ(filters.size(), 3u);
  EXPECT_TRUE(contains(filters[0], R"({ "$and" : [ { "k" : { "$numberInt" : "1" } }, { "_id" : { "$in" : [ )"))
      << filters[0];
  EXPECT_TRUE(contains(filters[0], R"({ "$numberDouble" : "1.5" }, { "$numberInt" : "3" } ] } } ] })")) << filters[0];
  EXPECT_TRUE(contains(filters[2], R"("$in" : [ true ])")) << filters[2];
  EXPECT_EQ(s.result.steps.at(1).batches, 3);
  EXPECT_EQ(s.result.steps.at(1).counts.matched, 5);
}

TEST_F(Batched, EveryBatchCostsAtMostThreeRequestsTheIdsTheUpdateAndTheCheckpoint) {
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  const std::vector<std::string> want = {"send:update",
                                         "record_checkpoint",
                                         "send:getMore",
                                         "send:update",
                                         "record_checkpoint",
                                         "send:getMore",
                                         "send:update",
                                         "record_checkpoint",
                                         "record_checkpoint",  // cleared before the createIndex that follows
                                         "send:createIndexes",
                                         "append",
                                         "end_run",
                                         "release_lease"};
  EXPECT_EQ(ops_from_first_update(s), want);
  // Before the first batch: the estimate, the first checkpoint, the cursor.
  const auto first = s.fake.requests_of("send:count").at(0).number;
  const auto requests = s.fake.requests();
  std::vector<std::string> start;
  for (const auto& r : requests) {
    if (r.number >= first && start.size() < 3) start.push_back(r.op);
  }
  EXPECT_EQ(start, (std::vector<std::string>{"send:count", "record_checkpoint", "send:find"}));
}

TEST_F(Batched, NoMatchingDocumentSendsNoUpdateAndTheVersionIsApplied) {
  dir.write("V2__backfill.json", R"([{"updateMany": "users", "filter": {"k": 9}, "update": {"$set": {"done": true}},
                                      "batchSize": 2}])");
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  EXPECT_TRUE(s.fake.requests_of("send:update").empty());
  EXPECT_EQ(s.info_of(2).state, State::applied);
  EXPECT_EQ(s.result.steps.at(1).batches, 0);
}

TEST_F(Batched, TheListenerHearsOfEveryBatch) {
  Scenario s(config());
  std::vector<BatchProgress> heard;
  s.listener.batch_done = [&heard](const BatchProgress& b) { heard.push_back(b); };
  ASSERT_FALSE(s.migrate());
  ASSERT_EQ(heard.size(), 3u);
  EXPECT_EQ(heard[0].version, 2);
  EXPECT_EQ(heard[0].command, 2);
  EXPECT_EQ(heard[0].name, "updateMany");
  EXPECT_EQ(heard[0].total, 5);
  EXPECT_EQ(heard[1].done, 4);
  EXPECT_EQ(heard[2].batch, 3);
  EXPECT_EQ(heard[2].documents, 1);
  EXPECT_EQ(heard[2].counts.modified, 5);
}

// --- cut inside the walk, and going on from the checkpoint

TEST_F(Batched, AReplyLostInTheWalkLeavesTheVersionResumableAtItsLastCheckpoint) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("send:update").at(1).number);  // the second batch's update
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection);
  EXPECT_TRUE(contains(error->what(), "`mongoway migrate` goes on from its last checkpoint")) << error->what();
  EXPECT_EQ(s.finished.at(1).error, "connection lost during command 2 of 3 at 2 of about 5 (40%)");
  s.fake.clock().advance(10s);  // the lease expires
  const VersionInfo v2 = s.info_of(2);
  EXPECT_EQ(v2.state, State::resumable);
  ASSERT_TRUE(v2.resume);
  EXPECT_EQ(v2.resume->message, "resumable at 2 of about 5 (40%)");
  EXPECT_EQ(v2.resume->last_id, "3");
  EXPECT_EQ(v2.resume->command, 2);
}

TEST_F(Batched, TheNextMigrateGoesOnAfterTheLastIdWithoutRepairAndRepeatsAtMostTheBatchInFlight) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("send:update").at(1).number);
  ASSERT_TRUE(s.migrate());
  s.fake.clock().advance(10s);
  const size_t indexes_before = s.fake.requests_of("send:createIndexes").size();
  const size_t updates_before = s.fake.requests_of("send:update").size();
  auto error = s.migrate();
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(done_ids(s), kDoneInIdOrder);
  EXPECT_EQ(s.fake.requests_of("send:createIndexes").size(), indexes_before + 1) << "command 1 ran again";
  EXPECT_EQ(s.fake.requests_of("send:update").size(), updates_before + 2) << "the batch in flight and the last one";
  const auto find = s.fake.requests_of("send:find").back().command_json;
  EXPECT_TRUE(contains(find, R"({ "_id" : { "$gt" : { "$numberInt" : "3" } } })")) << find;
  EXPECT_TRUE(contains(find, R"("$type" : [ "string", "symbol", "object")")) << find;
  EXPECT_EQ(s.info_of(2).state, State::applied);
  EXPECT_EQ(s.result.steps.at(0).resumed_at, 2);
  // The history: V1, V2 cut (adopted with its checkpoint), V2 applied.
  const auto entries = s.fake.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_FALSE(entries[1].finished);
  ASSERT_TRUE(entries[1].checkpoint);
  EXPECT_EQ(entries[1].checkpoint->done, 2);
  EXPECT_TRUE(entries[2].success);
  EXPECT_TRUE(s.fake.runs().empty());
}

TEST_F(Batched, AStopBetweenBatchesRecordsNothingAndTheVersionGoesOnFromThere) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.before_request(probe.fake.requests_of("send:update").at(0).number, [] { exec::request_stop(SIGINT); });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::interrupted);
  EXPECT_TRUE(contains(error->what(), "V2__backfill.json stopped during command 2 of 3 at 2 of about 5 (40%); "
                                      "`mongoway migrate` goes on from there"))
      << error->what();
  EXPECT_EQ(s.recorded_versions(), (std::vector<int64_t>{1})) << "no failed entry";
  EXPECT_EQ(s.fake.requests_of("send:update").size(), 1u);
  ASSERT_FALSE(s.fake.leases().empty());
  EXPECT_TRUE(s.fake.leases().back().released);
  exec::request_stop(0);
  EXPECT_EQ(s.info_of(2).state, State::resumable) << "released: no wait for an expiry";
  ASSERT_FALSE(s.migrate());
  EXPECT_EQ(done_ids(s), kDoneInIdOrder);
}

TEST_F(Batched, ALeaseLostBetweenBatchesSendsNothingMoreAndLeavesItResumable) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  const int64_t get_more = probe.fake.requests_of("send:getMore").at(0).number;
  s.fake.before_request(get_more - 1, [&s] {
    s.fake.release_all_leases();
    s.fake.clock().advance(2s);
  });
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::lock) << error->what();
  EXPECT_TRUE(contains(error->what(), "goes on from its last checkpoint")) << error->what();
  EXPECT_TRUE(s.sends_from(get_more).empty()) << "sent after the lease was lost";
  s.fake.clock().advance(10s);
  EXPECT_EQ(s.info_of(2).state, State::resumable);
  ASSERT_FALSE(s.migrate());
  EXPECT_EQ(done_ids(s), kDoneInIdOrder);
}

TEST_F(Batched, ACutInTheCommandAfterTheWalkLeavesTheVersionFailedAsAnyOther) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("send:createIndexes").at(1).number);
  ASSERT_TRUE(s.migrate());
  ASSERT_EQ(s.fake.runs().size(), 1u);
  EXPECT_FALSE(s.fake.runs()[0].checkpoint) << "cleared before command 3";
  s.fake.clock().advance(10s);
  EXPECT_EQ(s.info_of(2).state, State::failed);
}

TEST_F(Batched, AFileChangedSinceTheCutCannotGoOn) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("send:update").at(1).number);
  ASSERT_TRUE(s.migrate());
  s.fake.clock().advance(10s);
  dir.write("V2__backfill.json", std::string(kBackfill) + "\n ");
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "V2__backfill.json changed since its run was cut at 2 of about 5 (40%)"))
      << error->what();
}

TEST_F(Batched, AnUndoCannotStartWhileAMigrationIsResumable) {
  Scenario probe(config());
  ASSERT_FALSE(probe.migrate());
  Scenario s(config());
  s.fake.lose_reply(probe.fake.requests_of("send:update").at(1).number);
  ASSERT_TRUE(s.migrate());
  s.fake.clock().advance(10s);
  auto error = s.undo({});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "finish it with `mongoway migrate`")) << error->what();
}

// --- undo files, transactions

TEST_F(Batched, AnUndoFileMayHoldABatchedCommand) {
  dir.write("U1__undo_seed.json", R"([{"deleteMany": "users", "filter": {}, "batchSize": 3}])");
  dir.write("V2__backfill.json", R"([{"createCollection": "other"}])");
  Scenario s(config());
  ASSERT_FALSE(s.migrate());
  ASSERT_FALSE(s.undo({0, std::nullopt, false}));
  EXPECT_EQ(s.fake.requests_of("send:delete").size(), 3u) << "7 documents, 3 at a time";
  int64_t left = 0;
  s.fake.read_documents_by_id("app", "users", [&left](const bson::Document&) { ++left; });
  EXPECT_EQ(left, 0);
}

TEST_F(Batched, TransactionAlwaysRefusesAVersionWithABatchedCommand) {
  FakeServerOptions o = small_batches();
  o.facts.supports_transactions = true;
  Config c = config();
  c.transaction = TransactionMode::always;
  Scenario s(c, o);
  auto error = s.migrate();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "V2__backfill.json:3:3: command 2 (updateMany) is batched")) << error->what();
  EXPECT_TRUE(s.fake.entries().empty()) << "refused before anything ran";
}

TEST_F(Batched, TransactionAutoRunsAVersionWithABatchedCommandWithoutOne) {
  FakeServerOptions o = small_batches();
  o.facts.supports_transactions = true;
  Config c = config();
  c.transaction = TransactionMode::auto_;
  Scenario s(c, o);
  ASSERT_FALSE(s.migrate());
  EXPECT_EQ(s.fake.transaction_attempts().size(), 1u) << "V1 in a transaction, V2 not";
}

// --- where a walk goes on after a checkpoint

std::string after(const char* last_id_json, bool ferretdb = false) {
  return exec::ids_after(*bson::Document::from_json(last_id_json), ferretdb).to_json(bson::JsonMode::relaxed);
}

TEST(IdsAfter, AreTheGreaterOfTheSameBracketThenEveryLaterBracket) {
  EXPECT_EQ(after(R"({"_id": 5})"),
            R"({ "$or" : [ { "_id" : { "$gt" : 5 } }, { "_id" : { "$type" : [ "string", "symbol", "object", "array", )"
            R"("binData", "objectId", "bool", "date", "timestamp", "regex", "dbPointer", "javascript", )"
            R"("javascriptWithScope", "maxKey" ] } } ] })");
}

TEST(IdsAfter, OnFerretDBNameOnlyTheTypesItKnows) {
  EXPECT_EQ(after(R"({"_id": {"$oid": "650000000000000000000001"}})", true),
            R"({ "$or" : [ { "_id" : { "$gt" : { "$oid" : "650000000000000000000001" } } }, )"
            R"({ "_id" : { "$type" : [ "bool", "date", "timestamp", "regex" ] } } ] })");
}

TEST(IdsAfter, AfterTheLastBracketOnlyGreaterValuesRemain) {
  EXPECT_EQ(after(R"({"_id": {"$maxKey": 1}})"), R"({ "$or" : [ { "_id" : { "$gt" : { "$maxKey" : 1 } } } ] })");
}

}  // namespace
}  // namespace mongoway::testing
