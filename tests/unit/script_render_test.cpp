// Golden tests: each command's JSON form in, the exact server command out
// (compared as canonical Extended JSON, so types and field order count).

#include <gtest/gtest.h>

#include "script/builders.hpp"
#include "script/render.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::canonical;
using testing::render_only;

RenderContext app_context() {
  RenderContext context;
  context.database = "app";
  context.placeholders = {{"env", "prod"}, {"suffix", "v2"}};
  return context;
}

// Renders `command` (one command object) and checks the single server command.
void expect_command(const std::string& command, const std::string& expected, const std::string& database = "app",
                    ReplyKind reply = ReplyKind::plain) {
  auto rendered = render_only("[" + command + "]", app_context());
  ASSERT_EQ(rendered.size(), 1u);
  EXPECT_EQ(rendered[0].command.to_json(bson::JsonMode::canonical), canonical(expected));
  EXPECT_EQ(rendered[0].database, database);
  EXPECT_EQ(rendered[0].reply, reply);
  EXPECT_FALSE(rendered[0].is_insert);
}

TEST(ScriptRender, CreateCollectionPlain) {
  expect_command(R"({"createCollection": "users"})", R"({"create": "users"})");
}

TEST(ScriptRender, CreateCollectionWithOptionsKeepsOrderAndTypes) {
  expect_command(
      R"({"createCollection": "events", "comment": "capped log", "capped": true, "size": {"$numberLong": "1048576"},
          "max": 1000, "validator": {"$jsonSchema": {"required": ["at"]}}, "validationLevel": "moderate",
          "validationAction": "warn", "collation": {"locale": "fr"}, "timeseries": {"timeField": "at"},
          "expireAfterSeconds": 3600, "clusteredIndex": {"key": {"_id": 1}, "unique": true},
          "changeStreamPreAndPostImages": {"enabled": true}})",
      R"({"create": "events", "capped": true, "size": {"$numberLong": "1048576"}, "max": 1000,
          "validator": {"$jsonSchema": {"required": ["at"]}}, "validationLevel": "moderate",
          "validationAction": "warn", "collation": {"locale": "fr"}, "timeseries": {"timeField": "at"},
          "expireAfterSeconds": 3600, "clusteredIndex": {"key": {"_id": 1}, "unique": true},
          "changeStreamPreAndPostImages": {"enabled": true}})");
}

TEST(ScriptRender, DropCollection) {
  expect_command(R"({"dropCollection": "users", "comment": "gone"})", R"({"drop": "users"})");
}

TEST(ScriptRender, RenameCollectionRunsOnAdminWithFullNamespaces) {
  expect_command(R"({"renameCollection": "users", "to": "customers"})",
                 R"({"renameCollection": "app.users", "to": "app.customers"})", "admin");
  expect_command(R"({"renameCollection": "a", "to": "b", "dropTarget": true})",
                 R"({"renameCollection": "app.a", "to": "app.b", "dropTarget": true})", "admin");
}

TEST(ScriptRender, CreateIndexDefaultName) {
  expect_command(
      R"({"createIndex": "users", "key": {"email": 1, "age": -1}})",
      R"({"createIndexes": "users", "indexes": [{"key": {"email": 1, "age": -1}, "name": "email_1_age_-1"}]})");
}

TEST(ScriptRender, CreateIndexDefaultNameForStringAndLongAndDoubleKeys) {
  expect_command(R"({"createIndex": "posts", "key": {"title": "text", "loc": "2dsphere"}})",
                 R"({"createIndexes": "posts", "indexes": [{"key": {"title": "text", "loc": "2dsphere"},
                     "name": "title_text_loc_2dsphere"}]})");
  expect_command(R"({"createIndex": "posts", "key": {"a": {"$numberLong": "1"}, "b": -1.0}})",
                 R"({"createIndexes": "posts", "indexes": [{"key": {"a": {"$numberLong": "1"}, "b": -1.0},
                     "name": "a_1_b_-1"}]})");
}

TEST(ScriptRender, CreateIndexWithNameAndOptions) {
  expect_command(
      R"({"createIndex": "users", "key": {"email": 1}, "unique": true, "name": "by_email", "sparse": false,
          "partialFilterExpression": {"active": true}, "collation": {"locale": "en", "strength": 2}})",
      R"({"createIndexes": "users", "indexes": [{"key": {"email": 1}, "name": "by_email", "unique": true,
          "sparse": false, "partialFilterExpression": {"active": true},
          "collation": {"locale": "en", "strength": 2}}]})");
}

TEST(ScriptRender, CreateIndexTextAndTtlOptions) {
  expect_command(
      R"({"createIndex": "posts", "key": {"body": "text"}, "weights": {"body": 10}, "default_language": "english",
          "language_override": "lang", "hidden": false})",
      R"({"createIndexes": "posts", "indexes": [{"key": {"body": "text"}, "name": "body_text",
          "weights": {"body": 10}, "default_language": "english", "language_override": "lang", "hidden": false}]})");
  expect_command(
      R"({"createIndex": "sessions", "key": {"at": 1}, "expireAfterSeconds": 60})",
      R"({"createIndexes": "sessions", "indexes": [{"key": {"at": 1}, "name": "at_1", "expireAfterSeconds": 60}]})");
  expect_command(R"({"createIndex": "places", "key": {"loc": "2dsphere"}, "2dsphereIndexVersion": 3})",
                 R"({"createIndexes": "places", "indexes": [{"key": {"loc": "2dsphere"}, "name": "loc_2dsphere",
          "2dsphereIndexVersion": 3}]})");
  expect_command(R"({"createIndex": "docs", "key": {"$**": 1}, "wildcardProjection": {"secret": 0}})",
                 R"({"createIndexes": "docs", "indexes": [{"key": {"$**": 1}, "name": "$**_1",
          "wildcardProjection": {"secret": 0}}]})");
}

TEST(ScriptRender, CreateIndexes) {
  expect_command(
      R"({"createIndexes": "orders", "indexes": [
           {"key": {"customer": 1, "at": -1}},
           {"name": "by_number", "key": {"number": 1}, "unique": true}]})",
      R"({"createIndexes": "orders", "indexes": [
           {"key": {"customer": 1, "at": -1}, "name": "customer_1_at_-1"},
           {"key": {"number": 1}, "name": "by_number", "unique": true}]})");
}

TEST(ScriptRender, DropIndexByNameOrKey) {
  expect_command(R"({"dropIndex": "users", "name": "email_1"})", R"({"dropIndexes": "users", "index": "email_1"})");
  expect_command(R"({"dropIndex": "users", "key": {"email": 1, "age": -1}})",
                 R"({"dropIndexes": "users", "index": {"email": 1, "age": -1}})");
}

TEST(ScriptRender, CollMod) {
  expect_command(
      R"({"collMod": "users", "validator": {"$jsonSchema": {"required": ["email"]}}, "validationLevel": "strict"})",
      R"({"collMod": "users", "validator": {"$jsonSchema": {"required": ["email"]}}, "validationLevel": "strict"})");
  expect_command(R"({"collMod": "users", "index": {"name": "email_1", "hidden": true}})",
                 R"({"collMod": "users", "index": {"name": "email_1", "hidden": true}})");
  expect_command(R"({"collMod": "sessions", "index": {"keyPattern": {"at": 1}, "expireAfterSeconds": 120}})",
                 R"({"collMod": "sessions", "index": {"keyPattern": {"at": 1}, "expireAfterSeconds": 120}})");
}

TEST(ScriptRender, CreateView) {
  expect_command(
      R"({"createView": "active_users", "collation": {"locale": "en"}, "viewOn": "users",
          "pipeline": [{"$match": {"active": true}}]})",
      R"({"create": "active_users", "viewOn": "users", "pipeline": [{"$match": {"active": true}}],
          "collation": {"locale": "en"}})");
}

TEST(ScriptRender, InsertOneKeepsTheDocumentOutOfTheCommand) {
  auto rendered = render_only(
      R"([{"insertOne": "users", "document": {"_id": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "name": "Ada",
           "born": {"$date": "1815-12-10T00:00:00Z"}, "visits": {"$numberLong": "42"}}}])",
      app_context());
  ASSERT_EQ(rendered.size(), 1u);
  const auto& insert = rendered[0];
  EXPECT_EQ(insert.command.to_json(bson::JsonMode::canonical), canonical(R"({"insert": "users", "ordered": true})"));
  EXPECT_TRUE(insert.is_insert);
  EXPECT_EQ(insert.reply, ReplyKind::write);
  EXPECT_EQ(insert.database, "app");
  EXPECT_FALSE(insert.documents_file.has_value());
  ASSERT_EQ(insert.documents.size(), 1u);
  EXPECT_EQ(insert.documents[0].to_json(bson::JsonMode::canonical),
            canonical(R"({"_id": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "name": "Ada",
                          "born": {"$date": {"$numberLong": "-4861728000000"}}, "visits": {"$numberLong": "42"}})"));
}

TEST(ScriptRender, InsertMany) {
  auto rendered = render_only(R"([{"insertMany": "products", "documents": [{"sku": "a-1"}, {"sku": "b-2", "price":
                                   {"$numberDecimal": "9.99"}}]}])",
                              app_context());
  ASSERT_EQ(rendered.size(), 1u);
  EXPECT_EQ(rendered[0].command.to_json(bson::JsonMode::canonical),
            canonical(R"({"insert": "products", "ordered": true})"));
  EXPECT_TRUE(rendered[0].is_insert);
  EXPECT_EQ(rendered[0].reply, ReplyKind::write);
  ASSERT_EQ(rendered[0].documents.size(), 2u);
  EXPECT_EQ(rendered[0].documents[0].to_json(bson::JsonMode::canonical), canonical(R"({"sku": "a-1"})"));
  EXPECT_EQ(rendered[0].documents[1].to_json(bson::JsonMode::canonical),
            canonical(R"({"sku": "b-2", "price": {"$numberDecimal": "9.99"}})"));
}

TEST(ScriptRender, UpdateOne) {
  expect_command(R"({"updateOne": "users", "filter": {"email": "a@b.c"}, "update": {"$set": {"active": true}}})",
                 R"({"update": "users", "updates": [{"q": {"email": "a@b.c"}, "u": {"$set": {"active": true}}}],
                     "ordered": true})",
                 "app", ReplyKind::write);
}

TEST(ScriptRender, UpdateManyWithAllOptions) {
  expect_command(
      R"({"updateMany": "orders", "hint": "status_1", "filter": {"status": "new"}, "upsert": false,
          "update": {"$set": {"items.$[i].ok": true}}, "arrayFilters": [{"i.qty": {"$gt": 0}}],
          "collation": {"locale": "en"}})",
      R"({"update": "orders", "updates": [{"q": {"status": "new"}, "u": {"$set": {"items.$[i].ok": true}},
          "upsert": false, "multi": true, "arrayFilters": [{"i.qty": {"$gt": 0}}], "collation": {"locale": "en"},
          "hint": "status_1"}], "ordered": true})",
      "app", ReplyKind::write);
}

TEST(ScriptRender, UpdateWithPipeline) {
  expect_command(
      R"({"updateMany": "users", "filter": {}, "update": [{"$set": {"full": {"$concat": ["$first", " ", "$last"]}}}]})",
      R"({"update": "users", "updates": [{"q": {}, "u": [{"$set": {"full": {"$concat": ["$first", " ", "$last"]}}}],
          "multi": true}], "ordered": true})",
      "app", ReplyKind::write);
}

TEST(ScriptRender, ReplaceOne) {
  expect_command(R"({"replaceOne": "settings", "filter": {"_id": "site"}, "replacement": {"theme": "dark"},
                     "upsert": true})",
                 R"({"update": "settings", "updates": [{"q": {"_id": "site"}, "u": {"theme": "dark"},
                     "upsert": true}], "ordered": true})",
                 "app", ReplyKind::write);
}

TEST(ScriptRender, DeleteOneAndMany) {
  expect_command(R"({"deleteOne": "users", "filter": {"email": "x@y.z"}})",
                 R"({"delete": "users", "deletes": [{"q": {"email": "x@y.z"}, "limit": 1}], "ordered": true})", "app",
                 ReplyKind::write);
  expect_command(R"({"deleteMany": "logs", "filter": {"at": {"$lt": {"$date": "2020-01-01T00:00:00Z"}}},
                     "hint": {"at": 1}, "collation": {"locale": "en"}})",
                 R"({"delete": "logs", "deletes": [{"q": {"at": {"$lt": {"$date": "2020-01-01T00:00:00Z"}}},
                     "limit": 0, "collation": {"locale": "en"}, "hint": {"at": 1}}], "ordered": true})",
                 "app", ReplyKind::write);
}

TEST(ScriptRender, Aggregate) {
  expect_command(R"({"aggregate": "orders", "pipeline": [{"$match": {"paid": true}}, {"$out": "paid_orders"}],
                     "allowDiskUse": true})",
                 R"({"aggregate": "orders", "pipeline": [{"$match": {"paid": true}}, {"$out": "paid_orders"}],
                     "cursor": {}, "allowDiskUse": true})",
                 "app", ReplyKind::aggregate);
}

TEST(ScriptRender, RunCommandOnTargetDatabase) {
  expect_command(R"({"runCommand": {"collMod": "users", "validator": {"a": {"$exists": true}}}, "comment": "raw"})",
                 R"({"collMod": "users", "validator": {"a": {"$exists": true}}})");
}

TEST(ScriptRender, AdminCommandOnAdmin) {
  expect_command(R"({"adminCommand": {"setParameter": 1, "notablescan": false}})",
                 R"({"setParameter": 1, "notablescan": false})", "admin");
}

TEST(ScriptRender, PlaceholdersAreReplacedInStringValues) {
  expect_command(R"({"createIndex": "users_${env}", "key": {"email": 1}, "name": "email_${suffix}"})",
                 R"({"createIndexes": "users_prod", "indexes": [{"key": {"email": 1}, "name": "email_v2"}]})");
  expect_command(
      R"({"updateMany": "cfg", "filter": {"k": "${env}"}, "update": {"$set": {"v": ["${suffix}!", "$${x"]}}})",
      R"({"update": "cfg", "updates": [{"q": {"k": "prod"}, "u": {"$set": {"v": ["v2!", "${x"]}},
                     "multi": true}], "ordered": true})",
      "app", ReplyKind::write);
}

TEST(ScriptRender, AnEscapedDollarBraceIsSentAsALiteralEvenWithoutPlaceholders) {
  // No placeholder in the command, only "$${" (a literal "${"): it is still rendered.
  expect_command(
      R"({"updateOne": "cfg", "filter": {"k": 1}, "update": {"$set": {"tpl": "$${HOME}/bin", "r": "$$ROOT"}}})",
      R"({"update": "cfg", "updates": [{"q": {"k": 1}, "u": {"$set": {"tpl": "${HOME}/bin", "r": "$$ROOT"}}}],
                     "ordered": true})",
      "app", ReplyKind::write);
}

TEST(ScriptRender, UnknownPlaceholderIsAnError) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(R"([{"dropCollection": "x"},
  {"dropCollection": "t_${missing}"}])",
                                    diagnostics);
  ASSERT_TRUE(script) << testing::diagnostics_text(diagnostics);
  try {
    render(*script, script->commands[1], app_context());
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_EQ(std::string(e.what()),
              "migrations/V1__test.json:2:22: command 2 (dropCollection): unknown placeholder ${missing}; define it "
              "with --placeholder missing=VALUE or placeholder.missing in the config file");
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 2);
    EXPECT_EQ(e.diagnostics()[0].column, 22);  // the value that uses it
  }
}

TEST(ScriptRender, DefaultIndexName) {
  auto key = bson::Document::from_json(R"({"a.b": 1, "c": -1, "d": "hashed", "e": 0.5})");
  ASSERT_TRUE(key);
  EXPECT_EQ(builders::default_index_name(*key), "a.b_1_c_-1_d_hashed_e_0.5");
}

}  // namespace
}  // namespace mongoway::script
