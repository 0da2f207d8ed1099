// The history as the engine reads it (exec::read_history, read_and_adopt),
// stored by the libmongoc adapter, against the real server.

#include "../support/inspect.hpp"
#include "../support/samples.hpp"
#include "exec/history.hpp"
#include "fixture.hpp"
#include "mongo/history_codec.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::testing {
namespace {

class History : public DatabaseTest {
 protected:
  static model::HistoryEntry entry(int64_t rank, int64_t lease) { return sample_entry(rank, lease); }
  // The record of lease `lease` running `count` versions from rank (= version) `first`.
  model::RunRecord run(int64_t lease, int64_t first, int64_t count) {
    model::RunRecord r;
    r.lease = lease;
    r.first_rank = first;
    r.type = model::EntryType::undo;
    r.installed_by = "me@host:1";
    r.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000000));
    for (int64_t v = first; v < first + count; ++v) {
      r.steps.push_back({v, "v", "V" + std::to_string(v) + "__v.json", "sha256:00"});
    }
    return r;
  }
};

TEST_F(History, RoundTripsEveryField) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  auto e = entry(1, 3);
  e.error = "boom";
  store.append(e);
  auto all = exec::read_history(store);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rank, 1);
  EXPECT_EQ(all[0].lease, 3);
  EXPECT_EQ(all[0].script, "V1__v.json");
  EXPECT_EQ(all[0].installed_on, e.installed_on);
  EXPECT_EQ(all[0].error, "boom");
  EXPECT_FALSE(all[0].finished);
}

TEST_F(History, RoundTripsWhatAVersionCreatedAndADerivedUndo) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  auto migrate = entry(1, 3);
  model::Created created;
  created.items = {{model::Creation::Kind::collection, 1, "users", "", 0},
                   {model::Creation::Kind::index, 2, "users", "email_1", 0},
                   {model::Creation::Kind::documents, 3, "users", "", 2500000},
                   {model::Creation::Kind::view, 4, "active", "", 0},
                   {model::Creation::Kind::rename, 5, "users", "people", 0}};
  migrate.created = created;
  auto undo = entry(2, 3);
  undo.type = model::EntryType::undo;
  undo.derived = true;
  auto before_the_feature = entry(3, 3);
  auto not_derivable = entry(4, 3);
  not_derivable.created = model::Created{{}, "command 2 (updateMany) is not reversible"};
  for (const auto& e : {migrate, undo, before_the_feature, not_derivable}) store.append(e);

  auto all = exec::read_history(store);
  ASSERT_EQ(all.size(), 4u);
  ASSERT_TRUE(all[0].created.has_value());
  ASSERT_EQ(all[0].created->items.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const auto& got = all[0].created->items[i];
    const auto& want = created.items[i];
    EXPECT_EQ(got.kind, want.kind) << i;
    EXPECT_EQ(got.command, want.command) << i;
    EXPECT_EQ(got.collection, want.collection) << i;
    EXPECT_EQ(got.name, want.name) << i;
    EXPECT_EQ(got.count, want.count) << i;
  }
  EXPECT_EQ(all[0].created->not_derivable, "");
  EXPECT_FALSE(all[0].derived);
  EXPECT_TRUE(all[1].derived);
  EXPECT_FALSE(all[1].created.has_value());
  EXPECT_FALSE(all[2].created.has_value());
  ASSERT_TRUE(all[3].created.has_value());
  EXPECT_EQ(all[3].created->not_derivable, "command 2 (updateMany) is not reversible");
}

TEST_F(History, TheRankIsTheNumericId) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.append(entry(42, 1));
  auto docs = find("h");
  ASSERT_EQ(docs.size(), 1u);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, docs[0].get(), "_id"));
  ASSERT_TRUE(BSON_ITER_HOLDS_INT64(&it));
  EXPECT_EQ(bson_iter_int64(&it), 42);
}

TEST_F(History, ReadAllIsInRankOrder) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  for (int64_t rank : {9, 10, 2, 11, 1}) store.append(entry(rank, 1));
  std::vector<int64_t> ranks;
  for (const auto& e : exec::read_history(store)) ranks.push_back(e.rank);
  EXPECT_EQ(ranks, (std::vector<int64_t>{1, 2, 9, 10, 11}));
}

TEST_F(History, AnEntryIsOnlyEverInserted) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  auto theirs = entry(2, 9);  // written by the holder of lease 9
  theirs.description = "theirs";
  store.append(theirs);
  try {
    store.append(entry(2, 3));
    FAIL() << "a second entry with rank 2 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("history entry 2 exists already"), std::string::npos) << e.what();
  }
  auto all = exec::read_history(store);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].description, "theirs");
  EXPECT_EQ(all[0].lease, 9);
}

TEST_F(History, ARunRecordStandsForTheVersionThatIsRunning) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.append(entry(1, 2));       // an earlier run's
  store.record_run(run(3, 2, 3));  // lease 3 will run versions 2, 3, 4 as ranks 2, 3, 4

  // Kept beside the lock, not in the history.
  EXPECT_EQ(find("h").size(), 1u);
  const auto records = find("h_lock");
  ASSERT_EQ(records.size(), 1u);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, records[0].get(), "_id"));
  EXPECT_EQ(bson_iter_as_int64(&it), -3);

  auto all = exec::read_history(store);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].rank, 2);
  EXPECT_EQ(all[1].version, 2);
  EXPECT_EQ(all[1].script, "V2__v.json");
  EXPECT_EQ(all[1].lease, 3);
  EXPECT_FALSE(all[1].finished);
  EXPECT_FALSE(all[1].success);

  // Version 2 ends: version 3 is the one running, since version 2 ended.
  auto done = entry(2, 3);
  done.success = done.finished = true;
  done.execution_time_ms = 250;
  store.append(done);
  all = exec::read_history(store);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[1].finished);
  EXPECT_EQ(all[2].rank, 3);
  EXPECT_EQ(all[2].version, 3);
  EXPECT_FALSE(all[2].finished);
  EXPECT_EQ(all[2].installed_on, done.installed_on + std::chrono::milliseconds(250));

  // Version 3 fails: the run stopped there, nothing is running.
  auto failed = entry(3, 3);
  failed.finished = true;
  failed.error = "boom";
  store.append(failed);
  all = exec::read_history(store);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].error, "boom");

  store.end_run(3);
  EXPECT_TRUE(find("h_lock").empty());
}

TEST_F(History, ARecordWhoseRankAnotherLeaseWroteStandsForNothing) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.record_run(run(3, 1, 2));
  store.append(entry(1, 4));
  auto all = exec::read_history(store);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].lease, 4);
}

TEST_F(History, TheNextHolderWritesTheUnfinishedEntryOfADeadRun) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.record_run(run(3, 1, 2));
  auto done = entry(1, 3);
  done.success = done.finished = true;
  store.append(done);

  auto all = exec::read_and_adopt(store, 4);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[1].finished);
  // Now in the history itself, and the record is gone.
  auto stored = exec::read_history(store);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(find("h").size(), 2u);
  EXPECT_TRUE(find("h_lock").empty());
  EXPECT_EQ(stored[1].rank, 2);
  EXPECT_EQ(stored[1].version, 2);
  EXPECT_EQ(stored[1].lease, 3);
  EXPECT_FALSE(stored[1].finished);
  // Again: nothing more to do.
  EXPECT_EQ(exec::read_and_adopt(store, 4).size(), 2u);
  EXPECT_EQ(find("h").size(), 2u);
}

TEST_F(History, TheHolderDoesNotAdoptItsOwnRunNorAnEndedOne) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.record_run(run(4, 1, 1));
  EXPECT_TRUE(exec::read_and_adopt(store, 4).empty());
  EXPECT_TRUE(find("h").empty());
  EXPECT_EQ(find("h_lock").size(), 1u);

  // A record left by a run that ended (every version recorded) is only deleted.
  auto done = entry(1, 4);
  done.success = done.finished = true;
  store.append(done);
  EXPECT_EQ(exec::read_and_adopt(store, 5).size(), 1u);
  EXPECT_EQ(find("h").size(), 1u);
  EXPECT_TRUE(find("h_lock").empty());
}

TEST_F(History, LeaseQueriesIgnoreRunRecords) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  store.record_run(run(7, 1, 1));
  EXPECT_FALSE(read_newest_lease(client(), db, "h_lock").has_value());
}

TEST_F(History, ALongRunRecordRoundTrips) {
  auto record = run(3, 10, 1000);
  auto back = mongo::run_from_document(mongo::run_to_document(record));
  EXPECT_EQ(back.lease, 3);
  EXPECT_EQ(back.first_rank, 10);
  EXPECT_EQ(back.type, model::EntryType::undo);
  EXPECT_EQ(back.installed_by, "me@host:1");
  EXPECT_EQ(back.started, record.started);
  ASSERT_EQ(back.steps.size(), 1000u);
  EXPECT_EQ(back.steps[999].version, 1009);
  EXPECT_EQ(back.steps[999].script, "V1009__v.json");
  EXPECT_EQ(back.steps[999].checksum, "sha256:00");
}

TEST_F(History, MarkRepaired) {
  mongo::MongoServer store(client(), db, "h", "h_lock");
  for (int r = 1; r <= 3; ++r) store.append(entry(r, 1));
  store.mark_repaired({1, 3});
  auto all = exec::read_history(store);
  EXPECT_TRUE(all[0].repaired);
  EXPECT_FALSE(all[1].repaired);
  EXPECT_TRUE(all[2].repaired);
}

}  // namespace
}  // namespace mongoway::testing
