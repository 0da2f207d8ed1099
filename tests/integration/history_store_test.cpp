// The history store against the real server.

#include "fixture.hpp"
#include "mongo/history_store.hpp"

namespace mongoway::testing {
namespace {

class HistoryStoreTest : public DatabaseTest {
 protected:
  model::HistoryEntry entry(int64_t rank, int64_t lease) {
    model::HistoryEntry e;
    e.rank = rank;
    e.version = rank;
    e.description = "v";
    e.script = "V" + std::to_string(rank) + "__v.json";
    e.checksum = "sha256:00";
    e.installed_by = "me@host:1";
    e.installed_on = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000000));
    e.lease = lease;
    return e;
  }
};

TEST_F(HistoryStoreTest, RoundTripsEveryField) {
  mongo::HistoryStore store(client(), db, "h");
  auto e = entry(1, 3);
  e.error = "boom";
  store.insert(e);
  auto all = store.read_all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rank, 1);
  EXPECT_EQ(all[0].lease, 3);
  EXPECT_EQ(all[0].script, "V1__v.json");
  EXPECT_EQ(all[0].installed_on, e.installed_on);
  EXPECT_EQ(all[0].error, "boom");
  EXPECT_FALSE(all[0].finished);
}

TEST_F(HistoryStoreTest, TheRankIsTheNumericId) {
  mongo::HistoryStore store(client(), db, "h");
  store.insert(entry(42, 1));
  auto docs = find("h");
  ASSERT_EQ(docs.size(), 1u);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, docs[0].get(), "_id"));
  ASSERT_TRUE(BSON_ITER_HOLDS_INT64(&it));
  EXPECT_EQ(bson_iter_int64(&it), 42);
}

TEST_F(HistoryStoreTest, ReadAllIsInRankOrder) {
  mongo::HistoryStore store(client(), db, "h");
  for (int64_t rank : {9, 10, 2, 11, 1}) store.insert(entry(rank, 1));
  std::vector<int64_t> ranks;
  for (const auto& e : store.read_all()) ranks.push_back(e.rank);
  EXPECT_EQ(ranks, (std::vector<int64_t>{1, 2, 9, 10, 11}));
}

TEST_F(HistoryStoreTest, FinishAndStartWritesBothInOneCommand) {
  mongo::HistoryStore store(client(), db, "h");
  store.insert(entry(1, 3));
  store.finish_and_start(1, 42, entry(2, 3));
  auto all = store.read_all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].success);
  EXPECT_TRUE(all[0].finished);
  EXPECT_EQ(all[0].execution_time_ms, 42);
  EXPECT_EQ(all[1].rank, 2);
  EXPECT_FALSE(all[1].finished);
}

TEST_F(HistoryStoreTest, FinishAndStartNeverOverwritesAnotherProcesssEntry) {
  // Also with the same lease: the next entry is only ever inserted.
  mongo::HistoryStore store(client(), db, "h");
  store.insert(entry(1, 3));
  auto theirs = entry(2, 9);  // written by the holder of lease 9
  theirs.description = "theirs";
  store.insert(theirs);
  EXPECT_THROW(store.finish_and_start(1, 42, entry(2, 3)), Error);
  auto all = store.read_all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].description, "theirs");
  EXPECT_EQ(all[1].lease, 9);
  auto same_lease = entry(3, 3);
  same_lease.description = "first";
  store.insert(same_lease);
  auto second = entry(3, 3);
  second.description = "second";
  EXPECT_THROW(store.finish_and_start(2, 1, second), Error);
  EXPECT_EQ(store.read_all()[2].description, "first");
}

TEST_F(HistoryStoreTest, MarkRepaired) {
  mongo::HistoryStore store(client(), db, "h");
  for (int r = 1; r <= 3; ++r) store.insert(entry(r, 1));
  store.mark_repaired({1, 3});
  auto all = store.read_all();
  EXPECT_TRUE(all[0].repaired);
  EXPECT_FALSE(all[1].repaired);
  EXPECT_TRUE(all[2].repaired);
}

}  // namespace
}  // namespace mongoway::testing
