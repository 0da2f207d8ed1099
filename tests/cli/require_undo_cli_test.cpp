// lint --require-undo (and require_undo = true in the configuration file):
// each version with neither a U file nor only reversible commands is an
// error at its first command that is not reversible, exit 3. No server.

#include <gtest/gtest.h>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

class RequireUndo : public ::testing::Test {
 protected:
  void SetUp() override {
    // V1: reversible; V2: not, but it has its U file; V3 and V4: not, and no U file.
    m_dir.write("migrations/V1__users.json", R"([{"createCollection": "users"},
  {"insertOne": "users", "document": {"_id": 1}}])");
    m_dir.write("migrations/V2__backfill.json",
                R"([{"updateMany": "users", "filter": {}, "update": {"$set": {"a": 1}}}])");
    m_dir.write("migrations/U2__undo_backfill.json",
                R"([{"updateMany": "users", "filter": {}, "update": {"$unset": {"a": ""}}}])");
    m_dir.write("migrations/V3__seed.json", R"([{"createIndex": "users", "key": {"a": 1}},
  {"insertMany": "users", "documents": [{"_id": 2}, {"name": "no id"}]}])");
    m_dir.write("migrations/V4__tidy.json", R"([{"dropCollection": "old"}])");
  }

  Outcome lint(const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"lint"};
    args.insert(args.end(), more.begin(), more.end());
    return mongoway(args, {.cwd = m_dir.path()});
  }

  TempDir m_dir;
};

TEST_F(RequireUndo, ReportsExactlyTheVersionsWithNeitherAnUndoFileNorADerivedUndo) {
  auto run = lint({"--require-undo"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "./migrations/V3__seed.json:2:3: error: version 3 has no undo file and no derived "
                                "undo: command 2 (insertMany) is not reversible: document 2 has no _id"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "./migrations/V4__tidy.json:1:2: error: version 4 has no undo file and no derived "
                                "undo: command 1 (dropCollection) is not reversible"))
      << run.out;
  EXPECT_EQ(count_of(run.out, "has no undo file and no derived undo"), 2u) << run.out;
}

TEST_F(RequireUndo, WithoutItTheSameFilesPass) {
  auto run = lint();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(contains(run.out, "no derived undo")) << run.out;
}

TEST_F(RequireUndo, TheConfigurationFileAsksForItToo) {
  m_dir.write("mongoway.conf", "require_undo = true\n");
  auto run = mongoway({"lint", "-c", "mongoway.conf"}, {.cwd = m_dir.path()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_EQ(count_of(run.out, "has no undo file and no derived undo"), 2u) << run.out;
}

}  // namespace
}  // namespace mongoway::cli_test
