// A migration made invalid by a placeholder's value is refused by migrate and
// undo with exit code 3 and one error naming file:line:column, command,
// field and placeholder, before anything reaches the server (see
// support/test_server.hpp for the server).

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "../support/test_server.hpp"
#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PlaceholderValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    m_uri = mongoway::testing::test_server_uri();
    static int counter = 0;
    m_database = "mongoway_valid_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    // Command 1 would succeed, command 2 is the one a bad value breaks: were
    // anything sent, the collection ph_a would exist and the next migrate's
    // createCollection would fail. V2 is only ever refused (FerretDB has no
    // validationLevel), and with it V1, since every version of the plan is
    // rendered before the first is run.
    m_dir.write("migrations/V1__ph.json", "[{\"createCollection\": \"ph_a\"},\n"
                                          " {\"insertOne\": \"${coll}\", \"document\": {\"a\": 1}}]");
    m_dir.write("migrations/U1__undo_ph.json", "[{\"dropCollection\": \"${coll}\"}, {\"dropCollection\": \"ph_a\"}]");
    m_dir.write("migrations/V2__level.json", "[{\"createCollection\": \"ph_c\", \"validationLevel\": \"${lvl}\"}]");
  }

  void TearDown() override {
    auto run = mw({"clean", "--yes"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
    if (run.exit_code != 0) std::cout << "could not clean " << m_database << ": " << run.err;
  }

  Outcome mw(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    env.emplace("MONGOWAY_URI", m_uri);
    env.emplace("MONGOWAY_DATABASE", m_database);
    return mongoway(args, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(120)});
  }

  // The state of version 1 as `info` sees it.
  std::string state() {
    auto info = Json::parse(mw({"info", "--output", "json"}).out);
    return info ? info->string("migrations.0.state") : "<no JSON>";
  }

  std::string m_uri;
  std::string m_database;
  TempDir m_dir;
};

TEST_F(PlaceholderValidation, MigrateRefusesABadValueWithExitCode3AndSendsNothing) {
  auto empty = mw({"migrate", "--target", "1", "--placeholder", "coll="});
  EXPECT_EQ(empty.exit_code, 3) << empty.out << empty.err;
  EXPECT_TRUE(contains(empty.err, "V1__ph.json:2:16: command 2 (insertOne): field \"insertOne\": the collection "
                                  "name must not be empty (the value comes from placeholder ${coll}"))
      << empty.err;
  EXPECT_EQ(state(), "pending");

  auto bogus = mw({"migrate", "--placeholder", "coll=ph_b", "--placeholder", "lvl=bogus"});
  EXPECT_EQ(bogus.exit_code, 3) << bogus.out << bogus.err;
  EXPECT_TRUE(contains(bogus.err, "V2__level.json:1:50: command 1 (createCollection): field \"validationLevel\": "
                                  "expected one of "
                                  "\"off\", \"strict\" or \"moderate\", got \"bogus\" (the value comes from "
                                  "placeholder ${lvl}"))
      << bogus.err;
  EXPECT_EQ(state(), "pending");

  // Nothing was sent: the whole version applies now, createCollection included.
  auto good = mw({"migrate", "--target", "1", "--placeholder", "coll=ph_b"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(state(), "applied");
}

TEST_F(PlaceholderValidation, UndoRefusesABadValueWithExitCode3AndSendsNothing) {
  ASSERT_EQ(mw({"migrate", "--target", "1", "--placeholder", "coll=ph_b"}).exit_code, 0);
  auto undo = mw({"undo", "--placeholder", "coll=system.js"});
  EXPECT_EQ(undo.exit_code, 3) << undo.out << undo.err;
  EXPECT_TRUE(contains(undo.err, "U1__undo_ph.json:1:21: command 1 (dropCollection): field \"dropCollection\": the "
                                 "collection name \"system.js\" starts with \"system.\""))
      << undo.err;
  EXPECT_EQ(state(), "applied");
  auto good = mw({"undo", "--placeholder", "coll=ph_b"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(state(), "undone");
}

// lint checks the commands as rendered with the placeholders it is given,
// warns about one without a value, and validate reports a bad value once,
// at its position.
TEST_F(PlaceholderValidation, LintAndValidateCheckTheRenderedCommands) {
  auto unset = mw({"lint"});
  EXPECT_EQ(unset.exit_code, 0) << unset.out << unset.err;
  EXPECT_TRUE(contains(unset.out + unset.err, "V1__ph.json:2:16: warning: command 2 (insertOne): unknown placeholder "
                                              "${coll}"))
      << unset.out << unset.err;
  auto empty = mw({"lint", "--placeholder", "coll=", "--placeholder", "lvl=strict"});
  EXPECT_EQ(empty.exit_code, 3) << empty.out << empty.err;
  EXPECT_TRUE(contains(empty.out + empty.err, "V1__ph.json:2:16: error: command 2 (insertOne): field \"insertOne\": "
                                              "the collection name must not be empty"))
      << empty.out << empty.err;
  auto validate = mw({"validate", "--placeholder", "coll=", "--placeholder", "lvl=strict"});
  EXPECT_EQ(validate.exit_code, 3) << validate.out << validate.err;
  const std::string all = validate.out + validate.err;
  const auto first = all.find("V1__ph.json:2:16: error:");
  EXPECT_NE(first, std::string::npos) << all;
  EXPECT_EQ(all.find("V1__ph.json", first + 1), std::string::npos) << "the file is named twice: " << all;
}

}  // namespace
}  // namespace mongoway::cli_test
