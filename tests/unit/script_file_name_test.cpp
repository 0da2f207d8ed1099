// Migration file names: versions, descriptions, near misses.

#include <gtest/gtest.h>

#include "script/script.hpp"

namespace mongoway::script {
namespace {

struct Parsed {
  std::optional<FileName> name;
  std::string warning;
  std::string error;
};

Parsed parse(const std::string& file_name) {
  Parsed p;
  p.name = parse_file_name(file_name, &p.warning, &p.error);
  return p;
}

TEST(ScriptFileName, VersionAndDescription) {
  Parsed p = parse("V7__add_users_index.json");
  ASSERT_TRUE(p.name);
  EXPECT_EQ(p.name->kind, FileKind::migrate);
  EXPECT_EQ(p.name->version, 7);
  EXPECT_EQ(p.name->description, "add users index");
  EXPECT_TRUE(p.warning.empty());
  EXPECT_TRUE(p.error.empty());
}

TEST(ScriptFileName, LeadingZerosAreIgnored) {
  Parsed p = parse("V007__x.json");
  ASSERT_TRUE(p.name);
  EXPECT_EQ(p.name->version, 7);
  EXPECT_EQ(parse("V9223372036854775807__max.json").name->version, INT64_MAX);
  EXPECT_EQ(parse("V0009223372036854775807__max.json").name->version, INT64_MAX);
}

TEST(ScriptFileName, UndoFiles) {
  Parsed p = parse("U3__undo_add_index.json");
  ASSERT_TRUE(p.name);
  EXPECT_EQ(p.name->kind, FileKind::undo);
  EXPECT_EQ(p.name->version, 3);
  EXPECT_EQ(p.name->description, "undo add index");
  EXPECT_TRUE(p.warning.empty());
  Parsed loose = parse("U3__add_index.json");
  ASSERT_TRUE(loose.name);
  EXPECT_EQ(loose.warning, "undo file names are written U3__undo_<description>.json");
}

TEST(ScriptFileName, InvalidVersionsAreErrors) {
  EXPECT_EQ(parse("V0__x.json").error, "invalid version 0: versions start at 1");
  EXPECT_EQ(parse("V000__x.json").error, "invalid version 0: versions start at 1");
  EXPECT_EQ(parse("V9223372036854775808__x.json").error,
            "invalid version 9223372036854775808: too large (at most 9223372036854775807)");
  EXPECT_EQ(parse("V1.2__x.json").error,
            "invalid version \"1.2\": a version is a positive integer (e.g. V3__name.json)");
  EXPECT_EQ(parse("Vx__y.json").error, "invalid version \"x\": a version is a positive integer (e.g. V3__name.json)");
  EXPECT_EQ(parse("U-1__x.json").error, "invalid version \"-1\": a version is a positive integer (e.g. U3__name.json)");
  EXPECT_EQ(parse("V2__.json").error, "missing description after \"__\" (e.g. V2__add_users.json)");
  EXPECT_FALSE(parse("V0__x.json").name);
}

TEST(ScriptFileName, NearMissesAreWarnings) {
  EXPECT_EQ(parse("v1__x.json").warning,
            "ignored: looks like a migration file, but the prefix must be an upper-case 'V' (e.g. V1__name.json)");
  EXPECT_EQ(parse("u1__undo_x.json").warning,
            "ignored: looks like a migration file, but the prefix must be an upper-case 'U' (e.g. U1__name.json)");
  EXPECT_EQ(parse("V1_x.json").warning,
            "ignored: looks like a migration file, but the version and the description must be separated by two "
            "underscores (e.g. V1__name.json)");
  EXPECT_EQ(parse("V1__x.JSON").warning,
            "ignored: looks like a migration file, but the extension must be \".json\" in lower case");
  EXPECT_EQ(parse("V1__x.json.bak").warning,
            "ignored: looks like a migration file, but only names ending in \".json\" are read");
  EXPECT_EQ(parse("V1__x.json~").warning,
            "ignored: looks like a migration file, but only names ending in \".json\" are read");
  EXPECT_FALSE(parse("v1__x.json").name);
}

TEST(ScriptFileName, OtherFilesAreSilentlyIgnored) {
  for (const char* name : {"README.md", "seed.ndjson", "Vagrantfile", "V", "users.json", ".V1__x.json", "Undo.txt"}) {
    Parsed p = parse(name);
    EXPECT_FALSE(p.name) << name;
    EXPECT_TRUE(p.warning.empty()) << name << ": " << p.warning;
    EXPECT_TRUE(p.error.empty()) << name << ": " << p.error;
  }
}

}  // namespace
}  // namespace mongoway::script
