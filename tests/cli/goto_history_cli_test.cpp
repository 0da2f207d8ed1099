// `goto` and `history`'s audit options through the built program against a
// real server (see support/test_server.hpp). Each test uses a fresh database,
// dropped with `clean` at the end, and a copy of the example migrations.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../support/test_server.hpp"
#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class GotoAndHistory : public ServerFixture {
 protected:
  GotoAndHistory() : ServerFixture("mongoway_goto") {}

  void SetUp() override {
    ServerFixture::SetUp();
    copy_shipped_migrations();
  }

  int64_t current_version() { return json_of(mw({"info", "--output", "json"})).integer("current_version"); }

  // The history's entries as "type:version", in the order printed.
  std::vector<std::string> entries(std::vector<std::string> args) {
    args.insert(args.begin(), "history");
    args.insert(args.end(), {"--output", "json"});
    const auto run = mw(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const auto json = json_of(run);
    std::vector<std::string> out;
    for (size_t i = 0; i < json.size("entries"); ++i) {
      const std::string at = "entries." + std::to_string(i);
      out.push_back(json.string(at + ".type") + ":" + std::to_string(json.integer(at + ".version")));
    }
    return out;
  }
};

TEST_F(GotoAndHistory, GotoGoesUpThenDownOnlyWithAllowUndo) {
  auto up = mw({"goto", "3"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(contains(up.out, "V3 ")) << up.out;
  EXPECT_FALSE(contains(up.out, "V4 ")) << up.out;
  EXPECT_TRUE(contains(up.out, "Migrated " + m_database + ": version 0 -> 3")) << up.out;

  auto refused = mw({"goto", "1"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.err, "goto 1 would undo versions 3, 2")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--allow-undo")) << refused.err;
  EXPECT_EQ(current_version(), 3) << "a refused goto changes nothing";

  auto plan = json_of(mw({"goto", "1", "--allow-undo", "--dry-run", "--output", "json"}));
  EXPECT_TRUE(plan.boolean("dry_run"));
  EXPECT_EQ(plan.string("direction"), "undo");
  EXPECT_EQ(plan.integer("steps.0.version"), 3);
  EXPECT_EQ(plan.integer("steps.1.version"), 2);
  EXPECT_EQ(plan.size("steps"), 2u);
  EXPECT_EQ(current_version(), 3) << "a dry run changes nothing";

  auto down = mw({"goto", "1", "--allow-undo", "--output", "json"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  auto result = json_of(down);
  EXPECT_EQ(result.string("command"), "goto");
  EXPECT_EQ(result.string("direction"), "undo");
  EXPECT_EQ(result.integer("from_version"), 3);
  EXPECT_EQ(result.integer("to_version"), 1);
  EXPECT_EQ(current_version(), 1);

  auto again = mw({"goto", "1"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "is at version 1; nothing to do")) << again.out;
  ASSERT_EQ(mw({"goto", "6"}).exit_code, 0);
  EXPECT_EQ(current_version(), 6);
  ASSERT_EQ(mw({"goto", "0", "--allow-undo"}).exit_code, 0);
  EXPECT_EQ(current_version(), 0);
}

TEST_F(GotoAndHistory, AnUndoFileMissingOnTheWayDownRefusesTheWholeRunBeforeAnythingRuns) {
  ASSERT_EQ(mw({"migrate", "--target", "4"}).exit_code, 0);
  fs::remove(m_dir / "migrations/U2__undo_create_products.json");
  auto run = mw({"goto", "0", "--allow-undo"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "version 2 has no undo file")) << run.err;
  EXPECT_EQ(current_version(), 4);
  EXPECT_EQ(entries({"--type", "undo"}), std::vector<std::string>{}) << "nothing was undone";
  EXPECT_EQ(mw({"goto", "2", "--allow-undo"}).exit_code, 0) << "versions above 2 all have their undo file";
  EXPECT_EQ(current_version(), 2);
}

TEST_F(GotoAndHistory, MigrateTargetStillRefusesToGoDownAndGotoRefusesUnknownVersions) {
  ASSERT_EQ(mw({"migrate", "--target", "3"}).exit_code, 0);
  auto migrate = mw({"migrate", "--target", "1"});
  EXPECT_EQ(migrate.exit_code, 2) << migrate.err;
  EXPECT_TRUE(contains(migrate.err, "below the current version")) << migrate.err;
  auto unknown = mw({"goto", "9"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "no migration file or history entry has version 9")) << unknown.err;
  EXPECT_EQ(mw({"goto"}).exit_code, 2);
  EXPECT_EQ(mw({"goto", "two"}).exit_code, 2);
  EXPECT_EQ(mw({"goto", "1", "2"}).exit_code, 2);
  EXPECT_EQ(current_version(), 3);
}

TEST_F(GotoAndHistory, HistoryFiltersByTypeVersionAndTimeInEitherOrder) {
  ASSERT_EQ(mw({"migrate", "--target", "3"}).exit_code, 0);
  ASSERT_EQ(mw({"undo"}).exit_code, 0);
  using List = std::vector<std::string>;
  EXPECT_EQ(entries({}), (List{"undo:3", "migrate:3", "migrate:2", "migrate:1"}));
  EXPECT_EQ(entries({"--ascending"}), (List{"migrate:1", "migrate:2", "migrate:3", "undo:3"}));
  EXPECT_EQ(entries({"--ascending", "--limit", "1"}), (List{"migrate:1"}));
  EXPECT_EQ(entries({"--type", "undo"}), (List{"undo:3"}));
  EXPECT_EQ(entries({"--type", "undo,baseline", "--type", "deleted"}), (List{"undo:3"}));
  EXPECT_EQ(entries({"--version", "3", "--ascending"}), (List{"migrate:3", "undo:3"}));
  EXPECT_EQ(entries({"--version=2"}), (List{"migrate:2"}));
  EXPECT_EQ(entries({"--since", "2000-01-01", "--until", "2999-12-31T23:00:00+02:00", "--type", "migrate"}),
            (List{"migrate:3", "migrate:2", "migrate:1"}));
  EXPECT_EQ(entries({"--until", "2000-01-01"}), List{});
  EXPECT_EQ(entries({"--since", "2999-01-01T00:00Z"}), List{});

  auto text = mw({"history", "--version", "2"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "Rank")) << "a table, not mongoway's version: " << text.out;
  EXPECT_FALSE(contains(text.out, "mongo-c-driver")) << text.out;
}

TEST_F(GotoAndHistory, HistoryRefusesABadTimeTypeOrVersionNamingTheOption) {
  auto since = mw({"history", "--since", "yesterday"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_TRUE(contains(since.err, "--since: expected an ISO 8601 date")) << since.err;
  auto until = mw({"history", "--until", "2026-02-30", "--output", "json"});
  EXPECT_EQ(until.exit_code, 2);
  EXPECT_TRUE(contains(json_of(until).string("error.message"), "--until")) << until.out;
  auto type = mw({"history", "--type", "migrat"});
  EXPECT_EQ(type.exit_code, 2);
  EXPECT_TRUE(contains(type.err, "--type: unknown entry type \"migrat\"")) << type.err;
  EXPECT_TRUE(contains(type.err, "did you mean \"migrate\"")) << type.err;
  EXPECT_EQ(mw({"history", "--version"}).exit_code, 2);
  EXPECT_EQ(mw({"history", "--version", "x"}).exit_code, 2);
  auto bad_version = mw({"history", "--version=x"});
  EXPECT_EQ(bad_version.exit_code, 2);
  EXPECT_TRUE(contains(bad_version.err, "--version: expected a whole number")) << bad_version.err;
}

}  // namespace
}  // namespace mongoway::cli_test
