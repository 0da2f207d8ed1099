// baseline --from against a real server: each test writes the other tool's
// record itself, in the shape that tool writes it (golang-migrate's
// schema_migrations and advisory lock, migrate-mongo's changelog and lock,
// Flyway's schema history), runs the baseline through the library, and then
// checks the history it recorded, or, on a refusal, that nothing was
// recorded; either way the other tool's collections are as they were.

#include <fmt/format.h>

#include <map>

#include "fixture.hpp"

namespace mongoway::testing {
namespace {

constexpr const char* kPing = R"([{"runCommand": {"ping": 1}}])";

// A row of Flyway's schema history, as its MongoDB support writes it.
std::string flyway_row(int rank, const std::string& version, const std::string& type, bool success = true) {
  return fmt::format(R"({{"installed_rank": {0}, "version": {1}, "description": "step {0}", "type": "{2}",
      "script": "V{0}__step.js", "checksum": {{"$numberInt": "-12345"}}, "installed_by": "ops",
      "installed_on": {{"$date": "2024-01-31T12:00:00Z"}}, "execution_time": 14, "success": {3}}})",
                     rank, version, type, success ? "true" : "false");
}

class BaselineFrom : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    m_dir = temp_dir();
    for (int64_t v : {1, 2, 3, 5}) write(m_dir, fmt::format("V{}__step.json", v), kPing);
  }

  // Writes documents into a collection behind mongoway's back, as the other tool does.
  void put(const std::string& collection, const std::vector<std::string>& documents) {
    std::string array;
    for (const auto& d : documents) array += (array.empty() ? "" : ", ") + d;
    client().run_write(db, json(fmt::format(R"({{"insert": "{}", "documents": [{}]}})", collection, array)));
    m_watched.push_back(collection);
  }

  RunResult baseline_from(OtherTool tool, const std::string& collection = "", const std::string& lock = "") {
    const auto before = watched();
    Migrator m(config({m_dir}));
    RunResult r = m.baseline(BaselineOptions{0, "", TakeOverFrom{tool, collection, lock}});
    EXPECT_EQ(watched(), before) << "the other tool's collections changed";
    return r;
  }

  // The refusal's message; the history stays empty and the other tool's collections unchanged.
  std::string refusal(OtherTool tool, const std::string& collection = "", const std::string& lock = "") {
    const auto before = watched();
    try {
      Migrator m(config({m_dir}));
      m.baseline(BaselineOptions{0, "", TakeOverFrom{tool, collection, lock}});
      ADD_FAILURE() << "not refused";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::invalid) << e.what();
      EXPECT_EQ(count("mongoway_history"), 0) << "a refused baseline recorded something";
      EXPECT_EQ(watched(), before) << "the other tool's collections changed";
      return e.what();
    }
    return "";
  }

  // The history's one entry.
  bson::Document entry() {
    const auto entries = find("mongoway_history");
    EXPECT_EQ(entries.size(), 1u);
    return entries.empty() ? bson::Document{} : entries.front();
  }

  std::string field(const bson::Document& doc, const char* path) {
    bson_iter_t it, found;
    if (!bson_iter_init(&it, doc.get()) || !bson_iter_find_descendant(&it, path, &found)) return "<missing>";
    if (BSON_ITER_HOLDS_UTF8(&found)) return bson_iter_utf8(&found, nullptr);
    return std::to_string(bson_iter_as_int64(&found));
  }

  // Canonical JSON of every document of the collections written by put().
  std::map<std::string, std::string> watched() {
    std::map<std::string, std::string> out;
    for (const auto& c : m_watched) {
      for (const auto& d : find(c)) out[c] += d.to_json(bson::JsonMode::canonical) + "\n";
    }
    return out;
  }

  std::string m_dir;
  std::vector<std::string> m_watched;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The baseline (tool[, collection[, lock collection]]) is refused saying `words`.
#define EXPECT_REFUSED(words, ...)                    \
  do {                                                \
    const std::string message = refusal(__VA_ARGS__); \
    EXPECT_TRUE(contains(message, words)) << message; \
  } while (0)

// --- golang-migrate

TEST_F(BaselineFrom, GolangMigratesInt32VersionIsTakenOverAndRecordedWithItsOrigin) {
  put("schema_migrations", {R"({"version": {"$numberInt": "3"}, "dirty": false})"});
  // Its lock collection, made for its unique index, with no lock in it.
  client().run(db, json(R"({"createIndexes": "migrate_advisory_lock", "indexes": [{"key": {"locking_key": -1},
      "name": "lock_unique_key", "unique": true}]})"));
  const RunResult r = baseline_from(OtherTool::golang_migrate);
  EXPECT_EQ(r.to_version, 3);
  ASSERT_TRUE(r.taken_over);
  EXPECT_EQ(r.taken_over->version, "3");
  const auto e = entry();
  EXPECT_EQ(field(e, "type"), "baseline");
  EXPECT_EQ(field(e, "version"), "3");
  EXPECT_EQ(field(e, "from.tool"), "golang-migrate");
  EXPECT_EQ(field(e, "from.collection"), "schema_migrations");
  EXPECT_EQ(field(e, "from.version"), "3");
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(BaselineFrom, GolangMigratesInt64TimestampVersionIsTakenOver) {
  write(m_dir, "V20240131120000__late.json", kPing);
  put("schema_migrations", {R"({"version": {"$numberLong": "20240131120000"}, "dirty": false})"});
  EXPECT_EQ(baseline_from(OtherTool::golang_migrate).to_version, 20240131120000);
  EXPECT_EQ(field(entry(), "from.version"), "20240131120000");
}

TEST_F(BaselineFrom, GolangMigratesRecordUnderAnotherNameIsReadFromIt) {
  put("migrations_state", {R"({"version": 2, "dirty": false})"});
  EXPECT_EQ(baseline_from(OtherTool::golang_migrate, "migrations_state").to_version, 2);
  EXPECT_EQ(field(entry(), "from.collection"), "migrations_state");
}

TEST_F(BaselineFrom, GolangMigrateDirtyIsRefused) {
  put("schema_migrations", {R"({"version": 3, "dirty": true})"});
  EXPECT_REFUSED("version 3 is dirty", OtherTool::golang_migrate);
}

TEST_F(BaselineFrom, GolangMigrateAtMinusOneIsRefused) {
  put("schema_migrations", {R"({"version": -1, "dirty": false})"});
  EXPECT_REFUSED("its version is -1: every migration was undone", OtherTool::golang_migrate);
}

TEST_F(BaselineFrom, GolangMigrateWithSeveralDocumentsIsRefused) {
  put("schema_migrations", {R"({"version": 2, "dirty": false})", R"({"version": 3, "dirty": false})"});
  EXPECT_REFUSED("holds 2 documents", OtherTool::golang_migrate);
}

TEST_F(BaselineFrom, GolangMigratesAdvisoryLockIsRefused) {
  put("schema_migrations", {R"({"version": 2, "dirty": false})"});
  put("migrate_advisory_lock",
      {R"({"locking_key": 0, "pid": 4242, "hostname": "ci", "created_at": {"$date": "2024-01-31T12:00:00Z"}})"});
  EXPECT_REFUSED("it holds its lock: migrate_advisory_lock", OtherTool::golang_migrate);
}

TEST_F(BaselineFrom, AMissingRecordIsRefused) {
  EXPECT_REFUSED("has no collection schema_migrations", OtherTool::golang_migrate);
  EXPECT_REFUSED("has no collection flyway_schema_history", OtherTool::flyway);
}

TEST_F(BaselineFrom, AVersionAboveTheFilesIsRefused) {
  put("schema_migrations", {R"({"version": 6, "dirty": false})"});
  EXPECT_REFUSED("it reached version 6, above the highest", OtherTool::golang_migrate);
}

TEST_F(BaselineFrom, AVersionWithoutItsFileIsRecordedWithAWarning) {
  put("schema_migrations", {R"({"version": 4, "dirty": false})"});
  const RunResult r = baseline_from(OtherTool::golang_migrate);
  EXPECT_EQ(r.to_version, 4);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0].message, "V5__step.json is the first version left pending"))
      << r.warnings[0].message;
}

TEST_F(BaselineFrom, ADatabaseMongowayMigratedIsRefusedEvenWithARecord) {
  MigrateOptions to_one;
  to_one.target = 1;
  Migrator(config({m_dir})).migrate(to_one);
  put("schema_migrations", {R"({"version": 3, "dirty": false})"});
  try {
    baseline_from(OtherTool::golang_migrate);
    ADD_FAILURE() << "not refused";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "already has a history")) << e.what();
  }
  EXPECT_EQ(count("mongoway_history"), 1);
}

// --- migrate-mongo

TEST_F(BaselineFrom, MigrateMongosHighestAppliedFileIsTakenOver) {
  put("changelog",
      {R"({"fileName": "1-users.js", "appliedAt": {"$date": "2024-01-01T00:00:00Z"}, "migrationBlock": 1704067200000})",
       R"({"fileName": "3-orders.js", "fileHash": "9f86d081", "appliedAt": {"$date": "2024-02-01T00:00:00Z"},
           "migrationBlock": 1706745600000})",
       R"({"fileName": "2-index.js", "appliedAt": {"$date": "2024-01-01T00:00:00Z"}, "migrationBlock": 1704067200000})"});
  const RunResult r = baseline_from(OtherTool::migrate_mongo);
  EXPECT_EQ(r.to_version, 3);
  EXPECT_EQ(field(entry(), "from.version"), "3-orders.js");
  EXPECT_EQ(field(entry(), "from.collection"), "changelog");
}

TEST_F(BaselineFrom, MigrateMongosFileWithoutANumericPrefixIsRefused) {
  put("changelog", {R"({"fileName": "1-users.js", "appliedAt": {"$date": 0}, "migrationBlock": 1})",
                    R"({"fileName": "add-index.js", "appliedAt": {"$date": 0}, "migrationBlock": 1})"});
  EXPECT_REFUSED("\"add-index.js\" has no numeric prefix", OtherTool::migrate_mongo);
}

TEST_F(BaselineFrom, MigrateMongosLockIsRefusedUnderEitherName) {
  put("changelog", {R"({"fileName": "1-users.js", "appliedAt": {"$date": 0}, "migrationBlock": 1})"});
  put("changelog_lock", {R"({"createdAt": {"$date": "2024-01-31T12:00:00Z"}})"});
  EXPECT_REFUSED("changelog_lock in database", OtherTool::migrate_mongo);
  put("migration_lock", {R"({"createdAt": {"$date": "2024-01-31T12:00:00Z"}})"});
  EXPECT_REFUSED("migration_lock in database", OtherTool::migrate_mongo, "", "migration_lock");
}

TEST_F(BaselineFrom, MigrateMongosEmptyChangelogIsRefused) {
  client().run(db, json(R"({"create": "changelog"})"));
  EXPECT_REFUSED("changelog in database " + db + " is empty", OtherTool::migrate_mongo);
}

// --- Flyway

TEST_F(BaselineFrom, FlywaysHighestAppliedVersionIsTakenOverPastUndoneDeletedAndRepeatableRows) {
  put("flyway_schema_history",
      {flyway_row(1, R"("1")", "BASELINE"), flyway_row(2, R"("2.0")", "SCRIPT"), flyway_row(3, "null", "SCRIPT"),
       flyway_row(4, R"("3")", "SCRIPT"), flyway_row(5, R"("3")", "UNDO_SCRIPT"), flyway_row(6, R"("5")", "SCRIPT"),
       flyway_row(7, R"("5")", "DELETE")});
  const RunResult r = baseline_from(OtherTool::flyway);
  EXPECT_EQ(r.to_version, 2);
  EXPECT_EQ(r.taken_over->version, "2.0");
  EXPECT_EQ(field(entry(), "from.tool"), "flyway");
}

TEST_F(BaselineFrom, FlywaysFailedRowIsRefused) {
  put("flyway_schema_history", {flyway_row(1, R"("1")", "SCRIPT"), flyway_row(2, R"("2")", "SCRIPT", false)});
  EXPECT_REFUSED("installed_rank 2 (V2__step.js version 2) failed", OtherTool::flyway);
}

TEST_F(BaselineFrom, FlywaysDottedVersionAtTheTopIsRefused) {
  put("flyway_schema_history", {flyway_row(1, R"("1")", "SCRIPT"), flyway_row(2, R"("2.1")", "SCRIPT")});
  EXPECT_REFUSED("it reached version 2.1, which is not a whole number", OtherTool::flyway);
}

}  // namespace
}  // namespace mongoway::testing
