// Batched commands against a real server: the walk over the matching `_id`s
// in BSON type order, the user's filter respected, and a version stopped
// between two batches going on from its checkpoint.

#include <csignal>

#include "exec/stop.hpp"
#include "fixture.hpp"

namespace mongoway::testing {
namespace {

// 12 documents: _ids of seven BSON types, `k` 1 on eight of them.
constexpr const char* kSeed = R"([{"insertMany": "items", "documents": [
  {"_id": 10, "k": 1}, {"_id": 2.5, "k": 1}, {"_id": {"$numberLong": "7"}, "k": 0},
  {"_id": "b", "k": 1}, {"_id": "a", "k": 0}, {"_id": {"x": 1}, "k": 1},
  {"_id": {"$oid": "650000000000000000000002"}, "k": 1}, {"_id": {"$oid": "650000000000000000000001"}, "k": 0},
  {"_id": true, "k": 1}, {"_id": false, "k": 1}, {"_id": {"$date": "2024-01-01T00:00:00Z"}, "k": 1},
  {"_id": null, "k": 0}
]}])";

class Batched : public DatabaseTest {
 protected:
  std::string with_backfill(const std::string& filter, int batch) {
    auto dir = temp_dir();
    write(dir, "V1__seed.json", kSeed);
    write(dir, "V2__backfill.json",
          R"([{"updateMany": "items", "filter": )" + filter +
              R"(, "update": {"$set": {"done": true}, "$inc": {"times": 1}}, "batchSize": )" + std::to_string(batch) +
              "}]");
    return dir;
  }
  ~Batched() override { exec::request_stop(0); }
};

TEST_F(Batched, EveryMatchingDocumentOfEveryIdTypeIsUpdatedOnceAndNoOtherIs) {
  Migrator m(config({with_backfill(R"({"k": 1})", 3)}));
  std::vector<BatchProgress> batches;
  Listener listener;
  listener.batch_done = [&batches](const BatchProgress& b) { batches.push_back(b); };
  m.set_listener(listener);
  const auto r = m.migrate();
  EXPECT_EQ(count("items", R"({"k": 1, "done": true, "times": 1})"), 8);
  EXPECT_EQ(count("items", R"({"done": {"$exists": true}})"), 8) << "a document the filter does not match was updated";
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].batches, 3);
  EXPECT_EQ(r.steps[1].counts.modified, 8);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches.back().done, 8);
  EXPECT_EQ(batches.front().total, 8);
}

TEST_F(Batched, AnEmptyCollectionSendsNoBatchAndTheVersionIsApplied) {
  auto dir = temp_dir();
  write(dir, "V1__make.json", R"([{"createCollection": "items"}])");
  write(dir, "V2__backfill.json",
        R"([{"updateMany": "items", "filter": {}, "update": {"$set": {"done": true}}, "batchSize": 5},
            {"deleteMany": "items", "filter": {}, "batchSize": 5}])");
  Migrator m(config({dir}));
  const auto r = m.migrate();
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[1].success);
  EXPECT_EQ(r.steps[1].batches, 0);
  EXPECT_EQ(m.info().migrations.at(1).state, State::applied);
}

TEST_F(Batched, ABatchedDeleteRemovesExactlyWhatItsFilterMatches) {
  auto dir = temp_dir();
  write(dir, "V1__seed.json", kSeed);
  write(dir, "V2__prune.json", R"([{"deleteMany": "items", "filter": {"k": 0}, "batchSize": 2}])");
  Migrator m(config({dir}));
  const auto r = m.migrate();
  EXPECT_EQ(r.steps.at(1).counts.deleted, 4);
  EXPECT_EQ(count("items"), 8);
  EXPECT_EQ(count("items", R"({"k": 0})"), 0);
}

// Stopped (as by SIGINT) after the second batch: nothing recorded, the
// version resumable, and the next migrate updates the rest, every document
// of every type once, and only the batch in flight could have been repeated.
TEST_F(Batched, StoppedBetweenTwoBatchesItGoesOnFromItsCheckpointWithoutRepair) {
  const auto dir = with_backfill("{}", 2);
  {
    Migrator m(config({dir}));
    Listener listener;
    listener.batch_done = [](const BatchProgress& b) {
      if (b.batch == 2) Migrator::request_stop(SIGINT);
    };
    m.set_listener(listener);
    try {
      m.migrate();
      FAIL() << "the stop was not seen";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::interrupted) << e.what();
    }
  }
  exec::request_stop(0);
  Migrator m(config({dir}));
  const auto v2 = m.info().migrations.at(1);
  ASSERT_EQ(v2.state, State::resumable);
  ASSERT_TRUE(v2.resume);
  EXPECT_EQ(v2.resume->done, 4);
  EXPECT_EQ(v2.resume->message, "resumable at 4 of about 12 (33%)");
  EXPECT_EQ(count("items", R"({"done": true})"), 4);
  const auto r = m.migrate();
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].resumed_at, 4);
  EXPECT_EQ(count("items", R"({"done": true, "times": 1})"), 12) << "every document once, of every _id type";
  EXPECT_EQ(m.info().migrations.at(1).state, State::applied);
}

}  // namespace
}  // namespace mongoway::testing
