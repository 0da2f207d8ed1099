// diff without a snapshot against a real server: the database compared with
// its history replayed on a scratch database of a random name, drift made by
// hand found, every history that cannot be replayed refused with its reason
// and the database left as it was, and no scratch database left behind.

#include <filesystem>
#include <regex>
#include <set>

#include "fixture.hpp"

namespace mongoway::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> messages(const DiffResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.differences) out.push_back(d.message);
  return out;
}

class DiffHistoryOnServer : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    dir = temp_dir();
    write(dir, "V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    write(dir, "V2__orders.json", R"([{"createCollection": "orders"},
      {"createIndex": "orders", "key": {"user": 1}}])");
    scratch_before = random_scratch_databases();
  }
  // Every test checks that it leaves no scratch database behind.
  void TearDown() override {
    const auto after = random_scratch_databases();
    for (const auto& name : after) EXPECT_TRUE(scratch_before.count(name)) << name << " was left behind";
    DatabaseTest::TearDown();
  }
  // The databases named as a scratch database without --scratch-database is.
  std::set<std::string> random_scratch_databases() {
    const auto reply = client().run("admin", json(R"({"listDatabases": 1, "nameOnly": true})"));
    const std::string text = reply.to_json(bson::JsonMode::relaxed);
    const std::regex name("\"(mongoway_scratch_[0-9a-f]{12})\"");
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
      out.insert((*it)[1]);
    }
    return out;
  }
  DiffResult diff() {
    Migrator m(config({dir}));
    return m.diff(DiffOptions{});
  }
  void migrate() {
    Migrator m(config({dir}));
    m.migrate();
  }
  // diff's refusal: a usage error, the database as it was before.
  std::string refusal() {
    const auto before = snapshot();
    std::string message = "no error";
    try {
      diff();
      ADD_FAILURE() << "diff compared with a history it cannot replay";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
      message = e.what();
    }
    EXPECT_EQ(snapshot(), before);
    EXPECT_TRUE(contains(message, "compare it with a snapshot instead: `mongoway diff --against FILE`")) << message;
    return message;
  }

  std::string dir;
  std::set<std::string> scratch_before;
};

TEST_F(DiffHistoryOnServer, AnUntouchedDatabaseHasNoDrift) {
  migrate();
  const auto before = snapshot();
  const auto result = diff();
  EXPECT_TRUE(result.differences.empty()) << messages(result).front();
  EXPECT_EQ(result.expected, "history");
  EXPECT_EQ(result.version, 2);
  EXPECT_TRUE(std::regex_match(result.scratch_database, std::regex("mongoway_scratch_[0-9a-f]{12}")))
      << result.scratch_database;
  EXPECT_TRUE(result.scratch_dropped);
  EXPECT_FALSE(random_scratch_databases().count(result.scratch_database));
  EXPECT_EQ(snapshot(), before);
}

TEST_F(DiffHistoryOnServer, AnIndexDroppedAndACollectionAddedByHandAreDrift) {
  migrate();
  client().run(db, json(R"({"dropIndexes": "users", "index": "email_1"})"));
  client().run(db, json(R"({"create": "scratchpad"})"));
  const auto result = diff();
  EXPECT_EQ(messages(result),
            (std::vector<std::string>{"extra collection scratchpad", "missing index email_1 on users"}));
  EXPECT_TRUE(result.scratch_dropped);
}

TEST_F(DiffHistoryOnServer, ABaselineIsRefused) {
  Migrator(config({dir})).baseline(1, "taken over");
  migrate();
  EXPECT_TRUE(contains(refusal(), "version 1 was applied by `baseline`"));
}

TEST_F(DiffHistoryOnServer, ARepairedFailureIsRefused) {
  write(dir, "V2__orders.json", R"([{"createCollection": "orders"}, {"createCollection": "users"}])");
  EXPECT_THROW(migrate(), Error);
  Migrator(config({dir})).repair();
  EXPECT_TRUE(contains(refusal(), "version 2 failed and was repaired"));
}

TEST_F(DiffHistoryOnServer, AMissingFileIsRefused) {
  migrate();
  std::filesystem::remove(dir + "/V2__orders.json");
  EXPECT_TRUE(contains(refusal(), "version 2 is applied but its file V2__orders.json is missing"));
}

TEST_F(DiffHistoryOnServer, AFileChangedSinceItWasAppliedIsRefused) {
  migrate();
  write(dir, "V2__orders.json", R"([{"createCollection": "orders"}])");
  EXPECT_TRUE(contains(refusal(), "version 2's file V2__orders.json changed since it was applied"));
}

}  // namespace
}  // namespace mongoway::testing
