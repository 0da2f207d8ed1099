// The history of a scratch database kept in memory (exec/remembered_history):
// the log read from the server once, then served from the copy, which follows
// every append and repair the server accepted, and is dropped after any
// request whose outcome is not known; the run records kept here only.

#include <gtest/gtest.h>

#include "../fake/fake_server.hpp"
#include "exec/remembered_history.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

model::HistoryEntry entry(int64_t rank) {
  model::HistoryEntry e;
  e.rank = rank;
  e.version = rank;
  e.success = e.finished = true;
  return e;
}

std::vector<int64_t> ranks(const std::vector<model::HistoryEntry>& log) {
  std::vector<int64_t> out;
  out.reserve(log.size());
  for (const auto& e : log) out.push_back(e.rank);
  return out;
}

class RememberedHistoryTest : public ::testing::Test {
 protected:
  RememberedHistoryTest() : history(fake.another(0ms)) {}
  size_t reads_from_the_server() const { return fake.requests_of("read_log").size(); }

  FakeServer fake;
  exec::RememberedHistory history;
};

TEST_F(RememberedHistoryTest, TheLogIsReadFromTheServerOnceAndFollowsEveryAppend) {
  fake.put_entry(entry(1));
  EXPECT_EQ(ranks(history.read_log()), (std::vector<int64_t>{1}));
  history.append(entry(2));
  history.append(entry(3));
  EXPECT_EQ(ranks(history.read_log()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(reads_from_the_server(), 1u);
  EXPECT_EQ(ranks(fake.entries()), (std::vector<int64_t>{1, 2, 3})) << "every append reached the server";
}

TEST_F(RememberedHistoryTest, ARepairIsAppliedToTheCopy) {
  history.append(entry(1));
  history.read_log();
  history.append(entry(2));
  history.mark_repaired({2});
  const auto log = history.read_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[0].repaired);
  EXPECT_TRUE(log[1].repaired);
  EXPECT_EQ(reads_from_the_server(), 1u);
}

TEST_F(RememberedHistoryTest, AnAppendThatFailedDropsTheCopy) {
  history.read_log();
  fake.fail_next_requests_of("append", 1);
  EXPECT_THROW(history.append(entry(1)), Error);
  fake.put_entry(entry(1));  // as if the write had happened before the reply was lost
  EXPECT_EQ(ranks(history.read_log()), (std::vector<int64_t>{1}));
  EXPECT_EQ(reads_from_the_server(), 2u);
}

TEST_F(RememberedHistoryTest, ARepairThatFailedDropsTheCopy) {
  history.append(entry(1));
  history.read_log();
  fake.fail_next_requests_of("mark_repaired", 1);
  EXPECT_THROW(history.mark_repaired({1}), Error);
  history.read_log();
  EXPECT_EQ(reads_from_the_server(), 2u);
}

TEST_F(RememberedHistoryTest, ATransactionThatFailedDropsTheCopy) {
  history.read_log();
  EXPECT_THROW(history.with_transaction([] { throw std::runtime_error("refused"); }), std::runtime_error);
  history.read_log();
  EXPECT_EQ(reads_from_the_server(), 2u);
}

TEST_F(RememberedHistoryTest, RunRecordsAreKeptHereAndNeverSent) {
  model::RunRecord earlier;
  earlier.lease = 1;
  fake.put_run(earlier);  // there before this process: read once
  model::RunRecord run;
  run.lease = 2;
  run.first_rank = 5;
  history.record_run(run);
  auto runs = history.read_runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].first_rank, 5);
  history.end_run(2);
  history.end_run(1);
  EXPECT_TRUE(history.read_runs().empty());
  EXPECT_EQ(fake.requests_of("read_runs").size(), 1u);
  EXPECT_TRUE(fake.requests_of("record_run").empty());
  EXPECT_TRUE(fake.requests_of("end_run").empty());
  EXPECT_EQ(fake.runs().size(), 1u) << "the server's record is left as it was";
}

// The driver runs a transaction's body again after a transient error: the
// copy starts again from where it was before the transaction. (The fake keeps
// appends made inside a transaction, which the engine never makes; only the
// copy is checked here.)
TEST_F(RememberedHistoryTest, ATransactionRunAgainStartsFromTheCopyBeforeIt) {
  history.read_log();
  int attempt = 0;
  const auto start = static_cast<int64_t>(fake.requests().size()) + 1;
  fake.transient_error_once(start + 3);  // start_transaction, append, *send*
  history.with_transaction([&] {
    ++attempt;
    history.append(entry(attempt));
    history.send("app", *bson::Document::from_json(R"({"create": "things"})"), port::Reply::plain);
  });
  EXPECT_EQ(attempt, 2);
  EXPECT_EQ(ranks(history.read_log()), (std::vector<int64_t>{2}));
  EXPECT_EQ(reads_from_the_server(), 1u);
}

}  // namespace
}  // namespace mongoway::testing
