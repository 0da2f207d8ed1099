// `mongoway import golang-migrate DIR` as a user runs it: the files written
// and what is said about them, a set of every form that lints clean, and no
// file written or overwritten when it refuses.

#include <gtest/gtest.h>

#include <filesystem>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What golang-migrate users write, every form of it.
void write_every_form(const TempDir& dir) {
  dir.write("golang/000001_create_users.up.json", R"([
  {"create": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email"]}},
   "validationLevel": "strict", "comment": "users"},
  {"createIndexes": "users", "indexes": [
    {"key": {"last": 1, "first": -1}, "name": "names", "background": true},
    {"key": {"email": 1}, "name": "email_unique", "unique": true}],
   "commitQuorum": "majority", "writeConcern": {"w": "majority"}},
  {"insert": "users", "documents": [
    {"_id": {"$oid": "65f0c0ffee00000000000001"}, "email": "a@example.com", "visits": {"$numberLong": "1"},
     "since": {"$date": "2024-01-31T12:00:00Z"}, "credit": {"$numberDecimal": "19.99"}, "score": 1.0},
    {"email": "b@example.com", "visits": 2}]}
])");
  dir.write("golang/000001_create_users.down.json", R"([
  {"dropIndexes": "users", "index": ["names", "email_unique"]},
  {"drop": "users", "comment": "users"}
])");
  dir.write("golang/20240131120000_change_users.up.json", R"([
  {"update": "users", "updates": [
    {"q": {"email": "a@example.com"}, "u": {"$set": {"vip": true}, "$inc": {"visits": 1}}},
    {"q": {}, "u": [{"$set": {"domain": "example.com"}}], "multi": true},
    {"q": {"email": "c@example.com"}, "u": {"email": "c@example.com"}, "upsert": true}]},
  {"delete": "users", "deletes": [{"q": {"email": "b@example.com"}, "limit": 1}, {"q": {"vip": false}, "limit": 0}]},
  {"collMod": "users", "validationLevel": "moderate"},
  {"dropIndexes": "users", "index": "names"},
  {"validate": "users"}
])");
  dir.write("golang/20240131120000_change_users.down.json", R"([
  {"dropIndexes": "users", "index": "*"},
  {"createIndexes": "users", "indexes": [{"key": {"email": 1}, "name": "email_unique", "unique": true}]}
])");
}

TEST(ImportCli, WritesEveryFormAsVAndUFilesThatLintClean) {
  TempDir dir;
  write_every_form(dir);
  auto run = mongoway({"import", "golang-migrate", "golang"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            "Wrote ./migrations/V1__create_users.json (from golang/000001_create_users.up.json: 3 commands)\n"
            "Wrote ./migrations/U1__undo_create_users.json (from golang/000001_create_users.down.json: 2 commands)\n"
            "Wrote ./migrations/V20240131120000__change_users.json (from "
            "golang/20240131120000_change_users.up.json: 8 commands)\n"
            "  command 5 (validate) kept as runCommand: mongoway has no native command for \"validate\"\n"
            "Wrote ./migrations/U20240131120000__undo_change_users.json (from "
            "golang/20240131120000_change_users.down.json: 2 commands)\n"
            "Imported 2 versions (4 files) from golang into ./migrations\n");
  const std::string v2 = read_file(dir / "migrations/V20240131120000__change_users.json");
  for (const char* native : {"\"updateOne\"", "\"updateMany\"", "\"replaceOne\"", "\"deleteOne\"", "\"deleteMany\"",
                             "\"collMod\"", "\"dropIndex\"", "\"runCommand\""}) {
    EXPECT_TRUE(contains(v2, native)) << native << " in\n" << v2;
  }
  auto lint = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_TRUE(contains(lint.out, "Checked 2 migrations (4 files) in ./migrations: 0 errors")) << lint.out;
}

TEST(ImportCli, RefusesToOverwriteOrToImportAVersionTwice) {
  TempDir dir;
  write_every_form(dir);
  ASSERT_EQ(mongoway({"import", "golang-migrate", "golang"}, {.cwd = dir.path()}).exit_code, 0);
  const std::string before = read_file(dir / "migrations/V1__create_users.json");
  auto again = mongoway({"import", "golang-migrate", "golang"}, {.cwd = dir.path()});
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_EQ(again.out, "");
  EXPECT_TRUE(contains(again.err, "error: version 1 exists already: ./migrations/")) << again.err;
  EXPECT_EQ(read_file(dir / "migrations/V1__create_users.json"), before);
}

TEST(ImportCli, DryRunPrintsTheFilesAndWritesNothing) {
  TempDir dir;
  dir.write("golang/1_users.up.json", R"([{"create": "users"}, {"validate": "users"}])");
  auto run = mongoway({"import", "golang-migrate", "golang", "--dry-run"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "--- ./migrations/V1__users.json (from golang/1_users.up.json)\n"
                     "[\n  {\n    \"createCollection\": \"users\"\n  },\n  {\n    \"runCommand\": {\n"
                     "      \"validate\": \"users\"\n    }\n  }\n]\n"
                     "  command 2 (validate) kept as runCommand: mongoway has no native command for \"validate\"\n"
                     "Dry run: would import 1 version (1 file) from golang into ./migrations; nothing was written\n");
  EXPECT_FALSE(fs::exists(dir / "migrations"));
}

TEST(ImportCli, JsonOutputListsTheFilesAndTheCommandsKept) {
  TempDir dir;
  dir.write("golang/1_users.up.json", R"([{"create": "users"}, {"validate": "users"}])");
  dir.write("golang/1_users.down.json", R"([{"drop": "users"}])");
  auto run = mongoway({"import", "golang-migrate", "golang", "--output", "json"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_EQ(json->string("command"), "import");
  EXPECT_EQ(json->string("tool"), "golang-migrate");
  EXPECT_FALSE(json->boolean("dry_run"));
  ASSERT_EQ(json->size("files"), 2u);
  EXPECT_EQ(json->string("files.0.path"), "./migrations/V1__users.json");
  EXPECT_EQ(json->string("files.1.kind"), "undo");
  EXPECT_EQ(json->integer("files.0.source_commands"), 2);
  EXPECT_TRUE(json->is_null("files.0.content"));
  EXPECT_EQ(json->integer("files.0.run_commands.0.index"), 2);
  EXPECT_EQ(json->string("files.0.run_commands.0.command"), "validate");
  EXPECT_TRUE(fs::exists(dir / "migrations/U1__undo_users.json"));
}

TEST(ImportCli, AnInvalidFileIsNamedWithItsLineAndColumnAndNothingIsWritten) {
  TempDir dir;
  dir.write("golang/1_a.up.json", R"([{"create": "a"}])");
  dir.write("golang/2_b.up.json",
            "[\n  {\"create\": \"b\"},\n  {\"insert\": \"b\", \"documents\": [{\"n\": {\"$numberLong\": 1}}]}\n]");
  auto run = mongoway({"import", "golang-migrate", "golang"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(contains(run.err, "error: golang/2_b.up.json:3:")) << run.err;
  EXPECT_TRUE(contains(run.err, "command 2: ")) << run.err;
  EXPECT_FALSE(fs::exists(dir / "migrations"));
}

TEST(ImportCli, AToolOtherThanGolangMigrateOrAMissingDirectoryIsRefused) {
  TempDir dir;
  auto tool = mongoway({"import", "flyway", "sql"}, {.cwd = dir.path()});
  EXPECT_EQ(tool.exit_code, 2);
  EXPECT_TRUE(contains(tool.err, "import: unknown tool \"flyway\"")) << tool.err;
  EXPECT_EQ(mongoway({"import"}, {.cwd = dir.path()}).exit_code, 2);
  EXPECT_EQ(mongoway({"import", "golang-migrate"}, {.cwd = dir.path()}).exit_code, 2);
  auto missing = mongoway({"import", "golang-migrate", "nowhere"}, {.cwd = dir.path()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(contains(missing.err, "error: nowhere: not a directory")) << missing.err;
}

}  // namespace
}  // namespace mongoway::cli_test
