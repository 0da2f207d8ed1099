// Migration files that carry MongoDB's own fields on the native commands
// (tests/data/valid/server_fields: writeConcern, commitQuorum, serverComment,
// background, autoIndexId, dropIndex by several names and "*"), through the
// built binary: lint notes what the server ignores, a dry run prints every
// field as it is sent, and the files run and undo against the test server.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "../support/test_server.hpp"
#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ServerFields : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(std::string(MONGOWAY_SOURCE_DIR) + "/tests/data/valid/server_fields", m_dir / "migrations",
             fs::copy_options::recursive);
    static int counter = 0;
    m_database = "mongoway_fields_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  }

  void TearDown() override {
    if (m_uri.empty()) return;
    auto run = mw({"clean", "--yes"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
    if (run.exit_code != 0) std::cout << "could not clean " << m_database << ": " << run.err;
  }

  // mongoway in the test's directory; with the test server once `server` is true.
  Outcome mw(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    if (m_uri.empty()) m_uri = mongoway::testing::test_server_uri();
    env.emplace("MONGOWAY_URI", m_uri);
    env.emplace("MONGOWAY_DATABASE", m_database);
    return mongoway(args, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(120)});
  }
  Outcome offline(const std::vector<std::string>& args) { return mongoway(args, {.cwd = m_dir.path()}); }

  std::string m_uri;
  std::string m_database;
  TempDir m_dir;
};

TEST_F(ServerFields, LintNotesWhatTheServerIgnoresAndPasses) {
  auto lint = offline({"lint"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out,
            "./migrations/V1__accounts.json:2:51: warning: command 1 (createCollection): field \"autoIndexId\": "
            "deprecated since MongoDB 3.2, and true is what every collection gets anyway; it is sent as written, and "
            "can be removed\n"
            "./migrations/V1__accounts.json:5:82: warning: command 2 (createIndexes): field \"indexes.0.background\": "
            "MongoDB ignores \"background\" since 4.2 (every index build holds the same brief locks); it is sent as "
            "written, and can be removed\n"
            "./migrations/V1__accounts.json:6:80: warning: command 2 (createIndexes): field \"indexes.1.background\": "
            "MongoDB ignores \"background\" since 4.2 (every index build holds the same brief locks); it is sent as "
            "written, and can be removed\n"
            "Checked 2 migrations (4 files) in ./migrations: 0 errors, 3 warnings\n");
}

TEST_F(ServerFields, LintRefusesAutoIndexIdFalseAndWZeroAtTheirValues) {
  m_dir.write("migrations/V3__bad.json", R"([
  {"createCollection": "c", "autoIndexId": false},
  {"dropIndex": "c", "name": "*", "writeConcern": {"w": 0}}
])");
  auto lint = offline({"lint"});
  EXPECT_EQ(lint.exit_code, 3) << lint.out << lint.err;
  EXPECT_TRUE(contains(lint.out, "./migrations/V3__bad.json:2:44: error: command 1 (createCollection): field "
                                 "\"autoIndexId\": false is refused by MongoDB since 4.0 outside the local database"))
      << lint.out;
  EXPECT_TRUE(contains(lint.out, "./migrations/V3__bad.json:3:57: error: command 2 (dropIndex): field "
                                 "\"writeConcern.w\": w: 0 asks for unacknowledged writes"))
      << lint.out;
}

TEST_F(ServerFields, ADryRunPrintsEveryFieldAsItIsSent) {
  auto plan = mw({"migrate", "--dry-run", "--transaction", "never"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  for (const char* sent : {
           R"(  1. createCollection on DB  # mongoway prints this; the server gets serverComment)",
           R"({ "create" : "accounts", "autoIndexId" : true, "writeConcern" : { "w" : "majority" }, "comment" : )"
           R"("accounts of the shop" })",
           R"({ "createIndexes" : "accounts", "indexes" : [ { "key" : { "login" : { "$numberInt" : "1" } }, )"
           R"("name" : "login_unique", "unique" : true, "background" : true }, { "key" : { "mail" : { "$numberInt" )"
           R"(: "1" } }, "name" : "mail_unique", "unique" : true, "background" : true } ], "commitQuorum" : )"
           R"("majority", "writeConcern" : { "w" : "majority", "wtimeout" : { "$numberInt" : "10000" } } })",
           R"({ "createIndexes" : "accounts", "indexes" : [ { "key" : { "created" : { "$numberInt" : "-1" } }, )"
           R"("name" : "created_desc" } ], "commitQuorum" : { "$numberInt" : "1" }, "comment" : { "ticket" : )"
           R"({ "$numberInt" : "42" } } })",
           R"({ "insert" : "accounts", "ordered" : false, "writeConcern" : { "w" : "majority" }, "documents" : [ )",
           R"({ "renameCollection" : "DB.accounts", "to" : "DB.members", "writeConcern" : { "w" : "majority" } })",
       }) {
    std::string expected = sent;
    for (size_t at; (at = expected.find("DB")) != std::string::npos;) expected.replace(at, 2, m_database);
    EXPECT_TRUE(contains(plan.out, expected)) << "no " << expected << " in:\n" << plan.out;
  }
  EXPECT_FALSE(contains(plan.out + plan.err, "warning")) << "a run leaves the lint notes to lint";
  EXPECT_TRUE(contains(plan.out, "nothing was changed")) << plan.out;
}

TEST_F(ServerFields, TheFilesRunAndUndoAgainstTheServer) {
  // Out of a transaction: a transaction refuses a command's own writeConcern.
  auto migrate = mw({"migrate", "--transaction", "never"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.out << migrate.err;
  auto info = Json::parse(mw({"info", "--output", "json"}).out);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->string("migrations.0.state"), "applied");
  EXPECT_EQ(info->string("migrations.1.state"), "applied");
  auto undo = mw({"undo", "--target", "0", "--transaction", "never"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  info = Json::parse(mw({"info", "--output", "json"}).out);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->string("migrations.0.state"), "undone");
  EXPECT_EQ(info->string("migrations.1.state"), "undone");
  // Undone means gone: V1 creates the collection again, which it could not if U1 had left it.
  auto again = mw({"migrate", "--target", "1", "--transaction", "never"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

}  // namespace
}  // namespace mongoway::cli_test
