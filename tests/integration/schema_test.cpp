// snapshot and diff against a real server: the fingerprint of collections
// and indexes that migrations made, drift made by hand, and the features the
// local FerretDB lacks (validators, views, TTL and partial indexes,
// collations, time series), run where MONGOWAY_TEST_URI names a MongoDB.

#include <fstream>
#include <sstream>

#include "fixture.hpp"

namespace mongoway::testing {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> messages(const DiffResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.differences) out.push_back(d.message);
  return out;
}

class Schema : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    dir = temp_dir();
    write(dir, "V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true},
      {"createIndex": "users", "key": {"last": 1, "first": -1}, "name": "by_name"}])");
    write(dir, "V2__orders.json", R"([{"createCollection": "orders"},
      {"createIndex": "orders", "key": {"user": 1}}])");
  }
  SnapshotResult snapshot(const std::string& file = {}) {
    Migrator m(config({dir}));
    return m.snapshot(SnapshotOptions{file, false});
  }
  DiffResult diff(const std::string& against) {
    Migrator m(config({dir}));
    DiffOptions options;
    options.against = against;
    return m.diff(options);
  }
  void migrate() {
    Migrator m(config({dir}));
    m.migrate();
  }

  std::string dir;
};

TEST_F(Schema, TheFingerprintHoldsTheCreatedCollectionsAndIndexes) {
  migrate();
  const auto result = snapshot();
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.collections, 2);
  EXPECT_EQ(result.indexes, 5);
  const std::string text = read(result.file);
  EXPECT_TRUE(contains(text, R"("name" : "orders")")) << text;
  EXPECT_TRUE(
      contains(text, R"({ "name" : "email_1", "key" : { "email" : { "$numberInt" : "1" } }, "unique" : true })"))
      << text;
  EXPECT_TRUE(contains(text, R"({ "name" : "by_name", "key" : { "last" : { "$numberInt" : "1" }, "first" : )"
                             R"({ "$numberInt" : "-1" } } })"))
      << text;
  EXPECT_FALSE(contains(text, "mongoway_history")) << text;
  EXPECT_FALSE(contains(text, "uuid")) << text;
}

TEST_F(Schema, SnapshotTwiceGivesByteIdenticalFiles) {
  migrate();
  EXPECT_EQ(read(snapshot(dir + "/a.json").file), read(snapshot(dir + "/b.json").file));
}

TEST_F(Schema, DiffFindsNothingOnAnUntouchedDatabase) {
  migrate();
  const auto file = snapshot().file;
  const auto result = diff(file);
  EXPECT_TRUE(result.differences.empty()) << messages(result).front();
}

TEST_F(Schema, DiffReportsAnIndexDroppedAndACollectionAddedByHand) {
  migrate();
  const auto file = snapshot().file;
  client().run(db, json(R"({"dropIndexes": "users", "index": "by_name"})"));
  client().run(db, json(R"({"create": "scratchpad"})"));
  EXPECT_EQ(messages(diff(file)),
            (std::vector<std::string>{"extra collection scratchpad", "missing index by_name on users"}));
}

// What FerretDB lacks, on a MongoDB only.
TEST_F(Schema, ValidatorsViewsTtlPartialAndCollationIndexesAndTimeSeries) {
  if (server_is_ferretdb()) {
    MONGOWAY_SKIP_BECAUSE("FerretDB 1.24 has no validators, views, TTL or partial indexes, collations or time "
                          "series: set MONGOWAY_TEST_URI to a MongoDB to run this test");
  }
  write(dir, "V3__rich.json", R"([
    {"createCollection": "students", "validator": {"$jsonSchema": {"required": ["name"]}},
     "validationLevel": "moderate", "collation": {"locale": "fr", "strength": 1}},
    {"createView": "named", "viewOn": "students", "pipeline": [{"$match": {"name": {"$exists": true}}}]},
    {"createIndex": "students", "key": {"seen": 1}, "expireAfterSeconds": 3600},
    {"createIndex": "students", "key": {"email": 1}, "partialFilterExpression": {"email": {"$exists": true}}},
    {"createCollection": "weather", "timeseries": {"timeField": "ts", "metaField": "meta"}}])");
  migrate();
  const auto file = snapshot().file;
  const std::string text = read(file);
  for (const char* part : {R"("validationLevel" : "moderate")", R"("viewOn" : "students")",
                           R"("expireAfterSeconds" : { "$numberInt" : "3600" })", R"("partialFilterExpression")",
                           R"("locale" : "fr")", R"("type" : "timeseries")", R"("timeField" : "ts")"}) {
    EXPECT_TRUE(contains(text, part)) << part << " not in\n" << text;
  }
  EXPECT_TRUE(diff(file).differences.empty());
  client().run(db, json(R"({"collMod": "students", "validationLevel": "strict"})"));
  EXPECT_EQ(
      messages(diff(file)),
      (std::vector<std::string>{R"(collection students: options.validationLevel is "strict", expected "moderate")"}));
}

}  // namespace
}  // namespace mongoway::testing
