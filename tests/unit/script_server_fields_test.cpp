// The fields MongoDB's own commands take beyond what a command changes
// (writeConcern, commitQuorum, the server's comment, maxTimeMS, …): each is
// accepted with the type the server documents and sent exactly as written,
// a wrong type is refused at its value, the options MongoDB ignores are
// accepted with a lint note, and the fields mongoway manages itself are
// refused with the reason.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "script/render.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::canonical;
using testing::diagnostics_text;
using testing::render_only;

RenderContext app() { return RenderContext{"app", {}}; }

// The one server command `command` renders to, as canonical Extended JSON.
std::string sent(const std::string& command) {
  auto rendered = render_only("[" + command + "]", app());
  return rendered.size() == 1 ? rendered[0].command.to_json(bson::JsonMode::canonical) : "<not one command>";
}

// Every diagnostic of a file holding `commands_json`, one "file:line:col: severity: message" a line.
std::string problems_of(const std::string& commands_json) {
  std::vector<Diagnostic> diagnostics;
  (void)testing::parse_text(commands_json, diagnostics);
  return diagnostics_text(diagnostics);
}

const std::string kFile = "migrations/V1__test.json";

// --- rendering: sent exactly as written ----------------------------------------------------

TEST(ScriptServerFields, CreateIndexesTakesCommitQuorumWriteConcernAndTheServersComment) {
  EXPECT_EQ(sent(R"({"createIndexes": "image", "comment": "mongoway's own, never sent",
      "indexes": [{"name": "by_owner", "key": {"owner": 1}, "background": true}],
      "commitQuorum": "majority", "writeConcern": {"w": "majority", "wtimeout": 5000}, "serverComment": "ticket 42"})"),
            canonical(R"({"createIndexes": "image",
      "indexes": [{"key": {"owner": 1}, "name": "by_owner", "background": true}],
      "commitQuorum": "majority", "writeConcern": {"w": "majority", "wtimeout": 5000}, "comment": "ticket 42"})"));
  // commitQuorum as a number of members; the server's comment may be any value.
  EXPECT_EQ(sent(R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}}], "commitQuorum": 2,
      "serverComment": {"ticket": 42}})"),
            canonical(R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}, "name": "a_1"}], "commitQuorum": 2,
      "comment": {"ticket": 42}})"));
}

TEST(ScriptServerFields, CreateIndexSendsTheCommandsFieldsBesideTheIndexNotInIt) {
  EXPECT_EQ(sent(R"({"createIndex": "c", "key": {"t": "text"}, "writeConcern": {"w": 1, "j": true},
      "textIndexVersion": 3, "commitQuorum": "votingMembers", "serverComment": "x", "default_language": "none"})"),
            canonical(R"({"createIndexes": "c",
      "indexes": [{"key": {"t": "text"}, "name": "t_text", "textIndexVersion": 3, "default_language": "none"}],
      "writeConcern": {"w": 1, "j": true}, "commitQuorum": "votingMembers", "comment": "x"})"));
}

TEST(ScriptServerFields, IndexOptionsOfEveryIndexType) {
  EXPECT_EQ(sent(R"({"createIndex": "places", "key": {"loc": "2d"}, "bits": 26, "min": -180, "max": 180.0, "v": 2,
      "storageEngine": {"wiredTiger": {"configString": "block_compressor=zstd"}}})"),
            canonical(R"({"createIndexes": "places", "indexes": [{"key": {"loc": "2d"}, "name": "loc_2d",
      "bits": 26, "min": -180, "max": 180.0, "v": 2,
      "storageEngine": {"wiredTiger": {"configString": "block_compressor=zstd"}}}]})"));
}

TEST(ScriptServerFields, DropIndexTakesANameAnArrayOfNamesOrStar) {
  EXPECT_EQ(sent(R"({"dropIndex": "image", "name": "image_status_v1", "writeConcern": {"w": "majority"}})"),
            canonical(R"({"dropIndexes": "image", "index": "image_status_v1", "writeConcern": {"w": "majority"}})"));
  EXPECT_EQ(sent(R"({"dropIndex": "accounts", "name": ["unique_username", "unique_email"], "serverComment": 7})"),
            canonical(R"({"dropIndexes": "accounts", "index": ["unique_username", "unique_email"], "comment": 7})"));
  EXPECT_EQ(sent(R"({"dropIndex": "user", "name": "*"})"), canonical(R"({"dropIndexes": "user", "index": "*"})"));
}

TEST(ScriptServerFields, CreateCollectionTakesEveryOptionOfCreate) {
  EXPECT_EQ(sent(R"({"createCollection": "accounts", "autoIndexId": true, "comment": "Create Account collection",
      "storageEngine": {"wiredTiger": {}}, "indexOptionDefaults": {"storageEngine": {"wiredTiger": {}}},
      "encryptedFields": {"fields": []}, "writeConcern": {"w": 1}, "serverComment": "create"})"),
            canonical(R"({"create": "accounts", "autoIndexId": true, "storageEngine": {"wiredTiger": {}},
      "indexOptionDefaults": {"storageEngine": {"wiredTiger": {}}}, "encryptedFields": {"fields": []},
      "writeConcern": {"w": 1}, "comment": "create"})"));
}

TEST(ScriptServerFields, CollectionCommandsTakeWriteConcernAndTheServersComment) {
  EXPECT_EQ(sent(R"({"dropCollection": "todo", "comment": "Remove todo collection", "writeConcern": {"w": 1},
      "serverComment": "drop"})"),
            canonical(R"({"drop": "todo", "writeConcern": {"w": 1}, "comment": "drop"})"));
  const auto rename = render_only(
      R"([{"renameCollection": "a", "to": "b", "serverComment": "r", "writeConcern": {"w": "majority"}}])", app());
  ASSERT_EQ(rename.size(), 1u);
  EXPECT_EQ(rename[0].command.to_json(bson::JsonMode::canonical),
            canonical(R"({"renameCollection": "app.a", "to": "app.b", "comment": "r",
                          "writeConcern": {"w": "majority"}})"));
  EXPECT_EQ(rename[0].database, "admin");
  EXPECT_EQ(sent(R"({"createView": "v", "viewOn": "c", "pipeline": [], "writeConcern": {"w": 1},
      "serverComment": "view"})"),
            canonical(R"({"create": "v", "viewOn": "c", "pipeline": [], "writeConcern": {"w": 1},
      "comment": "view"})"));
  EXPECT_EQ(sent(R"({"collMod": "c", "index": {"keyPattern": {"a": 1}, "unique": true}, "dryRun": true,
      "writeConcern": {"w": 1}, "serverComment": "m"})"),
            canonical(R"({"collMod": "c", "index": {"keyPattern": {"a": 1}, "unique": true}, "dryRun": true,
      "writeConcern": {"w": 1}, "comment": "m"})"));
}

TEST(ScriptServerFields, InsertTakesOrderedBypassValidationMaxTimeAndWriteConcern) {
  const auto rendered = render_only(R"([{"insertMany": "users", "documents": [{"a": 1}, {"a": 2}],
      "ordered": false, "bypassDocumentValidation": true, "maxTimeMS": 1000, "writeConcern": {"w": "majority"},
      "serverComment": "seed"}])",
                                    app());
  ASSERT_EQ(rendered.size(), 1u);
  // The documents are added by the executor, in batches, after these fields.
  EXPECT_EQ(rendered[0].command.to_json(bson::JsonMode::canonical),
            canonical(R"({"insert": "users", "ordered": false, "bypassDocumentValidation": true,
      "maxTimeMS": 1000, "writeConcern": {"w": "majority"}, "comment": "seed"})"));
  EXPECT_EQ(rendered[0].documents.size(), 2u);
}

TEST(ScriptServerFields, UpdateTakesTheStatementsAndTheCommandsFields) {
  EXPECT_EQ(sent(R"({"updateOne": "c", "filter": {"a": 1}, "update": [{"$set": {"b": "$$v"}}], "c": {"v": 2},
      "sort": {"at": -1}, "let": {"x": 1}, "maxTimeMS": 500, "bypassDocumentValidation": true,
      "writeConcern": {"w": 1}, "serverComment": "u"})"),
            canonical(R"({"update": "c", "updates": [{"q": {"a": 1}, "u": [{"$set": {"b": "$$v"}}],
      "c": {"v": 2}, "sort": {"at": -1}}], "ordered": true, "let": {"x": 1}, "maxTimeMS": 500,
      "bypassDocumentValidation": true, "writeConcern": {"w": 1}, "comment": "u"})"));
  EXPECT_EQ(sent(R"({"replaceOne": "c", "filter": {"_id": 1}, "replacement": {"a": 1}, "sort": {"a": 1},
      "writeConcern": {"w": 1}})"),
            canonical(R"({"update": "c", "updates": [{"q": {"_id": 1}, "u": {"a": 1}, "sort": {"a": 1}}],
      "ordered": true, "writeConcern": {"w": 1}})"));
}

TEST(ScriptServerFields, DeleteTakesLetMaxTimeWriteConcernAndTheServersComment) {
  EXPECT_EQ(sent(R"({"deleteMany": "users", "filter": {"name": "$$n"}, "let": {"n": "test2"}, "maxTimeMS": 100,
      "writeConcern": {"w": "majority"}, "serverComment": "d"})"),
            canonical(R"({"delete": "users", "deletes": [{"q": {"name": "$$n"}, "limit": 0}], "ordered": true,
      "let": {"n": "test2"}, "maxTimeMS": 100, "writeConcern": {"w": "majority"}, "comment": "d"})"));
}

TEST(ScriptServerFields, AggregateTakesItsCursorReadConcernAndTheRest) {
  EXPECT_EQ(sent(R"({"aggregate": "o", "pipeline": [{"$out": "t"}], "cursor": {"batchSize": 10},
      "maxTimeMS": 60000, "bypassDocumentValidation": true, "readConcern": {"level": "majority"},
      "writeConcern": {"w": 1}, "serverComment": "a"})"),
            canonical(R"({"aggregate": "o", "pipeline": [{"$out": "t"}], "cursor": {"batchSize": 10},
      "maxTimeMS": 60000, "bypassDocumentValidation": true, "readConcern": {"level": "majority"},
      "writeConcern": {"w": 1}, "comment": "a"})"));
}

// --- validation: wrong types refused at the value, with the field --------------------------

struct WrongType {
  std::string command;  // one command, written on line 2 of the file after two spaces
  std::string at;       // the text the diagnostic points at: its first occurrence in the command
  std::string problem;  // the message, after "command 1 (name): "
};

// "file:2:COLUMN: error: command 1 (name): problem", the column that of `at`.
std::string expected(const WrongType& c) {
  const size_t name_end = c.command.find('"', 2);
  const std::string name = c.command.substr(2, name_end - 2);
  return fmt::format("{}:2:{}: error: command 1 ({}): {}\n", kFile, c.command.find(c.at) + 3, name, c.problem);
}

TEST(ScriptServerFields, EachNewFieldOfTheWrongTypeIsRefusedAtItsValue) {
  const WrongType cases[] = {
      {R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}}], "commitQuorum": true})", "true",
       "field \"commitQuorum\": expected a string or a number, got a boolean"},
      {R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}}], "writeConcern": "majority"})", "\"majority\"",
       "field \"writeConcern\": expected a document, got a string"},
      {R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}, "background": "yes"}]})", "\"yes\"",
       "field \"indexes.0.background\": expected a boolean, got a string"},
      {R"({"createIndex": "c", "key": {"a": 1}, "bits": "26"})", "\"26\"",
       "field \"bits\": expected a number, got a string"},
      {R"({"createIndex": "c", "key": {"a": 1}, "serverComment": "x", "v": true})", "true",
       "field \"v\": expected a number, got a boolean"},
      {R"({"dropIndex": "c", "name": "a_1", "writeConcern": {"w": true}})", "true",
       "field \"writeConcern.w\": expected a string or a number, got a boolean"},
      {R"({"dropIndex": "c", "name": "a_1", "writeConcern": {"wtimeout": "5s"}})", "\"5s\"",
       "field \"writeConcern.wtimeout\": expected a number, got a string"},
      {R"({"dropIndex": "c", "name": "a_1", "writeConcern": {"fsync": true}})", "\"fsync\"",
       "unknown field \"writeConcern.fsync\"; allowed fields: \"w\", \"j\", \"wtimeout\""},
      {R"({"dropIndex": "c", "name": ["a_1", 2]})", "2]",
       "field \"name.1\": expected a string (an index name), got a number"},
      {R"({"dropIndex": "c", "name": ["a_1", ""]})", "\"\"]", "field \"name.1\": must not be empty"},
      {R"({"dropIndex": "c", "name": []})", "[]", "field \"name\": must not be empty"},
      {R"({"dropIndex": "c", "name": 1})", "1", "field \"name\": expected a string or an array, got a number"},
      {R"({"createCollection": "c", "autoIndexId": "true"})", "\"true\"",
       "field \"autoIndexId\": expected a boolean, got a string"},
      {R"({"createCollection": "c", "indexOptionDefaults": []})", "[]",
       "field \"indexOptionDefaults\": expected a document, got an array"},
      {R"({"dropCollection": "c", "writeConcern": null})", "null",
       "field \"writeConcern\": expected a document, got null"},
      {R"({"collMod": "c", "validationLevel": "strict", "dryRun": 1})", "1}",
       "field \"dryRun\": expected a boolean, got a number"},
      {R"({"insertMany": "c", "documents": [{}], "ordered": "false"})", "\"false\"",
       "field \"ordered\": expected a boolean, got a string"},
      {R"({"insertOne": "c", "document": {}, "maxTimeMS": "1s"})", "\"1s\"",
       "field \"maxTimeMS\": expected a number, got a string"},
      {R"({"insertOne": "c", "document": {}, "bypassDocumentValidation": 1})", "1}",
       "field \"bypassDocumentValidation\": expected a boolean, got a number"},
      {R"({"updateMany": "c", "filter": {}, "update": {"$set": {"a": 1}}, "let": 5})", "5}",
       "field \"let\": expected a document, got a number"},
      {R"({"updateMany": "c", "filter": {}, "update": [{"$set": {"a": "$$v"}}], "c": []})", "[]}",
       "field \"c\": expected a document, got an array"},
      {R"({"updateOne": "c", "filter": {}, "update": {"$set": {"a": 1}}, "sort": "a"})", "\"a\"}",
       "field \"sort\": expected a document, got a string"},
      {R"({"deleteOne": "c", "filter": {}, "bypassDocumentValidation": true})", "\"bypassDocumentValidation\"",
       "unknown field \"bypassDocumentValidation\"; allowed fields: \"filter\", \"collation\", \"hint\", \"let\", "
       "\"maxTimeMS\", \"writeConcern\", \"serverComment\", \"comment\""},
      {R"({"aggregate": "c", "pipeline": [], "readConcern": {"level": "newest"}})", "\"newest\"",
       "field \"readConcern.level\": expected one of \"local\", \"available\", \"majority\", \"linearizable\" or "
       "\"snapshot\", got \"newest\""},
      {R"({"aggregate": "c", "pipeline": [], "cursor": 10})", "10",
       "field \"cursor\": expected a document, got a number"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(problems_of("[\n  " + c.command + "\n]"), expected(c)) << c.command;
  }
}

TEST(ScriptServerFields, RightTypesAreAccepted) {
  EXPECT_EQ(problems_of(R"([
  {"createIndexes": "c", "indexes": [{"key": {"a": 1}}], "commitQuorum": 0, "writeConcern": {"w": 2, "j": false}},
  {"dropIndex": "c", "name": "*", "serverComment": null},
  {"insertMany": "c", "documents": [{}], "ordered": true, "maxTimeMS": {"$numberLong": "10"}},
  {"collMod": "c", "expireAfterSeconds": "off", "writeConcern": {"w": "majority"}}
])"),
            "");
}

// --- w: 0 is refused, as in the URI --------------------------------------------------------

TEST(ScriptServerFields, AnUnacknowledgedWriteConcernIsRefusedWhateverTheNumbersType) {
  const std::string message =
      "error: command 1 (insertOne): field \"writeConcern.w\": w: 0 asks for unacknowledged writes: mongoway must "
      "know that each write landed before it records the version; remove it, or use 1 or \"majority\"\n";
  for (const char* zero : {"0", "0.0", "-0.0", R"({"$numberLong": "0"})", R"({"$numberDecimal": "0E+3"})"}) {
    EXPECT_EQ(problems_of(std::string(R"([{"insertOne": "c", "document": {}, "writeConcern": {"w": )") + zero + "}}]"),
              kFile + ":1:59: " + message)
        << zero;
  }
  EXPECT_EQ(problems_of(R"([{"insertOne": "c", "document": {}, "writeConcern": {"w": 1}}])"), "");
}

// --- autoIndexId ---------------------------------------------------------------------------

TEST(ScriptServerFields, AutoIndexIdFalseIsRefusedWithTheReasonAndTrueIsANote) {
  EXPECT_EQ(problems_of(R"([{"createCollection": "c", "autoIndexId": false}])"),
            kFile +
                ":1:43: error: command 1 (createCollection): field \"autoIndexId\": false is refused by MongoDB since "
                "4.0 outside the local database (every collection has its _id index); remove the field\n");
  std::vector<Diagnostic> diagnostics;
  const auto script = testing::parse_text(R"([{"createCollection": "accounts", "autoIndexId": true}])", diagnostics);
  ASSERT_TRUE(script) << diagnostics_text(diagnostics);  // a note is not an error: the file loads
  EXPECT_EQ(diagnostics_text(diagnostics),
            kFile + ":1:50: warning: command 1 (createCollection): field \"autoIndexId\": deprecated since MongoDB "
                    "3.2, and true is what every collection gets anyway; it is sent as written, and can be removed\n");
}

// --- options MongoDB ignores: accepted, with a lint note ----------------------------------

TEST(ScriptServerFields, BackgroundIsAcceptedWithANoteAtEachIndexThatHasIt) {
  std::vector<Diagnostic> diagnostics;
  const auto script = testing::parse_text(R"([
  {"createIndexes": "accounts", "indexes": [
    {"key": {"username": 1}, "name": "unique_username", "unique": true, "background": true},
    {"key": {"email": 1}, "name": "unique_email", "unique": true}]},
  {"createIndex": "users", "key": {"name": 1}, "background": false}
])",
                                          diagnostics);
  ASSERT_TRUE(script) << diagnostics_text(diagnostics);
  const std::string note = "MongoDB ignores \"background\" since 4.2 (every index build holds the same brief "
                           "locks); it is sent as written, and can be removed\n";
  EXPECT_EQ(diagnostics_text(diagnostics),
            kFile + ":3:87: warning: command 1 (createIndexes): field \"indexes.0.background\": " + note + kFile +
                ":5:62: warning: command 2 (createIndex): field \"background\": " + note);
}

TEST(ScriptServerFields, DropDupsIsAcceptedWithANoteAndSent) {
  EXPECT_EQ(problems_of(R"([{"createIndex": "c", "key": {"a": 1}, "unique": true, "dropDups": true}])"),
            kFile +
                ":1:68: warning: command 1 (createIndex): field \"dropDups\": MongoDB ignores \"dropDups\" since 3.0 "
                "(a unique index build fails on duplicates rather than deleting them); it is sent as written, and "
                "can be removed\n");
  EXPECT_EQ(sent(R"({"createIndex": "c", "key": {"a": 1}, "unique": true, "dropDups": true})"),
            canonical(R"({"createIndexes": "c", "indexes": [{"key": {"a": 1}, "name": "a_1", "unique": true,
      "dropDups": true}]})"));
}

TEST(ScriptServerFields, IndexOptionsLeftOutAreRefusedWithTheReason) {
  EXPECT_EQ(problems_of(R"([{"createIndexes": "c", "indexes": [{"key": {"a": 1}, "ns": "app.c"}]}])"),
            kFile + ":1:55: error: command 1 (createIndexes): field \"indexes.0.ns\" is not taken: an index is on its "
                    "command's collection; MongoDB checks a given \"ns\" against it and drops it\n");
  EXPECT_EQ(problems_of(R"([{"createIndex": "c", "key": {"p": "geoHaystack"}, "bucketSize": 1}])"),
            kFile + ":1:52: error: command 1 (createIndex): field \"bucketSize\" is not taken: it is for geoHaystack "
                    "indexes, which MongoDB removed in 5.0\n");
}

TEST(ScriptServerFields, TheNoteIsGivenOnceNotAgainWhenTheCommandIsRendered) {
  std::vector<Diagnostic> diagnostics;
  const auto script = testing::parse_text(R"([{"createIndex": "${coll}", "key": {"a": 1}, "background": true}])",
                                          diagnostics);
  ASSERT_TRUE(script);
  EXPECT_EQ(diagnostics.size(), 1u);
  EXPECT_TRUE(check_render(*script, script->commands[0], RenderContext{"app", {{"coll", "c"}}}).empty());
  EXPECT_EQ(render(*script, script->commands[0], RenderContext{"app", {{"coll", "c"}}}).size(), 1u);
}

// --- fields mongoway manages, and fields another command takes -----------------------------

TEST(ScriptServerFields, SessionTransactionAndStableApiFieldsAreRefusedWithTheReason) {
  EXPECT_EQ(problems_of(R"([{"insertOne": "c", "document": {}, "lsid": {"id": 1}}])"),
            kFile + ":1:37: error: command 1 (insertOne): field \"lsid\" is not taken: mongoway runs each command in "
                    "its own session, or in the file's transaction\n");
  EXPECT_EQ(problems_of(R"([{"dropCollection": "c", "startTransaction": true}])"),
            kFile + ":1:26: error: command 1 (dropCollection): field \"startTransaction\" is not taken: transactions "
                    "are set per file, with \"transaction\": true\n");
  EXPECT_EQ(problems_of(R"([{"createCollection": "c", "apiVersion": "1"}])"),
            kFile + ":1:28: error: command 1 (createCollection): field \"apiVersion\" is not taken: the Stable API is "
                    "a setting of the connection, not of one command\n");
  EXPECT_EQ(problems_of(R"([{"createCollection": "v", "viewOn": "c", "pipeline": []}])"),
            kFile +
                ":1:28: error: command 1 (createCollection): field \"viewOn\" is not taken: a view is made with "
                "createView\n" +
                kFile +
                ":1:43: error: command 1 (createCollection): field \"pipeline\" is not taken: a view is made "
                "with createView\n");
  EXPECT_EQ(problems_of(R"([{"aggregate": "c", "pipeline": [], "explain": true}])"),
            kFile + ":1:37: error: command 1 (aggregate): field \"explain\" is not taken: explain returns the plan "
                    "instead of running the pipeline, so the version would change nothing\n");
}

TEST(ScriptServerFields, CollModNeedsAnOptionBeyondHowItIsSent) {
  EXPECT_EQ(problems_of(R"([{"collMod": "c", "writeConcern": {"w": 1}, "serverComment": "x", "dryRun": true}])"),
            kFile + ":1:2: error: command 1 (collMod): no options given; collMod needs at least one field such as "
                    "\"validator\"\n");
}

// --- a transaction applies its own write and read concerns ---------------------------------

TEST(ScriptServerFields, AFileInATransactionRefusesACommandsOwnWriteConcern) {
  EXPECT_EQ(problems_of(R"({"transaction": true, "commands": [
  {"insertOne": "c", "document": {}, "writeConcern": {"w": "majority"}}]})"),
            kFile + ":2:38: error: command 1 (insertOne): field \"writeConcern\": the file runs in a transaction "
                    "(\"transaction\": true), whose commands MongoDB runs with the transaction's own write concern; "
                    "remove the field, or set \"transaction\": false\n");
  EXPECT_EQ(problems_of(R"({"transaction": false, "commands": [
  {"insertOne": "c", "document": {}, "writeConcern": {"w": "majority"}}]})"),
            "");
}

TEST(ScriptServerFields, TheFieldsATransactionRefusesAreNamedForTheEngine) {
  std::vector<Diagnostic> diagnostics;
  const auto script = testing::parse_text(R"([
  {"insertOne": "c", "document": {}},
  {"aggregate": "c", "pipeline": [], "readConcern": {"level": "local"}},
  {"dropCollection": "c", "writeConcern": {"w": 1}}
])",
                                          diagnostics);
  ASSERT_TRUE(script) << diagnostics_text(diagnostics);
  EXPECT_EQ(field_refused_in_transaction(script->commands[0]), "");
  EXPECT_EQ(field_refused_in_transaction(script->commands[1]), "readConcern");
  EXPECT_EQ(field_refused_in_transaction(script->commands[2]), "writeConcern");
}

// --- the forms of real files, as a whole -------------------------------------------------

TEST(ScriptServerFields, TheRealFileFormsLoadWithNotesForLintOnly) {
  const std::string location = std::string(MONGOWAY_SOURCE_DIR) + "/tests/data/valid/server_fields";
  LoadOptions lint;
  lint.notes = true;
  const LoadResult linted = load_all({location}, lint);
  EXPECT_FALSE(linted.has_errors()) << diagnostics_text(linted.diagnostics);
  ASSERT_EQ(linted.migrations.size(), 2u);
  EXPECT_TRUE(linted.migrations[0].undo && linted.migrations[1].undo);
  std::string notes;
  for (const auto& d : linted.diagnostics) {
    notes += d.file.substr(location.size() + 1) + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) +
             (d.is_error() ? " error\n" : " warning\n");
  }
  EXPECT_EQ(notes, "V1__accounts.json:2:51 warning\nV1__accounts.json:5:82 warning\nV1__accounts.json:6:80 warning\n");
  // A run loads the same files without the notes, which it cannot act on.
  const LoadResult run = load_all({location}, LoadOptions{});
  EXPECT_TRUE(run.diagnostics.empty()) << diagnostics_text(run.diagnostics);
  EXPECT_EQ(run.migrations.size(), 2u);
}

}  // namespace
}  // namespace mongoway::script
