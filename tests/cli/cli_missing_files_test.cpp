// The built binary against a real server when migration files go missing or
// were added by mistake: `repair --mark-deleted` and the `deleted` state,
// `remove`, and `validate` while a version is running or failed. Each test
// uses a database of its own, dropped with `clean` at the end.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "../support/test_server.hpp"
#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class MissingFilesCli : public ServerFixture {
 protected:
  MissingFilesCli() : ServerFixture("mongoway_missing") {}

  void SetUp() override {
    ServerFixture::SetUp();
    write_version(1, "a", true);
    write_version(2, "b", true);
  }

  void write_version(int version, const std::string& name, bool with_undo) {
    const std::string v = std::to_string(version);
    m_dir.write("migrations/V" + v + "__" + name + ".json", R"([{"createCollection": ")" + name + R"("}])");
    if (with_undo) {
      m_dir.write("migrations/U" + v + "__undo_" + name + ".json", R"([{"dropCollection": ")" + name + R"("}])");
    }
  }
  bool exists(const std::string& file) const { return fs::exists(m_dir / ("migrations/" + file)); }

  std::string state_of(size_t index) {
    return json_of(mw({"info", "--output", "json"})).string("migrations." + std::to_string(index) + ".state");
  }
};

TEST_F(MissingFilesCli, AnAppliedVersionWhoseFileIsDeletedIsRecordedDeletedAndNoLongerBlocks) {
  ASSERT_EQ(mw({"migrate"}).exit_code, 0);
  fs::remove(m_dir / "migrations/V1__a.json");
  fs::remove(m_dir / "migrations/U1__undo_a.json");

  auto invalid = mw({"validate"});
  EXPECT_EQ(invalid.exit_code, 3);
  EXPECT_TRUE(contains(invalid.out, "version 1 is applied but its file V1__a.json is missing")) << invalid.out;
  EXPECT_TRUE(contains(invalid.out, "`mongoway repair --mark-deleted`")) << invalid.out;

  auto plain = mw({"repair", "--dry-run"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(contains(plain.err, "warning: version 1 is applied but its file V1__a.json is missing")) << plain.err;
  EXPECT_TRUE(contains(plain.err, "repair --mark-deleted")) << plain.err;

  auto dry = mw({"repair", "--dry-run", "--mark-deleted", "--output", "json"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(json_of(dry).string("changes.0"),
            "mark version 1 (V1__a.json) as deleted: its file is missing from the locations");
  EXPECT_EQ(state_of(0), "missing") << "a dry run records nothing";

  auto repair = mw({"repair", "--mark-deleted"});
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_TRUE(contains(repair.out, "mark version 1 (V1__a.json) as deleted")) << repair.out;
  EXPECT_EQ(state_of(0), "deleted");
  auto history = json_of(mw({"history", "--output", "json"}));
  EXPECT_EQ(history.string("entries.0.type"), "deleted");
  EXPECT_EQ(history.integer("entries.0.version"), 1);
  EXPECT_EQ(history.size("entries"), 3u) << "appended, the migrate entries kept";

  auto valid = mw({"validate"});
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  write_version(3, "c", true);
  auto migrate = mw({"migrate"});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_FALSE(contains(migrate.out, "V1 ")) << "a deleted version never runs again: " << migrate.out;
  EXPECT_TRUE(contains(migrate.out, "V3 c ... ok")) << migrate.out;

  auto undo = mw({"undo", "--target", "0"});
  EXPECT_EQ(undo.exit_code, 3) << undo.out << undo.err;
  EXPECT_TRUE(contains(undo.err, "version 1 was marked deleted")) << undo.err;
  EXPECT_EQ(state_of(2), "applied") << "refused before anything was undone";

  // Back with the checksum it was applied with: applied again.
  write_version(1, "a", true);
  EXPECT_EQ(state_of(0), "applied");
  EXPECT_EQ(mw({"validate"}).exit_code, 0);
}

TEST_F(MissingFilesCli, RemoveDeletesOnlyTheFilesOfVersionsThatNeverRanAboveTheHistory) {
  write_version(3, "c", true);
  write_version(4, "d", false);
  ASSERT_EQ(mw({"migrate", "--target", "1"}).exit_code, 0);
  ASSERT_EQ(mw({"migrate", "--target", "3"}).exit_code, 0);
  ASSERT_EQ(mw({"undo"}).exit_code, 0);  // version 3 undone: in the history

  auto applied = mw({"remove", "1"});
  EXPECT_EQ(applied.exit_code, 3);
  EXPECT_TRUE(contains(applied.err, "cannot remove version 1: it is in the history (state applied)")) << applied.err;
  auto undone = mw({"remove", "3"});
  EXPECT_EQ(undone.exit_code, 3);
  EXPECT_TRUE(contains(undone.err, "it is in the history (state undone)")) << undone.err;
  EXPECT_TRUE(exists("V3__c.json"));

  auto dry = mw({"remove", "--all-pending", "--dry-run", "--output", "json"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  auto plan = json_of(dry);
  EXPECT_TRUE(plan.boolean("dry_run"));
  ASSERT_EQ(plan.size("removed"), 1u) << dry.out;
  EXPECT_EQ(plan.integer("removed.0.version"), 4);
  EXPECT_EQ(plan.string("removed.0.files.0"), "./migrations/V4__d.json");
  EXPECT_TRUE(exists("V4__d.json"));

  const auto history_before = mw({"history", "--output", "json"}).out;
  auto removed = mw({"remove", "4"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(contains(removed.out, "deleted ./migrations/V4__d.json (version 4)")) << removed.out;
  EXPECT_FALSE(exists("V4__d.json"));
  EXPECT_EQ(mw({"history", "--output", "json"}).out, history_before) << "remove writes nothing to the database";
  EXPECT_TRUE(exists("V1__a.json") && exists("V2__b.json") && exists("V3__c.json"));
}

TEST_F(MissingFilesCli, AllPendingRemovesFromTheTopDownButNeverAnOutOfOrderFile) {
  write_version(3, "c", true);
  write_version(4, "d", true);
  // Version 2 arrives after version 3 was applied: out of order, never run.
  for (const std::string file : {"V2__b.json", "U2__undo_b.json"})
    fs::rename(m_dir / ("migrations/" + file), m_dir / file);
  ASSERT_EQ(mw({"migrate", "--target", "3"}).exit_code, 0);
  for (const std::string file : {"V2__b.json", "U2__undo_b.json"})
    fs::rename(m_dir / file, m_dir / ("migrations/" + file));
  ASSERT_EQ(state_of(1), "ignored");

  auto below = mw({"remove", "2"});
  EXPECT_EQ(below.exit_code, 3);
  EXPECT_TRUE(contains(below.err, "version 3 above it is in the history")) << below.err;

  auto removed = mw({"remove", "--all-pending"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "  deleted ./migrations/V4__d.json (version 4)\n"
                         "  deleted ./migrations/U4__undo_d.json (version 4)\n"
                         "Removed 2 files of 1 version\n");
  EXPECT_TRUE(exists("V2__b.json") && exists("U2__undo_b.json"));
  auto nothing = mw({"remove", "--all-pending"});
  EXPECT_EQ(nothing.exit_code, 0);
  EXPECT_TRUE(contains(nothing.out, "Nothing to remove")) << nothing.out;
}

TEST_F(MissingFilesCli, ValidateFailsWhileAVersionIsRunningAndOnceItFailed) {
  ASSERT_EQ(mw({"migrate"}).exit_code, 0);
  write_large_seed(m_dir, "migrations", 3);
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started run({"migrate"}, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (state_of(2) == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto running = mw({"validate"});
  run.signal(SIGTERM);
  auto stopped = run.wait();
  if (stopped.exit_code == 0) GTEST_SKIP() << "the seed was applied before the test could act";

  EXPECT_EQ(running.exit_code, 3) << running.out;
  EXPECT_TRUE(contains(running.out, "version 3 is running")) << running.out;
  EXPECT_TRUE(contains(running.out, "wait for it to end")) << running.out;
  ASSERT_EQ(stopped.exit_code, 143) << stopped.err;
  auto failed = mw({"validate"});
  EXPECT_EQ(failed.exit_code, 3) << failed.out;
  EXPECT_TRUE(contains(failed.out, "version 3 is failed")) << failed.out;
  EXPECT_TRUE(contains(failed.out, "`mongoway repair`")) << failed.out;
}

}  // namespace
}  // namespace mongoway::cli_test
