// Bad input is refused before anything connects, each with one clear usage
// error naming the setting and where it came from: URIs (no scheme, options
// the driver does not know), database and collection names, unedited
// templates, and the smaller slips of the command line.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// An unreachable server that fails fast: a run that gets as far as
// connecting exits 5, not 2.
const char* kDeadUri = "mongodb://127.0.0.1:1/shop?serverSelectionTimeoutMS=300&connectTimeoutMS=300";

TEST(CliInput, AUriWithoutSchemeIsInvalidBeforeAnyOtherSettingIsChecked) {
  auto run = mongoway({"info", "-u", "127.0.0.1:40329/shop", "--lock-ttl", "1"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(run.err, "mongoway: error: --uri: invalid connection URI 127.0.0.1:40329/shop: Invalid URI Schema, "
                     "expecting 'mongodb://' or 'mongodb+srv://'; a connection string starts with mongodb:// or "
                     "mongodb+srv://, e.g. mongodb://127.0.0.1:40329/shop\n");
  auto secret = mongoway({"info", "-u", "alice:hunter22@127.0.0.1:1/shop"});
  EXPECT_EQ(secret.exit_code, 2) << secret.err;
  EXPECT_TRUE(contains(secret.err, "invalid connection URI alice:****@127.0.0.1:1/shop")) << secret.err;
  EXPECT_FALSE(contains(secret.err, "hunter22")) << secret.err;
}

TEST(CliInput, AUriOptionTheDriverDoesNotKnowIsAnErrorWithASuggestion) {
  auto run = mongoway({"info", "-u", "mongodb://alice:hunter22@127.0.0.1:1/shop?tsl=true"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(run.err, "mongoway: error: --uri: invalid connection URI mongodb://alice:****@127.0.0.1:1/shop?tsl=true: "
                     "unknown option \"tsl\" (did you mean \"tls\"?)\n");
  // From the environment, in JSON; every warning of the driver counts, and a
  // password never shows, not even as an option's name.
  auto json = mongoway({"info", "--output", "json"},
                       {.env = {{"MONGOWAY_URI", "mongodb://u:hunter22@127.0.0.1:1/shop?w=1&w=2&hunter22=1"}}});
  EXPECT_EQ(json.exit_code, 2) << json.out;
  auto parsed = Json::parse(json.out);
  ASSERT_TRUE(parsed) << json.out;
  EXPECT_EQ(parsed->string("error.message"),
            "MONGOWAY_URI: invalid connection URI mongodb://u:****@127.0.0.1:1/shop?w=1&w=2&****=1: Overwriting "
            "previously provided value for 'w'; unknown option \"****\"");
  EXPECT_FALSE(contains(json.out + json.err, "hunter22"));
}

TEST(CliInput, DatabaseAndCollectionNamesAreCheckedBeforeConnecting) {
  TempDir dir;
  auto option = mongoway({"info", "-u", kDeadUri, "-d", "a.b"}, {.cwd = dir.path()});
  EXPECT_EQ(option.exit_code, 2) << option.err;
  EXPECT_EQ(option.err, "mongoway: error: --database: invalid database name \"a.b\": a database name must not contain "
                        "'.' (MongoDB refuses / \\ . space \" $ and NUL in one)\n");
  auto from_uri = mongoway({"info", "-u", "mongodb://127.0.0.1:1/a%20b"}, {.cwd = dir.path()});
  EXPECT_EQ(from_uri.exit_code, 2) << from_uri.err;
  EXPECT_TRUE(contains(from_uri.err, "error: ")) << from_uri.err;
  auto env = mongoway({"info", "-u", kDeadUri}, {.env = {{"MONGOWAY_HISTORY_COLLECTION", "system.history"}}});
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_TRUE(contains(env.err, "MONGOWAY_HISTORY_COLLECTION: invalid collection name \"system.history\": a "
                                "collection name must not start with \"system.\""))
      << env.err;
  // The lock collection's namespace (history + "_lock") is the longer one.
  const std::string long_name(250, 'h');
  dir.write("mongoway.conf", "history_collection = " + long_name + "\n");
  auto file = mongoway({"info", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(file.exit_code, 2) << file.err;
  EXPECT_EQ(file.err, "mongoway: error: mongoway.conf:1: history_collection: invalid collection name \"" + long_name +
                          "\" in database \"shop\" (the database in the URI), for its lock collection: the namespace "
                          "\"shop." +
                          long_name +
                          "_lock\" is 260 bytes; MongoDB takes at most 255 (the database name, a dot and the "
                          "collection name)\n");
}

TEST(CliInput, AValueInMatchingQuotesInTheConfigurationFileIsUnquoted) {
  TempDir dir;
  dir.write("migrations/V1__users.json", R"([{"createCollection": "users"}])");
  dir.write("mongoway.conf", "database = \"a.b\"\n");
  auto bad = mongoway({"info", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "mongoway.conf:1: database: invalid database name \"a.b\":")) << bad.err;
  // Quoted, shop is a good name: the run gets as far as connecting.
  dir.write("mongoway.conf", "database = 'shop'\nhistory_collection = \"hist\"\n");
  auto good = mongoway({"info", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(good.exit_code, 5) << good.err;
  // Quotes that do not match are part of the value.
  dir.write("mongoway.conf", "database = \"shop'\n");
  auto unmatched = mongoway({"info", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(unmatched.exit_code, 2) << unmatched.err;
  EXPECT_TRUE(contains(unmatched.err, "invalid database name \"\"shop'\"")) << unmatched.err;
}

TEST(CliInput, AnUneditedTemplateFailsLintUntilEdited) {
  TempDir dir;
  auto created = mongoway({"new", "first"}, {.cwd = dir.path()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto lint = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 3) << lint.out << lint.err;
  EXPECT_TRUE(contains(lint.out, "./migrations/V1__first.json:3:25: error: command 1 (createCollection): "
                                 "\"change_me\" is the placeholder of the template that mongoway new wrote; edit the "
                                 "file"))
      << lint.out;
  EXPECT_TRUE(contains(lint.out, "./migrations/U1__undo_first.json:3:23: error:")) << lint.out;
  auto dry_run = mongoway({"migrate", "--dry-run", "-u", kDeadUri}, {.cwd = dir.path()});
  EXPECT_EQ(dry_run.exit_code, 3) << dry_run.out << dry_run.err;
  EXPECT_FALSE(contains(dry_run.out, "change_me")) << dry_run.out;

  for (const char* name : {"migrations/V1__first.json", "migrations/U1__undo_first.json"}) {
    std::string content = read_file(dir / name);
    content.replace(content.find("change_me"), 9, "first");
    dir.write(name, content);
  }
  auto edited = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(edited.exit_code, 0) << edited.out << edited.err;
}

TEST(CliInput, NewTakesDescriptionsInAnyLanguageWithNfcFileNames) {
  TempDir dir;
  auto german = mongoway({"new", "Prüfung"}, {.cwd = dir.path()});
  EXPECT_EQ(german.exit_code, 0) << german.err;
  EXPECT_TRUE(fs::exists(dir / "migrations/V1__Prüfung.json")) << german.out;
  auto japanese = mongoway({"new", "日本語"}, {.cwd = dir.path()});
  EXPECT_EQ(japanese.exit_code, 0) << japanese.err;
  EXPECT_TRUE(fs::exists(dir / "migrations/V2__日本語.json")) << japanese.out;
  // Typed decomposed (u + U+0308), written composed (U+00FC).
  auto decomposed = mongoway({"new", "--no-undo", "Gru\u0308n"}, {.cwd = dir.path()});
  EXPECT_EQ(decomposed.exit_code, 0) << decomposed.err;
  EXPECT_TRUE(fs::exists(dir / "migrations/V3__Gr\u00fcn.json")) << decomposed.out;
  auto symbol = mongoway({"new", "a→b"}, {.cwd = dir.path()});
  EXPECT_EQ(symbol.exit_code, 2) << symbol.err;
  EXPECT_TRUE(contains(symbol.err, "use only letters and digits (of any language), '_', '-' and spaces")) << symbol.err;
}

TEST(CliInput, ErrorIsSaidOnce) {
  TempDir dir;
  auto run = mongoway({"info", "-u", kDeadUri, "-l", "./nowhere"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.err, "mongoway: error: ./nowhere: migration location not found; create it or pass --location DIR\n");
}

TEST(CliInput, AnUnknownChoiceIsACleanUsageErrorListingTheChoices) {
  auto option = mongoway({"info", "-d", "x", "--color", "sometimes"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err, "mongoway: error: --color: expected auto, always or never, got \"sometimes\"\n");
  auto env = mongoway({"lint"}, {.env = {{"MONGOWAY_TRANSACTION", "sometimes"}}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_EQ(env.err, "mongoway: error: MONGOWAY_TRANSACTION: expected auto, always or never, got \"sometimes\"\n");
}

TEST(CliInput, QuietAndVerboseTogetherAreRefused) {
  auto run = mongoway({"lint", "-q", "-v"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "mongoway: error: --quiet and --verbose cannot be used together")) << run.err;
  auto json = mongoway({"info", "--quiet", "--verbose", "--output", "json"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_TRUE(contains(json.out, "--quiet and --verbose cannot be used together")) << json.out;
}

TEST(CliInput, AnOptionWrittenAsACommandIsPointedToTheOption) {
  auto run = mongoway({"version"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "unknown command \"version\"; did you mean the option --version?")) << run.err;
}

TEST(CliInput, AnInsertWithADocumentsFileIsToldInsertMany) {
  TempDir dir;
  dir.write("migrations/V1__seed.json", R"([{"insert": "orders", "documentsFile": "orders.jsonl"}])");
  auto run = mongoway({"lint"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(contains(run.out, "migrations/V1__seed.json:1:3: error: command 1: unknown command \"insert\"; did you "
                                "mean \"insertMany\"?"))
      << run.out;
}

std::string environment_variable(std::string key) {
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "MONGOWAY_" + key;
}

TEST(CliInput, HelpNamesTheEnvironmentVariableOfEverySettingItShows) {
  auto described = mongoway({"help", "--output", "json"});
  auto json = Json::parse(described.out);
  ASSERT_TRUE(json) << described.out;
  std::vector<std::string> variables = {"MONGOWAY_CONFIG", "MONGOWAY_PASSWORD", "MONGOWAY_PLACEHOLDER_NAME"};
  // A setting whose option only some commands take: named in their help.
  std::map<std::string, std::vector<std::string>> of_commands;
  for (size_t i = 0; i < json->size("config_keys"); ++i) {
    const std::string key = json->string("config_keys." + std::to_string(i));
    // Settings of the file and the environment alone: no option shows them.
    if (key == "clean_enabled" || key == "require_undo" || key == "max_file_size" || key == "placeholder.NAME")
      continue;
    std::string option = key;
    std::replace(option.begin(), option.end(), '_', '-');
    for (size_t c = 0; c < json->size("commands"); ++c) {
      const std::string command = "commands." + std::to_string(c);
      for (size_t o = 0; o < json->size(command + ".options"); ++o) {
        if (json->string(command + ".options." + std::to_string(o) + ".name") == "--" + option) {
          of_commands[environment_variable(key)].push_back(json->string(command + ".name"));
        }
      }
    }
    if (!of_commands.contains(environment_variable(key))) variables.push_back(environment_variable(key));
  }
  ASSERT_GT(variables.size(), 10u);
  for (const char* command :
       {"migrate", "undo", "info", "validate", "baseline", "repair", "clean", "unlock", "history"}) {
    auto help = mongoway({command, "--help"});
    for (const auto& variable : variables) EXPECT_TRUE(contains(help.out, variable)) << command << ": " << variable;
  }
  ASSERT_TRUE(of_commands.contains("MONGOWAY_PREFLIGHT"));
  for (const auto& [variable, commands] : of_commands) {
    for (const auto& command : commands) {
      EXPECT_TRUE(contains(mongoway({command, "--help"}).out, variable)) << command << ": " << variable;
    }
  }
  auto general = mongoway({"--help"});
  for (const auto& variable : variables) EXPECT_TRUE(contains(general.out, variable)) << variable;
}

}  // namespace
}  // namespace mongoway::cli_test
