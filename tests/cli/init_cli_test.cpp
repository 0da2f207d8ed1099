// `mongoway init` through the built program: the folder and the commented
// configuration file it writes, which the reader takes back as the defaults,
// and its refusal to overwrite either. No server.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Shown {
  std::string value;
  std::string origin;
};

// The settings `--verbose` prints on stderr: "  (origin) key = value".
std::map<std::string, Shown> shown_settings(const std::string& err) {
  std::map<std::string, Shown> out;
  std::istringstream lines(err);
  std::string line;
  while (std::getline(lines, line)) {
    const auto open = line.find("  (");
    const auto close = line.find(") ");
    const auto eq = line.find(" = ");
    if (open != 0 || close == std::string::npos || eq == std::string::npos || eq < close) continue;
    std::string key = line.substr(close + 2, eq - close - 2);
    key.erase(0, key.find_first_not_of(' '));
    out[key] = {line.substr(eq + 3), line.substr(3, close - 3)};
  }
  return out;
}

TEST(Init, WritesAFileTheReaderTakesBackAsEveryDefault) {
  TempDir dir;
  auto init = mongoway({"init"}, {.cwd = dir.path()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out, "Created migrations\nCreated mongoway.conf\n");
  EXPECT_TRUE(fs::is_directory(dir / "migrations"));
  const std::string conf = read_file(dir / "mongoway.conf");
  EXPECT_TRUE(contains(conf, "\n# MongoDB connection string")) << conf;
  EXPECT_TRUE(contains(conf, "\nlock_ttl = 60\n")) << conf;
  EXPECT_TRUE(contains(conf, "\n# database =\n")) << "a key without a default stays unset:\n" << conf;

  // The same run with the file and without it (in a folder of its own, where
  // nothing but the defaults apply) sees the same value for every key, and
  // with the file each of them comes from it.
  TempDir bare;
  fs::create_directory(bare / "migrations");
  const auto with_file = mongoway({"--verbose", "lint"}, {.cwd = dir.path()});
  const auto defaults = mongoway({"--verbose", "lint"}, {.cwd = bare.path()});
  ASSERT_EQ(with_file.exit_code, 0) << with_file.err;
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  const auto from_file = shown_settings(with_file.err);
  const auto from_defaults = shown_settings(defaults.err);
  ASSERT_GE(from_defaults.size(), 8u) << defaults.err;
  EXPECT_EQ(from_file.size(), from_defaults.size()) << with_file.err;
  for (const auto& [key, shown] : from_defaults) {
    ASSERT_TRUE(from_file.count(key)) << key << " missing:\n" << with_file.err;
    EXPECT_EQ(shown.origin, "default") << key;
    EXPECT_TRUE(from_file.at(key).origin.starts_with("mongoway.conf:")) << key << ": " << from_file.at(key).origin;
    EXPECT_EQ(from_file.at(key).value, shown.value) << key;
  }
}

TEST(Init, RefusesToOverwriteEitherAndCreatesNothingThen) {
  TempDir dir;
  dir.write("mongoway.conf", "this line is no setting\n");
  auto conf_there = mongoway({"init"}, {.cwd = dir.path()});
  EXPECT_EQ(conf_there.exit_code, 3) << "an existing file, even one the reader would refuse, is not read";
  EXPECT_TRUE(contains(conf_there.err, "mongoway.conf already exists; nothing was created")) << conf_there.err;
  EXPECT_FALSE(fs::exists(dir / "migrations"));
  EXPECT_EQ(read_file(dir / "mongoway.conf"), "this line is no setting\n");

  TempDir other;
  fs::create_directory(other / "migrations");
  auto folder_there = mongoway({"init", "--output", "json"}, {.cwd = other.path()});
  EXPECT_EQ(folder_there.exit_code, 3);
  auto json = Json::parse(folder_there.out);
  ASSERT_TRUE(json) << folder_there.out;
  EXPECT_TRUE(contains(json->string("error.message"), "migrations already exists")) << folder_there.out;
  EXPECT_FALSE(fs::exists(other / "mongoway.conf"));
}

TEST(Init, WritesTheConfigFileAskedForWithTheDefaultFolderBesideIt) {
  TempDir dir;
  auto init = mongoway({"init", "--config", "db/app.conf", "--output", "json"}, {.cwd = dir.path()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto json = Json::parse(init.out);
  ASSERT_TRUE(json) << init.out;
  EXPECT_EQ(json->string("created.0"), "db/migrations");
  EXPECT_EQ(json->string("created.1"), "db/app.conf");
  EXPECT_TRUE(fs::is_directory(dir / "db/migrations"));
  auto lint = mongoway({"--config", "db/app.conf", "lint"}, {.cwd = dir.path()});
  EXPECT_EQ(lint.exit_code, 0) << "the file names the folder created beside it: " << lint.err;

  auto given = mongoway({"init", "-l", "schema"}, {.cwd = dir.path()});
  EXPECT_EQ(given.exit_code, 0) << given.err;
  EXPECT_TRUE(fs::is_directory(dir / "schema")) << "a location given is created as given";
  EXPECT_TRUE(fs::exists(dir / "mongoway.conf"));
}

}  // namespace
}  // namespace mongoway::cli_test
