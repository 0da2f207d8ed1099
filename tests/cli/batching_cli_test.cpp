// Batched commands through the built binary, as lint reads them (no server):
// a batched update that a resumed run could apply twice is a warning, which
// does not fail lint; a batched command in a file that runs in a transaction
// is an error, exit code 3.

#include <gtest/gtest.h>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

TEST(BatchingCli, LintWarnsOnABatchedIncAndPasses) {
  TempDir dir;
  dir.write("migrations/V1__count_logins.json", R"([
  {"updateMany": "users", "filter": {"active": true}, "update": {"$inc": {"logins": 1}}, "batchSize": 500}
])");
  auto lint = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out,
            "./migrations/V1__count_logins.json:2:3: warning: command 1 (updateMany): batched with \"$inc\", which is "
            "not idempotent: a run cut short resumes by repeating the batch that was in flight, whose documents would "
            "then be changed twice; make the filter exclude the documents already done (e.g. {\"f\": {\"$ne\": v}} "
            "for a field f that the update sets to v with \"$set\"), or use only idempotent operators ($set, $unset, "
            "$min, $max, $setOnInsert, $pull, $pullAll, $addToSet, $rename)\n"
            "Checked 1 migration (1 file) in ./migrations: 0 errors, 1 warning\n");
}

TEST(BatchingCli, LintRefusesABatchedCommandInATransactionWithExitCode3) {
  TempDir dir;
  dir.write("migrations/V1__purge.json", R"({"transaction": true, "commands": [
  {"deleteMany": "sessions", "filter": {"expired": true}, "batchSize": 1000}
]})");
  auto lint = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 3) << lint.out << lint.err;
  EXPECT_NE(lint.out.find("./migrations/V1__purge.json:2:59: error: command 1 (deleteMany): field \"batchSize\": the "
                          "file runs in a transaction (\"transaction\": true), and a batched command cannot"),
            std::string::npos)
      << lint.out;
}

}  // namespace
}  // namespace mongoway::cli_test
