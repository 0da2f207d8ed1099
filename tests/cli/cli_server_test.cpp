// The mongoway command line against a real server (see support/test_server.hpp): a whole
// session as a user would type it, failures, the lock, and signals. Each test
// uses a fresh database, dropped with `clean` at the end.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "../support/test_server.hpp"
#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ServerTest : public ServerFixture {
 protected:
  ServerTest() : ServerFixture("mongoway_cli") {}

  void SetUp() override {
    ServerFixture::SetUp();
    copy_shipped_migrations();
  }

  // Waits until version 1 is being applied (or no longer can be); returns its state.
  std::string wait_until_running() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
      auto info = Json::parse(mw({"info", "--output", "json"}).out);
      state = info ? info->string("migrations.0.state") : "";
      if (state != "pending" && !state.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return state;
  }
};

TEST_F(ServerTest, AWholeSession) {
  auto migrate = mw({"migrate", "--target", "3"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_TRUE(contains(migrate.out, "V1 create users ... ok")) << migrate.out;
  EXPECT_TRUE(contains(migrate.out, "V3 ")) << migrate.out;
  EXPECT_FALSE(contains(migrate.out, "V4 ")) << migrate.out;
  EXPECT_TRUE(contains(migrate.out, "Migrated " + m_database + ": version 0 -> 3, 3 versions in")) << migrate.out;

  auto info = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(info.string("database"), m_database);
  EXPECT_EQ(info.integer("current_version"), 3);
  EXPECT_EQ(info.integer("migrations.0.version"), 1);
  EXPECT_EQ(info.string("migrations.0.state"), "applied");
  EXPECT_EQ(info.string("migrations.0.script"), "V1__create_users.json");
  EXPECT_EQ(info.string("migrations.0.checksum").rfind("sha256:", 0), 0u);
  EXPECT_TRUE(info.boolean("migrations.0.undoable"));
  EXPECT_GE(info.integer("migrations.0.execution_time_ms"), 0);
  const std::string installed = info.string("migrations.0.installed_on");
  EXPECT_EQ(installed.size(), 24u) << installed;  // 2024-05-01T10:00:00.123Z
  EXPECT_EQ(installed.back(), 'Z') << installed;
  EXPECT_EQ(info.string("migrations.3.state"), "pending");
  EXPECT_TRUE(info.is_null("migrations.3.installed_on"));

  auto status = mw({"status"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_TRUE(contains(status.out, "Version  Description")) << status.out;
  EXPECT_TRUE(contains(status.out, "applied")) << status.out;

  auto plan = mw({"migrate", "--dry-run", "--output", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto plan_json = json_of(plan);
  EXPECT_TRUE(plan_json.boolean("dry_run"));
  EXPECT_EQ(plan_json.integer("from_version"), 3);
  EXPECT_EQ(plan_json.size("steps"), 3u);
  EXPECT_TRUE(plan_json.is_document("steps.0.commands.0.command")) << plan.out;
  auto plan_text = mw({"migrate", "--dry-run"});
  EXPECT_TRUE(contains(plan_text.out, "nothing was changed")) << plan_text.out;
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).integer("current_version"), 3) << "a dry run changes nothing";

  auto undo = mw({"undo", "--target", "1"});
  ASSERT_EQ(undo.exit_code, 0) << undo.err;
  EXPECT_TRUE(contains(undo.out, "U3 ")) << undo.out;
  EXPECT_TRUE(contains(undo.out, "U2 ")) << undo.out;
  auto after_undo = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(after_undo.integer("current_version"), 1);
  EXPECT_EQ(after_undo.string("migrations.1.state"), "undone");

  auto history = json_of(mw({"history", "--output", "json"}));
  EXPECT_EQ(history.size("entries"), 5u);
  EXPECT_EQ(history.string("entries.0.type"), "undo") << "newest first";
  EXPECT_TRUE(history.boolean("entries.0.success"));
  EXPECT_EQ(json_of(mw({"history", "--limit", "2", "--output", "json"})).size("entries"), 2u);
  EXPECT_TRUE(contains(mw({"history"}).out, "Rank"));

  auto validate = mw({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_TRUE(json_of(mw({"validate", "--output", "json"})).boolean("valid"));

  auto rest = mw({"migrate"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).integer("current_version"), 6);
  auto again = mw({"migrate", "--output", "json"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(json_of(again).size("steps"), 0u);

  auto unlock = mw({"unlock"});
  EXPECT_EQ(unlock.exit_code, 0) << unlock.err;
  EXPECT_TRUE(contains(unlock.out, "No lock")) << unlock.out;

  auto clean = mw({"clean", "--yes", "--output", "json"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_GE(json_of(clean).size("dropped"), 3u) << clean.out;
}

TEST_F(ServerTest, VerboseShowsSettingsAndTheCommandsSent) {
  auto run = mw({"-v", "migrate", "--target", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "(environment MONGOWAY_DATABASE)")) << run.err;
  EXPECT_TRUE(contains(run.err, "command 1 (createCollection)")) << run.err;
  EXPECT_TRUE(contains(run.out, "V1 create users ... ok")) << run.out;
  auto info = mw({"--verbose", "info"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.err, "(default)")) << info.err;
}

TEST_F(ServerTest, AFailedMigrationExitsOneAndBlocksUntilRepair) {
  fs::remove_all(m_dir / "migrations");
  m_dir.write("migrations/V1__create_users.json",
              R"([{"createCollection": "users"}, {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
  m_dir.write("migrations/V2__seed_twice.json",
              R"([{"insertMany": "users", "documents": [{"email": "a@example.com"}, {"email": "a@example.com"}]}])");
  auto failed = mw({"migrate"});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_TRUE(contains(failed.out, "V1 create users ... ok")) << failed.out;
  EXPECT_TRUE(contains(failed.out, "V2 seed twice ... FAILED")) << failed.out;
  EXPECT_TRUE(contains(failed.err, "repair")) << failed.err;

  auto blocked = mw({"migrate", "--output", "json"});
  EXPECT_NE(blocked.exit_code, 0);
  auto error = json_of(blocked);
  EXPECT_EQ(error.integer("error.code"), blocked.exit_code);
  EXPECT_FALSE(error.string("error.message").empty());
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).string("migrations.1.state"), "failed");

  auto dry = mw({"repair", "--dry-run", "--output", "json"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  auto dry_json = json_of(dry);
  EXPECT_TRUE(dry_json.boolean("dry_run")) << dry.out;
  EXPECT_TRUE(contains(dry_json.string("changes.0"), "mark entry 2 (migrate of version 2, V2__seed_twice.json)"))
      << dry.out;
  EXPECT_FALSE(contains(dry.err, "will mark")) << "a dry run announces no change: " << dry.err;
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).string("migrations.1.state"), "failed")
      << "a dry run changes nothing";

  // The change is printed first, then made: the first line announces it.
  auto repair = mw({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_EQ(repair.out, "Repairing " + m_database +
                            ": 1 change\n"
                            "  mark entry 2 (migrate of version 2, V2__seed_twice.json) as repaired: it failed\n"
                            "Repaired " +
                            m_database + ": 1 change\n");
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).string("migrations.1.state"), "pending");
  auto nothing = mw({"repair", "--output", "json"});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_TRUE(json_of(nothing).has("changes")) << nothing.out;
  EXPECT_EQ(json_of(nothing).size("changes"), 0u) << nothing.out;
}

TEST_F(ServerTest, RepairInJsonAnnouncesOnStderrAndReportsOnStdout) {
  fs::remove_all(m_dir / "migrations");
  m_dir.write("migrations/V1__seed_twice.json", R"([{"insertMany": "users", "documents": [{"_id": 1}, {"_id": 1}]}])");
  EXPECT_EQ(mw({"migrate"}).exit_code, 1);
  auto repair = mw({"repair", "--output", "json"});
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_TRUE(contains(repair.err, "mongoway: repair of " + m_database +
                                       " will mark entry 1 (migrate of version 1, V1__seed_twice.json) as repaired: "
                                       "it failed\n"))
      << repair.err;
  auto json = json_of(repair);
  EXPECT_FALSE(json.boolean("dry_run"));
  EXPECT_EQ(json.size("changes"), 1u);
  EXPECT_EQ(json.string("changes.0"),
            "mark entry 1 (migrate of version 1, V1__seed_twice.json) as repaired: it failed");
}

TEST_F(ServerTest, PlaceholdersComeFromTheCommandLineAndTheConfigurationFile) {
  fs::remove_all(m_dir / "migrations");
  m_dir.write("migrations/V1__settings.json",
              R"([{"insertOne": "settings", "document": {"_id": "shop", "env": "${env}", "region": "${region}"}}])");
  m_dir.write("mongoway.conf", "placeholder.env = staging\nplaceholder.region = eu\n");
  auto plan = mw({"migrate", "--dry-run", "--output", "json", "--placeholder", "region=us"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  auto json = json_of(plan);
  EXPECT_EQ(json.string("steps.0.commands.0.command.documents.0.env"), "staging") << plan.out;
  EXPECT_EQ(json.string("steps.0.commands.0.command.documents.0.region"), "us") << "the command line wins";

  fs::remove(m_dir / "mongoway.conf");
  auto missing = mw({"migrate"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.out + missing.err, "env")) << missing.err;
}

// A placeholder named like a secret (db_password, API_TOKEN, ...) is masked in
// the dry run, in -v, in the server's messages (which echo what they were
// sent) and in the history those messages are recorded in.
TEST_F(ServerTest, ASecretPlaceholderIsNeverPrintedNorRecorded) {
  const std::string secret = "Hunter2Pw";
  fs::remove_all(m_dir / "migrations");
  m_dir.write(
      "migrations/V1__svc.json",
      R"([{"insertOne": "accounts", "document": {"_id": "svc", "password": "${db_password}", "env": "${env}"}}])");
  // The server names the collection it cannot find: "ns does not exist: db.<value>".
  m_dir.write("migrations/V2__probe.json", R"([{"runCommand": {"listIndexes": "${db_password}"}}])");
  const std::vector<std::string> values{"--placeholder", "db_password=" + secret, "--placeholder", "env=prod"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), values.begin(), values.end());
    return args;
  };
  auto plan = mw(with({"-v", "migrate", "--dry-run", "--target", "1"}));
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, R"("password" : "****", "env" : "prod")")) << plan.out;
  EXPECT_TRUE(contains(plan.out + plan.err, "placeholder.db_password = ****")) << plan.err;
  for (const auto& output : {"text", "json"}) {
    auto run = mw(with({"-v", "--output", output, "migrate"}));
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
    EXPECT_FALSE(contains(run.out + run.err + plan.out + plan.err, secret)) << run.out << run.err;
    EXPECT_TRUE(contains(run.out + run.err, ".**** (code 26)")) << run.out << run.err;
    mw({"repair"});
  }
  // Read back by a process that is not given the value.
  auto history = mw({"history", "--output", "json"});
  EXPECT_FALSE(contains(history.out, secret)) << history.out;
  EXPECT_TRUE(contains(history.out, "ns does not exist: " + m_database + ".****")) << history.out;
}

TEST_F(ServerTest, ASecondProcessWaitsForTheLockThenExitsFourAndSigtermStopsTheFirst) {
  fs::remove_all(m_dir / "migrations");
  write_large_seed(m_dir);
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started first({"migrate"}, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (wait_until_running() != "running") GTEST_SKIP() << "the seed was applied before the test could act";

  // A second migrate would refuse at once (version 1 is running: exit 3);
  // clean, which needs the lock too, waits for it.
  auto second = mw({"clean", "--yes", "--lock-timeout", "1"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
  first.signal(SIGTERM);
  auto stopped = first.wait();
  if (stopped.exit_code == 0) GTEST_SKIP() << "the seed was applied before the test could act; nothing to check";

  EXPECT_EQ(second.exit_code, 4) << second.out << second.err;
  EXPECT_TRUE(contains(second.err, "lock")) << second.err;
  EXPECT_EQ(stopped.exit_code, 143) << stopped.out << stopped.err;
  auto info = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(info.string("migrations.0.state"), "failed") << "the truth is recorded";
  auto unlock = mw({"unlock"});
  EXPECT_TRUE(contains(unlock.out, "No lock")) << "the lock was released: " << unlock.out;
}

TEST_F(ServerTest, SigintExits130) {
  fs::remove_all(m_dir / "migrations");
  write_large_seed(m_dir);
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started run({"migrate", "--output", "json"}, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (wait_until_running() != "running") GTEST_SKIP() << "the seed was applied before the signal";
  run.signal(SIGINT);
  auto stopped = run.wait();
  if (stopped.exit_code == 0) GTEST_SKIP() << "the seed was applied before the signal; nothing to check";
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  auto json = Json::parse(stopped.out);
  ASSERT_TRUE(json) << stopped.out;
  EXPECT_EQ(json->integer("error.code"), 130);
}

// What a terminal shows of a line: its cells up to `part` (a CJK character
// takes two), or npos when the line has no `part`.
size_t cells_before(const std::string& line, const std::string& part) {
  const size_t at = line.find(part);
  if (at == std::string::npos) return std::string::npos;
  size_t cells = 0;
  for (size_t i = 0; i < at;) {
    const auto byte = static_cast<unsigned char>(line[i]);
    const size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    cells += length == 3 ? 2 : 1;  // the test's descriptions: ASCII and three-byte CJK only
    i += length;
  }
  return cells;
}

TEST_F(ServerTest, TableColumnsAreMeasuredInTerminalCells) {
  fs::remove_all(m_dir / "migrations");
  m_dir.write("migrations/V1__日本語の説明.json", R"([{"createCollection": "a"}])");
  m_dir.write("migrations/V2__plain.json", R"([{"createCollection": "b"}])");
  auto run = mw({"info"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<size_t> state_columns;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) {
    for (const char* state : {"State", "pending"}) {
      if (size_t at = cells_before(line, state); at != std::string::npos) state_columns.push_back(at);
    }
  }
  ASSERT_EQ(state_columns.size(), 3u) << run.out;
  EXPECT_EQ(state_columns[0], state_columns[1]) << run.out;
  EXPECT_EQ(state_columns[0], state_columns[2]) << run.out;
}

// Output that cannot be written: exit 6 with the reason, though the work
// itself was done; a failure of the run itself keeps its own code.
TEST_F(ServerTest, OutputThatCannotBeWrittenExitsSixAndTheWorkIsDone) {
  auto full = [&](const std::vector<std::string>& args) {
    return mongoway(args, {.env = {{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}},
                           .cwd = m_dir.path(),
                           .timeout = std::chrono::seconds(120),
                           .stdout_to = "/dev/full"});
  };
  const std::string reason = "mongoway: error: writing standard output: No space left on device";
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"info"}, {"info", "--output", "json"}}) {
    auto info = full(args);
    EXPECT_EQ(info.exit_code, 6) << info.err;
    EXPECT_TRUE(contains(info.err, reason)) << info.err;
  }
  auto migrate = full({"migrate", "--target", "1", "--output", "json"});
  EXPECT_EQ(migrate.exit_code, 6) << migrate.err;
  EXPECT_TRUE(contains(migrate.err, reason)) << migrate.err;
  auto info = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(info.string("migrations.0.state"), "applied") << "the version was applied all the same";

  auto refused = full({"migrate", "-u", "mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=300"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
}

// A run in a terminal whose stdout goes through a pipe, as `mongoway migrate
// | tee log`: stderr on a pseudo-terminal, stdout captured.
RunOptions terminal_run(const std::string& uri, const std::string& database, const TempDir& dir) {
  return {.env = {{"MONGOWAY_URI", uri}, {"MONGOWAY_DATABASE", database}},
          .cwd = dir.path(),
          .timeout = std::chrono::seconds(300),
          .terminal_columns = 160};
}

// One insertMany of 300,000 documents: three batches of 100,000.
void write_seed_in_batches(TempDir& dir) {
  std::string lines;
  for (int id = 0; id < 300'000; ++id) lines += "{\"_id\": " + std::to_string(id) + "}\n";
  dir.write("migrations/data/items.jsonl", lines);
  dir.write("migrations/V1__seed_items.json", R"([{"insertMany": "items", "documentsFile": "data/items.jsonl"}])"
                                              "\n");
}

TEST_F(ServerTest, TheProgressLineShowsRateAndTimeLeftAndIsRedrawnOnItsOwnClock) {
  fs::remove_all(m_dir / "migrations");
  write_seed_in_batches(m_dir);
  Started run({"migrate"}, terminal_run(m_uri, m_database, m_dir));
  ASSERT_TRUE(run.wait_for_err("docs/s")) << run.terminal_so_far();
  // Redrawn by time, not only when a batch is acknowledged: in three
  // seconds, several times (five times a second when the machine keeps up).
  const std::string at_first = run.terminal_so_far();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::string later = run.terminal_so_far();
  auto outcome = run.wait();
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::string redrawn = later.substr(at_first.size());
  size_t redraws = 0;
  for (size_t at = redrawn.find("\r\x1b[K"); at != std::string::npos; at = redrawn.find("\r\x1b[K", at + 1)) ++redraws;
  EXPECT_GE(redraws, 3u) << redrawn;
  EXPECT_TRUE(contains(later, "100,000/300,000 docs")) << later;
  EXPECT_TRUE(contains(later, "ETA ")) << later;
  // The line is cleared at the end; stdout holds the results alone.
  const std::string all = run.terminal_so_far();
  EXPECT_EQ(all.substr(all.size() - 4), "\r\x1b[K") << all.substr(all.size() > 200 ? all.size() - 200 : 0);
  EXPECT_TRUE(contains(outcome.out, "V1 seed items ... ok")) << outcome.out;
  EXPECT_FALSE(contains(outcome.out, "[")) << outcome.out;
}

TEST_F(ServerTest, TheProgressLineIsClearedBeforeALineOnStandardOutput) {
  fs::remove_all(m_dir / "migrations");
  write_seed_in_batches(m_dir);
  m_dir.write("migrations/V2__more.json", R"([{"createCollection": "more"}])");
  RunOptions options = terminal_run(m_uri, m_database, m_dir);
  options.terminal_stdout = true;
  Started run({"migrate"}, options);
  ASSERT_TRUE(run.wait_for_err("docs/s")) << run.terminal_so_far();
  auto outcome = run.wait();
  ASSERT_EQ(outcome.exit_code, 0) << run.terminal_so_far();
  // What the terminal shows: each result line alone, no piece of the bar.
  size_t results = 0;
  for (const auto& line : run.terminal_lines()) {
    if (!contains(line, " ... ok")) continue;
    ++results;
    EXPECT_EQ(line.rfind('V', 0), 0u) << line;
    EXPECT_FALSE(contains(line, "docs")) << line;
  }
  EXPECT_EQ(results, 2u) << run.terminal_so_far();
}

TEST_F(ServerTest, CtrlCIsAcknowledgedAtOnceWhileTheVersionRuns) {
  fs::remove_all(m_dir / "migrations");
  write_large_seed(m_dir);
  Started run({"migrate"}, terminal_run(m_uri, m_database, m_dir));
  ASSERT_TRUE(run.wait_for_err("V1 seed items")) << run.terminal_so_far();
  run.signal(SIGINT);
  const std::string ack = "stopping at the next safe point; press Ctrl-C again to stop now";
  EXPECT_TRUE(run.wait_for_err(ack, std::chrono::seconds(30))) << run.terminal_so_far();
  auto stopped = run.wait();
  if (stopped.exit_code == 0) GTEST_SKIP() << "the seed was applied before the signal; nothing to check";
  EXPECT_EQ(stopped.exit_code, 130) << run.terminal_so_far();
  const std::string terminal = run.terminal_so_far();
  // Said before the version stopped, not once the run had ended.
  const size_t acknowledged = terminal.find(ack);
  const size_t ended = terminal.find("interrupted by SIGINT");
  ASSERT_NE(acknowledged, std::string::npos) << terminal;
  ASSERT_NE(ended, std::string::npos) << terminal;
  EXPECT_LT(acknowledged, ended) << terminal;
  // The progress line of V1 is drawn again after it: the version was running.
  EXPECT_LT(terminal.find("V1 seed items", acknowledged), ended) << terminal;
  EXPECT_TRUE(contains(stopped.out, "V1 seed items ... FAILED")) << stopped.out;
  EXPECT_EQ(json_of(mw({"info", "--output", "json"})).string("migrations.0.state"), "failed");
}

// A second Ctrl-C stops at once: nothing recorded for the version in flight
// (the run record stands for it, as after a kill). Here a batch of 100,000
// documents is in flight (the next safe point is seconds away), so the
// lease is left to expire; the case with nothing in flight, where it is
// released, is StopNow's in the unit tests.
TEST_F(ServerTest, ASecondCtrlCStopsAtOnceLeavingTheVersionUnfinished) {
  fs::remove_all(m_dir / "migrations");
  write_seed_in_batches(m_dir);
  Started run({"migrate", "--lock-ttl", "5"}, terminal_run(m_uri, m_database, m_dir));
  ASSERT_TRUE(run.wait_for_err("V1 seed items")) << run.terminal_so_far();
  run.signal(SIGINT);
  ASSERT_TRUE(run.wait_for_err("press Ctrl-C again")) << run.terminal_so_far();
  run.signal(SIGINT);
  auto stopped = run.wait();
  const std::string terminal = run.terminal_so_far();
  EXPECT_TRUE(contains(terminal, "SIGINT: stopping now")) << terminal;
  EXPECT_TRUE(contains(terminal, "a request was in flight, so the lock is left to expire")) << terminal;
  EXPECT_EQ(stopped.exit_code, 130) << terminal;
  EXPECT_FALSE(contains(stopped.out, "V1 seed items")) << "no outcome is printed for the version: " << stopped.out;
  EXPECT_FALSE(contains(terminal, "recorded as failed")) << terminal;

  // The lease is left held, but its holder is gone from this machine: the
  // version is failed (cut) at once, and unlock needs no --force.
  auto info = json_of(mw({"info", "--output", "json"}));
  EXPECT_EQ(info.string("migrations.0.state"), "failed") << "unfinished, and its process is gone";
  EXPECT_EQ(info.string("migrations.0.cut.how"), "holder_gone");
  EXPECT_TRUE(contains(mw({"unlock"}).out, "Released lock")) << "the lease was left held";
}

// --- info always answers

TEST_F(ServerTest, InfoShowsTheWholeTableWhenAFileDoesNotParseAndExitsThree) {
  ASSERT_EQ(mw({"migrate", "--target", "3"}).exit_code, 0);
  m_dir.write("migrations/V7__unfinished.json", "[{\"createCollection\": \n");
  auto text = mw({"info"});
  EXPECT_EQ(text.exit_code, 3) << text.err;
  EXPECT_TRUE(contains(text.out, "current version 3")) << text.out;
  EXPECT_TRUE(contains(text.out, "applied")) << text.out;
  EXPECT_TRUE(contains(text.out, "  V7 invalid: ./migrations/V7__unfinished.json:2:1: error: ")) << text.out;
  EXPECT_TRUE(contains(text.err, "./migrations/V7__unfinished.json:2:1: error: ")) << text.err;

  auto run = mw({"info", "--output", "json"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  auto info = json_of(run);
  EXPECT_FALSE(info.boolean("valid"));
  EXPECT_EQ(info.string("migrations.2.state"), "applied");
  EXPECT_EQ(info.integer("migrations.6.version"), 7);
  EXPECT_EQ(info.string("migrations.6.state"), "invalid");
  EXPECT_TRUE(contains(info.string("migrations.6.error"), "migrations/V7__unfinished.json:2:1: error: ")) << run.out;
  EXPECT_EQ(info.string("diagnostics.0.severity"), "error");
}

TEST_F(ServerTest, InfoShowsAVersionCutByAKilledProcessAsFailedWithHowAndWhenThatIsKnown) {
  fs::remove_all(m_dir / "migrations");
  write_large_seed(m_dir);
  std::map<std::string, std::string> env{{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", m_database}};
  Started run({"migrate", "--lock-ttl", "3"}, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(300)});
  if (wait_until_running() != "running") GTEST_SKIP() << "the seed was applied before the test could act";
  run.signal(SIGKILL);
  run.wait();
  // The lease expires 3 s after its last renewal at the latest.
  std::string state;
  for (int i = 0; i < 100 && state != "failed"; ++i) {
    state = json_of(mw({"info", "--output", "json"})).string("migrations.0.state");
    if (state != "failed") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(state, "failed");
  auto info = json_of(mw({"info", "--output", "json"}));
  // Killed on this machine: its process is seen gone before its lease expires.
  EXPECT_EQ(info.string("migrations.0.cut.how"), "holder_gone");
  EXPECT_FALSE(info.is_null("migrations.0.cut.at"));
  EXPECT_FALSE(info.is_null("migrations.0.installed_on")) << "when the version started";
  EXPECT_TRUE(info.is_null("migrations.0.cut.adopted"));
  EXPECT_EQ(info.string("migrations.0.error"), info.string("migrations.0.cut.message"));
  EXPECT_TRUE(contains(info.string("migrations.0.cut.message"), "cut: the run's lease "))
      << info.string("migrations.0.cut.message");
  auto text = mw({"info"});
  EXPECT_TRUE(contains(text.out, "  V1 failed (started ")) << text.out;
  EXPECT_TRUE(contains(text.out, " UTC): cut: the run's lease ")) << text.out;
  EXPECT_TRUE(contains(text.out, " was held by a process gone from this machine at ")) << text.out;

  // history tells the same cut; a holder seen gone is seen so at each
  // reader's own time, so the two messages may differ in their last second.
  auto history = json_of(mw({"history", "--output", "json"}));
  const auto before_time = [](const std::string& message) { return message.substr(0, message.rfind(" at ")); };
  EXPECT_EQ(before_time(history.string("entries.0.error")), before_time(info.string("migrations.0.cut.message")));
  EXPECT_TRUE(contains(history.string("entries.0.error"), " was held by a process gone from this machine at "))
      << history.string("entries.0.error");
}

// --- -v shows each command as sent

TEST_F(ServerTest, VerboseShowsEachCommandAsSentWithSecretPlaceholdersMaskedAndLongInsertsCut) {
  fs::remove_all(m_dir / "migrations");
  std::string documents;
  for (int i = 0; i < 5000; ++i) documents += std::string(i == 0 ? "" : ", ") + "{\"i\": " + std::to_string(i) + "}";
  m_dir.write("migrations/V1__seed.json", "[{\"insertMany\": \"items\", \"documents\": [" + documents +
                                              "]},\n {\"updateMany\": \"items\", \"filter\": {\"i\": -1}, \"update\": "
                                              "{\"$set\": {\"key\": \"${api_token}\"}}}]\n");
  auto run = mw({"-v", "--placeholder", "api_token=tok-9f8e7d6c", "migrate"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "mongoway: V1__seed.json command 1 (insertMany) on " + m_database +
                                    ": { \"insert\" : \"items\", \"ordered\" : true, \"documents\" : [ { \"i\" : 0 }, "
                                    "{ \"i\" : 1 }, { \"i\" : 2 }, … 4,997 more documents ] }\n"))
      << run.err;
  EXPECT_TRUE(contains(run.err, "mongoway: V1__seed.json command 2 (updateMany) on " + m_database +
                                    ": { \"update\" : \"items\", \"updates\" : [ "))
      << run.err;
  EXPECT_TRUE(contains(run.err, "{ \"$set\" : { \"key\" : \"****\" } }")) << run.err;
  EXPECT_FALSE(contains(run.out + run.err, "tok-9f8e7d6c")) << "a secret placeholder's value is never shown";
  EXPECT_FALSE(contains(run.err, "sent insert to")) << run.err;
}

}  // namespace
}  // namespace mongoway::cli_test
