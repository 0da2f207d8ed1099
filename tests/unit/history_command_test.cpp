// `history` on the fake server: the order, the limit and the audit filters
// (time, type, version) applied to the log as stored.

#include <gtest/gtest.h>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using model::EntryType;

model::TimePoint at_hour(int hour) { return model::TimePoint{} + std::chrono::hours(24 * 20000 + hour); }

class HistoryCommand : public ::testing::Test {
 protected:
  HistoryCommand() {
    // rank: version, type, hour installed
    add(1, EntryType::baseline, 1);
    add(2, EntryType::migrate, 2);
    add(3, EntryType::migrate, 3);
    add(3, EntryType::undo, 4);
    add(2, EntryType::repair, 5);
    add(3, EntryType::migrate, 6);
  }

  void add(int64_t version, EntryType type, int hour) {
    model::HistoryEntry e;
    e.rank = ++m_rank;
    e.version = version;
    e.type = type;
    e.installed_on = at_hour(hour);
    e.finished = e.success = true;
    fake.append(e);
  }

  std::vector<int64_t> ranks(const HistoryOptions& options) {
    Config config;
    config.database = "app";
    exec::Engine engine(
        config, [this](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    std::vector<int64_t> out;
    for (const auto& r : exec::history(engine, options)) out.push_back(r.rank);
    return out;
  }

  FakeServer fake;

 private:
  int64_t m_rank = 0;
};

TEST_F(HistoryCommand, NewestFirstByDefaultAndOldestFirstWhenAscending) {
  EXPECT_EQ(ranks({}), (std::vector<int64_t>{6, 5, 4, 3, 2, 1}));
  HistoryOptions o;
  o.ascending = true;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(HistoryCommand, TheLimitKeepsTheFirstEntriesInTheOrderShown) {
  HistoryOptions o;
  o.limit = 2;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{6, 5}));
  o.ascending = true;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{1, 2}));
}

TEST_F(HistoryCommand, SinceAndUntilAreInclusiveBoundsOnTheInstallationTime) {
  HistoryOptions o;
  o.since = at_hour(3);
  o.until = at_hour(5);
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{5, 4, 3}));
  o.until = at_hour(5) - 1ms;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{4, 3}));
}

TEST_F(HistoryCommand, TypesAndVersionFilterTogetherAndTheLimitCountsOnlyWhatMatches) {
  HistoryOptions o;
  o.types = {"migrate", "undo"};
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{6, 4, 3, 2}));
  o.version = 3;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{6, 4, 3}));
  o.limit = 1;
  o.ascending = true;
  EXPECT_EQ(ranks(o), (std::vector<int64_t>{3}));
  o = {};
  o.types = {"deleted"};  // a type no entry here has
  EXPECT_TRUE(ranks(o).empty());
}

TEST_F(HistoryCommand, AnUnknownTypeIsAUsageErrorWithASuggestionBeforeAnyRequest) {
  HistoryOptions o;
  o.types = {"migrat"};
  try {
    ranks(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("did you mean \"migrate\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mongoway::testing
