// snapshot and diff as a user runs them: the file, its bytes from one run to
// the next, the drift printed as text and JSON, and the exit codes.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class SchemaCli : public ServerFixture {
 protected:
  SchemaCli() : ServerFixture("mongoway_schema_cli") {}

  void SetUp() override {
    ServerFixture::SetUp();
    copy_shipped_migrations();
    auto migrate = mw({"migrate", "--target", "3"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  }
  std::string schema_file() const {
    return (std::filesystem::path(m_dir.path()) / "migrations" / "schema.json").string();
  }
  std::string scratch() const { return "mongoway_scratch_" + m_database; }
  // A command sent to the test's database behind mongoway's back.
  void by_hand(const std::string& migration) {
    m_dir.write("by_hand/V1__by_hand.json", migration);
    auto run = mw({"-l", "by_hand", "--history-collection", "by_hand_history", "migrate"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
};

TEST_F(SchemaCli, SnapshotWritesSchemaJsonAndSaysWhat) {
  auto run = mw({"snapshot"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "Wrote the schema of " + m_database +
                         " at version 3 to ./migrations/schema.json: 3 collections, "
                         "6 indexes\n");
  EXPECT_TRUE(std::filesystem::exists(schema_file()));
  // schema.json beside the migrations is no migration file.
  auto lint = mw({"lint"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_FALSE(contains(lint.out + lint.err, "schema.json")) << lint.out << lint.err;
}

TEST_F(SchemaCli, SnapshotTwiceGivesByteIdenticalFiles) {
  ASSERT_EQ(mw({"snapshot", "--output-file", "one.json"}).exit_code, 0);
  ASSERT_EQ(mw({"snapshot", "--output-file", "two.json"}).exit_code, 0);
  const std::string one = read_file(m_dir.path() + "/one.json");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, read_file(m_dir.path() + "/two.json"));
}

TEST_F(SchemaCli, DiffOfAnUntouchedDatabaseExits0) {
  ASSERT_EQ(mw({"snapshot"}).exit_code, 0);
  auto run = mw({"diff", "--against", "migrations/schema.json"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "No drift: the schema of " + m_database +
                         " at version 3 matches migrations/schema.json "
                         "(written from " +
                         m_database + " at version 3)\n");
}

TEST_F(SchemaCli, DiffPrintsTheDriftAndExits3) {
  ASSERT_EQ(mw({"snapshot"}).exit_code, 0);
  by_hand(R"([{"dropIndex": "users", "name": "email_1"}, {"createCollection": "scratchpad"}])");
  auto run = mw({"diff", "--against", "migrations/schema.json", "--ignore", "by_hand_*"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.out, "  extra collection scratchpad\n"
                     "  missing index email_1 on users\n"
                     "Drift in " +
                         m_database + " at version 3 against migrations/schema.json (written from " + m_database +
                         " at version 3): 2 differences\n");

  auto json = json_of(mw({"diff", "--against", "migrations/schema.json", "--ignore", "by_hand_*", "--ignore",
                          "scratch*", "--output", "json"}));
  EXPECT_TRUE(json.boolean("drift"));
  ASSERT_EQ(json.size("differences"), 1u);
  EXPECT_EQ(json.string("differences.0.kind"), "missing_index");
  EXPECT_EQ(json.string("differences.0.collection"), "users");
  EXPECT_EQ(json.string("differences.0.index"), "email_1");
  EXPECT_TRUE(json.is_null("differences.0.field"));
  EXPECT_EQ(json.string("differences.0.message"), "missing index email_1 on users");
}

TEST_F(SchemaCli, DiffWithoutASnapshotOfAnUntouchedDatabaseExits0) {
  auto run = mw({"diff", "--scratch-database", scratch()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(
      run.err, "mongoway: replaying the history to version 3 on the scratch database " + scratch() + " on mongodb://"))
      << run.err;
  EXPECT_TRUE(contains(run.out, "No drift: the schema of " + m_database +
                                    " at version 3 matches its history replayed to version 3 on the scratch "
                                    "database " +
                                    scratch() + " on mongodb://"))
      << run.out;
  EXPECT_EQ(collections_of(scratch()), 0);
}

TEST_F(SchemaCli, DiffWithoutASnapshotPrintsTheDriftAndExits3) {
  by_hand(R"([{"dropIndex": "users", "name": "email_1"}, {"createCollection": "scratchpad"}])");
  auto run = mw({"diff", "--ignore", "by_hand_*", "--scratch-database", scratch()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "  extra collection scratchpad\n"
                                "  missing index email_1 on users\n"
                                "Drift in " +
                                    m_database +
                                    " at version 3 against its history replayed to version 3 on the "
                                    "scratch database " +
                                    scratch()))
      << run.out;
  EXPECT_TRUE(contains(run.out, ": 2 differences\n")) << run.out;
  EXPECT_EQ(collections_of(scratch()), 0);

  auto json = json_of(mw({"diff", "--ignore", "by_hand_*", "--scratch-database", scratch(), "--output", "json"}));
  EXPECT_EQ(json.string("expected"), "history");
  EXPECT_TRUE(json.is_null("against"));
  EXPECT_EQ(json.string("scratch_database"), scratch());
  EXPECT_TRUE(json.boolean("scratch_dropped"));
  EXPECT_TRUE(json.boolean("drift"));
  EXPECT_EQ(json.size("differences"), 2u);
}

TEST_F(SchemaCli, DiffWithoutASnapshotRefusesAHistoryItCannotReplay) {
  m_dir.write("migrations/V2__create_products.json", R"([{"createCollection": "products"}])");
  auto run = mw({"diff", "--scratch-database", scratch()});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "cannot compare " + m_database +
                                    " with its history: version 2's file "
                                    "V2__create_products.json changed since it was "
                                    "applied"))
      << run.err;
  EXPECT_TRUE(contains(run.err, "`mongoway diff --against FILE`")) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST_F(SchemaCli, DiffWithTheScratchOptionsAndASnapshotIsAUsageError) {
  ASSERT_EQ(mw({"snapshot"}).exit_code, 0);
  auto run = mw({"diff", "--against", "migrations/schema.json", "--scratch-database", scratch()});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "are for diff without --against")) << run.err;
}

TEST_F(SchemaCli, DiffAgainstAFileThatIsNoSnapshotExits3) {
  auto run = mw({"diff", "--against", "migrations/V1__create_users.json"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(contains(run.err, "not a mongoway schema snapshot")) << run.err;
  m_dir.write("future.json", R"({"format": 2, "collections": []})");
  auto json = json_of(mw({"diff", "--against", "future.json", "--output", "json"}));
  EXPECT_EQ(json.integer("error.code"), 3);
  EXPECT_TRUE(contains(json.string("error.message"), "format 2")) << json.string("error.message");
}

// Ctrl-C while diff replays the history: the scratch database is dropped.
class DiffStopCli : public ServerFixture {
 protected:
  DiffStopCli() : ServerFixture("mongoway_diff_stop_cli") {}
};

TEST_F(DiffStopCli, SigintDuringTheReplayLeavesNoScratchDatabase) {
  write_large_seed(m_dir, "set");
  ASSERT_EQ(mw({"-l", "set", "--quiet", "migrate"}).exit_code, 0);
  const std::string scratch = "mongoway_scratch_" + m_database;
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started run({"-l", "set", "diff", "--scratch-database", scratch},
              {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (!wait_until_seed_runs(scratch, "set")) GTEST_SKIP() << "the seed was replayed before the signal";
  run.signal(SIGINT);
  auto stopped = run.wait();
  EXPECT_EQ(stopped.exit_code, 130) << stopped.out << stopped.err;
  auto left = Json::parse(
      mw({"-d", scratch, "-l", "set", "snapshot", "--output-file", "read.json", "--output", "json"}).out);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->integer("collections"), 0);
}

}  // namespace
}  // namespace mongoway::cli_test
