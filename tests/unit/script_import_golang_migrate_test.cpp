// `mongoway import golang-migrate`: each server command as mongoway's native
// command when it maps exactly, runCommand otherwise; types kept; the files
// written, and every refusal before anything is written.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bson/bson_util.hpp"
#include "script/import_golang_migrate.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

bson::Document from_json(const std::string& text) {
  auto doc = bson::Document::from_json(text);
  EXPECT_TRUE(doc) << text;
  return doc ? *doc : bson::Document{};
}

// The commands a server command becomes, as canonical Extended JSON (types shown).
std::vector<std::string> natives(const std::string& server_command, std::string* kept_reason = nullptr) {
  const ConvertedCommand converted = convert_server_command(from_json(server_command));
  if (kept_reason) *kept_reason = converted.kept_reason;
  std::vector<std::string> out;
  for (const auto& command : converted.commands) out.push_back(command.to_json(bson::JsonMode::canonical));
  return out;
}

// The reason a command is kept as runCommand ("" when it is native).
std::string kept_reason(const std::string& server_command) {
  std::string reason;
  const auto commands = natives(server_command, &reason);
  if (!reason.empty()) {
    EXPECT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands.front(),
              R"({ "runCommand" : )" + from_json(server_command).to_json(bson::JsonMode::canonical) + " }");
  }
  return reason;
}

std::string canonical(const std::string& text) { return from_json(text).to_json(bson::JsonMode::canonical); }

ImportedFile converted_file(const std::string& text, Diagnostic* problem = nullptr) {
  ImportedFile file;
  Diagnostic ignored;
  EXPECT_EQ(convert_golang_migrate_text(text, "1_x.up.json", &file, problem ? problem : &ignored), problem == nullptr)
      << (problem ? "" : ignored.located_message());
  return file;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ImportGolangMigrate, CreateBecomesCreateCollectionWithItsOptionsAndCommentAsServerComment) {
  EXPECT_EQ(natives(R"({"create": "users", "capped": true, "size": 4096, "validationLevel": "strict",
                        "writeConcern": {"w": "majority"}, "comment": "users"})"),
            std::vector<std::string>{canonical(R"({"createCollection": "users", "capped": true, "size": 4096,
                "validationLevel": "strict", "writeConcern": {"w": "majority"}, "serverComment": "users"})")});
  EXPECT_EQ(natives(R"({"create": "active", "viewOn": "users", "pipeline": [{"$match": {"on": true}}]})"),
            std::vector<std::string>{
                canonical(R"({"createView": "active", "viewOn": "users", "pipeline": [{"$match": {"on": true}}]})")});
}

TEST(ImportGolangMigrate, DropCollModAndAggregateKeepTheirFields) {
  EXPECT_EQ(natives(R"({"drop": "users", "writeConcern": {"w": 1}})"),
            std::vector<std::string>{canonical(R"({"dropCollection": "users", "writeConcern": {"w": 1}})")});
  EXPECT_EQ(natives(R"({"collMod": "users", "validator": {"a": {"$type": "string"}}, "validationAction": "warn"})"),
            std::vector<std::string>{canonical(
                R"({"collMod": "users", "validator": {"a": {"$type": "string"}}, "validationAction": "warn"})")});
  EXPECT_EQ(natives(R"({"aggregate": "a", "pipeline": [{"$out": "b"}], "cursor": {}})"),
            std::vector<std::string>{canonical(R"({"aggregate": "a", "pipeline": [{"$out": "b"}], "cursor": {}})")});
  EXPECT_EQ(kept_reason(R"({"aggregate": "a", "pipeline": [{"$out": "b"}]})"), "it has no \"cursor\"");
}

TEST(ImportGolangMigrate, CreateIndexesKeepsEveryIndexOptionAndTheCommandsOwn) {
  const std::string command = R"({"createIndexes": "users", "indexes": [
      {"key": {"last": 1, "first": -1}, "name": "names", "unique": true, "background": true},
      {"key": {"at": -1}, "name": "at_desc", "expireAfterSeconds": 3600}],
      "commitQuorum": "majority", "writeConcern": {"w": "majority"}})";
  EXPECT_EQ(natives(command), std::vector<std::string>{canonical(R"({"createIndexes": "users", "indexes": [
      {"key": {"last": 1, "first": -1}, "name": "names", "unique": true, "background": true},
      {"key": {"at": -1}, "name": "at_desc", "expireAfterSeconds": 3600}],
      "commitQuorum": "majority", "writeConcern": {"w": "majority"}})")});
}

TEST(ImportGolangMigrate, AnIndexWithoutANameOrWithAnUnknownOptionIsKept) {
  EXPECT_EQ(kept_reason(R"({"createIndexes": "u", "indexes": [{"key": {"a": 1}}]})"), "index 1 has no \"name\"");
  EXPECT_EQ(kept_reason(R"({"createIndexes": "u", "indexes": [{"key": {"a": 1}, "name": "a", "ns": "d.u"}]})"),
            "index 1: field \"ns\" has no counterpart in mongoway's index options");
}

TEST(ImportGolangMigrate, DropIndexesByNameArrayStarOrKey) {
  EXPECT_EQ(natives(R"({"dropIndexes": "u", "index": "a_1", "writeConcern": {"w": 1}})"),
            std::vector<std::string>{canonical(R"({"dropIndex": "u", "name": "a_1", "writeConcern": {"w": 1}})")});
  EXPECT_EQ(natives(R"({"dropIndexes": "u", "index": ["a_1", "b_1"]})"),
            std::vector<std::string>{canonical(R"({"dropIndex": "u", "name": ["a_1", "b_1"]})")});
  EXPECT_EQ(natives(R"({"dropIndexes": "u", "index": "*"})"),
            std::vector<std::string>{canonical(R"({"dropIndex": "u", "name": "*"})")});
  EXPECT_EQ(natives(R"({"dropIndexes": "u", "index": {"a": 1}})"),
            std::vector<std::string>{canonical(R"({"dropIndex": "u", "key": {"a": 1}})")});
  EXPECT_EQ(kept_reason(R"({"dropIndexes": "u"})"), "it has no \"index\"");
}

TEST(ImportGolangMigrate, InsertBecomesInsertMany) {
  EXPECT_EQ(natives(R"({"insert": "u", "documents": [{"a": 1}, {"a": 2}], "ordered": false})"),
            std::vector<std::string>{
                canonical(R"({"insertMany": "u", "documents": [{"a": 1}, {"a": 2}], "ordered": false})")});
  EXPECT_EQ(kept_reason(R"({"insert": "u", "documents": []})"), "field \"documents\": must not be empty");
}

TEST(ImportGolangMigrate, AnUpdateOfSeveralStatementsBecomesOneCommandEachInOrder) {
  EXPECT_EQ(natives(R"({"update": "u", "updates": [
                 {"q": {"a": 1}, "u": {"$set": {"b.$[e]": 2}}, "arrayFilters": [{"e": {"$gt": 1}}]},
                 {"q": {}, "u": {"$inc": {"n": 1}, "$unset": {"x": ""}}, "multi": true, "upsert": false},
                 {"q": {"a": 3}, "u": {"a": 3, "b": 4}, "upsert": true},
                 {"q": {}, "u": [{"$set": {"c": "$a"}}], "multi": false, "hint": "a_1"}],
               "writeConcern": {"w": "majority"}, "comment": "several"})"),
            (std::vector<std::string>{
                canonical(R"({"updateOne": "u", "filter": {"a": 1}, "update": {"$set": {"b.$[e]": 2}},
                              "arrayFilters": [{"e": {"$gt": 1}}], "writeConcern": {"w": "majority"}, "serverComment": "several"})"),
                canonical(R"({"updateMany": "u", "filter": {}, "update": {"$inc": {"n": 1}, "$unset": {"x": ""}},
                              "upsert": false, "writeConcern": {"w": "majority"}, "serverComment": "several"})"),
                canonical(R"({"replaceOne": "u", "filter": {"a": 3}, "replacement": {"a": 3, "b": 4}, "upsert": true,
                              "writeConcern": {"w": "majority"}, "serverComment": "several"})"),
                canonical(R"({"updateOne": "u", "filter": {}, "update": [{"$set": {"c": "$a"}}],
                              "hint": "a_1", "writeConcern": {"w": "majority"}, "serverComment": "several"})")}));
}

TEST(ImportGolangMigrate, AnUpdateTheNativeCommandsCannotSendExactlyIsKept) {
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}},
                                                        {"q": {}, "u": {"$set": {"b": 1}}}], "ordered": false})"),
            "\"ordered\" is not true: the server goes on after a failed statement, where mongoway stops the version");
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"q": {}, "u": {"a": 1}, "multi": true}]})"),
            "statement 1: a replacement with \"multi\": true, which the server refuses");
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}, "collation": 1}]})"),
            "field \"collation\": expected a document, got a number");
  // mongoway's own checks apply: it refuses an empty arrayFilters.
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}, "arrayFilters": []}]})"),
            "field \"arrayFilters\": must not be empty");
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"u": {"$set": {"a": 1}}}]})"), "statement 1: it has no \"q\"");
  EXPECT_EQ(kept_reason(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}], "lsid": {}})"),
            "field \"lsid\" has no counterpart in mongoway's update commands");
  // One statement: "ordered" changes nothing, and mongoway sends it as true.
  EXPECT_EQ(natives(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}], "ordered": false})"),
            std::vector<std::string>{canonical(R"({"updateOne": "u", "filter": {}, "update": {"$set": {"a": 1}}})")});
}

TEST(ImportGolangMigrate, ADeleteOfSeveralStatementsBecomesDeleteOneOrDeleteManyByItsLimit) {
  EXPECT_EQ(
      natives(R"({"delete": "u", "deletes": [{"q": {"a": 1}, "limit": 0},
                                                   {"q": {"b": 2}, "limit": 1, "collation": {"locale": "fr"}},
                                                   {"q": {"c": 3}, "limit": 1.0}], "maxTimeMS": 5000})"),
      (std::vector<std::string>{
          canonical(R"({"deleteMany": "u", "filter": {"a": 1}, "maxTimeMS": 5000})"),
          canonical(R"({"deleteOne": "u", "filter": {"b": 2}, "collation": {"locale": "fr"}, "maxTimeMS": 5000})"),
          canonical(R"({"deleteOne": "u", "filter": {"c": 3}, "maxTimeMS": 5000})")}));
  EXPECT_EQ(kept_reason(R"({"delete": "u", "deletes": [{"q": {}, "limit": 2}]})"),
            "statement 1: its \"limit\" is neither 0 nor 1");
  EXPECT_EQ(kept_reason(R"({"delete": "u", "deletes": [{"q": {}}]})"), "statement 1: it has no \"limit\"");
  EXPECT_EQ(kept_reason(R"({"delete": "u", "deletes": []})"), "its \"deletes\" is empty");
}

TEST(ImportGolangMigrate, CommandsWithoutANativeFormAreKeptWithTheReason) {
  EXPECT_EQ(kept_reason(R"({"createUser": "app", "pwd": "x", "roles": []})"),
            "mongoway has no native command for \"createUser\"");
  EXPECT_EQ(kept_reason(R"({"renameCollection": "d.a", "to": "d.b"})"),
            "mongoway's renameCollection runs on the admin database; golang-migrate sent it as written to the URI's "
            "database");
  EXPECT_EQ(kept_reason(R"({"create": "u", "autoIndexId": false})"),
            "field \"autoIndexId\": false is refused by MongoDB since 4.0 outside the local database (every "
            "collection has its _id index); remove the field");
  EXPECT_EQ(kept_reason(R"({"drop": "u", "writeConcern": {"w": 0}})"),
            "field \"writeConcern.w\": w: 0 asks for unacknowledged writes: mongoway must know that each write "
            "landed before it records the version; remove it, or use 1 or \"majority\"");
  EXPECT_EQ(kept_reason(R"({"create": "u", "flags": 1})"), "field \"flags\" has no counterpart in createCollection");
  EXPECT_EQ(kept_reason(R"({"create": 1})"), "its \"create\" is a number, not a collection name");
}

TEST(ImportGolangMigrate, EveryBsonTypeIsWrittenSoThatMongowayReadsTheSameType) {
  const std::string documents = R"([{"i32": 1, "i64": {"$numberLong": "2"}, "big": 9007199254740993,
      "d": 1.0, "frac": 0.5, "neg0": -0.0, "inf": {"$numberDouble": "Infinity"},
      "date": {"$date": "2024-01-31T12:00:00.123Z"}, "old": {"$date": {"$numberLong": "-1"}},
      "oid": {"$oid": "65f0c0ffee00000000000001"}, "dec": {"$numberDecimal": "19.99"},
      "bin": {"$binary": {"base64": "AAEC", "subType": "04"}}, "re": {"$regularExpression": {"pattern": "^a", "options": "i"}},
      "ts": {"$timestamp": {"t": 1, "i": 2}}, "min": {"$minKey": 1}, "s": "${not_a_placeholder} $${x}",
      "nested": [{"n": {"$numberLong": "3"}}, null, true]}])";
  const ImportedFile file = converted_file(R"([{"insert": "u", "documents": )" + documents + "}]");
  ASSERT_TRUE(file.kept.empty()) << file.kept.front().reason;
  EXPECT_NE(file.content.find(R"("i64": {"$numberLong": "2"})"), std::string::npos) << file.content;
  EXPECT_NE(file.content.find(R"("big": 9007199254740993)"), std::string::npos) << file.content;
  EXPECT_NE(file.content.find(R"("d": 1.0)"), std::string::npos) << file.content;
  EXPECT_NE(file.content.find(R"("date": {"$date": "2024-01-31T12:00:00.123Z"})"), std::string::npos) << file.content;
  EXPECT_NE(file.content.find(R"("s": "$${not_a_placeholder} $$${x}")"), std::string::npos) << file.content;
  // Read back by mongoway's own loader and rendered: the very documents written.
  std::vector<Diagnostic> diagnostics;
  const auto script = parse_script(file.content, testing::memory_file(), diagnostics);
  ASSERT_TRUE(script) << testing::diagnostics_text(diagnostics);
  EXPECT_EQ(testing::diagnostics_text(diagnostics), "");
  const auto sent = render(*script, script->commands.front(), RenderContext{"db", {}});
  ASSERT_EQ(sent.size(), 1u);
  bson::Document got;
  bson::append_array(got, "documents", sent.front().documents);
  EXPECT_EQ(got.to_json(bson::JsonMode::canonical), canonical(R"({"documents": )" + documents + "}"));
}

TEST(ImportGolangMigrate, AFileIsTheCommandsInOrderWithTheKeptOnesNamed) {
  const ImportedFile file = converted_file(R"([
  {"create": "u"},
  {"createUser": "app", "pwd": "x", "roles": []},
  {"delete": "u", "deletes": [{"q": {"a": 1}, "limit": 1}, {"q": {"a": 2}, "limit": 0}]}
])");
  EXPECT_EQ(file.content, R"([
  {
    "createCollection": "u"
  },
  {
    "runCommand": {
      "createUser": "app",
      "pwd": "x",
      "roles": []
    }
  },
  {
    "deleteOne": "u",
    "filter": {
      "a": 1
    }
  },
  {
    "deleteMany": "u",
    "filter": {
      "a": 2
    }
  }
]
)");
  EXPECT_EQ(file.source_commands, 3);
  EXPECT_EQ(file.commands, 4);
  ASSERT_EQ(file.kept.size(), 1u);
  EXPECT_EQ(file.kept.front().index, 2);
  EXPECT_EQ(file.kept.front().name, "createUser");
}

TEST(ImportGolangMigrate, AnInvalidFileIsRefusedAtItsLineAndColumn) {
  const auto problem = [](const std::string& text) {
    Diagnostic d;
    converted_file(text, &d);
    return d.located_message();
  };
  EXPECT_EQ(problem("[\n  {\"create\": \"u\",}\n]"), "1_x.up.json:2:17: invalid JSON: trailing comma before '}'");
  EXPECT_EQ(problem(R"({"create": "u"})"), "1_x.up.json:1:1: expected a JSON array of server commands, got an object");
  EXPECT_EQ(problem("[]"),
            "1_x.up.json:1:1: no commands: a mongoway file needs at least one command (add one, or delete the file)");
  EXPECT_EQ(problem("[{\"drop\": \"u\"},\n 7]"),
            "1_x.up.json:2:2: command 2: expected a non-empty object (a server command), got a number");
  EXPECT_EQ(problem("[{}]"), "1_x.up.json:1:2: command 1: expected a non-empty object (a server command), got an "
                             "empty object");
  EXPECT_EQ(problem(R"([{"insert": "u", "documents": [{"a": {"$oid": "nothex"}}]}])"),
            "1_x.up.json:1:38: command 1: invalid Extended JSON: Invalid input string \"nothex\", looking for OID");
}

TEST(ImportGolangMigrate, FileNamesFollowGolangMigratesRule) {
  GolangMigrateName name;
  ASSERT_TRUE(parse_golang_migrate_name("000001_create_users.up.json", &name));
  EXPECT_EQ(name.digits, "000001");
  EXPECT_EQ(name.name, "create_users");
  EXPECT_TRUE(name.up);
  ASSERT_TRUE(parse_golang_migrate_name("20240131120000_a.down.up.down.json", &name));  // the name is greedy
  EXPECT_EQ(name.name, "a.down.up");
  EXPECT_FALSE(name.up);
  ASSERT_TRUE(parse_golang_migrate_name("7_.up.", &name));  // an empty name and extension
  EXPECT_EQ(name.name, "");
  for (const char* other : {"1_a.up", "a_1.up.json", "1.up.json", "_1_a.up.json", "1_a.json", "README.md"}) {
    EXPECT_FALSE(parse_golang_migrate_name(other, &name)) << other;
  }
}

class ImportDirectory : public ::testing::Test {
 protected:
  std::string source(const std::string& name, const std::string& content = R"([{"create": "u"}])") {
    return m_dir.write("golang/" + name, content);
  }
  std::string location() const { return (m_dir.path() / "migrations").string(); }
  std::vector<ImportedFile> plan() {
    return plan_golang_migrate_import((m_dir.path() / "golang").string(), location(), {location()});
  }
  std::string refusal() {
    try {
      plan();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::invalid);
      return e.what();
    }
    return "no error";
  }
  TempDir m_dir;
};

TEST_F(ImportDirectory, VersionsBecomeVAndUFilesInTheLocation) {
  source("000001_create_users.up.json");
  source("000001_create_users.down.json", R"([{"drop": "u"}])");
  source("20240131120000_add.index v2!.up.json",
         R"([{"createIndexes": "u", "indexes": [{"key": {"a": 1}, "name": "a"}]}])");
  source("README.md", "not a migration");
  const auto files = plan();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, location() + "/V1__create_users.json");
  EXPECT_EQ(files[1].path, location() + "/U1__undo_create_users.json");
  EXPECT_EQ(files[1].kind, FileKind::undo);
  EXPECT_EQ(files[2].path, location() + "/V20240131120000__add_index_v2.json");
  EXPECT_EQ(files[2].version, 20240131120000);
  EXPECT_EQ(files[2].description, "add index v2");
  EXPECT_FALSE(fs::exists(location())) << "planning writes nothing";
  write_imported_files(location(), files);
  EXPECT_EQ(read(files[1].path), "[\n  {\n    \"dropCollection\": \"u\"\n  }\n]\n");
  // The files pass mongoway's own checks.
  LoadOptions options;
  options.notes = true;
  const LoadResult loaded = load_all({location()}, options);
  EXPECT_EQ(testing::diagnostics_text(loaded.diagnostics), "");
  EXPECT_EQ(loaded.migrations.size(), 2u);
}

TEST_F(ImportDirectory, EveryRefusalComesBeforeAnythingIsWritten) {
  source("1_a.up.json");
  source("2_b.down.json");
  EXPECT_EQ(refusal(),
            (m_dir.path() / "golang/2_b.down.json").string() + ": a down file without its up file (version 2)");
  fs::remove(m_dir.path() / "golang/2_b.down.json");
  source("01_c.up.json");
  EXPECT_EQ(refusal(), (m_dir.path() / "golang/01_c.up.json").string() + " and " +
                           (m_dir.path() / "golang/1_a.up.json").string() +
                           " are both the up file of one version; golang-migrate refuses this too");
  fs::remove(m_dir.path() / "golang/01_c.up.json");
  source("0_z.up.json");
  EXPECT_EQ(refusal(), (m_dir.path() / "golang/0_z.up.json").string() + ": version 0: mongoway's versions start at 1");
  fs::remove(m_dir.path() / "golang/0_z.up.json");
  source("3_bad.up.json", "[\n  {\"insert\": \"u\", \"documents\": [{\"a\": {\"$numberLong\": 1}}]}\n]");
  EXPECT_EQ(refusal(), (m_dir.path() / "golang/3_bad.up.json").string() +
                           ":2:39: command 1: invalid Extended JSON: Invalid state for integer read: INT64, expected "
                           "number as quoted string like \"123\"");
  fs::remove(m_dir.path() / "golang/3_bad.up.json");
  m_dir.write("migrations/V1__mine.json", R"([{"dropCollection": "x"}])");
  EXPECT_EQ(refusal(), "version 1 exists already: " + location() +
                           "/V1__mine.json; import into an empty location, or remove that version");
  EXPECT_EQ(fs::directory_iterator(location())->path().filename(), "V1__mine.json");
}

TEST_F(ImportDirectory, AFileThatExistsIsNeverOverwritten) {
  source("1_a.up.json");
  const auto files = plan();
  m_dir.write("migrations/V1__a.json", "mine");
  try {
    write_imported_files(location(), files);
    FAIL() << "overwrote a file";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), location() + "/V1__a.json already exists; not overwriting it");
  }
  EXPECT_EQ(read(location() + "/V1__a.json"), "mine");
}

TEST_F(ImportDirectory, AnEmptyOrMissingDirectoryIsRefused) {
  fs::create_directories(m_dir.path() / "golang");
  EXPECT_EQ(refusal(), "no golang-migrate migration files in " + (m_dir.path() / "golang").string() +
                           " (names such as 1_create_users.up.json)");
  fs::remove(m_dir.path() / "golang");
  EXPECT_EQ(refusal(), (m_dir.path() / "golang").string() + ": not a directory");
}

}  // namespace
}  // namespace mongoway::script
