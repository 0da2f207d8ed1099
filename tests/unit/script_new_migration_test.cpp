// `mongoway new`: numbering across locations, file names, templates that pass lint.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "script/new_migration.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ScriptNewMigration, FirstMigrationInAMissingLocation) {
  TempDir dir;
  const std::string location = (dir.path() / "migrations").string();
  auto written = create_new_migration(location, {location}, "create users", true);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0], location + "/V1__create_users.json");
  EXPECT_EQ(written[1], location + "/U1__undo_create_users.json");
  // The templates pass lint as they are.
  LoadResult result = load_all({location}, LoadOptions{});
  EXPECT_TRUE(result.diagnostics.empty()) << testing::diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 1u);
  ASSERT_TRUE(result.migrations[0].undo);
  EXPECT_EQ(result.migrations[0].up.commands[0].name, "createCollection");
  EXPECT_NE(result.migrations[0].up.commands[0].comment.find("Version 1 (create users)"), std::string::npos);
  EXPECT_EQ(result.migrations[0].undo->commands[0].name, "dropCollection");
  EXPECT_NE(read(written[1]).find("V1__create_users.json"), std::string::npos);
}

TEST(ScriptNewMigration, NextVersionIsAcrossAllLocations) {
  TempDir a;
  TempDir b;
  a.write("V3__x.json", "[]");
  b.write("V0012__y.json", "[]");
  b.write("v99__ignored.json", "[]");
  auto written = create_new_migration(a.str(), {a.str(), b.str()}, "add-index_2", false);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0], a.str() + "/V13__add-index_2.json");
  EXPECT_FALSE(fs::exists(a.path() / "U13__undo_add-index_2.json"));
  EXPECT_EQ(highest_version({a.str(), b.str()}), 13);
}

TEST(ScriptNewMigration, UnsafeDescriptionsAreRefused) {
  TempDir dir;
  for (const char* bad : {"../escape", "a/b", "semi;colon", "tab\there", "quote\"", "dot.json", "été"}) {
    try {
      create_new_migration(dir.str(), {dir.str()}, bad, true);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_EQ(std::string(e.what()), std::string("invalid description \"") + bad +
                                           "\": use only letters, digits, '_', '-' and spaces (they become part of "
                                           "the file name)");
    }
  }
  EXPECT_THROW(create_new_migration(dir.str(), {dir.str()}, "   ", true), Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ScriptNewMigration, RefusesToOverwrite) {
  TempDir dir;
  // Directories are not migrations, so the next version is 5, but its name is taken.
  dir.write("V4__x.json", "[]");
  dir.write("U5__undo_thing.json/keep", "keep me");
  try {
    create_new_migration(dir.str(), {dir.str()}, "thing", true);
    FAIL() << "overwrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_EQ(std::string(e.what()), dir.str() + "/U5__undo_thing.json already exists; not overwriting it");
  }
  EXPECT_EQ(read(dir.str() + "/U5__undo_thing.json/keep"), "keep me");
  EXPECT_FALSE(fs::exists(dir.path() / "V5__thing.json"));
  fs::create_directory(dir.path() / "V5__other.json");
  try {
    create_new_migration(dir.str(), {dir.str()}, "other", false);
    FAIL() << "overwrote";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir.str() + "/V5__other.json already exists; not overwriting it");
  }
}

}  // namespace
}  // namespace mongoway::script
