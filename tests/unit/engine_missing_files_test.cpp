// The engine on the fake server when files go missing or were added by
// mistake: `repair --mark-deleted`, the `deleted` state, `remove`, and
// `validate` while a version is running or failed.

#include <gtest/gtest.h>

#include <filesystem>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

MigrateOptions up_to(int64_t target) {
  MigrateOptions o;
  o.target = target;
  return o;
}

class MissingFiles : public ::testing::Test {
 protected:
  MissingFiles() {
    dir.write("V1__a.json", R"([{"createCollection": "a"}])");
    dir.write("U1__undo_a.json", R"([{"dropCollection": "a"}])");
    dir.write("V2__b.json", R"([{"createCollection": "b"}])");
    dir.write("U2__undo_b.json", R"([{"dropCollection": "b"}])");
  }

  exec::Engine engine() {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    c.lock_ttl = 6s;
    exec::Engine e(
        c, [this](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    e.heartbeat_thread = false;
    return e;
  }
  // Runs `command` on a fresh engine; the error it ended with, if any.
  template <typename F>
  std::optional<Error> run(F command) {
    auto e = engine();
    try {
      command(e);
      return std::nullopt;
    } catch (const Error& error) {
      return error;
    }
  }
  // `command` ran without an error (else the error, for the test's output).
  template <typename F>
  ::testing::AssertionResult ok(F command) {
    auto error = run(command);
    if (!error) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "exit " << static_cast<int>(error->code()) << ": " << error->what();
  }
  State state_of(int64_t version) {
    auto e = engine();
    for (const auto& v : exec::info(e).migrations) {
      if (v.version == version) return v.state;
    }
    ADD_FAILURE() << "no version " << version;
    return State::pending;
  }
  // V1 and V2 applied, then V1's files deleted.
  void apply_both_then_lose_v1() {
    ASSERT_TRUE(ok([](exec::Engine& e) { exec::migrate(e, {}); }));
    std::filesystem::remove(dir.path() / "V1__a.json");
    std::filesystem::remove(dir.path() / "U1__undo_a.json");
  }

  TempDir dir;
  FakeServer fake;
};

TEST_F(MissingFiles, RepairWithoutMarkDeletedOnlyWarnsAndWritesNothing) {
  apply_both_then_lose_v1();
  const size_t entries = fake.entries().size();
  RepairResult result;
  ASSERT_TRUE(ok([&](exec::Engine& e) { result = exec::repair(e, {}); }));
  EXPECT_TRUE(result.changes.empty());
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_TRUE(contains(result.warnings[0].message, "`mongoway repair --mark-deleted`")) << result.warnings[0].message;
  EXPECT_EQ(fake.entries().size(), entries);
  EXPECT_EQ(state_of(1), State::missing);
}

TEST_F(MissingFiles, ADryRunListsTheVersionsItWouldMarkAndWritesNothing) {
  apply_both_then_lose_v1();
  const size_t entries = fake.entries().size();
  RepairResult result;
  ASSERT_TRUE(ok([&](exec::Engine& e) { result = exec::repair(e, RepairOptions{true, true}); }));
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_TRUE(contains(result.changes[0], "mark version 1 (V1__a.json) as deleted")) << result.changes[0];
  EXPECT_EQ(fake.entries().size(), entries);
  EXPECT_TRUE(fake.requests_of("insert_lease").size() == 1u) << "only migrate took the lock";
}

TEST_F(MissingFiles, MarkDeletedAppendsADeletedEntryWithTheAppliedChecksumUnderTheLock) {
  apply_both_then_lose_v1();
  const auto applied = fake.entries().at(0);
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::repair(e, RepairOptions{false, true}); }));
  const auto entries = fake.entries();
  ASSERT_EQ(entries.size(), 3u);
  const auto& deleted = entries.back();
  EXPECT_EQ(deleted.type, model::EntryType::deleted);
  EXPECT_EQ(deleted.version, 1);
  EXPECT_EQ(deleted.rank, 3);
  EXPECT_EQ(deleted.checksum, applied.checksum);
  EXPECT_EQ(deleted.script, "V1__a.json");
  EXPECT_TRUE(deleted.success && deleted.finished);
  EXPECT_EQ(deleted.lease, fake.leases().back().id) << "written under the lock repair took";
  EXPECT_EQ(entries[0].repaired, false) << "the history is only appended to";

  EXPECT_EQ(state_of(1), State::deleted);
  ValidateResult valid;
  ASSERT_TRUE(ok([&](exec::Engine& e) { valid = exec::validate(e); }));
  EXPECT_TRUE(valid.ok);
  // Nothing more to mark the second time.
  RepairResult again;
  ASSERT_TRUE(ok([&](exec::Engine& e) { again = exec::repair(e, RepairOptions{true, true}); }));
  EXPECT_TRUE(again.changes.empty());
}

TEST_F(MissingFiles, ADeletedVersionIsNeitherRunAgainNorUndone) {
  apply_both_then_lose_v1();
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::repair(e, RepairOptions{false, true}); }));
  dir.write("V3__c.json", R"([{"createCollection": "c"}])");
  dir.write("U3__undo_c.json", R"([{"dropCollection": "c"}])");
  RunResult migrated;
  ASSERT_TRUE(ok([&](exec::Engine& e) { migrated = exec::migrate(e, {}); }));
  ASSERT_EQ(migrated.steps.size(), 1u);
  EXPECT_EQ(migrated.steps[0].version, 3);
  auto refused = run([](exec::Engine& e) { exec::undo(e, UndoOptions{0, std::nullopt, false}); });
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(refused->what(), "version 1 was marked deleted")) << refused->what();
  EXPECT_EQ(fake.requests_of("send:drop").size(), 0u) << "refused before anything is undone";
  RunResult undone;
  ASSERT_TRUE(ok([&](exec::Engine& e) { undone = exec::undo(e, UndoOptions{1, std::nullopt, false}); }));
  ASSERT_EQ(undone.steps.size(), 2u) << "down to the deleted version, as the refusal said";
  EXPECT_EQ(undone.to_version, 1);
  EXPECT_EQ(fake.requests_of("send:drop").size(), 2u);
}

TEST_F(MissingFiles, AFileBackWithItsChecksumIsAppliedAgain) {
  apply_both_then_lose_v1();
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::repair(e, RepairOptions{false, true}); }));
  dir.write("V1__a.json", R"([{"createCollection": "a"}])");
  EXPECT_EQ(state_of(1), State::applied);
  dir.write("V1__a.json", R"([{"createCollection": "changed"}])");
  ValidateResult result;
  ASSERT_TRUE(ok([&](exec::Engine& e) { result = exec::validate(e); }));
  EXPECT_FALSE(result.ok);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_TRUE(contains(result.problems[0].message, "checksum changed since version 1 was applied"));
}

TEST_F(MissingFiles, ValidateFailsWhileAVersionIsRunningUnderALiveLease) {
  // A run cut short in V2 whose lease is still live: V2 is running.
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::migrate(e, up_to(1)); }));
  const int64_t now = fake.time_ms();
  // Live for longer than migrate waits for the lock (--lock-timeout).
  fake.put_lease(port::Lease{50, "deploy@ci:7", "t", now, now + 600000, false, {}, 0});
  model::RunRecord cut;
  cut.lease = 50;
  cut.first_rank = 2;
  cut.steps = {{2, "b", "V2__b.json", "sha256:x"}};
  fake.record_run(cut);
  ValidateResult result;
  ASSERT_TRUE(ok([&](exec::Engine& e) { result = exec::validate(e); }));
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_TRUE(contains(result.problems[0].message, "version 2 is running")) << result.problems[0].message;
  // migrate's own validation does not refuse it: it waits for the lock.
  auto waited = run([](exec::Engine& e) { exec::migrate(e, {}); });
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->code(), ExitCode::lock) << waited->what();
}

// --- remove

TEST_F(MissingFiles, RemoveDeletesBothFilesOfAVersionAboveTheHistoryAndNothingElse) {
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::migrate(e, up_to(1)); }));
  const auto requests = fake.requests().size();
  RemoveResult dry;
  ASSERT_TRUE(ok([&](exec::Engine& e) { dry = exec::remove_versions(e, RemoveOptions{2, true}); }));
  ASSERT_EQ(dry.removed.size(), 1u);
  EXPECT_EQ(dry.removed[0].files.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "V2__b.json")) << "a dry run deletes nothing";
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::remove_versions(e, RemoveOptions{2, false}); }));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "V2__b.json"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "U2__undo_b.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "V1__a.json"));
  for (size_t i = requests; i < fake.requests().size(); ++i) {
    const auto& op = fake.requests()[i].op;
    EXPECT_TRUE(op == "read_log" || op == "read_runs" || op == "newest_lease" || op == "time") << op;
  }
}

TEST_F(MissingFiles, RemoveRefusesAnAppliedVersionAndKeepsItsFiles) {
  ASSERT_TRUE(ok([](exec::Engine& e) { exec::migrate(e, up_to(1)); }));
  auto refused = run([](exec::Engine& e) { exec::remove_versions(e, RemoveOptions{1, false}); });
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(refused->what(), "cannot remove version 1: it is in the history")) << refused->what();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "V1__a.json"));
}

TEST_F(MissingFiles, RemoveRefusesWhileAnotherProcessHoldsTheLock) {
  const int64_t now = fake.time_ms();
  fake.put_lease(port::Lease{9, "deploy@ci:7", "t", now, now + 60000, false, {}, 0});
  auto refused = run([](exec::Engine& e) { exec::remove_versions(e, RemoveOptions{std::nullopt, false}); });
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), ExitCode::lock);
  EXPECT_TRUE(contains(refused->what(), "deploy@ci:7")) << refused->what();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "V2__b.json"));
}

}  // namespace
}  // namespace mongoway::testing
