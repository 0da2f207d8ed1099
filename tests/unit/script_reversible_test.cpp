// Which commands of a V file an undo derived from what the version created
// can reverse (script/reversible), and the first that cannot, where and why.

#include <gtest/gtest.h>

#include "script/reversible.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::TempDir;

Script parsed(const std::string& file_text, const DiscoveredFile& file = testing::memory_file()) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(file_text, diagnostics, file);
  if (!script) throw std::runtime_error("bad file in test: " + testing::diagnostics_text(diagnostics));
  return *script;
}

// "" when every command is reversible, else describe() of the first that is not.
std::string first_irreversible_of(const std::string& file_text) {
  const Script script = parsed(file_text);
  auto first = first_irreversible(script);
  return first ? describe(script, *first) : "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Reversible, CommandsThatOnlyCreateAreReversible) {
  EXPECT_EQ(first_irreversible_of(R"([{"createCollection": "users", "validator": {"a": {"$type": "int"}}},
    {"createView": "active", "viewOn": "users", "pipeline": [{"$match": {"a": 1}}]},
    {"createIndex": "users", "key": {"email": 1}, "unique": true},
    {"createIndexes": "users", "indexes": [{"key": {"a": 1}}, {"key": {"b": -1}, "name": "b"}]},
    {"renameCollection": "users", "to": "people"},
    {"renameCollection": "people", "to": "folk", "dropTarget": false},
    {"insertOne": "folk", "document": {"_id": 1}},
    {"insertMany": "folk", "documents": [{"_id": {"$oid": "65a000000000000000000001"}}, {"_id": "x", "n": "${n}"}]}
  ])"),
            "");
}

TEST(Reversible, CommandsThatChangeOrRemoveAreNotAndTheFirstIsNamedWhereItIs) {
  const std::string text = R"([{"createCollection": "users"},
    {"updateMany": "users", "filter": {}, "update": {"$set": {"a": 1}}},
    {"dropCollection": "users"}])";
  const std::string got = first_irreversible_of(text);
  EXPECT_TRUE(contains(got, ":2:5: command 2 (updateMany) is not reversible: updateMany changes documents in place"))
      << got;
}

TEST(Reversible, EachIrreversibleCommandSaysWhy) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"updateOne": "c", "filter": {}, "update": {"$set": {"a": 1}}})", "changes documents in place"},
      {R"({"replaceOne": "c", "filter": {}, "replacement": {"a": 1}})", "changes documents in place"},
      {R"({"deleteMany": "c", "filter": {}})", "removes documents"},
      {R"({"dropCollection": "c"})", "removes what no undo can bring back"},
      {R"({"dropIndex": "c", "name": "a_1"})", "removes what no undo can bring back"},
      {R"({"collMod": "c", "validator": {}})", "collMod changes options"},
      {R"({"runCommand": {"create": "c"}})", "runCommand may do anything"},
      {R"({"adminCommand": {"ping": 1}})", "adminCommand may do anything"},
      {R"({"aggregate": "c", "pipeline": [{"$out": "d"}]})", "aggregate is not one of the commands"},
      {R"({"insertOne": "c", "document": {"a": 1}})", "document 1 has no _id"},
      {R"({"insertMany": "c", "documents": [{"_id": 1}, {"a": 1}]})", "document 2 has no _id"},
      {R"({"insertOne": "c", "document": {"_id": "${id}"}})", "a placeholder gives an _id"},
      {R"({"insertMany": "c", "documents": [{"_id": {"k": "${id}"}}]})", "a placeholder gives an _id"},
      {R"({"renameCollection": "c", "to": "d", "dropTarget": true})", "dropTarget drops the collection"},
  };
  for (const auto& [command, why] : cases) {
    const std::string got = first_irreversible_of("[" + command + "]");
    EXPECT_TRUE(contains(got, "command 1 (")) << command << " -> " << got;
    EXPECT_TRUE(contains(got, why)) << command << " -> " << got;
  }
}

TEST(Reversible, AnInsertFromADocumentsFileIsReversibleWhenEveryDocumentThereHasAnId) {
  TempDir dir;
  dir.write("all.jsonl", "{\"_id\": 1}\n{\"_id\": 2, \"a\": 1}\n");
  dir.write("some.json", "[{\"_id\": 1}, {\"a\": 1}]");
  const auto file = testing::memory_file(dir.str());
  EXPECT_FALSE(first_irreversible(parsed(R"([{"insertMany": "c", "documentsFile": "all.jsonl"}])", file)));
  const Script some = parsed(R"([{"insertMany": "c", "documentsFile": "some.json"}])", file);
  auto first = first_irreversible(some);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->index, 1);
  EXPECT_TRUE(contains(first->reason, "document 2 of its documentsFile has no _id")) << first->reason;
}

}  // namespace
}  // namespace mongoway::script
