// The schema fingerprint from server replies kept as data, its canonical
// form, and the difference between two fingerprints.
//
// Replies marked "MongoDB's documentation" are shaped as the MongoDB manual
// shows listCollections' and listIndexes' (db.collection.getIndexes(),
// $indexStats' spec) output: validators, views, TTL and partial indexes,
// collations, time-series and clustered collections, which the local test
// server (FerretDB) does not have.

#include <gtest/gtest.h>

#include <stdexcept>

#include "exec/fingerprint.hpp"
#include "exec/schema_diff.hpp"

namespace mongoway::exec {
namespace {

bson::Document json(const std::string& text) {
  std::string error;
  auto doc = bson::Document::from_json(text, &error);
  if (!doc) throw std::runtime_error("bad JSON in test: " + error + ": " + text);
  return std::move(*doc);
}

std::vector<bson::Document> docs(std::initializer_list<std::string> texts) {
  std::vector<bson::Document> out;
  for (const auto& text : texts) out.push_back(json(text));
  return out;
}

// A fingerprint of (listCollections entry, its listIndexes) pairs, in the order given.
Fingerprint from_replies(const std::vector<std::pair<std::string, std::vector<bson::Document>>>& replies) {
  Fingerprint f;
  f.database = "app";
  f.version = 3;
  for (const auto& [entry, indexes] : replies) f.collections.push_back(collection_print(json(entry), indexes));
  sort_fingerprint(f);
  return f;
}

std::string canonical(const bson::Document& doc) { return doc.to_json(bson::JsonMode::canonical); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- MongoDB's documentation: listCollections and listIndexes replies

// A collection with a $jsonSchema validator (MongoDB's documentation, schema validation).
const char* kStudents = R"({"name": "students", "type": "collection",
  "options": {"validator": {"$jsonSchema": {"bsonType": "object", "required": ["name", "year"],
     "properties": {"name": {"bsonType": "string", "description": "must be a string"},
                    "year": {"bsonType": "int", "minimum": 2017, "maximum": 3017}}}},
              "validationLevel": "strict", "validationAction": "error"},
  "info": {"readOnly": false, "uuid": {"$binary": {"base64": "9Gq+hGvfQ9mB0FmGWNB7Mg==", "subType": "04"}}},
  "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"}})";

// A view (MongoDB's documentation, listCollections' output for a view).
const char* kView = R"({"name": "managementFeedback", "type": "view",
  "options": {"viewOn": "survey", "pipeline": [{"$project": {"management": "$feedback.management", "department": 1}}]},
  "info": {"readOnly": true}})";

// A time-series collection (MongoDB's documentation, time series collections).
const char* kWeather = R"({"name": "weather", "type": "timeseries",
  "options": {"timeseries": {"timeField": "timestamp", "metaField": "metadata", "granularity": "hours",
                             "bucketMaxSpanSeconds": 2592000}},
  "info": {"readOnly": false}})";

// A clustered collection (MongoDB's documentation, clustered collections).
const char* kStocks = R"({"name": "stocks", "type": "collection",
  "options": {"clusteredIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_", "unique": true}},
  "info": {"readOnly": false, "uuid": {"$binary": {"base64": "AAECAwQFBgcICQoLDA0ODw==", "subType": "04"}}}})";

// TTL and partial indexes ($indexStats' spec in MongoDB's documentation:
// expireAfterSeconds as a Long), and an index with a collation.
std::vector<bson::Document> suggestion_indexes() {
  return docs({R"({"v": 2, "key": {"_id": 1}, "name": "_id_"})",
               R"({"v": 2, "key": {"latestSuggested": 1}, "name": "latestSuggested_1",
                   "expireAfterSeconds": {"$numberLong": "604800"},
                   "partialFilterExpression": {"accepted": {"$eq": null}}})",
               R"({"v": 2, "key": {"bucket": 1, "accepted": 1}, "name": "bucket_1_accepted_1",
                   "partialFilterExpression": {"accepted": {"$exists": true}}})",
               R"({"v": 2, "key": {"category": 1}, "name": "category_fr",
                   "collation": {"locale": "fr", "caseLevel": false, "caseFirst": "off", "strength": 1,
                                 "numericOrdering": false, "alternate": "non-ignorable", "maxVariable": "punct",
                                 "normalization": false, "backwards": false, "version": "57.1"}})"});
}

const char* kSuggestions = R"({"name": "suggestions", "type": "collection", "options": {},
  "info": {"readOnly": false, "uuid": {"$binary": {"base64": "EBESExQVFhcYGRobHB0eHw==", "subType": "04"}}},
  "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"}})";

// --- what is kept and what is left out

TEST(Fingerprint, KeepsAValidatorAndItsLevelAndActionButNotTheUuidOrTheIdIndexEntry) {
  const auto c = collection_print(json(kStudents), docs({R"({"v": 2, "key": {"_id": 1}, "name": "_id_"})"}));
  EXPECT_EQ(c.name, "students");
  EXPECT_EQ(c.type, "collection");
  const std::string options = canonical(c.options);
  EXPECT_TRUE(contains(options, R"("validationLevel" : "strict")")) << options;
  EXPECT_TRUE(contains(options, R"("validationAction" : "error")")) << options;
  EXPECT_TRUE(contains(options, R"("required" : [ "name", "year" ])")) << options;
  const std::string text = fingerprint_text(from_replies({{kStudents, {}}}));
  EXPECT_FALSE(contains(text, "uuid")) << text;
  EXPECT_FALSE(contains(text, "idIndex")) << text;
  EXPECT_FALSE(contains(text, "readOnly")) << text;
}

TEST(Fingerprint, AnIndexKeepsEveryOptionButItsVersionAndNamespace) {
  const auto index = canonical_index(json(R"({"v": 2, "ns": "app.users", "key": {"email": 1}, "name": "email_1",
                                               "unique": true, "sparse": true, "hidden": false})"));
  EXPECT_EQ(canonical(index),
            R"({ "name" : "email_1", "key" : { "email" : { "$numberInt" : "1" } }, "hidden" : false, )"
            R"("sparse" : true, "unique" : true })");
}

TEST(Fingerprint, TtlPartialAndCollationIndexesKeepTheirOptions) {
  const auto c = collection_print(json(kSuggestions), suggestion_indexes());
  ASSERT_EQ(c.indexes.size(), 4u);
  // Sorted by name.
  EXPECT_TRUE(contains(canonical(c.indexes[0]), R"("name" : "_id_")"));
  EXPECT_TRUE(contains(canonical(c.indexes[1]), R"("name" : "bucket_1_accepted_1")"));
  EXPECT_TRUE(contains(canonical(c.indexes[2]), R"("collation" : { "alternate" : "non-ignorable")"))
      << canonical(c.indexes[2]);
  const std::string ttl = canonical(c.indexes[3]);
  // The Long the server reported is held as the int32 it fits in.
  EXPECT_TRUE(contains(ttl, R"("expireAfterSeconds" : { "$numberInt" : "604800" })")) << ttl;
  EXPECT_TRUE(contains(ttl, R"("partialFilterExpression" : { "accepted" : { "$eq" : null } })")) << ttl;
}

TEST(Fingerprint, AViewKeepsItsSourceAndPipelineInOrder) {
  const auto c = collection_print(json(kView), {});
  EXPECT_EQ(c.type, "view");
  EXPECT_TRUE(is_view(json(kView)));
  EXPECT_TRUE(c.indexes.empty());
  EXPECT_EQ(canonical(c.options),
            R"({ "pipeline" : [ { "$project" : { "management" : "$feedback.management", "department" : )"
            R"({ "$numberInt" : "1" } } } ], "viewOn" : "survey" })");
}

TEST(Fingerprint, ATimeSeriesCollectionKeepsItsTypeAndOptions) {
  const auto c = collection_print(json(kWeather), docs({}));
  EXPECT_EQ(c.type, "timeseries");
  EXPECT_EQ(canonical(c.options),
            R"({ "timeseries" : { "bucketMaxSpanSeconds" : { "$numberInt" : "2592000" }, "granularity" : "hours", )"
            R"("metaField" : "metadata", "timeField" : "timestamp" } })");
}

TEST(Fingerprint, AClusteredCollectionsIndexLeavesOutItsVersion) {
  const auto c = collection_print(json(kStocks), {});
  EXPECT_EQ(canonical(c.options), R"({ "clusteredIndex" : { "key" : { "_id" : { "$numberInt" : "1" } }, )"
                                  R"("name" : "_id_", "unique" : true } })");
}

TEST(Fingerprint, LeavesOutSystemCollectionsAndTheHistoryAndItsLock) {
  EXPECT_TRUE(left_out_of_fingerprint("system.views", "mongoway_history"));
  EXPECT_TRUE(left_out_of_fingerprint("system.buckets.weather", "mongoway_history"));
  EXPECT_TRUE(left_out_of_fingerprint("mongoway_history", "mongoway_history"));
  EXPECT_TRUE(left_out_of_fingerprint("mongoway_history_lock", "mongoway_history"));
  EXPECT_TRUE(left_out_of_fingerprint("audit_lock", "audit"));
  EXPECT_FALSE(left_out_of_fingerprint("mongoway_history", "audit"));
  EXPECT_FALSE(left_out_of_fingerprint("systems", "mongoway_history"));
}

// --- the canonical form

TEST(Fingerprint, IsByteIdenticalWhateverOrderTheServerListsThingsIn) {
  const auto first = from_replies({{kStudents, {}}, {kSuggestions, suggestion_indexes()}, {kView, {}}});
  auto reversed_indexes = suggestion_indexes();
  std::reverse(reversed_indexes.begin(), reversed_indexes.end());
  const auto second = from_replies({{kView, {}}, {kSuggestions, reversed_indexes}, {kStudents, {}}});
  EXPECT_EQ(fingerprint_text(first), fingerprint_text(second));
}

TEST(Fingerprint, IsByteIdenticalWhateverTheFieldOrderOfOptions) {
  const auto a = collection_print(
      json(R"({"name": "c", "type": "collection", "options": {"capped": true, "size": 4096, "max": 10,
               "validator": {"b": {"$gt": 1}, "a": {"$exists": true}}}})"),
      docs({R"({"v": 2, "key": {"x": 1}, "name": "x_1", "unique": true, "sparse": false})"}));
  const auto b = collection_print(
      json(R"({"name": "c", "type": "collection", "options": {"validator": {"a": {"$exists": true}, "b": {"$gt": 1}},
               "max": 10, "size": 4096.0, "capped": true}})"),
      docs({R"({"sparse": false, "name": "x_1", "unique": true, "key": {"x": 1}, "v": 1})"}));
  EXPECT_EQ(canonical(a.options), canonical(b.options));
  EXPECT_EQ(canonical(a.indexes[0]), canonical(b.indexes[0]));
}

TEST(Fingerprint, KeepsTheOrderOfAnIndexKey) {
  const auto ab = canonical_index(json(R"({"key": {"a": 1, "b": -1}, "name": "ix"})"));
  const auto ba = canonical_index(json(R"({"key": {"b": -1, "a": 1}, "name": "ix"})"));
  EXPECT_NE(canonical(ab), canonical(ba));
}

TEST(Fingerprint, KeepsTheOrderInsideAPipeline) {
  const auto one = canonical_options(json(R"({"viewOn": "s", "pipeline": [{"$sort": {"a": 1, "b": 1}}]})"));
  const auto two = canonical_options(json(R"({"viewOn": "s", "pipeline": [{"$sort": {"b": 1, "a": 1}}]})"));
  EXPECT_NE(canonical(one), canonical(two));
}

TEST(Fingerprint, TheFileReadsBackToTheSameText) {
  const auto f = from_replies({{kStudents, {}}, {kSuggestions, suggestion_indexes()}, {kView, {}}, {kWeather, {}}});
  const std::string text = fingerprint_text(f);
  std::string err;
  const auto back = parse_fingerprint(text, &err);
  ASSERT_TRUE(back) << err;
  EXPECT_EQ(back->database, "app");
  EXPECT_EQ(back->version, 3);
  EXPECT_EQ(fingerprint_text(*back), text);
  EXPECT_TRUE(text.starts_with("{\n  \"format\" : 1,\n  \"database\" : \"app\",\n  \"version\" : 3,\n")) << text;
}

TEST(Fingerprint, AnEmptyDatabaseHasAnEmptyList) {
  Fingerprint f;
  f.database = "app";
  EXPECT_EQ(fingerprint_text(f), "{\n  \"format\" : 1,\n  \"database\" : \"app\",\n  \"version\" : 0,\n"
                                 "  \"collections\" : []\n}\n");
}

TEST(Fingerprint, AFileThatIsNoSnapshotIsRefusedSayingSo) {
  std::string err;
  EXPECT_FALSE(parse_fingerprint("[1, 2]", &err));
  EXPECT_TRUE(contains(err, "not a mongoway schema snapshot")) << err;
  EXPECT_FALSE(parse_fingerprint(R"({"name": "x"})", &err));
  EXPECT_TRUE(contains(err, "not a mongoway schema snapshot")) << err;
  EXPECT_FALSE(parse_fingerprint("{ not json", &err));
  EXPECT_TRUE(contains(err, "not a mongoway schema snapshot")) << err;
}

TEST(Fingerprint, AFileOfAnotherFormatIsRefusedNamingBoth) {
  std::string err;
  EXPECT_FALSE(parse_fingerprint(R"({"format": 2, "collections": []})", &err));
  EXPECT_EQ(err, "a snapshot of format 2, and this mongoway reads format 1; write it again with `mongoway snapshot`");
}

// --- the data digest

TEST(DataDigest, ObjectIdsNoFileNamesCompareEqualAndNamedOnesDoNot) {
  const std::set<std::string> named = {"65a000000000000000000001"};
  const auto digest = [&](std::initializer_list<std::string> texts) {
    DataDigester digester(named);
    for (const auto& text : texts) digester.add(json(text));
    return digester.finish();
  };
  const auto one = digest({R"({"_id": {"$oid": "65b111111111111111111111"}, "n": 1})",
                           R"({"_id": {"$oid": "65b222222222222222222222"}, "n": 2})"});
  // Generated again (other ObjectIds) and listed in another order: the same digest.
  const auto again = digest({R"({"_id": {"$oid": "65c444444444444444444444"}, "n": 2})",
                             R"({"_id": {"$oid": "65c333333333333333333333"}, "n": 1})"});
  EXPECT_EQ(one, again);
  EXPECT_EQ(one.count, 2);
  EXPECT_EQ(one.sha256.size(), 64u);
  EXPECT_NE(one, digest({R"({"_id": {"$oid": "65b111111111111111111111"}, "n": 1})",
                         R"({"_id": {"$oid": "65b222222222222222222222"}, "n": 3})"}));
  // An ObjectId a file names is data like any other.
  EXPECT_NE(digest({R"({"_id": {"$oid": "65a000000000000000000001"}})"}),
            digest({R"({"_id": {"$oid": "65a000000000000000000002"}})"}));
}

TEST(DataDigest, ObjectIdsAreCollectedAtAnyDepth) {
  std::set<std::string> ids;
  collect_object_ids(json(R"({"insert": "u", "documents": [{"_id": {"$oid": "65a000000000000000000001"},
                              "refs": [{"to": {"$oid": "65a000000000000000000002"}}]}]})"),
                     ids);
  EXPECT_EQ(ids, (std::set<std::string>{"65a000000000000000000001", "65a000000000000000000002"}));
}

// --- the difference

const char* kUsers = R"({"name": "users", "type": "collection", "options": {"validationLevel": "strict"}})";
std::vector<bson::Document> users_indexes() {
  return docs({R"({"v": 2, "key": {"_id": 1}, "name": "_id_"})",
               R"({"v": 2, "key": {"email": 1}, "name": "email_1", "unique": true})"});
}

std::vector<std::string> messages(const std::vector<SchemaDifference>& differences) {
  std::vector<std::string> out;
  out.reserve(differences.size());
  for (const auto& d : differences) out.push_back(describe(d));
  return out;
}

TEST(SchemaDiff, TheSameSchemaHasNoDifference) {
  const auto f = from_replies({{kUsers, users_indexes()}, {kView, {}}});
  EXPECT_TRUE(compare_fingerprints(f, f).empty());
}

TEST(SchemaDiff, TheDatabaseAndVersionItWasReadFromAreNotCompared) {
  auto a = from_replies({{kUsers, users_indexes()}});
  auto b = a;
  b.database = "staging";
  b.version = 9;
  EXPECT_TRUE(compare_fingerprints(a, b).empty());
}

TEST(SchemaDiff, ACollectionMissingOrExtra) {
  const auto expected = from_replies({{kUsers, users_indexes()}});
  const auto actual = from_replies({{kView, {}}});
  const auto d = compare_fingerprints(expected, actual);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].kind, SchemaDifference::Kind::extra_collection);
  EXPECT_EQ(d[0].collection, "managementFeedback");
  EXPECT_EQ(d[1].kind, SchemaDifference::Kind::missing_collection);
  EXPECT_EQ(messages(d), (std::vector<std::string>{"extra collection managementFeedback", "missing collection users"}));
}

TEST(SchemaDiff, AnIndexMissingOrExtra) {
  const auto expected = from_replies({{kUsers, users_indexes()}});
  const auto actual = from_replies(
      {{kUsers, docs({R"({"key": {"_id": 1}, "name": "_id_"})", R"({"key": {"name": 1}, "name": "name_1"})"})}});
  const auto d = compare_fingerprints(expected, actual);
  EXPECT_EQ(messages(d), (std::vector<std::string>{"missing index email_1 on users", "extra index name_1 on users"}));
  EXPECT_EQ(d[0].kind, SchemaDifference::Kind::missing_index);
  EXPECT_EQ(d[0].index, "email_1");
  EXPECT_EQ(d[1].kind, SchemaDifference::Kind::extra_index);
}

TEST(SchemaDiff, AnOptionChangedFieldByField) {
  const auto expected = from_replies({{kStudents, {}}});
  std::string changed = kStudents;
  changed.replace(changed.find(R"("strict")"), 8, R"("moderate")");
  changed.replace(changed.find(R"("minimum": 2017)"), 15, R"("minimum": 2018)");
  const auto d = compare_fingerprints(expected, from_replies({{changed, {}}}));
  EXPECT_EQ(messages(d),
            (std::vector<std::string>{
                "collection students: options.validationLevel is \"moderate\", expected \"strict\"",
                "collection students: options.validator.$jsonSchema.properties.year.minimum is 2018, expected 2017"}));
  EXPECT_EQ(d[0].kind, SchemaDifference::Kind::changed_collection);
  EXPECT_EQ(d[0].field, "options.validationLevel");
  EXPECT_EQ(d[0].expected, "\"strict\"");
  EXPECT_EQ(d[0].actual, "\"moderate\"");
}

TEST(SchemaDiff, AnOptionAddedOrRemovedIsAbsentOnOneSide) {
  const auto expected = from_replies({{R"({"name": "c", "options": {"capped": true, "size": 4096}})", {}}});
  const auto actual = from_replies({{R"({"name": "c", "options": {"size": 4096, "max": 5}})", {}}});
  EXPECT_EQ(messages(compare_fingerprints(expected, actual)),
            (std::vector<std::string>{"collection c: options.capped is absent, expected true",
                                      "collection c: options.max is 5, expected absent"}));
}

TEST(SchemaDiff, ATypeChanged) {
  const auto expected = from_replies({{R"({"name": "c", "type": "collection", "options": {}})", {}}});
  const auto actual = from_replies({{R"({"name": "c", "type": "view", "options": {}})", {}}});
  EXPECT_EQ(messages(compare_fingerprints(expected, actual)),
            (std::vector<std::string>{"collection c: type is \"view\", expected \"collection\""}));
}

TEST(SchemaDiff, AnIndexOptionChangedAndAKeyReorderedAsAWhole) {
  const auto expected = from_replies(
      {{kUsers, docs({R"({"key": {"a": 1, "b": 1}, "name": "ab", "expireAfterSeconds": 60})"})}});
  const auto actual = from_replies(
      {{kUsers, docs({R"({"key": {"b": 1, "a": 1}, "name": "ab", "expireAfterSeconds": 3600, "hidden": true})"})}});
  EXPECT_EQ(messages(compare_fingerprints(expected, actual)),
            (std::vector<std::string>{"index ab on users: expireAfterSeconds is 3600, expected 60",
                                      "index ab on users: hidden is true, expected absent",
                                      "index ab on users: key is { \"b\" : 1, \"a\" : 1 }, expected { \"a\" : 1, "
                                      "\"b\" : 1 }"}));
}

TEST(SchemaDiff, IgnoredCollectionsAreLeftOutByGlob) {
  const auto expected = from_replies({{kUsers, users_indexes()}});
  const auto actual = from_replies({{kUsers, users_indexes()},
                                    {R"({"name": "tmp_import", "options": {}})", {}},
                                    {R"({"name": "tmp2", "options": {}})", {}},
                                    {R"({"name": "reports", "options": {}})", {}}});
  EXPECT_EQ(messages(compare_fingerprints(expected, actual, {"tmp_*", "tmp?"})),
            (std::vector<std::string>{"extra collection reports"}));
  EXPECT_TRUE(matches_any("audit_2026", {"[a-b]udit_*"}));
  EXPECT_FALSE(matches_any("users", {"user"}));
}

TEST(SchemaDiff, DataIsComparedOnlyWhereBothSidesHaveADigest) {
  auto expected = from_replies({{kUsers, users_indexes()}});
  auto actual = expected;
  actual.collections[0].data = DataDigest{3, std::string(64, 'a')};
  EXPECT_TRUE(compare_fingerprints(expected, actual).empty());
  expected.collections[0].data = DataDigest{2, std::string(64, 'b')};
  const auto d = compare_fingerprints(expected, actual);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].kind, SchemaDifference::Kind::changed_data);
  EXPECT_EQ(describe(d[0]), "data of users: count is 3, expected 2");
  EXPECT_EQ(d[1].field, "sha256");
}

TEST(SchemaDiff, KindsAreNamedForTheJsonOutput) {
  EXPECT_STREQ(to_string(SchemaDifference::Kind::missing_collection), "missing_collection");
  EXPECT_STREQ(to_string(SchemaDifference::Kind::changed_index), "changed_index");
  EXPECT_STREQ(to_string(SchemaDifference::Kind::changed_data), "changed_data");
}

}  // namespace
}  // namespace mongoway::exec
