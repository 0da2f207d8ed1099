// A fleet run as a user types it: which databases are chosen (patterns,
// excludes, a file, standard input, several clusters), the --yes rule, one
// database failing among others, the summary, the JSON document, running
// again, and a run killed then named by `info --databases`.

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "../support/exposition.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int lines_of(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

class FleetCli : public ServerFixture {
 protected:
  FleetCli() : ServerFixture("fleet") {}

  void SetUp() override {
    ServerFixture::SetUp();
    m_dir.write("migrations/V1__people.json", R"([{"createCollection": "people"}])");
    m_dir.write("migrations/V2__email.json",
                R"([{"createIndex": "people", "key": {"email": 1}, "name": "email_1", "unique": true}])");
    m_dir.write("migrations/V3__tags.json", R"([{"createCollection": "tags"}])");
  }

  void TearDown() override {
    for (const auto& name : m_made) {
      mw({"-d", name, "clean", "--yes"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
    }
    ServerFixture::TearDown();
  }

  // The test's database NAME: its own prefix, then _NAME.
  std::string tenant(const std::string& name) { return m_database + "_" + name; }

  // Databases at version 1 (so that the server lists them).
  void make_tenants(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      m_made.push_back(tenant(name));
      const auto run = mw({"-d", tenant(name), "migrate", "--target", "1", "-q"});
      ASSERT_EQ(run.exit_code, 0) << run.err;
    }
  }

  // Two documents with the same email: V2's unique index fails there.
  void make_duplicates(const std::string& name) {
    m_dir.write("dups/V1__dups.json", R"([{"insertMany": "people", "documents": [{"email": "a"}, {"email": "a"}]}])");
    const auto run = mw({"-d", tenant(name), "-l", "dups", "--history-collection", "setup", "migrate", "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  std::string pattern() { return m_database + "_*"; }

  std::vector<std::string> m_made;
};

TEST_F(FleetCli, APatternAndAnExcludeChooseTheDatabasesPrintedBeforeTheRun) {
  make_tenants({"a", "b", "c"});
  const auto run = mw({"info", "--databases", pattern(), "--exclude", "*_b"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "info on 2 databases, 4 at a time:")) << run.err;
  EXPECT_TRUE(contains(run.err, tenant("a") + ", " + tenant("c") + "\n")) << run.err;
  EXPECT_FALSE(contains(run.out, tenant("b"))) << run.out;
  EXPECT_TRUE(contains(run.out, tenant("a") + "  version 1  pending 2  failed 0")) << run.out;
  EXPECT_TRUE(contains(run.out, tenant("c") + "  version 1  pending 2  failed 0")) << run.out;
}

TEST_F(FleetCli, AFileOrStandardInputNamesTheDatabasesOneALine) {
  make_tenants({"a", "b"});
  m_dir.write("tenants.txt", "# the tenants to read\n" + tenant("b") + "   # b only\n\n");
  const auto file = mw({"info", "--databases-file", "tenants.txt"});
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(lines_of(file.out), 3) << "b's line, a blank line, the counts: " << file.out;
  EXPECT_TRUE(contains(file.out, tenant("b") + "  version 1")) << file.out;

  const auto piped = program(
      {"sh", "-c", "printf '%s\\n' \"$1\" | \"$2\" info --databases-file -", "sh", tenant("a"), MONGOWAY_BINARY},
      {.env = {{"MONGOWAY_URI", m_uri}}, .cwd = m_dir.path()});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_TRUE(contains(piped.out, tenant("a") + "  version 1")) << piped.out;
  EXPECT_FALSE(contains(piped.out, tenant("b"))) << piped.out;
}

TEST_F(FleetCli, SystemAndScratchDatabasesAreNeverChosenAndNamingOneIsAUsageError) {
  make_tenants({"a"});
  const std::string scratch = "mongoway_scratch_" + m_database;
  m_made.push_back(scratch);
  ASSERT_EQ(mw({"-d", scratch, "migrate", "--target", "1", "-q"}).exit_code, 0);
  // Patterns that match only the server's own databases and the scratch
  // ones (the test server is shared: a plain * would read every test's).
  const auto all = mw({"info", "--databases", pattern(), "--databases", "[a]dmin", "--databases", "loca?",
                       "--databases", "co*ig", "--databases", "mongoway_scratch_*"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  std::istringstream lines(all.out);
  for (std::string line; std::getline(lines, line);) {
    const std::string name = line.substr(0, line.find(' '));
    EXPECT_TRUE(name != "admin" && name != "local" && name != "config" && !name.starts_with("mongoway_scratch_"))
        << name << " chosen: " << all.out;
  }
  EXPECT_TRUE(contains(all.err, "info on 1 database, 4 at a time:")) << all.err;
  EXPECT_TRUE(contains(all.out, tenant("a") + "  version 1")) << all.out;

  for (const std::string& name : {std::string("admin"), std::string("config"), scratch}) {
    m_dir.write("named.txt", tenant("a") + "\n" + name + "\n");
    const auto named = mw({"info", "--databases-file", "named.txt"});
    EXPECT_EQ(named.exit_code, 2) << named.out;
    EXPECT_TRUE(contains(named.err, "the database " + name + " is never migrated as part of a fleet")) << named.err;
  }
}

TEST_F(FleetCli, UndoRepairBaselineAndGotoDownOnAPatternNeedYes) {
  make_tenants({"a", "b"});
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"undo"}, {"repair"}, {"baseline", "--baseline-version", "1"}, {"goto", "0", "--allow-undo"}}) {
    auto full = args;
    full.insert(full.end(), {"--databases", pattern()});
    const auto refused = mw(full);
    EXPECT_EQ(refused.exit_code, 2) << args.front() << ": " << refused.out;
    EXPECT_TRUE(contains(refused.err, "on databases chosen by a pattern needs --yes")) << refused.err;
  }
  // Nothing ran: both still at version 1.
  EXPECT_TRUE(contains(mw({"info", "--databases", pattern()}).out, tenant("b") + "  version 1  pending 2"));
  const auto confirmed = mw({"undo", "--databases", pattern(), "--yes"});
  EXPECT_EQ(confirmed.exit_code, 0) << confirmed.err;
  EXPECT_TRUE(contains(confirmed.out, tenant("a") + "  1 -> 0  undid 1 version")) << confirmed.out;
  m_dir.write("tenants.txt", tenant("a") + "\n" + tenant("b") + "\n");
  const auto named = mw({"repair", "--databases-file", "tenants.txt"});
  EXPECT_EQ(named.exit_code, 0) << named.err;
}

TEST_F(FleetCli, VerifyAndADiffWithoutASnapshotStaySingleDatabase) {
  make_tenants({"a"});
  const auto verify = mw({"verify", "--databases", pattern()});
  EXPECT_EQ(verify.exit_code, 2);
  EXPECT_TRUE(contains(verify.err, "option --databases does not apply to verify")) << verify.err;
  const auto diff = mw({"diff", "--databases", pattern()});
  EXPECT_EQ(diff.exit_code, 2);
  EXPECT_TRUE(contains(diff.err, "give --against FILE")) << diff.err;
  EXPECT_EQ(mw({"info", "--databases", pattern(), "--jobs", "0"}).exit_code, 2);
  EXPECT_EQ(mw({"info", "--databases", pattern(), "--jobs", "65"}).exit_code, 2);
}

TEST_F(FleetCli, OneDatabaseFailingLeavesTheOthersMigratedAndTheSummaryNamesIt) {
  make_tenants({"a", "b", "c"});
  make_duplicates("b");
  const auto run = mw({"migrate", "--databases", pattern(), "--jobs", "2"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, tenant("a") + "  1 -> 3  migrated 2 versions")) << run.out;
  EXPECT_TRUE(contains(run.out, tenant("c") + "  1 -> 3  migrated 2 versions")) << run.out;
  EXPECT_TRUE(contains(run.out, "3 databases: 2 migrated, 0 up to date, 1 failed, 0 skipped\n")) << run.out;
  EXPECT_TRUE(contains(run.out, "Failed:\n  " + tenant("b") + " (")) << run.out;
  EXPECT_TRUE(contains(run.out, "): exit 1: V2__email.json failed at command 1 (createIndex)")) << run.out;

  // Running again: a and c are at the target, b's failed version stops it (validation, exit 3).
  const auto again = mw({"migrate", "--databases", pattern()});
  EXPECT_EQ(again.exit_code, 3) << again.out;
  EXPECT_TRUE(contains(again.out, tenant("a") + "  3 -> 3  up to date")) << again.out;
  EXPECT_TRUE(contains(again.out, "3 databases: 0 migrated, 2 up to date, 1 failed, 0 skipped\n")) << again.out;
}

// One metrics file for the whole fleet: every database's samples, read back
// by the exposition-format parser, the failed one's failure included.
TEST_F(FleetCli, TheMetricsFileHoldsEveryDatabaseOfTheFleet) {
  make_tenants({"a", "b", "c"});
  make_duplicates("b");
  const auto run = mw({"migrate", "--databases", pattern(), "--jobs", "2", "--metrics-file", "fleet.prom"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto read = mongoway::testing::parse_exposition(read_file(m_dir / "fleet.prom"));
  ASSERT_TRUE(read.errors.empty()) << read.errors.front();
  EXPECT_EQ(read.samples.size(), 18u) << "six metrics for each of three databases";
  std::string cluster = m_uri.substr(m_uri.find("://") + 3);
  cluster = cluster.substr(0, cluster.find_first_of("/?"));
  for (const std::string name : {"a", "c"}) {
    const std::map<std::string, std::string> labels{{"cluster", cluster}, {"database", tenant(name)}};
    EXPECT_EQ(read.value("mongoway_current_version", labels), 3) << name;
    EXPECT_EQ(read.value("mongoway_last_run_success", labels), 1) << name;
  }
  const std::map<std::string, std::string> b{{"cluster", cluster}, {"database", tenant("b")}};
  EXPECT_EQ(read.value("mongoway_current_version", b), 1);
  EXPECT_EQ(read.value("mongoway_failed_versions", b), 1);
  EXPECT_EQ(read.value("mongoway_last_run_success", b), 0);
}

TEST_F(FleetCli, FailFastStartsNoDatabaseAfterTheFirstFailure) {
  make_tenants({"a", "b", "c"});
  make_duplicates("a");
  const auto run = mw({"migrate", "--databases", pattern(), "--jobs", "1", "--fail-fast"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_TRUE(contains(run.out, "3 databases: 0 migrated, 0 up to date, 1 failed, 2 skipped\n")) << run.out;
  EXPECT_TRUE(contains(run.out, tenant("c") + "  skipped: not started: an earlier database failed (--fail-fast)"))
      << run.out;
}

TEST_F(FleetCli, JsonIsOneDocumentWithEachDatabasesOwnAndTheSummary) {
  make_tenants({"a", "b"});
  make_duplicates("b");
  const auto run = mw({"--output", "json", "migrate", "--databases", pattern()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err, "") << "the selection is printed in text mode only";
  auto json = json_of(run);
  EXPECT_EQ(json.integer("format"), 1);
  EXPECT_EQ(json.string("command"), "migrate");
  ASSERT_EQ(json.size("databases"), 2u);
  EXPECT_EQ(json.string("databases.0.database"), tenant("a"));
  EXPECT_EQ(json.string("databases.0.cluster"), m_uri.substr(10, m_uri.find('/', 10) - 10));
  EXPECT_EQ(json.string("databases.0.status"), "succeeded");
  EXPECT_EQ(json.integer("databases.0.exit_code"), 0);
  EXPECT_TRUE(json.is_null("databases.0.error"));
  // The single-database document, as `migrate --output json -d` gives it.
  EXPECT_EQ(json.string("databases.0.result.command"), "migrate");
  EXPECT_EQ(json.string("databases.0.result.database"), tenant("a"));
  EXPECT_EQ(json.integer("databases.0.result.to_version"), 3);
  EXPECT_EQ(json.integer("databases.0.result.steps.1.version"), 3);
  EXPECT_EQ(json.string("databases.1.status"), "failed");
  EXPECT_EQ(json.integer("databases.1.exit_code"), 1);
  EXPECT_TRUE(contains(json.string("databases.1.error"), "V2__email.json failed at command 1"));
  EXPECT_EQ(json.integer("databases.1.result.error.code"), 1);
  EXPECT_EQ(json.integer("databases.1.result.steps.0.version"), 2) << "the failed step, as the error document has it";
  EXPECT_EQ(json.integer("summary.databases"), 2);
  EXPECT_EQ(json.integer("summary.migrated"), 1);
  EXPECT_EQ(json.integer("summary.up_to_date"), 0);
  EXPECT_EQ(json.integer("summary.failed"), 1);
  EXPECT_EQ(json.integer("summary.skipped"), 0);
  EXPECT_EQ(json.integer("summary.exit_code"), 1);

  const auto info = json_of(mw({"--output", "json", "info", "--databases", pattern()}));
  EXPECT_EQ(info.integer("databases.0.result.current_version"), 3);
  EXPECT_EQ(info.string("databases.1.result.migrations.1.state"), "failed");
}

TEST_F(FleetCli, AUrisFileRunsOnEachClusterAndMasksPasswords) {
  make_tenants({"a", "b"});
  const std::string hosts = m_uri.substr(10, m_uri.find('/', 10) - 10);  // 127.0.0.1:PORT
  const std::string port = hosts.substr(hosts.find(':') + 1);
  m_dir.write("clusters.txt", "# two names of the test server\nmongodb://127.0.0.1:" + port + " " + tenant("a") +
                                  "\nmongodb://localhost:" + port + "/?appname=second " + tenant("b") + "  # b\n");
  const auto run = mw({"info", "--uris-file", "clusters.txt"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "127.0.0.1:" + port + " (1): " + tenant("a"))) << run.err;
  EXPECT_TRUE(contains(run.err, "localhost:" + port + " (1): " + tenant("b"))) << run.err;
  EXPECT_TRUE(contains(run.out, tenant("b") + "  localhost:" + port + "  version 1")) << run.out;

  m_dir.write("secret.txt", "mongodb://admin:Hunter2Secret@127.0.0.1:" + port + " " + tenant("a") + "\n");
  for (const char* format : {"text", "json"}) {
    const auto masked = mw({"--output", format, "migrate", "--uris-file", "secret.txt", "--connect-timeout", "2"});
    EXPECT_NE(masked.exit_code, 0);
    EXPECT_FALSE(contains(masked.out + masked.err, "Hunter2Secret")) << masked.out << masked.err;
  }
  m_dir.write("bad.txt", "mongodb://admin:Hunter2Secret@127.0.0.1:" + port + "/?nonsense=1 " + tenant("a") + "\n");
  const auto bad = mw({"info", "--uris-file", "bad.txt"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "--uris-file bad.txt:1: invalid connection URI")) << bad.err;
  EXPECT_FALSE(contains(bad.err, "Hunter2Secret")) << bad.err;
}

TEST_F(FleetCli, AKilledRunsDatabasesAreNamedByInfoAndGoOnAfterRepair) {
  fs::remove_all(m_dir / "migrations");
  write_large_seed(m_dir);
  for (const char* name : {"a", "b"}) m_made.push_back(tenant(name));
  m_dir.write("tenants.txt", tenant("a") + "\n" + tenant("b") + "\n");
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}};
  Started run({"migrate", "--databases-file", "tenants.txt", "--jobs", "2", "--lock-ttl", "3"},
              {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (!wait_until_seed_runs(tenant("a"), "migrations") || !wait_until_seed_runs(tenant("b"), "migrations")) {
    GTEST_SKIP() << "the seed was applied before the test could act";
  }
  run.signal(SIGKILL);
  run.wait();
  const auto info = mw({"info", "--databases-file", "tenants.txt"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  for (const char* name : {"a", "b"}) {
    EXPECT_TRUE(contains(info.out, tenant(name) + "  version 0  pending 0  failed 1")) << info.out;
  }
  EXPECT_EQ(mw({"repair", "--databases-file", "tenants.txt"}).exit_code, 0);
  // The cut seed inserted some documents: the data is cleared as an operator would.
  for (const char* name : {"a", "b"}) {
    m_dir.write("drop/V1__drop.json", R"([{"dropCollection": "items"}])");
    ASSERT_EQ(mw({"-d", tenant(name), "-l", "drop", "--history-collection", "cleanup", "migrate", "-q"}).exit_code, 0);
  }
  const auto again = mw({"migrate", "--databases-file", "tenants.txt"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "2 databases: 2 migrated, 0 up to date, 0 failed, 0 skipped")) << again.out;
}

}  // namespace
}  // namespace mongoway::cli_test
