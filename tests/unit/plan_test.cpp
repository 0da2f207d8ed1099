// Pure planning: every state and target rule, without a server.

#include <gtest/gtest.h>

#include <functional>

#include "plan/plan.hpp"

namespace mongoway::plan {
namespace {

using model::EntryType;
using model::HistoryEntry;

std::vector<FileVersion> files(std::initializer_list<int64_t> versions, bool undoable = true) {
  std::vector<FileVersion> out;
  for (auto v : versions) {
    out.push_back(FileVersion{v, "d" + std::to_string(v), "V" + std::to_string(v) + "__d.json",
                              "sha256:" + std::to_string(v), undoable, ""});
  }
  return out;
}

struct Log {
  std::vector<HistoryEntry> entries;
  Log& add(int64_t version, EntryType type, bool success = true, bool finished = true, int64_t lease = 1,
           std::string checksum = "") {
    HistoryEntry e;
    e.rank = static_cast<int64_t>(entries.size()) + 1;
    e.version = version;
    e.type = type;
    e.success = success;
    e.finished = finished;
    e.lease = lease;
    e.checksum = checksum.empty() ? "sha256:" + std::to_string(version) : checksum;
    e.script = "V" + std::to_string(version) + "__d.json";
    entries.push_back(e);
    return *this;
  }
  Log& migrate(std::initializer_list<int64_t> versions) {
    for (auto v : versions) add(v, EntryType::migrate);
    return *this;
  }
};

State state_of(const Status& s, int64_t version) {
  const auto* v = s.find(version);
  EXPECT_NE(v, nullptr) << "version " << version;
  return v ? v->state : State::pending;
}

TEST(PlanStatus, EmptyHistoryIsAllPending) {
  auto s = compute_status(files({1, 2, 3}), {}, std::nullopt);
  EXPECT_EQ(s.current_version, 0);
  EXPECT_FALSE(s.has_history);
  EXPECT_EQ(s.next_rank, 1);
  for (auto v : {1, 2, 3}) EXPECT_EQ(state_of(s, v), State::pending);
}

TEST(PlanStatus, AppliedPendingAndCurrent) {
  auto s = compute_status(files({1, 2, 3}), Log().migrate({1, 2}).entries, std::nullopt);
  EXPECT_EQ(s.current_version, 2);
  EXPECT_EQ(state_of(s, 1), State::applied);
  EXPECT_EQ(state_of(s, 2), State::applied);
  EXPECT_EQ(state_of(s, 3), State::pending);
  EXPECT_EQ(s.next_rank, 3);
}

TEST(PlanStatus, UndoneVersionRunsAgain) {
  auto log = Log().migrate({1, 2}).add(2, EntryType::undo);
  auto s = compute_status(files({1, 2}), log.entries, std::nullopt);
  EXPECT_EQ(s.current_version, 1);
  EXPECT_EQ(state_of(s, 2), State::undone);
  auto p = plan_migrate(s, std::nullopt, std::nullopt, false);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{2}));
}

TEST(PlanStatus, FailedAndRunningDependOnTheLiveLease) {
  auto log = Log().migrate({1}).add(2, EntryType::migrate, false, false, 7);
  EXPECT_EQ(state_of(compute_status(files({1, 2}), log.entries, std::nullopt), 2), State::failed);
  EXPECT_EQ(state_of(compute_status(files({1, 2}), log.entries, 7), 2), State::running);
  EXPECT_EQ(state_of(compute_status(files({1, 2}), log.entries, 8), 2), State::failed);
  auto failed = Log().migrate({1}).add(2, EntryType::migrate, false, true);
  auto s = compute_status(files({1, 2}), failed.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::failed);
  EXPECT_EQ(s.current_version, 1);
}

// A version cut inside its batched command (command 2, 1,200 of 3,000 done).
Log cut_in_batches(EntryType type, int64_t lease = 7) {
  auto log = Log().migrate({1, 2});
  log.add(type == EntryType::undo ? 2 : 3, type, false, false, lease);
  model::Checkpoint cp;
  cp.rank = log.entries.back().rank;
  cp.version = log.entries.back().version;
  cp.command = 2;
  cp.done = 1200;
  cp.total = 3000;
  log.entries.back().checkpoint = cp;
  return log;
}

TEST(PlanStatus, CutInsideABatchedCommandIsResumableNotFailed) {
  const auto log = cut_in_batches(EntryType::migrate);
  const auto s = compute_status(files({1, 2, 3}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 3), State::resumable);
  ASSERT_TRUE(s.find(3)->resume);
  EXPECT_EQ(model::describe_progress(*s.find(3)->resume), "1,200 of about 3,000 (40%)");
  EXPECT_EQ(s.current_version, 2);
  EXPECT_EQ(state_of(compute_status(files({1, 2, 3}), log.entries, 7), 3), State::running) << "its lease is live";
}

TEST(PlanMigrate, AResumableVersionIsPlannedWithItsCheckpoint) {
  const auto s = compute_status(files({1, 2, 3}), cut_in_batches(EntryType::migrate).entries, std::nullopt);
  const auto p = plan_migrate(s, std::nullopt, std::nullopt, false);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{3}));
  ASSERT_EQ(p.resume.count(3), 1u);
  EXPECT_EQ(p.resume.at(3).from.done, 1200);
  EXPECT_EQ(p.resume.at(3).checksum, "sha256:3");
  EXPECT_TRUE(plan::check_history(s).empty()) << "no repair asked for";
}

TEST(PlanUndo, AResumableUndoIsPlannedByUndoAndBlocksMigrate) {
  const auto s = compute_status(files({1, 2, 3}), cut_in_batches(EntryType::undo).entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::resumable);
  EXPECT_EQ(s.current_version, 2) << "applied until its undo ends";
  const auto p = plan_undo(s, std::nullopt, std::nullopt);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{2}));
  EXPECT_EQ(p.resume.count(2), 1u);
  EXPECT_THROW(plan_migrate(s, std::nullopt, std::nullopt, false), Error);
}

TEST(PlanValidate, AResumableVersionFailsValidationSayingHowToFinishIt) {
  const auto s = compute_status(files({1, 2, 3}), cut_in_batches(EntryType::migrate).entries, std::nullopt);
  const auto problems = plan::check_running(s);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("finish it with `mongoway migrate`"), std::string::npos) << problems[0].message;
}

TEST(PlanStatus, RepairedFailureIsPendingAgain) {
  auto log = Log().migrate({1}).add(2, EntryType::migrate, false, true);
  log.entries.back().repaired = true;
  auto s = compute_status(files({1, 2}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::pending);
  EXPECT_EQ(plan_migrate(s, std::nullopt, std::nullopt, false).versions, (std::vector<int64_t>{2}));
}

TEST(PlanStatus, MissingAndFuture) {
  auto s = compute_status(files({1, 3}), Log().migrate({1, 2, 3, 4}).entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::missing);
  EXPECT_EQ(state_of(s, 4), State::future);
  EXPECT_EQ(s.current_version, 4);
}

TEST(PlanStatus, BaselineCoversLowerVersions) {
  auto s = compute_status(files({1, 2, 3, 4}), Log().add(2, EntryType::baseline).entries, std::nullopt);
  EXPECT_EQ(s.current_version, 2);
  EXPECT_EQ(state_of(s, 1), State::baseline);
  EXPECT_EQ(state_of(s, 2), State::baseline);
  EXPECT_EQ(state_of(s, 3), State::pending);
  EXPECT_EQ(plan_migrate(s, std::nullopt, std::nullopt, false).versions, (std::vector<int64_t>{3, 4}));
  EXPECT_THROW(plan_undo(s, 1, std::nullopt), Error);
}

TEST(PlanStatus, IgnoredBelowCurrentNeedsOutOfOrder) {
  auto s = compute_status(files({1, 2, 3}), Log().migrate({1, 3}).entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::ignored);
  try {
    plan_migrate(s, std::nullopt, std::nullopt, false);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("--out-of-order"), std::string::npos) << e.what();
  }
  EXPECT_EQ(plan_migrate(s, std::nullopt, std::nullopt, true).versions, (std::vector<int64_t>{2}));
}

TEST(PlanStatus, RepairEntryRealignsChecksum) {
  auto log = Log().migrate({1});
  log.entries[0].checksum = "sha256:old";
  auto drift = compute_status(files({1}), log.entries, std::nullopt);
  auto problems = check_history(drift);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("recorded sha256:old, file sha256:1"), std::string::npos) << problems[0].message;
  log.add(1, EntryType::repair, true, true, 1, "sha256:1");
  auto fixed = compute_status(files({1}), log.entries, std::nullopt);
  EXPECT_TRUE(check_history(fixed).empty());
  EXPECT_EQ(state_of(fixed, 1), State::applied);
}

TEST(PlanMigrate, TargetAndSteps) {
  auto s = compute_status(files({1, 2, 3, 4, 5}), Log().migrate({1}).entries, std::nullopt);
  EXPECT_EQ(plan_migrate(s, 3, std::nullopt, false).versions, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(plan_migrate(s, 3, std::nullopt, false).to_version, 3);
  EXPECT_EQ(plan_migrate(s, std::nullopt, 2, false).versions, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(plan_migrate(s, 1, std::nullopt, false).versions, (std::vector<int64_t>{}));
}

TEST(PlanMigrate, TargetBelowCurrentPointsToUndo) {
  auto s = compute_status(files({1, 2, 3}), Log().migrate({1, 2, 3}).entries, std::nullopt);
  try {
    plan_migrate(s, 1, std::nullopt, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("mongoway undo --target 1"), std::string::npos) << e.what();
  }
}

TEST(PlanMigrate, UnknownTarget) {
  auto s = compute_status(files({1, 2}), {}, std::nullopt);
  EXPECT_THROW(plan_migrate(s, 7, std::nullopt, false), Error);
}

TEST(PlanMigrate, AVersionRunningElsewhereIsPlannedSoTheCallerWaitsForTheLock) {
  auto log = Log().migrate({1}).add(2, EntryType::migrate, false, false, 9);
  auto s = compute_status(files({1, 2, 3}), log.entries, 9);
  EXPECT_EQ(plan_migrate(s, std::nullopt, std::nullopt, false).versions, (std::vector<int64_t>{2, 3}));
}

TEST(PlanMigrate, FailedVersionBlocks) {
  auto s = compute_status(files({1, 2}), Log().add(1, EntryType::migrate, false).entries, std::nullopt);
  try {
    plan_migrate(s, std::nullopt, std::nullopt, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("mongoway repair"), std::string::npos);
  }
}

std::string message_of(const std::function<void()>& run, ExitCode expected) {
  try {
    run();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlanGoto, AboveTheCurrentVersionAppliesThePendingVersionsUpToIt) {
  auto s = compute_status(files({1, 2, 3, 4}), Log().migrate({1}).entries, std::nullopt);
  auto p = plan_goto(s, 3, false);
  EXPECT_EQ(p.direction, Direction::migrate);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(p.from_version, 1);
  EXPECT_EQ(p.to_version, 3);
}

TEST(PlanGoto, BelowTheCurrentVersionUndoesNewestFirstDownToIt) {
  auto s = compute_status(files({1, 2, 3, 4}), Log().migrate({1, 2, 3, 4}).entries, std::nullopt);
  auto p = plan_goto(s, 2, true);
  EXPECT_EQ(p.direction, Direction::undo);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(p.to_version, 2);
  EXPECT_EQ(plan_goto(s, 0, true).versions, (std::vector<int64_t>{4, 3, 2, 1}));
}

TEST(PlanGoto, TheCurrentVersionIsNothingToDo) {
  auto s = compute_status(files({1, 2, 3}), Log().migrate({1, 2}).entries, std::nullopt);
  EXPECT_TRUE(plan_goto(s, 2, false).versions.empty());
}

TEST(PlanGoto, GoingDownWithoutAllowUndoIsRefusedNamingWhatItWouldUndo) {
  auto s = compute_status(files({1, 2, 3}), Log().migrate({1, 2, 3}).entries, std::nullopt);
  auto message = message_of([&] { plan_goto(s, 1, false); }, ExitCode::usage);
  EXPECT_TRUE(contains(message, "goto 1 would undo versions 3, 2")) << message;
  EXPECT_TRUE(contains(message, "--allow-undo")) << message;
}

TEST(PlanGoto, AnUndoFileMissingOnTheWayRefusesTheWholeRun) {
  auto f = files({1, 2, 3});
  f[1].undoable = false;  // V2 has no U file
  auto s = compute_status(f, Log().migrate({1, 2, 3}).entries, std::nullopt);
  auto message = message_of([&] { plan_goto(s, 0, true); }, ExitCode::invalid);
  EXPECT_TRUE(contains(message, "version 2 has no undo file")) << message;
  EXPECT_EQ(plan_goto(s, 2, true).versions, (std::vector<int64_t>{3}));
}

TEST(PlanGoto, TheVersionMustBeZeroOrKnownToTheFilesOrTheHistory) {
  auto s = compute_status(files({1, 2}), Log().migrate({1, 2, 5}).entries, std::nullopt);
  auto message = message_of([&] { plan_goto(s, 7, false); }, ExitCode::usage);
  EXPECT_TRUE(contains(message, "no migration file or history entry has version 7 (the latest is 5)")) << message;
  message_of([&] { plan_goto(s, -1, true); }, ExitCode::usage);
  // Version 5 is known from the history alone (its file is gone): it is the current version.
  EXPECT_TRUE(plan_goto(s, 5, false).versions.empty());
}

TEST(PlanGoto, AVersionBelowTheCurrentOneThatIsNotAppliedCannotBeReachedByUndoing) {
  auto log = Log().migrate({1, 3});  // 2 is ignored (pending below the current version)
  auto s = compute_status(files({1, 2, 3}), log.entries, std::nullopt);
  auto message = message_of([&] { plan_goto(s, 2, true); }, ExitCode::usage);
  EXPECT_TRUE(contains(message, "version 2 is ignored, not applied")) << message;
  EXPECT_TRUE(contains(message, "mongoway goto 1 --allow-undo")) << message;
}

TEST(PlanGoto, AFailedVersionBlocksBothWays) {
  auto log = Log().migrate({1, 2}).add(3, EntryType::migrate, false);
  auto s = compute_status(files({1, 2, 3, 4}), log.entries, std::nullopt);
  message_of([&] { plan_goto(s, 4, false); }, ExitCode::invalid);
  message_of([&] { plan_goto(s, 1, true); }, ExitCode::invalid);
}

TEST(PlanUndo, DefaultIsOneStepAndTargetGoesDown) {
  auto s = compute_status(files({1, 2, 3, 4}), Log().migrate({1, 2, 3, 4}).entries, std::nullopt);
  auto one = plan_undo(s, std::nullopt, std::nullopt);
  EXPECT_EQ(one.versions, (std::vector<int64_t>{4}));
  EXPECT_EQ(one.to_version, 3);
  auto down = plan_undo(s, 1, std::nullopt);
  EXPECT_EQ(down.versions, (std::vector<int64_t>{4, 3, 2}));
  EXPECT_EQ(down.to_version, 1);
  auto all = plan_undo(s, 0, std::nullopt);
  EXPECT_EQ(all.versions, (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(all.to_version, 0);
  EXPECT_EQ(plan_undo(s, std::nullopt, 2).versions, (std::vector<int64_t>{4, 3}));
  EXPECT_THROW(plan_undo(s, 9, std::nullopt), Error);
}

TEST(PlanUndo, RefusesBeforeAnythingWhenAnUndoFileIsMissing) {
  auto f = files({1, 2, 3});
  f[1].undoable = false;  // V2 has no U file
  auto s = compute_status(f, Log().migrate({1, 2, 3}).entries, std::nullopt);
  try {
    plan_undo(s, 0, std::nullopt);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("version 2 has no undo file"), std::string::npos) << e.what();
  }
  EXPECT_EQ(plan_undo(s, 2, std::nullopt).versions, (std::vector<int64_t>{3}));
}

TEST(PlanUndo, SkipsVersionsAlreadyUndone) {
  auto log = Log().migrate({1, 2, 3}).add(3, EntryType::undo);
  auto s = compute_status(files({1, 2, 3}), log.entries, std::nullopt);
  EXPECT_EQ(s.current_version, 2);
  EXPECT_EQ(plan_undo(s, std::nullopt, std::nullopt).versions, (std::vector<int64_t>{2}));
}

// The message of the Error `f` throws ("" when it throws none).
template <typename F>
std::string refusal(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlanDeleted, MissingFileAsksForRepairMarkDeleted) {
  auto s = compute_status(files({2}), Log().migrate({1, 2}).entries, std::nullopt);
  auto problems = check_history(s);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems[0].message, "`mongoway repair --mark-deleted`")) << problems[0].message;
}

TEST(PlanDeleted, DeletedVersionStaysAppliedAndNeverRunsAgain) {
  auto log = Log().migrate({1, 2}).add(1, EntryType::deleted);
  auto s = compute_status(files({2, 3}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 1), State::deleted);
  EXPECT_EQ(s.current_version, 2);
  EXPECT_TRUE(check_history(s).empty());
  EXPECT_EQ(plan_migrate(s, std::nullopt, std::nullopt, false).versions, (std::vector<int64_t>{3}));
}

TEST(PlanDeleted, TheHighestVersionDeletedIsStillTheCurrentOne) {
  auto log = Log().migrate({1, 2}).add(2, EntryType::deleted);
  auto s = compute_status(files({1}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 2), State::deleted);
  EXPECT_EQ(s.current_version, 2);
  EXPECT_TRUE(plan_migrate(s, std::nullopt, std::nullopt, false).versions.empty());
}

// A reader that does not know the `deleted` type reads it as `migrate`
// (entry_type_from_string's callers default to it, as every earlier
// mongoway did): the version must then read as it did before it was marked.
TEST(PlanDeleted, ReadAsAMigrateByAnOlderReaderTheVersionIsUnchanged) {
  auto before = compute_status(files({2}), Log().migrate({1, 2}).entries, std::nullopt);
  auto log = Log().migrate({1, 2}).add(1, EntryType::deleted);
  log.entries.back().type = EntryType::migrate;
  auto older = compute_status(files({2}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(older, 1), State::missing);
  EXPECT_EQ(older.find(1)->recorded_checksum, before.find(1)->recorded_checksum);
  EXPECT_EQ(older.current_version, before.current_version);
  EXPECT_EQ(check_history(older).size(), check_history(before).size());
}

TEST(PlanDeleted, FileBackWithItsChecksumIsAppliedAgain) {
  auto log = Log().migrate({1, 2}).add(1, EntryType::deleted);
  auto s = compute_status(files({1, 2}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 1), State::applied);
  EXPECT_TRUE(check_history(s).empty());
  auto changed = files({1, 2});
  changed[0].checksum = "sha256:other";
  auto problems = check_history(compute_status(changed, log.entries, std::nullopt));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems[0].message, "checksum changed since version 1 was applied")) << problems[0].message;
}

TEST(PlanDeleted, UndoStopsAboveADeletedVersion) {
  auto log = Log().migrate({1, 2, 3}).add(2, EntryType::deleted);
  auto s = compute_status(files({1, 3}), log.entries, std::nullopt);
  auto message = refusal([&] { plan_undo(s, 0, std::nullopt); });
  EXPECT_TRUE(mentions(message, "version 2 was marked deleted")) << message;
  EXPECT_TRUE(mentions(message, "`--target 2`")) << message;
  EXPECT_TRUE(mentions(refusal([&] { plan_undo(s, std::nullopt, 2); }), "version 2 was marked deleted"));
  auto one = plan_undo(s, std::nullopt, std::nullopt);
  EXPECT_EQ(one.versions, (std::vector<int64_t>{3}));
  EXPECT_EQ(one.to_version, 2);
}

TEST(PlanValidate, RunningAndFailedVersionsFailValidation) {
  auto log = Log().migrate({1}).add(2, EntryType::migrate, false, false, 7);
  auto live = compute_status(files({1, 2}), log.entries, 7);
  EXPECT_TRUE(check_history(live).empty()) << "migrate waits for the lock rather than refusing";
  auto running = check_running(live);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_TRUE(running[0].is_error());
  EXPECT_TRUE(mentions(running[0].message, "version 2 is running")) << running[0].message;
  EXPECT_TRUE(mentions(running[0].message, "wait for it to end")) << running[0].message;
  auto failed = check_history(compute_status(files({1, 2}), log.entries, std::nullopt));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_TRUE(mentions(failed[0].message, "version 2 is failed")) << failed[0].message;
  EXPECT_TRUE(mentions(failed[0].message, "`mongoway repair`")) << failed[0].message;
}

TEST(PlanRemove, AllPendingAboveTheHistoryFromTheTopDown) {
  auto s = compute_status(files({1, 2, 3, 4, 5}), Log().migrate({1, 3}).entries, std::nullopt);
  EXPECT_EQ(plan_remove(s, std::nullopt), (std::vector<int64_t>{5, 4}));
  EXPECT_EQ(plan_remove(s, 5), (std::vector<int64_t>{5}));
  EXPECT_EQ(plan_remove(compute_status(files({1, 2}), {}, std::nullopt), std::nullopt), (std::vector<int64_t>{2, 1}));
}

TEST(PlanRemove, RefusesAVersionInTheHistoryOrBelowOne) {
  auto s = compute_status(files({1, 2, 3, 4}), Log().migrate({1, 3}).entries, std::nullopt);
  EXPECT_TRUE(mentions(refusal([&] { plan_remove(s, 3); }), "it is in the history (state applied)"));
  auto below = refusal([&] { plan_remove(s, 2); });
  EXPECT_TRUE(mentions(below, "version 3 above it is in the history")) << below;
  EXPECT_TRUE(mentions(refusal([&] { plan_remove(s, 9); }), "no migration file has version 9"));
}

TEST(PlanRemove, ARepairedEntryIsStillAnEntry) {
  auto log = Log().migrate({1}).add(3, EntryType::migrate, false, true);
  log.entries.back().repaired = true;
  auto s = compute_status(files({1, 2, 3, 4}), log.entries, std::nullopt);
  EXPECT_EQ(state_of(s, 3), State::pending);
  EXPECT_TRUE(mentions(refusal([&] { plan_remove(s, 3); }), "it is in the history"));
  EXPECT_EQ(plan_remove(s, std::nullopt), (std::vector<int64_t>{4}));
  // The file of a repaired version gone, its entry still counts.
  auto gone = compute_status(files({1, 2}), log.entries, std::nullopt);
  EXPECT_TRUE(plan_remove(gone, std::nullopt).empty());
}

}  // namespace
}  // namespace mongoway::plan

namespace mongoway::plan {
namespace {

// A log whose migrate entries record what they created, as mongoway writes them now.
Log recorded(std::initializer_list<int64_t> versions) {
  Log log;
  for (auto v : versions) {
    log.add(v, EntryType::migrate);
    log.entries.back().created = model::Created{
        {{model::Creation::Kind::collection, 1, "c" + std::to_string(v), "", 0}}, ""};
  }
  return log;
}

const VersionStatus& version_of(const Status& s, int64_t version) {
  const auto* v = s.find(version);
  if (v == nullptr) throw std::runtime_error("no version " + std::to_string(version));
  return *v;
}

TEST(PlanDerivedUndo, AReversibleVersionThatRecordedWhatItCreatedIsUndoneByDerivation) {
  auto s = compute_status(files({1, 2}, false), recorded({1, 2}).entries, std::nullopt);
  EXPECT_EQ(version_of(s, 2).undo, UndoKind::derived);
  EXPECT_TRUE(version_of(s, 2).undoable);
  auto p = plan_undo(s, 0, std::nullopt);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{2, 1}));
  ASSERT_EQ(p.derived.count(2), 1u);
  EXPECT_EQ(p.derived.at(2).items.at(0).collection, "c2");
  EXPECT_EQ(p.derived.count(1), 1u);
}

TEST(PlanDerivedUndo, AnUndoFileWins) {
  auto s = compute_status(files({1}, true), recorded({1}).entries, std::nullopt);
  EXPECT_EQ(version_of(s, 1).undo, UndoKind::file);
  EXPECT_TRUE(plan_undo(s, std::nullopt, std::nullopt).derived.empty());
}

TEST(PlanDerivedUndo, APendingReversibleVersionWillHaveOne) {
  auto s = compute_status(files({1}, false), {}, std::nullopt);
  EXPECT_EQ(version_of(s, 1).undo, UndoKind::derived);
}

TEST(PlanDerivedUndo, AVersionAppliedBeforeTheRecordExistedHasNoneAndSaysWhy) {
  auto s = compute_status(files({1}, false), Log().migrate({1}).entries, std::nullopt);
  EXPECT_EQ(version_of(s, 1).undo, UndoKind::none);
  EXPECT_FALSE(version_of(s, 1).undoable);
  EXPECT_EQ(version_of(s, 1).no_undo, "it was applied before mongoway recorded what versions create");
  auto message = message_of([&] { plan_undo(s, std::nullopt, std::nullopt); }, ExitCode::invalid);
  EXPECT_TRUE(contains(message, "version 1 has no undo file (U1__undo_*.json) and no derived undo: it was applied "
                                "before mongoway recorded what versions create"))
      << message;
}

TEST(PlanDerivedUndo, AnIrreversibleCommandRefusesTheUndoNamingIt) {
  auto f = files({1, 2}, false);
  f[1].irreversible = "V2__d.json:3:5: command 2 (updateMany) is not reversible: …";
  auto s = compute_status(f, recorded({1, 2}).entries, std::nullopt);
  EXPECT_EQ(version_of(s, 2).undo, UndoKind::none);
  EXPECT_EQ(version_of(s, 1).undo, UndoKind::derived);
  auto message = message_of([&] { plan_undo(s, 0, std::nullopt); }, ExitCode::invalid);
  EXPECT_TRUE(contains(message, "command 2 (updateMany) is not reversible")) << message;
  // goto downwards plans the same way
  message = message_of([&] { plan_goto(s, 0, true); }, ExitCode::invalid);
  EXPECT_TRUE(contains(message, "command 2 (updateMany) is not reversible")) << message;
}

TEST(PlanDerivedUndo, ARecordThatSaysItCannotBeDerivedHasNone) {
  auto log = recorded({1});
  log.entries.back().created->not_derivable = "command 1 (insertMany) inserted 2 of the 3 documents it sent";
  auto s = compute_status(files({1}, false), log.entries, std::nullopt);
  EXPECT_EQ(version_of(s, 1).no_undo, "command 1 (insertMany) inserted 2 of the 3 documents it sent");
}

TEST(PlanDerivedUndo, TheLastMigrateOfAVersionIsTheOneItUndoes) {
  auto log = recorded({1});
  log.add(1, EntryType::undo).add(1, EntryType::migrate);  // applied again, by a mongoway that did not record
  auto s = compute_status(files({1}, false), log.entries, std::nullopt);
  EXPECT_EQ(version_of(s, 1).undo, UndoKind::none);
}

TEST(PlanDerivedUndo, GotoDownwardsUsesTheDerivedUndo) {
  auto s = compute_status(files({1, 2, 3}, false), recorded({1, 2, 3}).entries, std::nullopt);
  auto p = plan_goto(s, 1, true);
  EXPECT_EQ(p.versions, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(p.derived.size(), 2u);
}

}  // namespace
}  // namespace mongoway::plan
