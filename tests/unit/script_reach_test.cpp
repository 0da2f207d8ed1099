// The collections a file's commands can change (script/reach): what verify
// reads again after a version ran; nullopt when the file cannot tell.

#include <gtest/gtest.h>

#include "script/reach.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using Names = std::set<std::string>;

std::optional<Names> changed_by(const std::string& file_text) {
  std::vector<Diagnostic> diagnostics;
  auto parsed = testing::parse_text(file_text, diagnostics);
  if (!parsed) throw std::runtime_error("bad file in test: " + testing::diagnostics_text(diagnostics));
  return collections_changed_by(*parsed);
}

TEST(CollectionsChangedBy, EveryCommandNamesTheCollectionItChanges) {
  EXPECT_EQ(changed_by(R"([{"createCollection": "users"},
    {"createIndex": "users", "key": {"email": 1}},
    {"insertOne": "audit", "document": {"a": 1}},
    {"updateMany": "orders", "filter": {}, "update": {"$set": {"b": 1}}},
    {"deleteMany": "carts", "filter": {}},
    {"createView": "recent", "viewOn": "orders", "pipeline": []}])"),
            (Names{"users", "audit", "orders", "carts", "recent"}));
}

TEST(CollectionsChangedBy, ARenameChangesBothNames) {
  EXPECT_EQ(changed_by(R"([{"renameCollection": "old", "to": "new"}])"), (Names{"old", "new"}));
}

TEST(CollectionsChangedBy, AnAggregateChangesNothingUnlessItWrites) {
  EXPECT_EQ(changed_by(R"([{"aggregate": "orders", "pipeline": [{"$match": {}}]}])"), (Names{"orders"}));
  EXPECT_EQ(changed_by(R"([{"aggregate": "orders", "pipeline": [{"$match": {}}, {"$out": "totals"}]}])"), std::nullopt);
  EXPECT_EQ(changed_by(R"([{"aggregate": "orders", "pipeline": [{"$merge": {"into": "totals"}}]}])"), std::nullopt);
}

TEST(CollectionsChangedBy, ACommandDocumentCanChangeAnything) {
  EXPECT_EQ(changed_by(R"([{"createCollection": "a"}, {"runCommand": {"drop": "b"}}])"), std::nullopt);
  EXPECT_EQ(changed_by(R"([{"adminCommand": {"ping": 1}}])"), std::nullopt);
}

TEST(CollectionsChangedBy, ANameMadeWithAPlaceholderIsKnownOnlyOnceRendered) {
  EXPECT_EQ(changed_by(R"([{"createCollection": "${prefix}_users"}])"), std::nullopt);
  EXPECT_EQ(changed_by(R"([{"renameCollection": "a", "to": "${prefix}_a"}])"), std::nullopt);
}

}  // namespace
}  // namespace mongoway::script
