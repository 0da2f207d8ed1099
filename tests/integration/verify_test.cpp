// verify against a real server: an undo that leaves an index behind fails at
// its version, right undo files pass, the scratch database is gone afterwards
// and the target database is never created.

#include <functional>

#include "fixture.hpp"

namespace mongoway::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class VerifyOnServer : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    dir = temp_dir();
    scratch = "mongoway_scratch_" + std::to_string(std::hash<std::string>{}(db));  // its own, and short enough
    write(dir, "V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    write(dir, "U1__undo_users.json", R"([{"dropCollection": "users"}])");
    write(dir, "V2__orders.json", R"([{"createCollection": "orders"}])");
    write(dir, "U2__undo_orders.json", R"([{"dropCollection": "orders"}])");
    write(dir, "V3__ages.json", R"([{"createCollection": "audit"}, {"createIndex": "users", "key": {"age": 1}}])");
  }
  VerifyResult verify() {
    Migrator m(config({dir}));
    VerifyOptions options;
    options.scratch_database = scratch;
    return m.verify(options);
  }
  std::string databases() {
    return client().run("admin", json(R"({"listDatabases": 1, "nameOnly": true})")).to_json(bson::JsonMode::relaxed);
  }
  bool exists(const std::string& database) { return contains(databases(), "\"" + database + "\""); }

  std::string dir;
  std::string scratch;
};

TEST_F(VerifyOnServer, AnUndoThatLeavesAnIndexBehindFailsAtItsVersionNamingTheIndex) {
  write(dir, "U3__undo_ages.json", R"([{"dropCollection": "audit"}])");
  const auto result = verify();
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.failed_version, 3);
  ASSERT_EQ(result.versions.size(), 3u);
  ASSERT_FALSE(result.versions[2].differences.empty());
  EXPECT_EQ(result.versions[2].differences[0].kind, "extra_index");
  EXPECT_EQ(result.versions[2].differences[0].index, "age_1");
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_FALSE(exists(scratch)) << databases();
  EXPECT_FALSE(exists(db)) << databases();
}

TEST_F(VerifyOnServer, RightUndoFilesPassAndLeaveNoDatabaseBehind) {
  write(dir, "U3__undo_ages.json", R"([{"dropCollection": "audit"}, {"dropIndex": "users", "name": "age_1"}])");
  const auto result = verify();
  EXPECT_TRUE(result.passed);
  ASSERT_EQ(result.versions.size(), 3u);
  for (const auto& v : result.versions) EXPECT_EQ(v.result, "ok") << v.version;
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_FALSE(exists(scratch)) << databases();
  EXPECT_FALSE(exists(db)) << databases();
  EXPECT_TRUE(collections().empty());
}

}  // namespace
}  // namespace mongoway::testing
