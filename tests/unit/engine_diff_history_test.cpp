// diff without a snapshot on the fake server: the target compared with its
// history's versions replayed on a scratch database of its own; a history
// the files cannot replay faithfully refused with its first reason, before
// anything is written anywhere; the scratch database dropped whatever happens.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/commands/replay.hpp"
#include "exec/engine.hpp"
#include "exec/stop.hpp"
#include "scratch_fixture.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bson::Document json(const std::string& text) {
  auto doc = bson::Document::from_json(text);
  if (!doc) throw std::runtime_error("bad JSON in test: " + text);
  return std::move(*doc);
}

class DiffHistory : public TargetAndScratch {
 protected:
  DiffHistory() {
    dir.write("V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    dir.write("U1__undo_users.json", R"([{"dropCollection": "users"}])");
    dir.write("V2__orders.json", R"([{"createCollection": "orders"}])");
    dir.write("V3__ages.json", R"([{"createIndex": "users", "key": {"age": 1}}])");
  }
  exec::Engine engine() { return engine_on(target.clock()); }
  void migrate(std::optional<int64_t> version = std::nullopt, bool out_of_order = false) {
    auto e = engine();
    MigrateOptions options;
    options.target = version;
    options.out_of_order = out_of_order;
    exec::migrate(e, options);
  }
  DiffResult diff(DiffOptions options = {}) {
    if (options.scratch_database.empty()) options.scratch_database = kScratch;
    auto e = engine();
    e.listener = listener;
    return exec::diff(e, options);
  }
  // The code of the Error diff throws (0: none).
  int diff_exit_code(DiffOptions options = {}, std::string* message = nullptr) {
    return exit_code_of([&] { diff(std::move(options)); }, message);
  }
  // The requests to the target since `from` that are not reads.
  std::vector<std::string> target_writes_since(size_t from) const {
    static const std::set<std::string> reads{"read_log",
                                             "read_runs",
                                             "newest_lease",
                                             "time",
                                             "facts",
                                             "list_collections",
                                             "list_collection_specs",
                                             "list_indexes",
                                             "read_documents_by_id"};
    std::vector<std::string> out;
    const auto all = target.requests();
    for (size_t i = from; i < all.size(); ++i) {
      if (!reads.count(all[i].op)) out.push_back(all[i].op);
    }
    return out;
  }
  // The message of diff's refusal, after checking that it is a usage error
  // that wrote nothing to the target and never reached the scratch server.
  std::string refusal() {
    const size_t before = target.requests().size();
    std::string message;
    EXPECT_EQ(diff_exit_code({}, &message), static_cast<int>(ExitCode::usage)) << message;
    EXPECT_EQ(target_writes_since(before), std::vector<std::string>{});
    EXPECT_TRUE(scratch_server.requests().empty());
    EXPECT_TRUE(contains(message, "mongoway diff --against FILE")) << message;
    return message;
  }
};

TEST_F(DiffHistory, AnUntouchedDatabaseMatchesItsReplayedHistory) {
  migrate();
  const size_t before = target.requests().size();
  const auto result = diff();
  EXPECT_TRUE(result.differences.empty()) << result.differences.front().message;
  EXPECT_EQ(result.expected, "history");
  EXPECT_EQ(result.version, 3);
  EXPECT_EQ(result.scratch_database, kScratch);
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_TRUE(scratch_dropped());
  EXPECT_EQ(target_writes_since(before), std::vector<std::string>{});
}

TEST_F(DiffHistory, TheReplayStopsAtTheTargetsCurrentVersion) {
  migrate(2);
  const auto result = diff();
  EXPECT_TRUE(result.differences.empty()) << result.differences.front().message;
  EXPECT_EQ(result.version, 2);
  EXPECT_TRUE(scratch_server.requests_of("send:createIndexes").size() == 1) << "version 3 is not replayed";
}

TEST_F(DiffHistory, AnIndexDroppedAndACollectionAddedByHandAreDrift) {
  migrate();
  target.send("app", json(R"({"dropIndexes": "users", "index": "email_1"})"), port::Reply::plain);
  target.send("app", json(R"({"create": "audit"})"), port::Reply::plain);
  const auto result = diff();
  ASSERT_EQ(result.differences.size(), 2u);
  EXPECT_EQ(result.differences[0].message, "extra collection audit");
  EXPECT_EQ(result.differences[1].message, "missing index email_1 on users");
  EXPECT_TRUE(scratch_dropped());
  DiffOptions ignoring;
  ignoring.ignore = {"aud*"};
  EXPECT_EQ(diff(ignoring).differences.size(), 1u);
}

TEST_F(DiffHistory, WithDataADocumentAddedByHandIsDrift) {
  dir.write("V2__orders.json", R"([{"createCollection": "orders"},
    {"insertOne": "orders", "document": {"_id": {"$oid": "65a000000000000000000001"}, "total": 5}}])");
  migrate();
  DiffOptions data;
  data.data = true;
  EXPECT_TRUE(diff(data).differences.empty());
  target.send("app", json(R"({"insert": "orders", "documents": [{"total": 7}]})"), port::Reply::write);
  const auto result = diff(data);
  ASSERT_FALSE(result.differences.empty());
  EXPECT_EQ(result.differences[0].message, "data of orders: count is 2, expected 1");
  EXPECT_TRUE(diff().differences.empty()) << "without --data the documents are not compared";
}

TEST_F(DiffHistory, WithoutHistoryEveryCollectionIsDriftAndNoScratchDatabaseIsMade) {
  target.send("app", json(R"({"create": "legacy"})"), port::Reply::plain);
  const auto result = diff();
  ASSERT_EQ(result.differences.size(), 1u);
  EXPECT_EQ(result.differences[0].message, "extra collection legacy");
  EXPECT_EQ(result.version, 0);
  EXPECT_TRUE(result.scratch_database.empty());
  EXPECT_TRUE(scratch_server.requests().empty());
}

TEST_F(DiffHistory, ABaselineIsRefused) {
  auto e = engine();
  BaselineOptions options;
  options.version = 2;
  exec::baseline(e, options);
  EXPECT_TRUE(contains(refusal(), "cannot compare app with its history: version 1 lies below the `baseline` at "
                                  "version 2"));
}

TEST_F(DiffHistory, ABaselineAtTheFirstVersionIsNamed) {
  auto e = engine();
  BaselineOptions options;
  options.version = 1;
  exec::baseline(e, options);
  migrate();
  EXPECT_TRUE(contains(refusal(), "version 1 was applied by `baseline`"));
}

TEST_F(DiffHistory, AFailureRepairedIsRefusedEvenOnceTheVersionIsApplied) {
  migrate(1);
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}, {"dropIndex": "orders", "name": "nope_1"}])");
  EXPECT_THROW(migrate(), Error);
  {
    auto e = engine();
    exec::repair(e, {});
  }
  EXPECT_TRUE(contains(refusal(), "version 2 failed and was repaired (history entry 2)"));
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}])");
  target.send("app", json(R"({"drop": "orders"})"), port::Reply::plain);
  migrate();
  EXPECT_TRUE(contains(refusal(), "version 2 failed and was repaired (history entry 2)"));
}

TEST_F(DiffHistory, AFailureNotRepairedIsRefused) {
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}, {"dropIndex": "orders", "name": "nope_1"}])");
  EXPECT_THROW(migrate(), Error);
  EXPECT_TRUE(contains(refusal(), "version 2 failed, so what it changed"));
}

TEST_F(DiffHistory, AMissingFileIsRefused) {
  migrate();
  std::filesystem::remove(dir.str() + "/V2__orders.json");
  EXPECT_TRUE(contains(refusal(), "version 2 is applied but its file V2__orders.json is missing"));
}

TEST_F(DiffHistory, AVersionMarkedDeletedIsRefused) {
  migrate();
  std::filesystem::remove(dir.str() + "/V2__orders.json");
  {
    auto e = engine();
    RepairOptions options;
    options.mark_deleted = true;
    exec::repair(e, options);
  }
  EXPECT_TRUE(contains(refusal(), "version 2 was marked deleted"));
}

TEST_F(DiffHistory, AFileChangedSinceItRanIsRefusedAlsoOnceRealigned) {
  migrate();
  dir.write("V2__orders.json", R"([{"createCollection": "orders", "capped": true, "size": 4096}])");
  const std::string changed = refusal();
  EXPECT_TRUE(contains(changed, "version 2's file V2__orders.json changed since it was applied (checksum ")) << changed;
  EXPECT_FALSE(contains(changed, "realigned")) << changed;
  {
    auto e = engine();
    exec::repair(e, {});
  }
  EXPECT_TRUE(contains(refusal(), "`repair` realigned the history to it"));
}

TEST_F(DiffHistory, VersionsAppliedOutOfOrderAreRefused) {
  std::filesystem::remove(dir.str() + "/V2__orders.json");
  migrate();
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}])");
  migrate(std::nullopt, true);
  EXPECT_TRUE(contains(refusal(), "version 2 was applied after version 3 (out of order)"));
}

TEST_F(DiffHistory, AVersionPendingBelowTheCurrentOneIsRefused) {
  std::filesystem::remove(dir.str() + "/V2__orders.json");
  migrate();
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}])");
  EXPECT_TRUE(contains(refusal(), "version 2 is ignored, below the current version 3"));
}

TEST_F(DiffHistory, UndoneVersionsAboveTheCurrentOneAreNotReplayed) {
  dir.write("U2__undo_orders.json", R"([{"dropCollection": "orders"}])");
  dir.write("U3__undo_ages.json", R"([{"dropIndex": "users", "name": "age_1"}])");
  migrate();
  {
    auto e = engine();
    exec::undo(e, UndoOptions{1, std::nullopt, false});
  }
  const auto result = diff();
  EXPECT_EQ(result.version, 1);
  EXPECT_TRUE(result.differences.empty()) << result.differences.front().message;
}

TEST_F(DiffHistory, AFailureOnTheScratchDatabaseDropsIt) {
  migrate();
  scratch_server.fail_next_requests_of("send:createIndexes", 1);
  std::string message;
  EXPECT_EQ(diff_exit_code({}, &message), static_cast<int>(ExitCode::connection)) << message;
  EXPECT_TRUE(contains(message, "the history could not be replayed on the scratch database " + std::string(kScratch)))
      << message;
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(DiffHistory, AStopDuringTheReplayDropsTheScratchDatabase) {
  migrate();
  listener.replaying = [](const std::string&, const std::string&, int64_t) { exec::request_stop(SIGINT); };
  EXPECT_EQ(diff_exit_code(), static_cast<int>(ExitCode::interrupted));
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(DiffHistory, AScratchNameWithoutThePrefixIsRefusedBeforeAnythingIsRead) {
  migrate();
  const size_t before = target.requests().size();
  DiffOptions options;
  options.scratch_database = "app_copy";
  std::string message;
  EXPECT_EQ(diff_exit_code(options, &message), static_cast<int>(ExitCode::usage));
  EXPECT_TRUE(contains(message, "must start with mongoway_scratch_")) << message;
  EXPECT_EQ(target.requests().size(), before);
}

TEST_F(DiffHistory, ScratchOptionsWithASnapshotAreAUsageError) {
  DiffOptions options;
  options.against = dir.str() + "/schema.json";
  std::string message;
  EXPECT_EQ(diff_exit_code(options, &message), static_cast<int>(ExitCode::usage));
  EXPECT_TRUE(contains(message, "--scratch-uri and --scratch-database are for diff without --against")) << message;
}

}  // namespace
}  // namespace mongoway::testing
