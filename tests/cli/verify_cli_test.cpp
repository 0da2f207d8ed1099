// verify as a user runs it: exit codes, the text and JSON reports, the
// scratch database printed at the start and gone at the end (also after
// Ctrl-C), and the target database never created.

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

class VerifyCli : public ServerFixture {
 protected:
  VerifyCli() : ServerFixture("mongoway_verify_cli") {}

  void SetUp() override {
    ServerFixture::SetUp();
    scratch = "mongoway_scratch_" + m_database;
  }
  void set_with_undo_of_2_leaving_its_index() {
    m_dir.write("set/V1__users.json", R"([{"createCollection": "users"}])");
    m_dir.write("set/U1__undo_users.json", R"([{"dropCollection": "users"}])");
    m_dir.write("set/V2__ages.json", R"([{"createIndex": "users", "key": {"age": 1}}])");
    m_dir.write("set/U2__undo_ages.json", R"([{"createCollection": "unrelated"}, {"dropCollection": "unrelated"}])");
  }
  // How many collections a database has (0 when it does not exist), read by snapshot.
  Outcome verify(std::vector<std::string> args) {
    std::vector<std::string> all{"-l", "set", "verify", "--scratch-database", scratch};
    all.insert(all.end(), args.begin(), args.end());
    return mw(all);
  }

  std::string scratch;
};

TEST_F(VerifyCli, RightUndoFilesExit0AndSayEachVersionIsRestored) {
  copy_shipped_migrations();
  auto run = mw({"verify", "--scratch-database", scratch});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "verifying on the scratch database " + scratch + " on mongodb://")) << run.err;
  EXPECT_TRUE(contains(run.out, "  version 1 create users: its undo restores its schema\n")) << run.out;
  EXPECT_TRUE(contains(run.out, "Verified 6 versions up to version 6 on the scratch database " + scratch)) << run.out;
  EXPECT_EQ(collections_of(scratch, "set"), 0);
  EXPECT_EQ(collections_of(m_database, "set"), 0);
}

TEST_F(VerifyCli, AnUndoThatLeavesAnIndexExits3NamingTheVersionAndTheIndex) {
  set_with_undo_of_2_leaving_its_index();
  auto run = verify({});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "  version 2 ages: its undo does not restore the schema before it\n"
                                "    extra index age_1 on users\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "Verify failed at version 2")) << run.out;
  EXPECT_EQ(collections_of(scratch, "set"), 0);
  EXPECT_EQ(collections_of(m_database, "set"), 0);
}

TEST_F(VerifyCli, TheJsonReportListsEachVersionAndTheFirstThatFailed) {
  set_with_undo_of_2_leaving_its_index();
  auto run = verify({"--output", "json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_EQ(json->string("command"), "verify");
  EXPECT_EQ(json->string("scratch_database"), scratch);
  EXPECT_EQ(json->integer("failed_version"), 2);
  EXPECT_EQ(json->string("versions.0.result"), "ok");
  EXPECT_EQ(json->string("versions.1.result"), "undo_differs");
  EXPECT_EQ(json->string("versions.1.differences.0.kind"), "extra_index");
  EXPECT_EQ(json->string("versions.1.differences.0.index"), "age_1");
}

TEST_F(VerifyCli, AVersionWithoutUndoIsReportedAndFailsWithRequireUndo) {
  // No U file, and a command no derived undo reverses.
  m_dir.write("set/V1__users.json", R"([{"createCollection": "users"},
    {"updateMany": "users", "filter": {}, "update": {"$set": {"a": 1}}}])");
  auto run = verify({});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "  version 1 users: no undo file\n")) << run.out;
  auto required = verify({"--require-undo"});
  EXPECT_EQ(required.exit_code, 3) << required.out << required.err;
  EXPECT_TRUE(contains(required.out, "1 version without an undo file, and --require-undo")) << required.out;
}

TEST_F(VerifyCli, AScratchNameWithoutThePrefixIsAUsageError) {
  set_with_undo_of_2_leaving_its_index();
  auto run = mw({"-l", "set", "verify", "--scratch-database", m_database});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "must start with mongoway_scratch_")) << run.err;
}

TEST_F(VerifyCli, SigintDuringVerifyLeavesNoScratchDatabase) {
  write_large_seed(m_dir, "set");
  m_dir.write("set/U1__undo_seed_items.json", R"([{"dropCollection": "items"}])");
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started run({"-l", "set", "verify", "--scratch-database", scratch},
              {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (!wait_until_seed_runs(scratch, "set")) GTEST_SKIP() << "the seed was applied before the signal";
  run.signal(SIGINT);
  auto stopped = run.wait();
  EXPECT_EQ(stopped.exit_code, 130) << stopped.out << stopped.err;
  EXPECT_EQ(collections_of(scratch, "set"), 0);
  EXPECT_EQ(collections_of(m_database, "set"), 0);
}

}  // namespace
}  // namespace mongoway::cli_test
