// The pre-flight check against the test server (FerretDB 1.24, which has
// neither collMod nor views): a set whose V2 and V3 need them is refused
// before V1 runs, both needs listed at file:line:column, exit 3, and the
// database left untouched — no collection of the files, no history, no lock.
// On a server that has them (MongoDB), the tests skip.

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PreflightCli : public ServerFixture {
 protected:
  PreflightCli() : ServerFixture("mongoway_preflight") {}

  void SetUp() override {
    ServerFixture::SetUp();
    m_dir.write("migrations/V1__users.json", R"([{"createCollection": "users"}])");
    m_dir.write("migrations/V2__strict.json", "[\n  {\"collMod\": \"users\", \"validationLevel\": \"strict\"}\n]");
    m_dir.write("migrations/V3__recent.json",
                "[{\"createView\": \"recent\", \"viewOn\": \"users\", \"pipeline\": [{\"$match\": {}}]}]");
  }

  // Every collection of the database, mongoway's own included: read with a
  // history collection of another name, so that none is left out.
  int64_t every_collection() {
    auto run = mw({"--history-collection", "probe", "snapshot", "--output-file", "every.json", "--output", "json"});
    auto json = Json::parse(run.out);
    EXPECT_TRUE(json) << run.out << run.err;
    return json ? json->integer("collections") : -1;
  }

  // Skips on a server that has collMod and views.
  bool server_lacks_them() {
    auto run = mw({"migrate", "--dry-run"});
    return run.exit_code == 3 && contains(run.err, "FerretDB");
  }
};

TEST_F(PreflightCli, ASetNeedingWhatTheServerLacksIsRefusedBeforeItsFirstVersion) {
  if (!server_lacks_them()) GTEST_SKIP() << "the server has collMod and views";
  auto run = mw({"migrate"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "./migrations/V2__strict.json:2:3: error: version 2: command 1 (collMod): FerretDB "
                                "1.24 has no collMod (the server: FerretDB 1.24"))
      << run.err;
  EXPECT_TRUE(contains(run.err, "./migrations/V3__recent.json:1:2: error: version 3: command 1 (createView): "
                                "FerretDB 1.24 has no views"))
      << run.err;
  EXPECT_EQ(every_collection(), 0) << "V1 did not run, and there is no history and no lock collection";
}

TEST_F(PreflightCli, TheRefusalInJsonCarriesEveryNeedAsADiagnostic) {
  if (!server_lacks_them()) GTEST_SKIP() << "the server has collMod and views";
  auto run = mw({"migrate", "--output", "json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  auto json = json_of(run);
  EXPECT_EQ(json.string("error.diagnostics.0.file"), "./migrations/V2__strict.json") << run.out;
  EXPECT_EQ(json.integer("error.diagnostics.0.line"), 2) << run.out;
  EXPECT_EQ(json.string("error.diagnostics.2.file"), "./migrations/V3__recent.json") << run.out;
  EXPECT_EQ(every_collection(), 0);
}

TEST_F(PreflightCli, OffRunsUntilTheServerRefusesWithAWarning) {
  if (!server_lacks_them()) GTEST_SKIP() << "the server has collMod and views";
  auto run = mw({"migrate", "--preflight", "off"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "pre-flight check skipped")) << run.err;
  EXPECT_GT(every_collection(), 0) << "V1 ran";
}

TEST_F(PreflightCli, ABadModeIsAUsageError) {
  auto run = mw({"migrate", "--preflight", "sometimes"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "--preflight: expected auto, strict or off")) << run.err;
}

}  // namespace
}  // namespace mongoway::cli_test
