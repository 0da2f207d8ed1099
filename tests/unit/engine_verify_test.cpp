// verify on the fake server: every version applied, undone and applied again
// on a scratch database of its own, the first undo that does not restore its
// schema reported, the scratch database dropped whatever happens, and the
// target database never reached.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/scratch_database.hpp"
#include "exec/stop.hpp"
#include "scratch_fixture.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Verify : public TargetAndScratch {
 protected:
  Verify() {
    dir.write("V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    dir.write("U1__undo_users.json", R"([{"dropCollection": "users"}])");
    dir.write("V2__orders.json", R"([{"createCollection": "orders"}])");
    dir.write("U2__undo_orders.json", R"([{"dropCollection": "orders"}])");
    dir.write("V3__ages.json", R"([{"createCollection": "audit"}, {"createIndex": "users", "key": {"age": 1}}])");
    dir.write("V4__more.json", R"([{"createIndex": "orders", "key": {"total": 1}}])");
    dir.write("U4__undo_more.json", R"([{"dropIndex": "orders", "name": "total_1"}])");
  }
  exec::Engine engine() { return engine_on(scratch_server.clock()); }
  VerifyResult verify(VerifyOptions options = {}) {
    if (options.scratch_database.empty()) options.scratch_database = kScratch;
    auto e = engine();
    e.listener = listener;
    return exec::verify(e, options);
  }
  // The code of the Error verify throws (0: none).
  int verify_exit_code(VerifyOptions options, std::string* message = nullptr) {
    return exit_code_of([&] { verify(std::move(options)); }, message);
  }
  void correct_undo_of_3() {
    dir.write("U3__undo_ages.json", R"([{"dropCollection": "audit"},
      {"dropIndex": "users", "name": "age_1"}])");
  }
  void undo_of_3_leaving_its_index() { dir.write("U3__undo_ages.json", R"([{"dropCollection": "audit"}])"); }

  bool any_request_names_the_target() const {
    for (const auto& r : scratch_server.requests()) {
      if (r.database == "app" || contains(r.command_json, "\"app\"")) return true;
    }
    return !target.requests().empty();
  }
};

TEST_F(Verify, ASetWhoseUndoFilesAreRightPasses) {
  correct_undo_of_3();
  const auto result = verify();
  EXPECT_TRUE(result.passed);
  EXPECT_FALSE(result.failed_version.has_value());
  ASSERT_EQ(result.versions.size(), 4u);
  for (const auto& v : result.versions) EXPECT_EQ(v.result, "ok") << v.version;
  EXPECT_EQ(result.target_version, 4);
  EXPECT_EQ(result.scratch_database, kScratch);
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(Verify, AnUndoThatLeavesAnIndexBehindFailsNamingItsVersionAndTheIndex) {
  undo_of_3_leaving_its_index();
  const auto result = verify();
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.failed_version, 3);
  ASSERT_EQ(result.versions.size(), 3u);  // version 4 is not checked on a schema already wrong
  const auto& v3 = result.versions[2];
  EXPECT_EQ(v3.result, "undo_differs");
  ASSERT_EQ(v3.differences.size(), 1u);
  EXPECT_EQ(v3.differences[0].kind, "extra_index");
  EXPECT_EQ(v3.differences[0].collection, "users");
  EXPECT_EQ(v3.differences[0].index, "age_1");
  EXPECT_TRUE(contains(v3.differences[0].message, "age_1")) << v3.differences[0].message;
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_TRUE(scratch_dropped());
}

// V2 without its U file, and a command no derived undo reverses.
void without_any_undo_of_2(const script::testing::TempDir& dir) {
  std::filesystem::remove(dir.str() + "/U2__undo_orders.json");
  dir.write("V2__orders.json", R"([{"createCollection": "orders"}, {"runCommand": {"collMod": "orders"}}])");
}

TEST_F(Verify, AVersionWithADerivedUndoIsVerifiedByIt) {
  correct_undo_of_3();
  std::filesystem::remove(dir.str() + "/U2__undo_orders.json");
  const auto result = verify();
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.without_undo, 0);
  ASSERT_EQ(result.versions.size(), 4u);
  EXPECT_EQ(result.versions[1].result, "ok");
}

TEST_F(Verify, AVersionWithoutAnUndoFileIsReportedAndTheRunPasses) {
  correct_undo_of_3();
  without_any_undo_of_2(dir);
  const auto result = verify();
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.without_undo, 1);
  ASSERT_EQ(result.versions.size(), 4u);
  EXPECT_EQ(result.versions[1].result, "no_undo");
  EXPECT_EQ(result.versions[3].result, "ok");
}

TEST_F(Verify, AVersionWithoutAnUndoFileFailsTheRunWithRequireUndo) {
  correct_undo_of_3();
  without_any_undo_of_2(dir);
  VerifyOptions options;
  options.require_undo = true;
  const auto result = verify(options);
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(result.failed_version.has_value());
  EXPECT_EQ(result.without_undo, 1);
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(Verify, TheTargetStopsTheRun) {
  correct_undo_of_3();
  VerifyOptions options;
  options.target = 2;
  const auto result = verify(options);
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.target_version, 2);
  EXPECT_EQ(result.versions.size(), 2u);
  options.target = 7;
  EXPECT_EQ(verify_exit_code(options), static_cast<int>(ExitCode::usage));
}

TEST_F(Verify, TheTargetDatabaseIsNeverReached) {
  undo_of_3_leaving_its_index();
  verify();
  correct_undo_of_3();
  verify();
  EXPECT_FALSE(any_request_names_the_target());
  EXPECT_TRUE(target.collections("app").empty());
}

TEST_F(Verify, AStopBetweenVersionsDropsTheScratchDatabase) {
  correct_undo_of_3();
  listener.verifying = [](int64_t version, size_t, size_t) {
    if (version == 3) exec::request_stop(SIGINT);
  };
  EXPECT_EQ(verify_exit_code({}), static_cast<int>(ExitCode::interrupted));
  EXPECT_EQ(scratch_server.requests_of("send:create").size(), 4u) << "versions 1 and 2 ran twice before the stop";
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(Verify, AFailureOnTheScratchDatabaseDropsIt) {
  correct_undo_of_3();
  scratch_server.fail_next_requests_of("send:createIndexes", 1);
  EXPECT_EQ(verify_exit_code({}), static_cast<int>(ExitCode::connection));
  EXPECT_TRUE(scratch_dropped());
}

TEST_F(Verify, AScratchDatabaseThatIsNotEmptyIsRefusedAndKept) {
  correct_undo_of_3();
  scratch_server.put_collection(kScratch, "someones_data");
  std::string message;
  EXPECT_EQ(verify_exit_code({}, &message), static_cast<int>(ExitCode::usage));
  EXPECT_TRUE(contains(message, "exists and is not empty")) << message;
  EXPECT_EQ(scratch_server.collections(kScratch), std::vector<std::string>{"someones_data"});
  EXPECT_TRUE(scratch_server.requests_of("drop_database").empty());
}

// Stands for a version whose effect depends on what its undo does not
// restore (data, the time): its second application gives another schema.
TEST_F(Verify, ASecondApplicationThatGivesAnotherSchemaFailsNamingWhatDiffers) {
  correct_undo_of_3();
  // createIndexes is sent by V1 twice, then by V3: the 4th is V3's second application.
  scratch_server.before_nth_request_of("send:createIndexes", 4,
                                       [this] { scratch_server.put_collection(kScratch, "stray"); });
  const auto result = verify();
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.failed_version, 3);
  ASSERT_EQ(result.versions.size(), 3u);
  const auto& v3 = result.versions[2];
  EXPECT_EQ(v3.result, "reapply_differs");
  ASSERT_EQ(v3.differences.size(), 1u);
  EXPECT_EQ(v3.differences[0].kind, "extra_collection");
  EXPECT_EQ(v3.differences[0].collection, "stray");
  EXPECT_TRUE(scratch_dropped());
}

// The cost of a version does not grow with the versions before it: the
// scratch history is read from the server once, one lease is taken for the
// whole run, no run record is sent, and a collection's indexes are listed
// again only after a version that names it.
TEST_F(Verify, TheScratchHistoryIsReadOnceUnderOneLease) {
  correct_undo_of_3();
  verify();
  EXPECT_EQ(scratch_server.requests_of("read_log").size(), 1u);
  EXPECT_EQ(scratch_server.requests_of("read_runs").size(), 1u);
  EXPECT_EQ(scratch_server.requests_of("insert_lease").size(), 1u);
  EXPECT_TRUE(scratch_server.requests_of("record_run").empty());
}

TEST_F(Verify, AVersionHasItsIndexesListedOnlyForTheCollectionsItNames) {
  correct_undo_of_3();
  verify();
  int users = 0;
  for (const auto& r : scratch_server.requests_of("list_indexes")) users += contains(r.command_json, "\"users\"");
  // After V1's apply and second apply (its undo drops users), and the three reads of V3, which names
  // users; V2 and V4 do not.
  EXPECT_EQ(users, 5);
}

TEST_F(Verify, AScratchNameMustStartWithThePrefixAndNeverBeTheTarget) {
  EXPECT_TRUE(exec::scratch_name_problem("mongoway_scratch_ci", "app").empty());
  EXPECT_TRUE(contains(exec::scratch_name_problem("app", "app"), "must start with mongoway_scratch_"));
  EXPECT_TRUE(contains(exec::scratch_name_problem("admin", "app"), "must start with mongoway_scratch_"));
  EXPECT_TRUE(contains(exec::scratch_name_problem("mongoway_scratch_x", "mongoway_scratch_x"), "target"));
  VerifyOptions options;
  options.scratch_database = "ci_scratch";
  EXPECT_EQ(verify_exit_code(options), static_cast<int>(ExitCode::usage));
  EXPECT_TRUE(scratch_server.requests().empty());
}

TEST_F(Verify, WithoutANameTheScratchDatabaseIsNamedAtRandom) {
  correct_undo_of_3();
  std::string chosen;
  auto e = engine();
  e.listener.scratch_chosen = [&](const std::string&, const std::string& name) { chosen = name; };
  // Only the name is checked here: the fake's history lives in kScratch.
  try {
    exec::verify(e, {});
  } catch (const Error&) {
  }
  EXPECT_EQ(chosen.size(), std::string("mongoway_scratch_").size() + 12) << chosen;
  EXPECT_TRUE(chosen.rfind("mongoway_scratch_", 0) == 0) << chosen;
}

}  // namespace
}  // namespace mongoway::testing
