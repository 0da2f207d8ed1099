// The man page, the shell completions and the command line describe the same
// program: every command, option and configuration key the CLI accepts (read
// from `mongoway help --output json`) must appear in each.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <sstream>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

struct Interface {
  std::vector<std::string> commands;  // names and aliases
  std::vector<std::string> options;   // "--name", "-x"
  std::vector<std::string> config_keys;
};

Interface read_interface() {
  auto run = mongoway({"help", "--output", "json"});
  EXPECT_EQ(run.exit_code, 0);
  auto json = Json::parse(run.out);
  EXPECT_TRUE(json) << run.out;
  Interface found;
  if (!json) return found;
  auto add_options = [&](const std::string& path) {
    for (size_t i = 0; i < json->size(path); ++i) {
      const std::string option = path + "." + std::to_string(i);
      found.options.push_back(json->string(option + ".name"));
      if (!json->is_null(option + ".short")) found.options.push_back(json->string(option + ".short"));
    }
  };
  add_options("global_options");
  for (size_t c = 0; c < json->size("commands"); ++c) {
    const std::string command = "commands." + std::to_string(c);
    found.commands.push_back(json->string(command + ".name"));
    for (size_t a = 0; a < json->size(command + ".aliases"); ++a) {
      found.commands.push_back(json->string(command + ".aliases." + std::to_string(a)));
    }
    add_options(command + ".options");
  }
  for (size_t k = 0; k < json->size("config_keys"); ++k)
    found.config_keys.push_back(json->string("config_keys." + std::to_string(k)));
  std::sort(found.options.begin(), found.options.end());
  found.options.erase(std::unique(found.options.begin(), found.options.end()), found.options.end());
  return found;
}

std::string roff_escaped(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

std::string source_file(const std::string& relative) {
  return read_file(std::string(MONGOWAY_SOURCE_DIR) + "/" + relative);
}

bool has_program(const std::string& name) { return program({"sh", "-c", "command -v " + name}).exit_code == 0; }

TEST(Docs, InterfaceIsReadFromTheBinary) {
  auto found = read_interface();
  EXPECT_GE(found.commands.size(), 13u);
  EXPECT_GE(found.options.size(), 25u);
  EXPECT_GE(found.config_keys.size(), 10u);
}

TEST(Docs, ManPageDescribesEveryCommandOptionAndSetting) {
  const std::string man = source_file("man/mongoway.1");
  ASSERT_FALSE(man.empty());
  auto found = read_interface();
  for (const auto& command : found.commands) {
    std::regex entry("\\n\\.(B|BR|BI) [^\\n]*\\b" + command + "\\b");
    EXPECT_TRUE(std::regex_search(man, entry)) << "man page lacks the command " << command;
  }
  for (const auto& option : found.options) {
    EXPECT_NE(man.find(roff_escaped(option)), std::string::npos) << "man page lacks the option " << option;
  }
  for (const auto& key : found.config_keys) {
    std::string name = key.substr(0, key.find('.') == std::string::npos ? key.size() : key.find('.') + 1);
    EXPECT_TRUE(man.find("\n.B " + name + "\n") != std::string::npos ||
                man.find("\n.BI " + name + " ") != std::string::npos)
        << "man page lacks the configuration key " << key;
    if (key.find('.') != std::string::npos) continue;
    std::string env = "MONGOWAY_";
    for (char c : key) env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(man.find(env), std::string::npos) << "man page lacks the variable " << env;
  }
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "MIGRATION FILES", "CONFIGURATION",
                              "ENVIRONMENT", "EXIT STATUS", "FILES", "EXAMPLES", "JSON OUTPUT", "SEE ALSO"}) {
    EXPECT_TRUE(man.find(std::string(".SH ") + section + "\n") != std::string::npos ||
                man.find(std::string(".SH \"") + section + "\"\n") != std::string::npos)
        << "man page lacks the section " << section;
  }
}

TEST(Docs, ManPageDocumentsEveryMigrationCommand) {
  const std::string man = source_file("man/mongoway.1");
  for (const char* command :
       {"createCollection", "dropCollection", "renameCollection", "createIndex", "createIndexes", "dropIndex",
        "collMod", "createView", "insertOne", "insertMany", "updateOne", "updateMany", "replaceOne", "deleteOne",
        "deleteMany", "aggregate", "runCommand", "adminCommand"}) {
    EXPECT_NE(man.find(std::string("{\"") + command + "\""), std::string::npos) << "no example of " << command;
  }
}

TEST(Docs, ManPageIsCleanForGroffAndMandoc) {
  const std::string page = std::string(MONGOWAY_SOURCE_DIR) + "/man/mongoway.1";
  if (!has_program("groff")) GTEST_SKIP() << "groff is not installed";
  auto groff = program({"groff", "-ww", "-man", "-z", page});
  EXPECT_EQ(groff.exit_code, 0);
  EXPECT_EQ(groff.err, "") << "groff warnings";
  if (!has_program("mandoc")) {
    std::cout << "mandoc is not installed: only groff checked the man page\n";
    return;
  }
  auto mandoc = program({"mandoc", "-Tlint", page});
  EXPECT_EQ(mandoc.exit_code, 0) << mandoc.out << mandoc.err;
  EXPECT_EQ(mandoc.out + mandoc.err, "");
}

TEST(Docs, CompletionsKnowEveryCommandAndOption) {
  auto found = read_interface();
  for (const char* file : {"scripts/completion/mongoway.bash", "scripts/completion/_mongoway"}) {
    const std::string script = source_file(file);
    ASSERT_FALSE(script.empty()) << file;
    for (const auto& command : found.commands) {
      EXPECT_NE(script.find(command), std::string::npos) << file << " lacks the command " << command;
    }
    for (const auto& option : found.options) {
      std::regex word("(^|[^-a-z])" + option + "([^-a-z]|$)");
      EXPECT_TRUE(std::regex_search(script, word)) << file << " lacks the option " << option;
    }
  }
}

// Runs the bash completion function for a command line ending in an empty word.
std::string bash_complete(const std::string& words, const std::string& cwd,
                          const std::map<std::string, std::string>& env = {}) {
  const std::string script = std::string(MONGOWAY_SOURCE_DIR) + "/scripts/completion/mongoway.bash";
  std::string code = "source '" + script + "'; COMP_WORDS=(" + words +
                     " ''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                     "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _mongoway; echo \"${COMPREPLY[*]}\"";
  auto run = program({"bash", "-c", code}, {.env = env, .cwd = cwd});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::string out = run.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(Docs, BashCompletionOffersTheVersionsOfTheMigrationFiles) {
  if (!has_program("bash")) GTEST_SKIP() << "bash is not installed";
  TempDir dir;
  dir.write("migrations/V1__a.json", "[]");
  dir.write("migrations/V002__b.json", "[]");
  dir.write("migrations/U1__undo_a.json", "[]");
  dir.write("elsewhere/V10__c.json", "[]");
  EXPECT_EQ(bash_complete("mongoway migrate --target", dir.path()), "1 2 latest");
  EXPECT_EQ(bash_complete("mongoway undo --target", dir.path()), "1 2");
  EXPECT_EQ(bash_complete("mongoway -l elsewhere undo --target", dir.path()), "10");
  EXPECT_EQ(bash_complete("mongoway undo --target", dir.path(), {{"MONGOWAY_LOCATIONS", "elsewhere:migrations"}}),
            "1 2 10");
  EXPECT_EQ(bash_complete("mongoway --output", dir.path()), "text json");
  const std::string commands = bash_complete("mongoway", dir.path());
  EXPECT_NE(commands.find("migrate"), std::string::npos) << commands;
  EXPECT_NE(commands.find("status"), std::string::npos) << commands;
}

TEST(Docs, ZshCompletionParses) {
  if (!has_program("zsh")) GTEST_SKIP() << "zsh is not installed: cannot check the zsh completion";
  auto run = program({"zsh", "-n", std::string(MONGOWAY_SOURCE_DIR) + "/scripts/completion/_mongoway"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

}  // namespace
}  // namespace mongoway::cli_test
