// lint --server-profile: every need a server lacks, in every V and U file, at
// once, at file:line:column, exit 3; a malformed profile is a usage error.
// No server: lint never connects.

#include <gtest/gtest.h>

#include <filesystem>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ServerProfileLint : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir.write("migrations/V1__users.json", R"([{"createCollection": "users"}])");
    m_dir.write("migrations/V2__strict.json", "[{\"insertOne\": \"users\", \"document\": {\"a\": 1}},\n"
                                              " {\"collMod\": \"users\", \"validationLevel\": \"strict\"}]");
    m_dir.write("migrations/U2__undo_strict.json", R"([{"collMod": "users", "validationLevel": "off"}])");
    m_dir.write("migrations/V3__recent.json",
                "[\n  {\"createView\": \"recent\", \"viewOn\": \"users\", \"pipeline\": [{\"$match\": {}}]}]");
  }

  Outcome lint(const std::string& profile, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"lint", "--server-profile", profile};
    args.insert(args.end(), more.begin(), more.end());
    return mongoway(args, {.cwd = m_dir.path()});
  }

  TempDir m_dir;
};

TEST_F(ServerProfileLint, FerretDbListsEveryUnsupportedNeedAtOnce) {
  auto run = lint("ferretdb-1.24");
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "./migrations/V2__strict.json:2:2: error: command 2 (collMod): FerretDB 1.24 has no "
                                "collMod\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "./migrations/V2__strict.json:2:2: error: command 2 (collMod): field "
                                "\"validationLevel\": FerretDB 1.24 has no validators\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "./migrations/U2__undo_strict.json:1:2: error: command 1 (collMod): FerretDB 1.24 "
                                "has no collMod\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "./migrations/V3__recent.json:2:3: error: command 1 (createView): FerretDB 1.24 has "
                                "no views\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "against ferretdb-1.24: 5 errors, 0 warnings")) << run.out;
}

TEST_F(ServerProfileLint, JsonNamesTheProfileAndEveryDiagnostic) {
  auto run = lint("ferretdb-1.24", {"--output", "json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_EQ(json->string("server_profile"), "ferretdb-1.24");
  EXPECT_FALSE(json->boolean("valid"));
  EXPECT_EQ(json->size("diagnostics"), 5u) << run.out;
}

TEST_F(ServerProfileLint, MongoDb70HasEverything) {
  auto run = lint("mongodb-7.0");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "against mongodb-7.0: no problems")) << run.out;
}

TEST_F(ServerProfileLint, MongoDb44HasNoTimeSeriesCollections) {
  m_dir.write("migrations/V4__metrics.json", R"([{"createCollection": "metrics", "timeseries": {"timeField": "at"}}])");
  auto run = lint("mongodb-4.4");
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "./migrations/V4__metrics.json:1:2: error: command 1 (createCollection): field "
                                "\"timeseries\": MongoDB 4.4 has no time series collections (needs MongoDB 5.0 or "
                                "later)\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "1 error, 0 warnings")) << run.out;
}

TEST_F(ServerProfileLint, AMalformedOrUnknownProfileIsAUsageErrorListingTheForms) {
  for (const char* bad : {"mongodb-7", "postgres-16.0", "ferretdb"}) {
    auto run = lint(bad);
    EXPECT_EQ(run.exit_code, 2) << bad << ": " << run.out << run.err;
    EXPECT_TRUE(contains(run.err, "--server-profile:")) << run.err;
    EXPECT_TRUE(contains(run.err, "mongodb-MAJOR.MINOR (e.g. mongodb-4.4, mongodb-7.0) or ferretdb-1.24")) << run.err;
  }
}

TEST_F(ServerProfileLint, AFerretDbVersionTheTableDoesNotKnowWarns) {
  auto run = lint("ferretdb-2.0");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "./migrations/V2__strict.json:2:2: warning: command 2 (collMod): mongoway's table of "
                                "server features knows FerretDB 1.24 only: whether FerretDB 2.0 has collMod is not "
                                "known\n"))
      << run.out;
}

// The shipped migrations run on the test server, FerretDB 1.24.
TEST(ServerProfileShipped, TheShippedMigrationsPassFerretDb124) {
  TempDir dir;
  fs::copy(std::string(MONGOWAY_SOURCE_DIR) + "/migrations", fs::path(dir.path()) / "migrations",
           fs::copy_options::recursive);
  auto run = mongoway({"lint", "--server-profile", "ferretdb-1.24"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "against ferretdb-1.24: no problems")) << run.out;
}

}  // namespace
}  // namespace mongoway::cli_test
