// snapshot and diff as a user runs them: the file, its bytes from one run to
// the next, the drift printed as text and JSON, and the exit codes.

#include <gtest/gtest.h>

#include <filesystem>

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

TEST_F(SchemaCli, DiffWithoutAgainstIsAUsageError) {
  auto run = mw({"diff"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "diff needs --against FILE")) << run.err;
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

}  // namespace
}  // namespace mongoway::cli_test
