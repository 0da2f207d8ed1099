// bson::Document: conversions from Extended JSON.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::bson {
namespace {

std::string canonical(const std::optional<Document>& d) {
  return d ? d->to_json(JsonMode::canonical) : std::string("<none>");
}

// from_json_object reuses one reader across calls; every result must be what
// a fresh conversion gives, whatever came before it.
TEST(BsonDocument, FromJsonObjectMatchesFromJsonInAnySequence) {
  const std::vector<std::string> objects = {
      R"({"a": 1})",
      R"({})",
      R"({"b": {"c": [1, 2.5, "x", true, null, {"d": -3}]}, "e": 9007199254740993})",
      R"({"_id": {"$oid": "5f0c1e1a2b3c4d5e6f708192"}, "when": {"$date": "2024-05-01T10:00:00Z"}})",
      R"({"n": {"$numberLong": "42"}, "d": {"$numberDecimal": "1.5"}, "bin": {"$binary": {"base64": "AQI=", "subType": "00"}}})",
      R"({"s": "line\nbreak \u00e9 \ud83d\ude00", "big": 1e300, "neg": -0.0})",
      R"({"deep": {"a": {"b": {"c": {"d": {"e": {"f": [[[[{"g": 1}]]]]}}}}}}})",
      std::string(R"({"long": ")") + std::string(40000, 'x') + R"("})",  // over the reader's 16 KB buffer
  };
  for (int round = 0; round < 3; ++round) {
    for (const auto& text : objects) {
      EXPECT_EQ(canonical(Document::from_json_object(text)), canonical(Document::from_json(text))) << text;
    }
  }
}

TEST(BsonDocument, FromJsonObjectRecoversAfterAnErrorAndReportsItLikeFromJson) {
  ASSERT_TRUE(Document::from_json_object(R"({"a": 1})"));
  const std::vector<std::string> invalid = {
      R"({"d": {"$date": "not a date"}})",
      R"({"o": {"$oid": "123"}})",
      R"({"n": {"$numberLong": "x"}})",
  };
  for (const auto& text : invalid) {
    std::string from_object_error;
    std::string from_json_error;
    EXPECT_FALSE(Document::from_json_object(text, &from_object_error)) << text;
    EXPECT_FALSE(Document::from_json(text, &from_json_error)) << text;
    EXPECT_EQ(from_object_error, from_json_error);
    EXPECT_FALSE(from_object_error.empty());
    // The next conversion starts afresh.
    EXPECT_EQ(canonical(Document::from_json_object(R"({"b": [1, {"c": 2}]})")),
              canonical(Document::from_json(R"({"b": [1, {"c": 2}]})")));
  }
}

// Text that is not one object takes from_json's path, with its result.
TEST(BsonDocument, FromJsonObjectFallsBackForOtherText) {
  EXPECT_FALSE(Document::from_json_object(""));
  EXPECT_EQ(canonical(Document::from_json_object("[1, 2]")), canonical(Document::from_json("[1, 2]")));
  EXPECT_EQ(canonical(Document::from_json_object(R"( {"lead": 1})")),
            canonical(Document::from_json(R"( {"lead": 1})")));
  EXPECT_EQ(canonical(Document::from_json_object(R"({"after": true})")),
            canonical(Document::from_json(R"({"after": true})")));
}

}  // namespace
}  // namespace mongoway::bson
