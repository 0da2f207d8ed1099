// Loading valid migrations: discovery, pairing, file settings, comments,
// Extended JSON types, documentsFile counting, size limit, symlinks.

#include <gtest/gtest.h>

#include <filesystem>

#include "bson/bson_util.hpp"
#include "script_test_helpers.hpp"
#include "util/files.hpp"

namespace mongoway::script {
namespace {

namespace fs = std::filesystem;
using testing::diagnostics_text;
using testing::TempDir;

const std::string kShop = std::string(MONGOWAY_SOURCE_DIR) + "/tests/data/valid/shop";

TEST(ScriptLoad, ValidSetLoadsWithoutDiagnostics) {
  LoadResult result = load_all({kShop}, LoadOptions{});
  EXPECT_FALSE(result.has_errors());
  EXPECT_TRUE(result.diagnostics.empty()) << diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 3u);
  EXPECT_EQ(result.migrations[0].version(), 1);
  EXPECT_EQ(result.migrations[0].description(), "create users");
  ASSERT_TRUE(result.migrations[0].undo);
  EXPECT_EQ(result.migrations[0].undo->file.name.kind, FileKind::undo);
  EXPECT_EQ(result.migrations[0].undo->file.name.description, "undo create users");
  EXPECT_EQ(result.migrations[1].version(), 2);
  ASSERT_TRUE(result.migrations[1].undo);
  EXPECT_EQ(result.migrations[2].version(), 3);  // V003: leading zeros ignored
  EXPECT_EQ(result.migrations[2].up.file.file_name, "V003__rename_users.json");
  EXPECT_EQ(result.migrations[2].up.file.path, kShop + "/V003__rename_users.json");
  EXPECT_FALSE(result.migrations[2].undo);
}

TEST(ScriptLoad, FileSettingsAndCommandPositions) {
  LoadResult result = load_all({kShop}, LoadOptions{});
  ASSERT_EQ(result.migrations.size(), 3u);
  const Script& v1 = result.migrations[0].up;
  EXPECT_FALSE(v1.transaction.has_value());
  EXPECT_EQ(result.migrations[1].up.transaction, std::optional<bool>(false));
  EXPECT_EQ(result.migrations[2].up.transaction, std::optional<bool>(true));
  ASSERT_EQ(v1.commands.size(), 3u);
  EXPECT_EQ(v1.commands[0].name, "createCollection");
  EXPECT_EQ(v1.commands[0].index, 1);
  EXPECT_EQ(v1.commands[0].line, 2);
  EXPECT_EQ(v1.commands[0].column, 3);
  EXPECT_EQ(v1.commands[0].comment, "accounts of the shop");
  // The spec is the command as written, without its comment.
  EXPECT_EQ(v1.commands[0].spec.to_json(), R"({ "createCollection" : "users" })");
  EXPECT_EQ(v1.commands[2].line, 4);
  EXPECT_TRUE(v1.checksum.starts_with("sha256:"));
  EXPECT_EQ(v1.checksum.size(), 7u + 64u);
}

TEST(ScriptLoad, ExtendedJsonArrivesAsRealBsonTypes) {
  LoadResult result = load_all({kShop}, LoadOptions{});
  ASSERT_EQ(result.migrations.size(), 3u);
  const Command& insert = result.migrations[0].up.commands[2];
  bson_iter_t documents;
  ASSERT_TRUE(bson::find_field(insert.spec, "documents", &documents));
  auto docs = bson::iter_documents(documents);
  ASSERT_EQ(docs.size(), 1u);
  const auto type_of = [&](const char* key) {
    bson_iter_t it;
    return bson::find_field(docs[0], key, &it) ? bson_iter_type(&it) : BSON_TYPE_EOD;
  };
  EXPECT_EQ(type_of("_id"), BSON_TYPE_OID);
  EXPECT_EQ(type_of("since"), BSON_TYPE_DATE_TIME);
  EXPECT_EQ(type_of("visits"), BSON_TYPE_INT64);
  EXPECT_EQ(type_of("balance"), BSON_TYPE_DECIMAL128);
  EXPECT_EQ(type_of("avatar"), BSON_TYPE_BINARY);
  EXPECT_EQ(type_of("pattern"), BSON_TYPE_REGEX);
  EXPECT_EQ(type_of("ratio"), BSON_TYPE_DOUBLE);
  EXPECT_EQ(type_of("age"), BSON_TYPE_INT32);
  bson_iter_t visits;
  ASSERT_TRUE(bson::find_field(docs[0], "visits", &visits));
  EXPECT_EQ(bson_iter_int64(&visits), 9007199254740993LL);  // beyond a double's precision
  bson_iter_t since;
  ASSERT_TRUE(bson::find_field(docs[0], "since", &since));
  EXPECT_EQ(bson_iter_date_time(&since), 1704164645000LL);
}

TEST(ScriptLoad, DocumentsFileIsResolvedCountedAndChecksummed) {
  LoadResult result = load_all({kShop}, LoadOptions{});
  ASSERT_EQ(result.migrations.size(), 3u);
  const Command& seed = result.migrations[1].up.commands[1];
  ASSERT_TRUE(seed.documents_file);
  EXPECT_EQ(*seed.documents_file, kShop + "/seeds/products.ndjson");
  EXPECT_EQ(seed.documents_count, std::optional<uint64_t>(3));
  std::string text;
  std::string err;
  ASSERT_TRUE(util::read_file_limited(kShop + "/V2__seed_products.json", 1 << 20, &text, &err)) << err;
  EXPECT_NE(result.migrations[1].up.checksum, checksum_of_text(text));  // the seed file counts too
}

TEST(ScriptLoad, FileOverTheSizeLimitIsRefusedBeforeReading) {
  TempDir dir;
  dir.write("V1__big.json", "[" + std::string(2000, ' ') + "{\"dropCollection\": \"a\"}]");
  LoadOptions options;
  options.max_file_size = 1024;
  LoadResult result = load_all({dir.str()}, options);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].to_string(),
            dir.str() + "/V1__big.json: error: file is 2.0 KiB, over the limit of 1.0 KiB; split it, or move seed "
                        "data to a documentsFile");
  EXPECT_TRUE(result.migrations.empty());
}

TEST(ScriptLoad, MigrationFileSymlinkedFromOutsideIsRefused) {
  TempDir outside;
  TempDir dir;
  const std::string target = outside.write("V1__x.json", R"([{"dropCollection": "a"}])");
  fs::create_directories(dir.path() / "migrations");
  fs::create_symlink(target, dir.path() / "migrations" / "V1__x.json");
  // A symlink that stays inside the location is fine.
  dir.write("migrations/real/V2__y.json", R"([{"dropCollection": "b"}])");
  fs::create_symlink(dir.path() / "migrations" / "real" / "V2__y.json", dir.path() / "migrations" / "V2__y.json");
  const std::string location = (dir.path() / "migrations").string();
  LoadResult result = load_all({location}, LoadOptions{});
  ASSERT_EQ(result.diagnostics.size(), 1u) << diagnostics_text(result.diagnostics);
  EXPECT_EQ(result.diagnostics[0].to_string(), location + "/V1__x.json: error: the migration file is a symlink to " +
                                                   fs::canonical(target).string() +
                                                   ", outside its location; copy the file into the location instead");
  ASSERT_EQ(result.migrations.size(), 1u);
  EXPECT_EQ(result.migrations[0].version(), 2);
}

TEST(ScriptLoad, MissingLocationIsAnError) {
  LoadResult result = load_all({"/nonexistent/mongoway/migrations"}, LoadOptions{});
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].to_string(),
            "/nonexistent/mongoway/migrations: error: migration location not found; create it or pass --location DIR");
  EXPECT_TRUE(result.has_errors());
}

TEST(ScriptLoad, DuplicateVersionsAcrossLocations) {
  TempDir a;
  TempDir b;
  a.write("V1__one.json", R"([{"dropCollection": "a"}])");
  b.write("V01__other.json", R"([{"dropCollection": "b"}])");
  LoadResult result = load_all({a.str(), b.str()}, LoadOptions{});
  ASSERT_EQ(result.diagnostics.size(), 1u) << diagnostics_text(result.diagnostics);
  EXPECT_EQ(result.diagnostics[0].to_string(),
            b.str() + "/V01__other.json: error: version 1 is defined twice: " + a.str() + "/V1__one.json and " +
                b.str() + "/V01__other.json; give one of them another version");
}

TEST(ScriptLoad, SameLocationTwiceIsScannedOnce) {
  LoadResult result = load_all({kShop, kShop + "/"}, LoadOptions{});
  EXPECT_TRUE(result.diagnostics.empty()) << diagnostics_text(result.diagnostics);
  EXPECT_EQ(result.migrations.size(), 3u);
}

TEST(ScriptLoad, DiscoveryIsSortedAndNonRecursive) {
  TempDir dir;
  dir.write("V10__ten.json", "[]");
  dir.write("V2__two.json", "[]");
  dir.write("U2__undo_two.json", "[]");
  dir.write("nested/V3__three.json", "[]");
  Discovery discovery = discover({dir.str()});
  ASSERT_EQ(discovery.files.size(), 3u);
  EXPECT_EQ(discovery.files[0].file_name, "V2__two.json");
  EXPECT_EQ(discovery.files[1].file_name, "U2__undo_two.json");
  EXPECT_EQ(discovery.files[2].file_name, "V10__ten.json");
  EXPECT_EQ(discovery.files[2].location, dir.str());
  EXPECT_TRUE(discovery.diagnostics.empty());
}

// What a listing holds besides files: subdirectories and symlinks to them are
// skipped unless named like a migration file (then reading it reports the
// mistake); a symlink to a file, or a broken one, is listed and marked as a
// possible symlink; paths join as std::filesystem does, trailing slash or not.
TEST(ScriptLoad, DiscoveryOfDirectoriesAndSymlinks) {
  TempDir dir;
  dir.write("V1__one.json", R"([{"dropCollection": "a"}])");
  dir.write("seeds/data.ndjson", "{}\n");
  dir.write(".json/V9__hidden.json", "[]");  // ".json" has no extension in std::filesystem's sense
  dir.write("V2__dir.json/inside.json", "[]");
  fs::create_directory_symlink(dir.path() / "seeds", dir.path() / "linked_seeds");
  fs::create_directory_symlink(dir.path() / "seeds", dir.path() / "V3__linked_dir.json");
  fs::create_symlink(dir.path() / "V1__one.json", dir.path() / "V4__linked_file.json");
  fs::create_symlink(dir.path() / "missing.json", dir.path() / "V5__broken.json");
  for (const std::string& location : {dir.str(), dir.str() + "/"}) {
    SCOPED_TRACE(location);
    Discovery discovery = discover({location});
    EXPECT_TRUE(discovery.diagnostics.empty()) << diagnostics_text(discovery.diagnostics);
    ASSERT_EQ(discovery.files.size(), 5u);
    const std::vector<std::pair<std::string, bool>> expected = {{"V1__one.json", false},
                                                                {"V2__dir.json", false},
                                                                {"V3__linked_dir.json", true},
                                                                {"V4__linked_file.json", true},
                                                                {"V5__broken.json", true}};
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(discovery.files[i].file_name, expected[i].first);
      EXPECT_EQ(discovery.files[i].path, (dir.path() / expected[i].first).string());
      EXPECT_EQ(discovery.files[i].maybe_symlink, expected[i].second) << expected[i].first;
    }
  }
  LoadResult result = load_all({dir.str()}, LoadOptions{});
  const std::string text = diagnostics_text(result.diagnostics);
  EXPECT_NE(text.find("V2__dir.json: error: cannot read file: is a directory"), std::string::npos) << text;
  EXPECT_NE(text.find("V3__linked_dir.json: error: cannot read file: is a directory"), std::string::npos) << text;
  EXPECT_NE(text.find("V5__broken.json: error: cannot read file: No such file or directory"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("V4__linked_file.json"), std::string::npos) << text;
}

// Three definitions of a version are two errors against the first found; an
// undo is paired with its V even from another location; errors come
// duplicates first, then undo files without their V, each in version order.
TEST(ScriptLoad, DuplicatesAndUnpairedUndoFilesInOrder) {
  TempDir c;
  TempDir a;
  TempDir b;
  const std::string command = R"([{"dropCollection": "x"}])";
  for (TempDir* d : {&a, &b, &c}) d->write("V1__one.json", command);
  a.write("U2__undo_two.json", command);
  b.write("U1__undo_one.json", command);
  c.write("U01__undo_one_again.json", command);
  a.write("V3__three.json", command);
  b.write("V03__three_b.json", command);
  c.write("U4__undo_four.json", command);
  c.write("U5__undo_five.json", command);
  b.write("V5__five.json", command);
  Discovery discovery = discover({c.str(), a.str(), b.str()});
  std::vector<std::string> got;
  for (const auto& d : discovery.diagnostics) got.push_back(d.to_string());
  const auto twice = [](const std::string& what, const std::string& first, const std::string& second) {
    return second + ": error: " + what + " is defined twice: " + first + " and " + second +
           "; give one of them another version";
  };
  const std::vector<std::string> expected = {
      twice("version 1", c.str() + "/V1__one.json", a.str() + "/V1__one.json"),
      twice("version 1", c.str() + "/V1__one.json", b.str() + "/V1__one.json"),
      twice("undo of version 1", c.str() + "/U01__undo_one_again.json", b.str() + "/U1__undo_one.json"),
      twice("version 3", a.str() + "/V3__three.json", b.str() + "/V03__three_b.json"),
      a.str() + "/U2__undo_two.json: error: undo file of version 2 has no migration V2__<description>.json",
      c.str() + "/U4__undo_four.json: error: undo file of version 4 has no migration V4__<description>.json",
  };
  EXPECT_EQ(got, expected);
  ASSERT_EQ(discovery.files.size(), 11u);
  EXPECT_EQ(discovery.files.front().path, c.str() + "/V1__one.json");
  EXPECT_EQ(discovery.files.back().path, c.str() + "/U5__undo_five.json");
}

}  // namespace
}  // namespace mongoway::script
