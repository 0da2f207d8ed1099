// snapshot and diff on the fake server: the fingerprint of what the
// migrations made, the file, and the drift found against it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/schema_reader.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bson::Document json(const std::string& text) {
  auto doc = bson::Document::from_json(text);
  if (!doc) throw std::runtime_error("bad JSON in test: " + text);
  return std::move(*doc);
}

class SchemaCommands : public ::testing::Test {
 protected:
  SchemaCommands() {
    dir.write("V1__users.json", R"([{"createCollection": "users", "validator": {"age": {"$gte": 0}}},
      {"createIndex": "users", "key": {"email": 1}, "unique": true},
      {"insertOne": "users", "document": {"_id": {"$oid": "65a000000000000000000001"}, "email": "a@example.com"}}])");
    dir.write("U1__undo_users.json", R"([{"dropCollection": "users"}])");
    dir.write("V2__recent.json", R"([{"createView": "recent", "viewOn": "users", "pipeline": [{"$limit": 5}]}])");
  }

  exec::Engine engine() {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    exec::Engine e(
        c, [this](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    e.heartbeat_thread = false;
    return e;
  }
  void migrate() {
    auto e = engine();
    exec::migrate(e, {});
  }
  SnapshotResult snapshot(std::string file = {}, bool data = false) {
    auto e = engine();
    return exec::snapshot(e, SnapshotOptions{std::move(file), data});
  }
  DiffResult diff(const std::string& against, std::vector<std::string> ignore = {}, bool data = false) {
    auto e = engine();
    DiffOptions options;
    options.against = against;
    options.ignore = std::move(ignore);
    options.data = data;
    return exec::diff(e, options);
  }
  // The code of the Error `f` throws (0: none).
  template <typename F>
  int exit_code(F f, std::string* message = nullptr) {
    try {
      f();
    } catch (const Error& e) {
      if (message) *message = e.what();
      return e.exit_code();
    }
    return 0;
  }

  TempDir dir;
  FakeServer fake;
};

TEST_F(SchemaCommands, SnapshotWritesSchemaJsonInTheFirstLocationWithTheVersion) {
  migrate();
  const auto result = snapshot();
  EXPECT_EQ(result.file, (dir.path() / "schema.json").string());
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.database, "app");
  EXPECT_EQ(result.collections, 2);  // users and the view; not the history nor its lock
  EXPECT_EQ(result.indexes, 2);
  const std::string text = read(result.file);
  EXPECT_TRUE(contains(text, R"("version" : 2,)")) << text;
  EXPECT_TRUE(contains(text, R"("name" : "email_1", "key" : { "email" : { "$numberInt" : "1" } }, "unique" : true)"))
      << text;
  EXPECT_TRUE(contains(text, R"("viewOn" : "users")")) << text;
  EXPECT_FALSE(contains(text, "mongoway_history")) << text;
  EXPECT_FALSE(contains(text, "\"data\"")) << text;
}

TEST_F(SchemaCommands, SchemaJsonIsNeverTakenForAMigrationFile) {
  migrate();
  snapshot();
  auto e = engine();
  const auto& files = e.load_files();
  EXPECT_EQ(files.migrations.size(), 2u);
  EXPECT_TRUE(files.diagnostics.empty()) << files.diagnostics.front().to_string();
}

TEST_F(SchemaCommands, SnapshotTwiceGivesTheSameBytes) {
  migrate();
  const auto first = read(snapshot(dir.str() + "/one.json").file);
  const auto second = read(snapshot(dir.str() + "/two.json").file);
  EXPECT_EQ(first, second);
}

TEST_F(SchemaCommands, SnapshotToAFolderThatIsNotThereIsAUsageError) {
  migrate();
  std::string message;
  EXPECT_EQ(exit_code([&] { snapshot(dir.str() + "/no/such/dir/schema.json"); }, &message), 2);
  EXPECT_TRUE(contains(message, "cannot write the snapshot to")) << message;
}

TEST_F(SchemaCommands, DiffOfAnUntouchedDatabaseFindsNothing) {
  migrate();
  const auto file = snapshot().file;
  const auto result = diff(file);
  EXPECT_TRUE(result.differences.empty()) << result.differences.front().message;
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.snapshot_version, 2);
}

TEST_F(SchemaCommands, DiffReportsAnIndexDroppedAndACollectionAddedByHand) {
  migrate();
  const auto file = snapshot().file;
  fake.send("app", json(R"({"dropIndexes": "users", "index": "email_1"})"), port::Reply::plain);
  fake.send("app", json(R"({"create": "audit"})"), port::Reply::plain);
  const auto result = diff(file);
  ASSERT_EQ(result.differences.size(), 2u);
  EXPECT_EQ(result.differences[0].kind, "extra_collection");
  EXPECT_EQ(result.differences[0].message, "extra collection audit");
  EXPECT_EQ(result.differences[1].kind, "missing_index");
  EXPECT_EQ(result.differences[1].message, "missing index email_1 on users");
  // A collection managed by hand can be left out.
  EXPECT_EQ(diff(file, {"aud*"}).differences.size(), 1u);
}

TEST_F(SchemaCommands, DiffReportsAValidatorChangedByHandFieldByField) {
  migrate();
  const auto file = snapshot().file;
  fake.send("app", json(R"({"collMod": "users", "validator": {"age": {"$gte": 18}}})"), port::Reply::plain);
  const auto result = diff(file);
  ASSERT_EQ(result.differences.size(), 1u);
  EXPECT_EQ(result.differences[0].message, "collection users: options.validator.age.$gte is 18, expected 0");
}

TEST_F(SchemaCommands, DiffWithDataComparesTheDocuments) {
  migrate();
  const auto file = snapshot({}, true).file;
  EXPECT_TRUE(contains(read(file), R"("data" : { "count" : 1, "sha256" : ")"));
  EXPECT_TRUE(diff(file, {}, true).differences.empty());
  fake.send("app", json(R"({"insert": "users", "documents": [{"email": "b@example.com"}]})"), port::Reply::write);
  const auto result = diff(file, {}, true);
  ASSERT_FALSE(result.differences.empty());
  EXPECT_EQ(result.differences[0].message, "data of users: count is 2, expected 1");
  // Without --data the documents are not compared.
  EXPECT_TRUE(diff(file).differences.empty());
}

TEST_F(SchemaCommands, DiffWithDataNeedsASnapshotWithData) {
  migrate();
  const auto file = snapshot().file;
  std::string message;
  EXPECT_EQ(exit_code([&] { diff(file, {}, true); }, &message), 2);
  EXPECT_TRUE(contains(message, "has no digests of the data")) << message;
}

TEST_F(SchemaCommands, DiffAgainstAFileThatIsNoSnapshotIsExit3BeforeTheServerIsAsked) {
  migrate();
  const auto before = fake.requests().size();
  std::string message;
  const auto other = dir.write("other.json", R"({"format": 7, "collections": []})");
  EXPECT_EQ(exit_code([&] { diff(other); }, &message), 3);
  EXPECT_TRUE(contains(message, "format 7")) << message;
  EXPECT_EQ(exit_code([&] { diff(dir.str() + "/V1__users.json"); }, &message), 3);
  EXPECT_TRUE(contains(message, "not a mongoway schema snapshot")) << message;
  EXPECT_EQ(exit_code([&] { diff(dir.str() + "/missing.json"); }, &message), 3);
  EXPECT_TRUE(contains(message, "cannot read the snapshot")) << message;
  EXPECT_EQ(fake.requests().size(), before);
}

TEST_F(SchemaCommands, TheFingerprintOfAnyDatabaseOfTheServer) {
  fake.send("other", json(R"({"create": "logs", "capped": true, "size": 4096})"), port::Reply::plain);
  exec::ReadOptions options;
  options.history_collection = "mongoway_history";
  const auto f = exec::read_fingerprint(fake, "other", options);
  ASSERT_EQ(f.collections.size(), 1u);
  EXPECT_EQ(f.database, "other");
  EXPECT_EQ(f.collections[0].options.to_json(bson::JsonMode::canonical),
            R"({ "capped" : true, "size" : { "$numberInt" : "4096" } })");
}

TEST_F(SchemaCommands, TheObjectIdsTheFilesNameAreKeptInTheDigest) {
  auto e = engine();
  const auto ids = exec::object_ids_named_by(e.load_files());
  EXPECT_EQ(ids, (std::set<std::string>{"65a000000000000000000001"}));
}

}  // namespace
}  // namespace mongoway::testing
