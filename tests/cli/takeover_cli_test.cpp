// `mongoway baseline --from` as a user runs it: the other tool's record is
// written first (by mongoway itself, with a history collection of its own,
// so that these tests need nothing but the binary), then the baseline's exit
// code, text and JSON are checked, and its usage errors.

#include <gtest/gtest.h>

#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class TakeOverCli : public ServerFixture {
 protected:
  TakeOverCli() : ServerFixture("mongoway_takeover") {}

  void SetUp() override {
    ServerFixture::SetUp();
    for (int v : {1, 2, 3})
      m_dir.write("migrations/V" + std::to_string(v) + "__step.json", "[{\"runCommand\": {\"ping\": 1}}]\n");
  }

  // Inserts `documents` (a JSON array) into `collection` as another tool would.
  void put(const std::string& collection, const std::string& documents) {
    static int n = 0;
    ++n;
    m_dir.write("other/V" + std::to_string(n) + "__put.json",
                "[{\"insertMany\": \"" + collection + "\", \"documents\": " + documents + "}]\n");
    const auto run = mw({"-l", "other", "--history-collection", "other_tool_setup", "migrate"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
};

TEST_F(TakeOverCli, GolangMigratesVersionIsTakenOverAndSaidWhereFrom) {
  put("schema_migrations", R"([{"version": 2, "dirty": false}])");
  const auto run = mw({"baseline", "--from", "golang-migrate"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(
      run.out, "baselined " + m_database + " at version 2, taken over from golang-migrate (schema_migrations at 2)"))
      << run.out;
  const auto info = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(info.integer("current_version"), 2);
  EXPECT_EQ(info.string("migrations.2.state"), "pending");
}

TEST_F(TakeOverCli, TheJsonOutputSaysWhereFrom) {
  put("changelog", R"([{"fileName": "3-orders.js", "appliedAt": {"$date": "2024-01-31T12:00:00Z"},
                        "migrationBlock": 1}])");
  const auto run = mw({"baseline", "--from", "migrate-mongo", "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto json = json_of(run);
  EXPECT_EQ(json.integer("to_version"), 3);
  EXPECT_EQ(json.string("from.tool"), "migrate-mongo");
  EXPECT_EQ(json.string("from.collection"), "changelog");
  EXPECT_EQ(json.string("from.version"), "3-orders.js");
}

TEST_F(TakeOverCli, ARefusalIsExitThreeWithTheReasonAndRecordsNothing) {
  put("schema_migrations", R"([{"version": 2, "dirty": true}])");
  const auto run = mw({"baseline", "--from", "golang-migrate"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "cannot take over golang-migrate's history: version 2 is dirty")) << run.err;
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).integer("current_version"), 0);
}

TEST_F(TakeOverCli, FlywaysFailedRowAndMigrateMongosLockAreRefused) {
  put("flyway_schema_history", R"([{"installed_rank": 1, "version": "1", "description": "d", "type": "SCRIPT",
                                    "script": "V1__d.js", "checksum": 1, "installed_by": "ops",
                                    "installed_on": {"$date": "2024-01-31T12:00:00Z"}, "execution_time": 3,
                                    "success": false}])");
  auto run = mw({"baseline", "--from", "flyway"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "its row of installed_rank 1 (V1__d.js version 1) failed")) << run.err;

  put("changelog",
      R"([{"fileName": "1-users.js", "appliedAt": {"$date": "2024-01-31T12:00:00Z"}, "migrationBlock": 1}])");
  put("changelog_lock", R"([{"createdAt": {"$date": "2024-01-31T12:00:00Z"}}])");
  run = mw({"baseline", "--from", "migrate-mongo"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "it holds its lock: changelog_lock")) << run.err;
}

TEST_F(TakeOverCli, MisusedOptionsAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"baseline", "--from", "golang-migrate", "--baseline-version", "2"}, "give --baseline-version or --from"},
      {{"baseline", "--from", "liquibase"}, "--from: expected golang-migrate, migrate-mongo or flyway"},
      {{"baseline", "--from", "flyway", "--from-lock-collection", "x"}, "Flyway keeps no lock collection"},
      {{"baseline", "--from-collection", "x", "--baseline-version", "2"}, "--from-collection goes with --from"},
      {{"baseline", "--from", "golang-migrate", "--from-collection", "a$b"}, "--from-collection:"},
      {{"baseline"}, "baseline needs --baseline-version N, or --from TOOL"},
  };
  for (const auto& [args, message] : cases) {
    const auto run = mw(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << run.err;
    EXPECT_TRUE(contains(run.err, message)) << ::testing::PrintToString(args) << run.err;
  }
}

}  // namespace
}  // namespace mongoway::cli_test
