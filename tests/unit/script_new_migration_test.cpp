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
  EXPECT_NE(read(written[0]).find("Version 1 (create users)"), std::string::npos);
  EXPECT_NE(read(written[1]).find("V1__create_users.json"), std::string::npos);
}

TEST(ScriptNewMigration, AnUneditedTemplateIsAnErrorAtItsPlaceholder) {
  TempDir dir;
  create_new_migration(dir.str(), {dir.str()}, "first", true);
  LoadResult result = load_all({dir.str()}, LoadOptions{});
  EXPECT_EQ(testing::diagnostics_text(result.diagnostics),
            dir.str() +
                "/V1__first.json:3:25: error: command 1 (createCollection): \"change_me\" is the "
                "placeholder of the template that mongoway new wrote; edit the file: replace the example with "
                "your changes\n" +
                dir.str() +
                "/U1__undo_first.json:3:23: error: command 1 (dropCollection): \"change_me\" is the "
                "placeholder of the template that mongoway new wrote; edit the file: replace the example "
                "with your changes\n");
}

TEST(ScriptNewMigration, AnEditedTemplatePassesLint) {
  TempDir dir;
  auto written = create_new_migration(dir.str(), {dir.str()}, "create users", true);
  for (const auto& path : written) {
    std::string content = read(path);
    content.replace(content.find("change_me"), 9, "users");
    std::ofstream(path) << content;  // the comment may stay as it is
  }
  LoadResult result = load_all({dir.str()}, LoadOptions{});
  EXPECT_TRUE(result.diagnostics.empty()) << testing::diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 1u);
  ASSERT_TRUE(result.migrations[0].undo);
  EXPECT_EQ(result.migrations[0].up.commands[0].name, "createCollection");
  EXPECT_EQ(result.migrations[0].undo->commands[0].name, "dropCollection");
}

TEST(ScriptNewMigration, ChangeMeInAFileNotWrittenByNewIsAName) {
  TempDir dir;
  dir.write("V1__x.json", R"([{"createCollection": "change_me", "comment": "Version 1 of the settings"},
                              {"insertOne": "change_me", "document": {"replace this example with your changes.": 1}}])");
  LoadResult result = load_all({dir.str()}, LoadOptions{});
  EXPECT_TRUE(result.diagnostics.empty()) << testing::diagnostics_text(result.diagnostics);
  EXPECT_TRUE(is_template_comment("Version 3 (x): replace this example with your changes. More."));
  EXPECT_TRUE(is_template_comment("Undo of version 3: reverse every command of V3__x.json, in reverse order"));
  EXPECT_FALSE(is_template_comment("Version 3: replace the index"));
  EXPECT_FALSE(is_template_comment("replace this example with your changes."));
}

TEST(ScriptNewMigration, DescriptionsInAnyLanguageAreWrittenInNfc) {
  TempDir dir;
  auto german = create_new_migration(dir.str(), {dir.str()}, "Prüfung der Daten", false);
  EXPECT_EQ(german[0], dir.str() + "/V1__Prüfung_der_Daten.json");
  auto japanese = create_new_migration(dir.str(), {dir.str()}, "日本語", false);
  EXPECT_EQ(japanese[0], dir.str() + "/V2__日本語.json");
  // Devanagari's vowel signs are marks, part of its letters.
  auto hindi = create_new_migration(dir.str(), {dir.str()}, "परीक्षण", false);
  EXPECT_EQ(hindi[0], dir.str() + "/V3__परीक्षण.json");
  auto arabic_digits = create_new_migration(dir.str(), {dir.str()}, "خطوة ٣", false);
  EXPECT_EQ(arabic_digits[0], dir.str() + "/V4__خطوة_٣.json");
  // "é" typed as e + U+0301 (NFD, as macOS gives it) is written as U+00E9.
  auto decomposed = create_new_migration(dir.str(), {dir.str()}, "e\u0301te\u0301", false);
  EXPECT_EQ(decomposed[0], dir.str() + "/V5__\u00e9t\u00e9.json");
  EXPECT_EQ(highest_version({dir.str()}), 5);
}

TEST(ScriptNewMigration, AFileNameNotInNfcIsReadAsWritten) {
  TempDir dir;
  // As a file system that keeps names decomposed gives it; its version is what
  // identifies it, and its description is shown as written.
  dir.write("V1__e\u0301te\u0301.json", R"([{"createCollection": "summer"}])");
  LoadResult result = load_all({dir.str()}, LoadOptions{});
  EXPECT_TRUE(result.diagnostics.empty()) << testing::diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 1u);
  EXPECT_EQ(result.migrations[0].version(), 1);
  EXPECT_EQ(result.migrations[0].description(), "e\u0301te\u0301");
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
  for (const char* bad : {"../escape", "a/b", "semi;colon", "tab\there", "quote\"", "dot.json", "emoji \U0001F600",
                          "\xff\xfe", "nbsp\u00a0here"}) {
    try {
      create_new_migration(dir.str(), {dir.str()}, bad, true);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_EQ(std::string(e.what()), std::string("invalid description \"") + bad +
                                           "\": use only letters and digits (of any language), '_', '-' and "
                                           "spaces (they become part of the file name)");
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
