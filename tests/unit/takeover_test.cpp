// Taking over another tool's history, judged from documents alone (no
// server): golang-migrate's {version, dirty}, migrate-mongo's changelog and
// Flyway's schema history, every refusal, and the check against the files;
// then `baseline --from` on the fake server, which only ever reads them.

#include <gtest/gtest.h>

#include <stdexcept>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/takeover/takeover.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using exec::takeover::Reached;
using exec::takeover::Record;

bson::Document doc(const std::string& json) {
  std::string error;
  auto d = bson::Document::from_json(json, &error);
  if (!d) throw std::runtime_error("bad JSON in test: " + error + ": " + json);
  return std::move(*d);
}

Record record_of(OtherTool tool, const std::vector<std::string>& documents,
                 const std::vector<std::string>& locks = {}) {
  Record r;
  r.tool = tool;
  r.database = "shop";
  r.collection = exec::takeover::default_collection(tool);
  r.lock_collection = exec::takeover::default_lock_collection(tool);
  r.exists = true;
  for (const auto& d : documents) r.documents.push_back(doc(d));
  for (const auto& d : locks) r.locks.push_back(doc(d));
  return r;
}

Record golang(const std::vector<std::string>& documents, const std::vector<std::string>& locks = {}) {
  return record_of(OtherTool::golang_migrate, documents, locks);
}
Record migrate_mongo(const std::vector<std::string>& documents, const std::vector<std::string>& locks = {}) {
  return record_of(OtherTool::migrate_mongo, documents, locks);
}
Record flyway(const std::vector<std::string>& documents) { return record_of(OtherTool::flyway, documents); }

// A row of Flyway's schema history.
std::string row(int rank, const std::string& version, const std::string& type = "SCRIPT", bool success = true) {
  return "{\"installed_rank\": " + std::to_string(rank) + ", \"version\": " + version +
         ", \"description\": \"d\", \"type\": \"" + type + "\", \"script\": \"s" + std::to_string(rank) +
         "\", \"checksum\": 1, \"installed_by\": \"ops\", \"installed_on\": {\"$date\": \"2024-01-31T12:00:00Z\"}, "
         "\"execution_time\": 5, \"success\": " +
         (success ? "true" : "false") + "}";
}

// The message of the refusal, or a failure when there is none.
std::string refusal(const Record& record) {
  try {
    const Reached reached = exec::takeover::read_record(record);
    ADD_FAILURE() << "not refused: read version " << reached.version;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid) << e.what();
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

#define EXPECT_REFUSED(record, words)                 \
  do {                                                \
    const std::string message = refusal(record);      \
    EXPECT_TRUE(contains(message, words)) << message; \
  } while (0)

// --- every tool

TEST(TakeOver, AMissingCollectionIsRefusedNamingIt) {
  Record r = golang({});
  r.exists = false;
  EXPECT_REFUSED(r, "cannot take over golang-migrate's history: database shop has no collection schema_migrations");
  EXPECT_REFUSED(r, "--from-collection");
}

TEST(TakeOver, AnEmptyCollectionIsNothingToTakeOver) {
  EXPECT_REFUSED(golang({}), "schema_migrations in database shop is empty");
  EXPECT_REFUSED(migrate_mongo({}), "changelog in database shop is empty");
  EXPECT_REFUSED(flyway({}), "flyway_schema_history in database shop is empty");
}

// --- golang-migrate

TEST(TakeOverGolangMigrate, AnInt32VersionIsTheVersion) {
  const auto reached = exec::takeover::read_record(golang({R"({"version": 5, "dirty": false})"}));
  EXPECT_EQ(reached.version, 5);
  EXPECT_EQ(reached.written, "5");
}

TEST(TakeOverGolangMigrate, AnInt64TimestampVersionIsTheVersion) {
  const auto reached = exec::takeover::read_record(
      golang({R"({"version": {"$numberLong": "20240131120000"}, "dirty": false})"}));
  EXPECT_EQ(reached.version, 20240131120000);
  EXPECT_EQ(reached.written, "20240131120000");
}

TEST(TakeOverGolangMigrate, AWholeDoubleIsReadAsGoReadsIt) {
  EXPECT_EQ(exec::takeover::read_record(golang({R"({"version": 7.0, "dirty": false})"})).version, 7);
  EXPECT_REFUSED(golang({R"({"version": 7.5, "dirty": false})"}), "its version in schema_migrations is a number");
}

TEST(TakeOverGolangMigrate, AMissingDirtyFlagIsClean) {
  EXPECT_EQ(exec::takeover::read_record(golang({R"({"version": 3})"})).version, 3);
}

TEST(TakeOverGolangMigrate, ADirtyVersionIsRefused) {
  EXPECT_REFUSED(golang({R"({"version": 4, "dirty": true})"}), "version 4 is dirty");
}

TEST(TakeOverGolangMigrate, VersionMinusOneMeansNothingApplied) {
  EXPECT_REFUSED(golang({R"({"version": -1, "dirty": false})"}), "its version is -1: every migration was undone");
}

TEST(TakeOverGolangMigrate, VersionZeroIsNoMongowayVersion) {
  EXPECT_REFUSED(golang({R"({"version": 0, "dirty": false})"}), "mongoway's versions start at 1");
}

TEST(TakeOverGolangMigrate, SeveralDocumentsAreRefused) {
  EXPECT_REFUSED(golang({R"({"version": 3, "dirty": false})", R"({"version": 4, "dirty": false})"}),
                 "holds 2 documents, where golang-migrate keeps one");
}

TEST(TakeOverGolangMigrate, AVersionThatIsNoNumberOrNoneIsRefused) {
  EXPECT_REFUSED(golang({R"({"version": "3", "dirty": false})"}), "is a string, where golang-migrate writes a whole");
  EXPECT_REFUSED(golang({R"({"dirty": false})"}), "has no version");
  EXPECT_REFUSED(golang({R"({"version": 3, "dirty": 1})"}), "its dirty flag");
}

TEST(TakeOverGolangMigrate, ItsAdvisoryLockIsRefused) {
  EXPECT_REFUSED(golang({R"({"version": 3, "dirty": false})"},
                        {R"({"locking_key": 0, "pid": 42, "hostname": "ci", "created_at": {"$date": 0}})"}),
                 "it holds its lock: migrate_advisory_lock in database shop has 1 document(s)");
}

// --- migrate-mongo

TEST(TakeOverMigrateMongo, TheHighestAppliedFilesPrefixIsTheVersion) {
  const auto reached = exec::takeover::read_record(migrate_mongo({
      R"({"fileName": "20240101000000-users.js", "appliedAt": {"$date": 0}, "migrationBlock": 1})",
      R"({"fileName": "20240301000000-orders.js", "appliedAt": {"$date": 0}, "migrationBlock": 2})",
      R"({"fileName": "20240201000000-index.js", "fileHash": "ab12", "appliedAt": {"$date": 0}, "migrationBlock": 2})",
  }));
  EXPECT_EQ(reached.version, 20240301000000);
  EXPECT_EQ(reached.written, "20240301000000-orders.js");
}

TEST(TakeOverMigrateMongo, ANameWithoutANumericPrefixIsRefusedNamingIt) {
  EXPECT_REFUSED(migrate_mongo({R"({"fileName": "1-users.js"})", R"({"fileName": "add-index.js"})"}),
                 "the applied file \"add-index.js\" has no numeric prefix");
  EXPECT_REFUSED(migrate_mongo({R"({"fileName": "0-users.js"})"}), "\"0-users.js\" has no numeric prefix");
}

TEST(TakeOverMigrateMongo, ADocumentWithoutAFileNameIsRefused) {
  EXPECT_REFUSED(migrate_mongo({R"({"appliedAt": {"$date": 0}})"}), "a document of changelog has no fileName");
}

TEST(TakeOverMigrateMongo, ItsLockIsRefused) {
  EXPECT_REFUSED(migrate_mongo({R"({"fileName": "1-users.js"})"}, {R"({"createdAt": {"$date": 0}})"}),
                 "changelog_lock in database shop has 1 document(s)");
}

TEST(TakeOverMigrateMongo, ALockCollectionOfAnotherNameIsTheOneRead) {
  Record r = migrate_mongo({R"({"fileName": "1-users.js"})"}, {R"({"createdAt": {"$date": 0}})"});
  r.lock_collection = "migrations_lock";
  EXPECT_REFUSED(r, "migrations_lock in database shop");
}

// --- Flyway

TEST(TakeOverFlyway, TheHighestAppliedVersionIsTheVersion) {
  const auto reached = exec::takeover::read_record(
      flyway({row(1, "\"0\"", "SCHEMA"), row(2, "\"1\"", "BASELINE"), row(3, "\"2\""), row(4, "\"10\"")}));
  EXPECT_EQ(reached.version, 10);
  EXPECT_EQ(reached.written, "10");
}

TEST(TakeOverFlyway, RowsAreWalkedInInstalledRankOrder) {
  // Stored out of order: the undo of 3 (rank 4) comes after 3 was applied (rank 3).
  const auto reached = exec::takeover::read_record(
      flyway({row(4, "\"3\"", "UNDO_SCRIPT"), row(1, "\"1\""), row(3, "\"3\""), row(2, "\"2\"")}));
  EXPECT_EQ(reached.version, 2);
}

TEST(TakeOverFlyway, AnUndoneVersionIsNotApplied) {
  EXPECT_EQ(
      exec::takeover::read_record(flyway({row(1, "\"1\""), row(2, "\"2\""), row(3, "\"2\"", "UNDO_SQL")})).version, 1);
}

TEST(TakeOverFlyway, ADeletedVersionIsNotApplied) {
  EXPECT_EQ(exec::takeover::read_record(flyway({row(1, "\"1\""), row(2, "\"2\""), row(3, "\"2\"", "DELETE")})).version,
            1);
}

TEST(TakeOverFlyway, AVersionUndoneThenAppliedAgainIsApplied) {
  EXPECT_EQ(exec::takeover::read_record(
                flyway({row(1, "\"1\""), row(2, "\"2\""), row(3, "\"2\"", "UNDO_SQL"), row(4, "\"2\"")}))
                .version,
            2);
}

TEST(TakeOverFlyway, RepeatableRowsHaveNoVersionAndArePassedOver) {
  EXPECT_EQ(exec::takeover::read_record(flyway({row(1, "\"3\""), row(2, "null"), row(3, "null")})).version, 3);
  EXPECT_REFUSED(flyway({row(1, "null"), row(2, "null")}), "no versioned migration of flyway_schema_history");
}

TEST(TakeOverFlyway, EveryVersionUndoneIsNothingToTakeOver) {
  EXPECT_REFUSED(flyway({row(1, "\"1\""), row(2, "\"1\"", "UNDO_SQL")}), "nothing to take over");
}

TEST(TakeOverFlyway, VersionsCompareAsFlywayComparesThem) {
  // 1.10 is above 1.9 (numbers, not text); 2.0 is 2, above both.
  const auto reached = exec::takeover::read_record(flyway({row(1, "\"1.9\""), row(2, "\"2.0\""), row(3, "\"1.10\"")}));
  EXPECT_EQ(reached.version, 2);
  EXPECT_EQ(reached.written, "2.0");
  EXPECT_EQ(exec::takeover::read_record(flyway({row(1, "\"9\""), row(2, "\"010\"")})).version, 10);
}

TEST(TakeOverFlyway, ADottedVersionAtTheTopIsRefusedWithTheReason) {
  EXPECT_REFUSED(flyway({row(1, "\"1\""), row(2, "\"2.1\"")}), "it reached version 2.1, which is not a whole number");
}

TEST(TakeOverFlyway, ADottedVersionBelowTheTopIsFine) {
  EXPECT_EQ(exec::takeover::read_record(flyway({row(1, "\"1.1\""), row(2, "\"2\"")})).version, 2);
}

TEST(TakeOverFlyway, AVersionFlywayCannotHaveWrittenIsRefused) {
  EXPECT_REFUSED(flyway({row(1, "\"1\""), row(2, "\"2a\"")}), "has version \"2a\", which is not a Flyway version");
  EXPECT_REFUSED(flyway({row(1, "\"1..2\"")}), "not a Flyway version");
}

TEST(TakeOverFlyway, AFailedRowIsRefused) {
  EXPECT_REFUSED(flyway({row(1, "\"1\""), row(2, "\"2\"", "SQL", false)}),
                 "its row of installed_rank 2 (s2 version 2) failed");
}

TEST(TakeOverFlyway, ADocumentThatIsNoRowIsRefused) {
  EXPECT_REFUSED(flyway({R"({"version": "1"})"}), "is not a row of Flyway's schema history");
}

// --- against the files

script::Migration file(int64_t version) {
  script::Migration m;
  m.up.file.name.version = version;
  m.up.file.file_name = "V" + std::to_string(version) + "__x.json";
  m.up.file.path = "migrations/" + m.up.file.file_name;
  return m;
}

TEST(TakeOverFiles, AVersionAboveTheHighestFileIsRefused) {
  const Record r = golang({R"({"version": 7})"});
  try {
    exec::takeover::check_against_files(r, Reached{7, "7"}, {file(1), file(5)});
    FAIL() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_TRUE(contains(e.what(), "it reached version 7, above the highest migration file's (5)"));
  }
  EXPECT_THROW(exec::takeover::check_against_files(r, Reached{1, "1"}, {}), Error);
}

TEST(TakeOverFiles, AVersionWithItsFileIsQuiet) {
  EXPECT_TRUE(exec::takeover::check_against_files(golang({}), Reached{5, "5"}, {file(1), file(5)}).empty());
}

TEST(TakeOverFiles, AVersionBetweenFilesWarnsNamingTheNearestOnes) {
  const auto warnings = exec::takeover::check_against_files(golang({}), Reached{4, "4"}, {file(1), file(3), file(6)});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].severity, Diagnostic::Severity::warning);
  EXPECT_EQ(warnings[0].file, "migrations/V6__x.json");
  EXPECT_TRUE(contains(warnings[0].message, "no migration file has version 4, which golang-migrate "
                                            "reached: the baseline covers every file up to V3__x.json, "
                                            "and V6__x.json is the first version left pending"));
}

// --- baseline --from on the fake server

class BaselineFrom : public ::testing::Test {
 protected:
  BaselineFrom() {
    dir.write("V1__a.json", R"([{"createCollection": "a"}])");
    dir.write("V5__b.json", R"([{"createCollection": "b"}])");
  }

  RunResult baseline(OtherTool tool) {
    Config config;
    config.database = "app";
    config.locations = {dir.str()};
    exec::Engine engine(
        config, [this](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    engine.heartbeat_thread = false;
    return exec::baseline(engine, BaselineOptions{0, "", TakeOverFrom{tool, "", ""}});
  }

  FakeServer fake;
  script::testing::TempDir dir;
};

TEST_F(BaselineFrom, RecordsTheVersionWithWhereItCameFromAndOnlyReadsTheOtherTool) {
  fake.put_document("app", "schema_migrations", doc(R"({"version": 5, "dirty": false})"));
  const RunResult r = baseline(OtherTool::golang_migrate);
  EXPECT_EQ(r.to_version, 5);
  ASSERT_TRUE(r.taken_over);
  EXPECT_EQ(r.taken_over->tool, "golang-migrate");
  EXPECT_EQ(r.taken_over->collection, "schema_migrations");
  EXPECT_EQ(r.taken_over->version, "5");
  const auto entries = fake.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].type, model::EntryType::baseline);
  EXPECT_EQ(entries[0].version, 5);
  EXPECT_EQ(entries[0].description, "taken over from golang-migrate at 5");
  ASSERT_TRUE(entries[0].from);
  EXPECT_EQ(entries[0].from->collection, "schema_migrations");
  EXPECT_EQ(fake.requests_of("read_documents_by_id").size(), 2u);  // its record and its lock
  for (const auto& request : fake.requests()) {
    EXPECT_EQ(request.op.rfind("send:", 0), std::string::npos) << "sent " << request.op;
    EXPECT_NE(request.op, "drop_collection");
  }
}

TEST_F(BaselineFrom, ARefusalRecordsNothing) {
  fake.put_document("app", "schema_migrations", doc(R"({"version": 5, "dirty": true})"));
  EXPECT_THROW(baseline(OtherTool::golang_migrate), Error);
  EXPECT_TRUE(fake.entries().empty());
}

TEST_F(BaselineFrom, ADatabaseMongowayMigratedIsStillRefused) {
  fake.put_document("app", "changelog", doc(R"({"fileName": "1-a.js"})"));
  model::HistoryEntry e;
  e.rank = e.version = 1;
  e.success = e.finished = true;
  fake.put_entry(e);
  try {
    baseline(OtherTool::migrate_mongo);
    FAIL() << "not refused";
  } catch (const Error& error) {
    EXPECT_TRUE(contains(error.what(), "already has a history"));
  }
  EXPECT_EQ(fake.entries().size(), 1u);
}

TEST_F(BaselineFrom, AVersionBetweenFilesIsRecordedWithAWarning) {
  fake.put_document("app", "changelog", doc(R"({"fileName": "3-a.js"})"));
  const RunResult r = baseline(OtherTool::migrate_mongo);
  EXPECT_EQ(r.to_version, 3);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0].message, "no migration file has version 3"));
}

}  // namespace
}  // namespace mongoway::testing
