// What a migration file needs of its server (script/needs): each feature at
// its command's line and column, with the field, stage or value that makes
// it; runCommand and adminCommand read by the same rules; nothing for plain
// commands.

#include <gtest/gtest.h>

#include "script/needs.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using Lines = std::vector<std::string>;

Script parsed(const std::string& file_text) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(file_text, diagnostics);
  if (!script) throw std::runtime_error("bad file in test: " + testing::diagnostics_text(diagnostics));
  return *script;
}

// "line:column command N (name) feature at where", one a need.
Lines needs(const std::string& file_text) {
  Lines out;
  for (const auto& need : needs_of(parsed(file_text))) {
    out.push_back(std::to_string(need.line) + ":" + std::to_string(need.column) + " command " +
                  std::to_string(need.command_index) + " (" + need.command + ") " + need.feature +
                  (need.where.empty() ? "" : " at " + need.where));
  }
  return out;
}

TEST(NeedsOf, PlainCommandsNeedNothing) {
  EXPECT_EQ(needs(R"([{"createCollection": "users", "capped": true, "size": 4096},
    {"createIndex": "users", "key": {"email": 1, "age": -1}, "name": "email_age", "unique": false},
    {"insertMany": "users", "documents": [{"a": 1.5, "b": {"$numberLong": "7"}}]},
    {"updateMany": "users", "filter": {"a": 1}, "update": {"$set": {"b": 2}}, "upsert": true},
    {"deleteMany": "users", "filter": {}},
    {"renameCollection": "users", "to": "people"},
    {"dropIndex": "people", "name": "email_age"},
    {"dropCollection": "people"},
    {"runCommand": {"insert": "x", "documents": [{"a": 1}]}}])"),
            Lines{});
}

TEST(NeedsOf, EveryStageOfAPipelineIsANeed) {
  EXPECT_EQ(needs(R"([{"aggregate": "people", "pipeline": [{"$match": {}}, {"$group": {"_id": "$a"}}]}])"),
            (Lines{"1:2 command 1 (aggregate) $match at pipeline.0.$match",
                   "1:2 command 1 (aggregate) $group at pipeline.1.$group"}));
}

TEST(NeedsOf, CollModAndItsOptionsAtTheCommand) {
  EXPECT_EQ(needs(R"([{"insertOne": "a", "document": {}},
    {"collMod": "a", "validator": {"x": {"$exists": true}}, "validationLevel": "strict",
     "index": {"name": "x_1", "hidden": true}}])"),
            (Lines{"2:5 command 2 (collMod) collMod", "2:5 command 2 (collMod) validator at validator",
                   "2:5 command 2 (collMod) validator at validationLevel",
                   "2:5 command 2 (collMod) hiddenIndex at index.hidden"}));
}

TEST(NeedsOf, ViewsFromCreateViewAndFromCreateWithViewOn) {
  EXPECT_EQ(needs(R"([{"createView": "v", "viewOn": "c", "pipeline": [{"$lookup": {"from": "d", "as": "e",
      "pipeline": [{"$unionWith": {"coll": "f", "pipeline": [{"$out": "g"}]}}]}}]},
  {"runCommand": {"create": "w", "viewOn": "c", "pipeline": [{"$facet": {"one": [{"$merge": {"into": "h"}}]}}],
      "collation": {"locale": "fr"}}}])"),
            (Lines{"1:2 command 1 (createView) view", "1:2 command 1 (createView) $lookup at pipeline.0.$lookup",
                   "1:2 command 1 (createView) $unionWith at pipeline.0.$lookup.pipeline.0.$unionWith",
                   "1:2 command 1 (createView) $out at pipeline.0.$lookup.pipeline.0.$unionWith.pipeline.0.$out",
                   "3:3 command 2 (runCommand) view at runCommand.viewOn",
                   "3:3 command 2 (runCommand) collation at runCommand.collation",
                   "3:3 command 2 (runCommand) $facet at runCommand.pipeline.0.$facet",
                   "3:3 command 2 (runCommand) $merge at runCommand.pipeline.0.$facet.one.0.$merge"}));
}

TEST(NeedsOf, CollectionOptions) {
  EXPECT_EQ(needs(R"([{"createCollection": "t", "timeseries": {"timeField": "at"}, "expireAfterSeconds": 60},
  {"createCollection": "k", "clusteredIndex": {"key": {"_id": 1}, "unique": true},
   "changeStreamPreAndPostImages": {"enabled": true}, "validationAction": "warn"}])"),
            (Lines{"1:2 command 1 (createCollection) timeseries at timeseries",
                   "1:2 command 1 (createCollection) ttlIndex at expireAfterSeconds",
                   "2:3 command 2 (createCollection) validator at validationAction",
                   "2:3 command 2 (createCollection) clusteredCollection at clusteredIndex",
                   "2:3 command 2 (createCollection) changeStreamPreAndPostImages at changeStreamPreAndPostImages"}));
}

TEST(NeedsOf, IndexKindsAndOptions) {
  EXPECT_EQ(
      needs(R"([{"createIndex": "a", "key": {"bio": "text", "loc": "2dsphere"}, "sparse": true,
     "partialFilterExpression": {"x": 1}, "expireAfterSeconds": 5},
  {"createIndexes": "a", "indexes": [{"key": {"h": "hashed"}, "name": "h"},
     {"key": {"$**": 1}, "name": "all", "hidden": true, "v": 2},
     {"key": {"p": "2d"}, "name": "p", "unique": true, "collation": {"locale": "fr"}}]}])"),
      (Lines{"1:2 command 1 (createIndex) textIndex at key.bio", "1:2 command 1 (createIndex) 2dsphereIndex at key.loc",
             "1:2 command 1 (createIndex) sparseIndex at sparse",
             "1:2 command 1 (createIndex) partialIndex at partialFilterExpression",
             "1:2 command 1 (createIndex) ttlIndex at expireAfterSeconds",
             "3:3 command 2 (createIndexes) hashedIndex at indexes.0.key.h",
             "3:3 command 2 (createIndexes) wildcardIndex at indexes.1.key.$**",
             "3:3 command 2 (createIndexes) hiddenIndex at indexes.1.hidden",
             "3:3 command 2 (createIndexes) indexVersion at indexes.1.v",
             "3:3 command 2 (createIndexes) 2dIndex at indexes.2.key.p",
             "3:3 command 2 (createIndexes) uniqueIndex at indexes.2.unique",
             "3:3 command 2 (createIndexes) collation at indexes.2.collation"}));
}

TEST(NeedsOf, IndexesInsideRunCommand) {
  EXPECT_EQ(needs(R"([{"runCommand": {"createIndexes": "a", "indexes": [{"key": {"t": "text"}, "name": "t",
      "partialFilterExpression": {"x": 1}}]}}])"),
            (Lines{"1:2 command 1 (runCommand) textIndex at runCommand.indexes.0.key.t",
                   "1:2 command 1 (runCommand) partialIndex at runCommand.indexes.0.partialFilterExpression"}));
}

TEST(NeedsOf, UpdatesWithPipelinesArrayFiltersAndLet) {
  EXPECT_EQ(
      needs(R"([{"updateMany": "a", "filter": {}, "update": [{"$set": {"b": 1}}], "let": {"v": 1}},
  {"updateOne": "a", "filter": {}, "update": {"$set": {"x.$[e]": 1}}, "arrayFilters": [{"e": 1}], "sort": {"a": 1}},
  {"runCommand": {"update": "a", "updates": [{"q": {}, "u": [{"$set": {"b": 1}}], "arrayFilters": [{"e": 1}]}]}},
  {"runCommand": {"findAndModify": "a", "query": {}, "update": [{"$set": {"b": 1}}]}},
  {"deleteMany": "a", "filter": {}, "collation": {"locale": "fr"}}])"),
      (Lines{"1:2 command 1 (updateMany) pipelineUpdate at update", "1:2 command 1 (updateMany) let at let",
             "2:3 command 2 (updateOne) arrayFilters at arrayFilters", "2:3 command 2 (updateOne) updateSort at sort",
             "3:3 command 3 (runCommand) pipelineUpdate at runCommand.updates.0.u",
             "3:3 command 3 (runCommand) arrayFilters at runCommand.updates.0.arrayFilters",
             "4:3 command 4 (runCommand) pipelineUpdate at runCommand.update",
             "5:3 command 5 (deleteMany) collation at collation"}));
}

TEST(NeedsOf, RenameAcrossDatabasesOnlyWhenTheDatabasesDiffer) {
  EXPECT_EQ(needs(R"([{"adminCommand": {"renameCollection": "shop.a", "to": "archive.a"}},
  {"adminCommand": {"renameCollection": "shop.a", "to": "shop.b"}},
  {"renameCollection": "b", "to": "c", "dropTarget": true}])"),
            (Lines{"1:2 command 1 (adminCommand) crossDatabaseRename at adminCommand.to",
                   "3:3 command 3 (renameCollection) dropTarget at dropTarget"}));
}

TEST(NeedsOf, TheFirstDecimal128OfEachCommand) {
  EXPECT_EQ(needs(R"([{"insertMany": "a", "documents": [{"p": 1}, {"q": [1, {"$numberDecimal": "2.5"}]},
      {"r": {"$numberDecimal": "3"}}]},
  {"updateMany": "a", "filter": {"p": {"$numberDecimal": "1"}}, "update": {"$set": {"b": 1}}}])"),
            (Lines{"1:2 command 1 (insertMany) decimal128 at documents.1.q.1",
                   "3:3 command 2 (updateMany) decimal128 at filter.p"}));
}

TEST(NeedsOf, ATransactionIsANeedOfTheFile) {
  EXPECT_EQ(needs(R"({"transaction": true, "commands": [{"insertOne": "a", "document": {}}]})"),
            (Lines{"1:1 command 0 () transaction"}));
  EXPECT_EQ(needs(R"({"transaction": false, "commands": [{"insertOne": "a", "document": {}}]})"), Lines{});
}

TEST(NeedsOf, DecimalsInADocumentsFileAreFoundByStreamingIt) {
  testing::TempDir dir;
  dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": 2}\n{\"b\": {\"c\": {\"$numberDecimal\": \"9.99\"}}}\n");
  const std::string path = dir.write("V1__seed.json", R"([{"insertMany": "a", "documentsFile": "seed.ndjson"}])");
  std::vector<Diagnostic> diagnostics;
  auto script = load_script(testing::memory_file(dir.str(), "V1__seed.json"), LoadOptions{}, diagnostics);
  ASSERT_TRUE(script) << testing::diagnostics_text(diagnostics);
  std::optional<Need> found;
  std::string err;
  ASSERT_TRUE(decimal_in_documents_file(script->commands.at(0), &found, &err)) << err;
  ASSERT_TRUE(found);
  EXPECT_EQ(found->feature, "decimal128");
  EXPECT_EQ(found->where, "documentsFile.2.b.c");
  EXPECT_EQ(found->line, 1);
}

}  // namespace
}  // namespace mongoway::script
