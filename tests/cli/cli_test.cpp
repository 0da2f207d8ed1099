// The mongoway command line without a server: parsing, help, suggestions,
// configuration, secrets, exit codes, lint and new.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kValidV1 = R"([
  {"createCollection": "users", "comment": "accounts"},
  {"createIndex": "users", "key": {"email": 1}, "unique": true}
]
)";
const char* kValidU1 = R"([{"dropCollection": "users"}]
)";
const char* kInvalidV2 = R"([
  {"createIndex": "users", "key": {"name": 1}, "unique": "yes"}
]
)";

// An unreachable server that fails fast: nothing listens on port 1.
const char* kDeadUri = "mongodb://127.0.0.1:1/shop?serverSelectionTimeoutMS=300&connectTimeoutMS=300";

TEST(Cli, VersionNamesRevisionAndDriver) {
  auto run = mongoway({"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "mongoway ")) << run.out;
  EXPECT_TRUE(contains(run.out, "mongo-c-driver")) << run.out;
  EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(Cli, VersionAsJson) {
  auto run = mongoway({"--version", "--output", "json"});
  ASSERT_EQ(run.exit_code, 0);
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_FALSE(json->string("version").empty());
  EXPECT_TRUE(contains(json->string("details"), "mongo-c-driver"));
}

TEST(Cli, DriverCountersFileLeftByAKilledProcessIsHarmlessWithMongocDisableShm) {
  // What README and the man page say of MONGOC_DISABLE_SHM: a counters file
  // left for this pid (by a process killed with SIGKILL) puts nothing on
  // stderr, and no counters file is made. The shell leaves the file for its
  // own pid, then becomes mongoway.
  TempDir dir;
  {
    std::ofstream probe("/dev/shm/mongoway-test-" + fs::path(dir.path()).filename().string());
    if (!probe) GTEST_SKIP() << "no writable /dev/shm on this machine";
  }
  std::error_code ec;
  fs::remove("/dev/shm/mongoway-test-" + fs::path(dir.path()).filename().string(), ec);
  const std::string pid_file = dir.path() + "/pid";
  const auto run = program({"/bin/sh", "-c",
                            "echo $$ > '" + pid_file + "' && : > /dev/shm/mongoc-$$ && exec '" +
                                std::string(MONGOWAY_BINARY) + "' --version"},
                           {.env = {{"MONGOC_DISABLE_SHM", "1"}}});
  std::ifstream in(pid_file);
  std::string pid;
  std::getline(in, pid);
  ASSERT_FALSE(pid.empty());
  EXPECT_EQ(fs::file_size("/dev/shm/mongoc-" + pid, ec), 0u);  // still the empty file left for it
  fs::remove("/dev/shm/mongoc-" + pid, ec);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_TRUE(contains(run.out, "mongo-c-driver")) << run.out;
}

TEST(Cli, HelpListsEveryCommandAndTheExitCodes) {
  auto run = mongoway({"--help"});
  ASSERT_EQ(run.exit_code, 0);
  for (const char* command : {"migrate", "undo", "info, status", "validate", "baseline", "repair", "clean", "unlock",
                              "history", "lint", "new", "import", "help"}) {
    EXPECT_TRUE(contains(run.out, std::string("  ") + command)) << command;
  }
  // The exit status paragraph is wrapped: its words are compared on one line.
  std::string one_line = run.out;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  EXPECT_TRUE(contains(one_line, "Exit status:"));
  EXPECT_TRUE(contains(one_line, "4 lock not"));
  EXPECT_TRUE(contains(one_line, "6 output could")) << run.out;
}

TEST(Cli, NoCommandIsAUsageError) {
  auto run = mongoway({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_TRUE(contains(run.err, "Usage: mongoway"));
}

TEST(Cli, MisspeltCommandGetsASuggestion) {
  auto run = mongoway({"migrat"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "unknown command \"migrat\"; did you mean \"migrate\"?")) << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST(Cli, MisspeltOptionGetsASuggestion) {
  auto run = mongoway({"migrate", "--targt", "5"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "unknown option --targt for migrate; did you mean \"--target\"?")) << run.err;
  auto global = mongoway({"--databse", "x", "info"});
  EXPECT_EQ(global.exit_code, 2);
  EXPECT_TRUE(contains(global.err, "did you mean \"--database\"?")) << global.err;
  // Before the command, the misspelt option's value reads as the command word.
  auto before = mongoway({"--targt", "5", "migrate"});
  EXPECT_EQ(before.exit_code, 2);
  EXPECT_TRUE(contains(before.err, "unknown option --targt; did you mean \"--target\"?")) << before.err;
}

TEST(Cli, OptionOfAnotherCommandIsNamedAsSuch) {
  auto run = mongoway({"info", "--dry-run"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(
      run.err,
      "option --dry-run does not apply to info (it is an option of migrate, undo, goto, repair, remove, import)"))
      << run.err;
}

TEST(Cli, MissingOptionValueIsAUsageError) {
  auto run = mongoway({"migrate", "--target"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "option --target needs a value")) << run.err;
}

// The line is read once: a value missing at its end, a short option, a flag
// given a value and an option spelt like no option name are reported as
// such, and in JSON when --output json came before them.
TEST(Cli, OptionsReadInOnePassReportTheirErrorsAsWritten) {
  auto short_option = mongoway({"info", "-l"});
  EXPECT_EQ(short_option.exit_code, 2);
  EXPECT_TRUE(contains(short_option.err, "option -l needs a value (DIR)")) << short_option.err;
  auto flag = mongoway({"migrate", "--dry-run=maybe"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_TRUE(contains(flag.err, "maybe")) << flag.err;
  auto one_letter = mongoway({"info", "--v"});
  EXPECT_EQ(one_letter.exit_code, 2);
  EXPECT_TRUE(contains(one_letter.err, "unknown option --v for info")) << one_letter.err;
  auto json = mongoway({"--output", "json", "migrate", "--target"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_TRUE(json.err.empty()) << json.err;
  auto document = Json::parse(json.out);
  ASSERT_TRUE(document) << json.out;
  EXPECT_EQ(document->string("error.message"), "option --target needs a value (N|latest)");
}

// The database named in the URI is the driver's reading of it, decoded.
TEST(Cli, DatabaseComesFromTheUriDecoded) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  auto run = mongoway({"-v", "info", "-u", "mongodb://127.0.0.1:1/a%2Db?serverSelectionTimeoutMS=300"},
                      {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_TRUE(contains(run.err, "(the URI)")) << run.err;
  EXPECT_TRUE(contains(run.err, "database = a-b")) << run.err;
}

TEST(Cli, PositionalArgumentsAreRefused) {
  auto run = mongoway({"migrate", "5", "-d", "shop"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "did you mean --target 5?")) << run.err;
}

TEST(Cli, BadOptionValuesAreUsageErrors) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"migrate", "--target", "five", "-d", "x", "-u", kDeadUri},
        {"migrate", "--target", "3", "--steps", "1", "-d", "x", "-u", kDeadUri},
        {"undo", "--steps", "0", "-d", "x", "-u", kDeadUri},
        {"history", "--limit", "-3", "-d", "x", "-u", kDeadUri},
        {"baseline", "-d", "x", "-u", kDeadUri},
        {"info", "-d", "x", "--lock-timeout", "soon"},
        {"info", "-d", "x", "--lock-ttl", "1"},
        {"info", "-d", "x", "--lock-ttl", "86401"},
        {"info", "-d", "x", "--lock-ttl", "10000000000"},  // would overflow the lease's times
        {"info", "-d", "x", "--lock-timeout", "86401"},
        {"info", "-d", "x", "--transaction", "maybe"},
        {"info", "-d", "x", "--output", "xml"},
        {"info", "-d", "x", "--color", "sometimes"},
        {"info", "-d", "x", "--placeholder", "novalue"}}) {
    auto run = mongoway(args);
    EXPECT_EQ(run.exit_code, 2) << args[0] << " " << args[1] << ": " << run.err;
    EXPECT_TRUE(contains(run.err, "error:")) << run.err;
  }
}

TEST(Cli, HelpCommandAndDashDashHelpPrintTheSameUsageWithAnExample) {
  for (const char* command : {"migrate", "undo", "info", "validate", "baseline", "repair", "clean", "unlock", "history",
                              "lint", "new", "import", "help"}) {
    auto help = mongoway({"help", command});
    auto dash = mongoway({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_EQ(dash.exit_code, 0) << command;
    EXPECT_EQ(help.out, dash.out) << command;
    EXPECT_TRUE(contains(help.out, std::string("Usage: mongoway [global options] ") + command)) << help.out;
    EXPECT_TRUE(contains(help.out, "Example")) << command;
  }
  auto alias = mongoway({"help", "status"});
  EXPECT_TRUE(contains(alias.out, "Usage: mongoway [global options] info")) << alias.out;
}

TEST(Cli, HelpOfAnUnknownCommandSuggests) {
  auto run = mongoway({"help", "histroy"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "did you mean \"history\"?")) << run.err;
}

TEST(Cli, UsageErrorsAreJsonOnStdoutInJsonMode) {
  auto run = mongoway({"--output", "json", "migrat"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.empty()) << run.err;
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_EQ(json->integer("error.code"), 2);
  EXPECT_TRUE(contains(json->string("error.message"), "did you mean \"migrate\"?"));
  EXPECT_EQ(json->size("error.diagnostics"), 0u);
}

TEST(Cli, DatabaseIsRequiredForCommandsThatConnect) {
  auto run = mongoway({"info", "-u", "mongodb://127.0.0.1:1/"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "no database given")) << run.err;
}

TEST(Cli, UnreachableServerExitsFiveAndNamesTheUriWithoutItsPassword) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  const std::string uri = "mongodb://alice:s3cr3t-pw@127.0.0.1:1/shop?serverSelectionTimeoutMS=300";
  auto run = mongoway({"-v", "info", "-u", uri}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_FALSE(contains(run.out + run.err, "s3cr3t-pw")) << run.err;
  EXPECT_TRUE(contains(run.err, "alice:****@")) << run.err;
  EXPECT_TRUE(contains(run.err, "(the URI)")) << run.err;
  EXPECT_TRUE(contains(run.err, "database = shop")) << run.err;
}

// --connect-retries: nothing listens on port 1, so every attempt is refused
// at once; -v shows each, and giving up is exit 5 saying how often it tried.
TEST(Cli, AServerNotReachedIsTriedAgainThenGivenUpWithExitFive) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  auto run = mongoway({"-v", "info", "-u", "mongodb://127.0.0.1:1/shop", "--connect-retries", "2",
                       "--connect-retry-interval", "0", "--connect-timeout", "1"},
                      {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_TRUE(contains(run.err, "connecting: attempt 1 of 3")) << run.err;
  EXPECT_TRUE(contains(run.err, "attempt 2 of 3 failed: cannot reach the server")) << run.err;
  EXPECT_TRUE(contains(run.err, "connecting: attempt 3 of 3")) << run.err;
  EXPECT_TRUE(contains(run.err, "(gave up after 3 attempts, --connect-retries 2)")) << run.err;
  EXPECT_TRUE(contains(run.err, "(command line --connect-retries)")) << run.err;
  EXPECT_TRUE(contains(run.err, "connect_retries = 2\n")) << run.err;
}

TEST(Cli, ConnectSettingsComeFromTheEnvironmentAndAreChecked) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  auto run = mongoway(
      {"info", "-u", "mongodb://127.0.0.1:1/shop"},
      {.env = {{"MONGOWAY_CONNECT_RETRIES", "1"}, {"MONGOWAY_CONNECT_RETRY_INTERVAL", "0"}}, .cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_TRUE(contains(run.err, "gave up after 2 attempts")) << run.err;
  for (const auto& [option, value] :
       std::vector<std::pair<std::string, std::string>>{{"--connect-retries", "-1"},
                                                        {"--connect-retries", "1001"},
                                                        {"--connect-retry-interval", "3601"},
                                                        {"--connect-timeout", "0"},
                                                        {"--connect-timeout", "1.5"}}) {
    auto bad = mongoway({"info", "-u", "mongodb://127.0.0.1:1/shop", option + "=" + value}, {.cwd = dir.path()});
    EXPECT_EQ(bad.exit_code, 2) << option << " " << value << ": " << bad.err;
    EXPECT_TRUE(contains(bad.err, option.substr(2, 9))) << bad.err;
  }
}

// migrate, undo and info check the files before they connect: a bad file is
// the one error reported, also when the server is unreachable.
TEST(Cli, BadFileIsTheErrorReportedEvenWhenTheServerCannotBeReached) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  dir.write("migrations/V2__bad.json", kInvalidV2);
  const std::vector<std::vector<std::string>> commands = {{"migrate"}, {"undo", "--target", "0"}, {"info"}};
  for (const auto& args : commands) {
    std::vector<std::string> argv = args;
    argv.insert(argv.end(), {"-u", kDeadUri});
    auto run = mongoway(argv, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 3) << args[0] << ": " << run.err;
    EXPECT_TRUE(contains(run.err, "V2__bad.json:2:")) << args[0] << ": " << run.err;
    EXPECT_TRUE(contains(run.err, "\"unique\"")) << args[0] << ": " << run.err;
    EXPECT_FALSE(contains(run.err, "127.0.0.1:1")) << args[0] << ": " << run.err;
  }
}

TEST(Cli, PasswordFromEnvironmentOrFileIsNeverPrinted) {
  TempDir dir;
  dir.write("password", "f1le-secret\n");
  dir.write("migrations/V1__create_users.json", kValidV1);
  const std::string uri = "mongodb://bob@127.0.0.1:1/shop?serverSelectionTimeoutMS=300";
  auto from_env = mongoway({"-v", "--output", "json", "info", "-u", uri},
                           {.env = {{"MONGOWAY_PASSWORD", "env-secret"}}, .cwd = dir.path()});
  EXPECT_EQ(from_env.exit_code, 5);
  EXPECT_FALSE(contains(from_env.out + from_env.err, "env-secret")) << from_env.out << from_env.err;
  EXPECT_TRUE(contains(from_env.err, "(environment MONGOWAY_PASSWORD) password = ****")) << from_env.err;
  auto json = Json::parse(from_env.out);
  ASSERT_TRUE(json) << from_env.out;
  EXPECT_EQ(json->integer("error.code"), 5);

  auto from_file = mongoway({"-v", "info", "-u", uri, "--password-file", dir / "password"},
                            {.env = {{"MONGOWAY_PASSWORD", "env-secret"}}, .cwd = dir.path()});
  EXPECT_EQ(from_file.exit_code, 5);
  EXPECT_FALSE(contains(from_file.out + from_file.err, "f1le-secret"));
  EXPECT_TRUE(contains(from_file.err, "(command line --password-file) password = ****")) << from_file.err;

  auto no_user = mongoway({"info", "-u", "mongodb://127.0.0.1:1/shop"}, {{{"MONGOWAY_PASSWORD", "env-secret"}}});
  EXPECT_EQ(no_user.exit_code, 2);
  EXPECT_TRUE(contains(no_user.err, "the URI names no user")) << no_user.err;
}

TEST(Cli, GlobalOptionsWorkBeforeAndAfterTheCommand) {
  TempDir dir;
  dir.write("m/V1__create_users.json", kValidV1);
  auto before = mongoway({"-l", dir / "m", "lint"});
  auto after = mongoway({"lint", "--location", dir / "m"});
  auto joined = mongoway({"lint", "--location=" + dir / "m"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out, after.out);
  EXPECT_EQ(before.out, joined.out);
  EXPECT_TRUE(contains(before.out, "Checked 1 migration (1 file)")) << before.out;
}

TEST(Cli, LintAcceptsValidFilesAndNeverConnects) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  dir.write("migrations/U1__undo_create_users.json", kValidU1);
  // A URI that cannot be reached: lint must not care.
  auto run = mongoway({"lint", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "Checked 1 migration (2 files) in ./migrations: no problems")) << run.out;
}

TEST(Cli, LintReportsEveryProblemAndExitsThree) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  dir.write("migrations/V2__bad.json", kInvalidV2);
  dir.write("migrations/V3__broken.json", "[{\"createCollection\": }]\n");
  auto run = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "V2__bad.json")) << run.out;
  EXPECT_TRUE(contains(run.out, "\"unique\"")) << run.out;
  EXPECT_TRUE(contains(run.out, "V3__broken.json")) << run.out;
  EXPECT_FALSE(contains(run.out, "\x1b[")) << "no colours in a pipe";

  auto json_run = mongoway({"lint", "--output", "json"}, {.cwd = dir.path()});
  EXPECT_EQ(json_run.exit_code, 3);
  auto json = Json::parse(json_run.out);
  ASSERT_TRUE(json) << json_run.out;
  EXPECT_FALSE(json->boolean("valid"));
  EXPECT_GE(json->size("diagnostics"), 2u);
  EXPECT_EQ(json->string("diagnostics.0.severity"), "error");
  EXPECT_GT(json->integer("diagnostics.0.line"), 0);
}

// Output that cannot be written (a full disk: /dev/full) is an error of its
// own, exit 6, with the reason on stderr, whichever command printed it.
const char* kStdoutFull = "mongoway: error: writing standard output: No space left on device";

TEST(Cli, OutputThatCannotBeWrittenExitsSix) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"lint"},
                                             {"lint", "--output", "json"},
                                             {"--help"},
                                             {"help", "migrate"},
                                             {"--version"},
                                             {"--version", "--output", "json"}}) {
    auto run = mongoway(args, {.cwd = dir.path(), .stdout_to = "/dev/full"});
    EXPECT_EQ(run.exit_code, 6) << args.front() << ": " << run.err;
    EXPECT_TRUE(contains(run.err, kStdoutFull)) << args.front() << ": " << run.err;
  }
}

TEST(Cli, NewWhoseOutputIsLostHasCreatedTheFileAndExitsSix) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  auto run = mongoway({"new", "add status"}, {.cwd = dir.path(), .stdout_to = "/dev/full"});
  EXPECT_EQ(run.exit_code, 6) << run.err;
  EXPECT_TRUE(contains(run.err, kStdoutFull)) << run.err;
  EXPECT_TRUE(fs::exists(dir / "migrations/V2__add_status.json")) << "the work itself was done";
}

TEST(Cli, AFailingCommandKeepsItsOwnExitCodeWhenItsOutputIsLost) {
  TempDir dir;
  dir.write("migrations/V2__bad.json", kInvalidV2);
  auto lint = mongoway({"lint"}, {.cwd = dir.path(), .stdout_to = "/dev/full"});
  EXPECT_EQ(lint.exit_code, 3) << lint.err;
  EXPECT_TRUE(contains(lint.err, kStdoutFull)) << lint.err;

  auto json = mongoway({"lint", "--output", "json"}, {.cwd = dir.path(), .stdout_to = "/dev/full"});
  EXPECT_EQ(json.exit_code, 3) << json.err;

  auto usage = mongoway({"migrat"}, {.cwd = dir.path(), .stdout_to = "/dev/full", .stderr_to = "/dev/full"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST(Cli, StandardErrorThatCannotBeWrittenExitsSix) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  // -v prints the settings on stderr; lint's result goes to stdout.
  auto verbose = mongoway({"lint", "-v"}, {.cwd = dir.path(), .stderr_to = "/dev/full"});
  EXPECT_EQ(verbose.exit_code, 6);
  EXPECT_TRUE(contains(verbose.out, "no problems")) << verbose.out;

  auto both = mongoway({"lint", "-v"}, {.cwd = dir.path(), .stdout_to = "/dev/full", .stderr_to = "/dev/full"});
  EXPECT_EQ(both.exit_code, 6);
}

TEST(Cli, LintOfAMissingLocationExitsThree) {
  TempDir dir;
  auto run = mongoway({"lint", "-l", dir / "nowhere"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_TRUE(contains(run.out + run.err, "nowhere")) << run.out << run.err;
}

TEST(Cli, ColoursOnlyWhenAsked) {
  TempDir dir;
  dir.write("migrations/V2__bad.json", kInvalidV2);
  auto always = mongoway({"lint", "--color", "always"}, {.cwd = dir.path()});
  EXPECT_TRUE(contains(always.out, "\x1b[31merror")) << always.out;
  auto no_color = mongoway({"lint"}, {.env = {{"NO_COLOR", "1"}, {"MONGOWAY_COLOR", "always"}}, .cwd = dir.path()});
  EXPECT_TRUE(contains(no_color.out, "\x1b[")) << "MONGOWAY_COLOR wins over NO_COLOR";
  auto never = mongoway({"lint", "--color", "never"}, {.env = {{"MONGOWAY_COLOR", "always"}}, .cwd = dir.path()});
  EXPECT_FALSE(contains(never.out, "\x1b["));
  // An empty MONGOWAY_COLOR counts as unset, as every variable does: NO_COLOR applies.
  auto empty = mongoway({"-v", "lint"}, {.env = {{"NO_COLOR", "1"}, {"MONGOWAY_COLOR", ""}}, .cwd = dir.path()});
  EXPECT_TRUE(contains(empty.err, "(environment NO_COLOR) color = never")) << empty.err;
}

TEST(Cli, ADirectoryGivenAsTheConfigFileIsRefused) {
  TempDir dir;
  dir.write("conf.d/placeholder", "");
  auto run = mongoway({"lint", "--config", dir / "conf.d"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(contains(run.err, "Is a directory")) << run.err;
}

TEST(Cli, NewCreatesTheNextVersionAndItsUndo) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  auto run = mongoway({"new", "add status field"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(dir / "migrations/V2__add_status_field.json")) << run.out;
  EXPECT_TRUE(fs::exists(dir / "migrations/U2__undo_add_status_field.json")) << run.out;
  EXPECT_TRUE(contains(run.out, "Created ")) << run.out;

  auto words = mongoway({"new", "--no-undo", "add", "orders", "--output", "json"}, {.cwd = dir.path()});
  ASSERT_EQ(words.exit_code, 0) << words.err;
  auto json = Json::parse(words.out);
  ASSERT_TRUE(json) << words.out;
  EXPECT_EQ(json->size("created"), 1u);
  EXPECT_TRUE(fs::exists(dir / "migrations/V3__add_orders.json"));
  EXPECT_FALSE(fs::exists(dir / "migrations/U3__undo_add_orders.json"));

  // The templates are to be edited: lint says so until they are.
  auto lint = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 3) << lint.out << lint.err;
}

TEST(Cli, NewRefusesAnUnsafeOrMissingDescription) {
  TempDir dir;
  auto unsafe = mongoway({"new", "../escape"}, {.cwd = dir.path()});
  EXPECT_EQ(unsafe.exit_code, 2) << unsafe.err;
  auto missing = mongoway({"new"}, {.cwd = dir.path()});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_TRUE(contains(missing.err, "new needs a description")) << missing.err;
}

TEST(Cli, ConfigurationFileUnknownKeyNamesFileAndLine) {
  TempDir dir;
  dir.write("mongoway.conf", "# settings\nuri = mongodb://127.0.0.1:1/\ndatabse = shop\n");
  auto run = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "mongoway.conf:3: unknown key \"databse\"; did you mean \"database\"?")) << run.err;

  dir.write("other.conf", "just words\n");
  auto malformed = mongoway({"lint", "-c", dir / "other.conf"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_TRUE(contains(malformed.err, "other.conf:1: expected `key = value`")) << malformed.err;

  auto missing = mongoway({"lint", "--config", dir / "absent.conf"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "absent.conf")) << missing.err;
}

TEST(Cli, PrecedenceIsCommandLineThenEnvironmentThenFileThenDefault) {
  TempDir dir;
  dir.write("from_file/V1__a.json", kValidV1);
  dir.write("from_env/V1__a.json", kValidV1);
  dir.write("from_env/V2__b.json", kValidV1);
  dir.write("from_cli/V1__a.json", kValidV1);
  dir.write("from_cli/V2__b.json", kValidV1);
  dir.write("from_cli/V3__c.json", kValidV1);
  dir.write("mongoway.conf", "locations = from_file\nlock_timeout = 7\nhistory_collection = file_history\n");

  auto file = mongoway({"-v", "lint"}, {.cwd = dir.path()});
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_TRUE(contains(file.out, "Checked 1 migration")) << file.out;
  EXPECT_TRUE(contains(file.err, "(mongoway.conf:1)")) << file.err;
  EXPECT_TRUE(contains(file.err, "locations = from_file")) << file.err;
  EXPECT_TRUE(contains(file.err, "(default)")) << file.err;
  EXPECT_TRUE(contains(file.err, "lock_ttl = 60")) << file.err;

  auto env = mongoway({"-v", "lint"},
                      {.env = {{"MONGOWAY_LOCATIONS", "from_env"}, {"MONGOWAY_LOCK_TIMEOUT", "9"}}, .cwd = dir.path()});
  EXPECT_TRUE(contains(env.out, "Checked 2 migrations")) << env.out;
  EXPECT_TRUE(contains(env.err, "(environment MONGOWAY_LOCATIONS)")) << env.err;
  EXPECT_TRUE(contains(env.err, "lock_timeout = 9")) << env.err;
  EXPECT_TRUE(contains(env.err, "history_collection = file_history")) << env.err;

  auto cli = mongoway({"-v", "lint", "-l", "from_cli", "--lock-timeout", "11"},
                      {.env = {{"MONGOWAY_LOCATIONS", "from_env"}}, .cwd = dir.path()});
  EXPECT_TRUE(contains(cli.out, "Checked 3 migrations")) << cli.out;
  EXPECT_TRUE(contains(cli.err, "(command line --location)")) << cli.err;
  EXPECT_TRUE(contains(cli.err, "lock_timeout = 11")) << cli.err;
}

// MONGOWAY_PLACEHOLDER_<NAME> sits between the command line and the file,
// like every other variable; a secret-named one is masked in -v.
TEST(Cli, PlaceholdersComeFromTheEnvironmentToo) {
  TempDir dir;
  dir.write("m/V1__a.json", R"([{"createCollection": "c", "validationLevel": "${lvl}"},
 {"insertOne": "c", "document": {"k": "${api_token}"}}])");
  dir.write("mongoway.conf", "locations = m\nplaceholder.lvl = from_file\nplaceholder.api_token = t0\n");
  const std::map<std::string, std::string> env{{"MONGOWAY_PLACEHOLDER_lvl", "from_env"},
                                               {"MONGOWAY_PLACEHOLDER_api_token", "tok-secret-1"}};

  auto file = mongoway({"-v", "lint"}, {.cwd = dir.path()});
  EXPECT_EQ(file.exit_code, 3) << file.err;
  EXPECT_TRUE(contains(file.out + file.err, "got \"from_file\"")) << file.out << file.err;

  auto from_env = mongoway({"-v", "lint"}, {.env = env, .cwd = dir.path()});
  EXPECT_EQ(from_env.exit_code, 3) << from_env.err;
  EXPECT_TRUE(contains(from_env.out + from_env.err, "got \"from_env\"")) << from_env.out << from_env.err;
  EXPECT_TRUE(contains(from_env.err, "(environment MONGOWAY_PLACEHOLDER_lvl)")) << from_env.err;
  EXPECT_TRUE(contains(from_env.err, "placeholder.api_token = ****")) << from_env.err;
  EXPECT_FALSE(contains(from_env.out + from_env.err, "tok-secret-1")) << from_env.out << from_env.err;

  auto cli = mongoway({"lint", "--placeholder", "lvl=moderate"}, {.env = env, .cwd = dir.path()});
  EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;

  auto empty = mongoway({"lint"}, {.env = {{"MONGOWAY_PLACEHOLDER_lvl", ""}}, .cwd = dir.path()});
  EXPECT_TRUE(contains(empty.out + empty.err, "got \"from_file\""))
      << "an empty variable counts as unset: " << empty.out << empty.err;
}

TEST(Cli, ConfigurationPathsAreRelativeToTheFile) {
  TempDir dir;
  dir.write("project/db/V1__a.json", kValidV1);
  dir.write("project/mongoway.conf", "locations = db\n");
  auto run = mongoway({"lint", "--config", dir / "project/mongoway.conf"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(contains(run.out, "Checked 1 migration")) << run.out;
}

TEST(Cli, CleanNeedsYesAndCleanEnabled) {
  auto no_yes = mongoway({"clean", "-u", kDeadUri}, {.env = {{"MONGOWAY_CLEAN_ENABLED", "true"}}});
  EXPECT_EQ(no_yes.exit_code, 2) << no_yes.err;
  EXPECT_TRUE(contains(no_yes.err, "--yes")) << no_yes.err;
  auto disabled = mongoway({"clean", "--yes", "-u", kDeadUri});
  EXPECT_EQ(disabled.exit_code, 2) << disabled.err;
  EXPECT_TRUE(contains(disabled.err, "clean_enabled")) << disabled.err;
}

TEST(Cli, HelpAsJsonDescribesEveryCommand) {
  auto run = mongoway({"help", "--output", "json"});
  ASSERT_EQ(run.exit_code, 0);
  auto json = Json::parse(run.out);
  ASSERT_TRUE(json) << run.out;
  EXPECT_EQ(json->size("commands"), 19u);
  EXPECT_EQ(json->string("commands.0.name"), "migrate");
  EXPECT_EQ(json->string("commands.0.options.0.name"), "--target");
  EXPECT_EQ(json->string("global_options.0.short"), "-u");
}

}  // namespace
}  // namespace mongoway::cli_test
