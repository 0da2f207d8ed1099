// Checksums: normalised line endings, one trailing newline ignored, any real
// edit changes them, streaming in any chunks gives the same result, and a
// documentsFile is part of its migration's checksum.

#include <gtest/gtest.h>

#include <random>

#include "script/checksum.hpp"
#include "script/script.hpp"
#include "script_test_helpers.hpp"
#include "util/sha256.hpp"

namespace mongoway::script {
namespace {

using testing::TempDir;

TEST(ScriptChecksum, IsSha256OfTheNormalisedText) {
  EXPECT_EQ(checksum_of_text("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(checksum_of_text("abc\n"), checksum_of_text("abc"));
  EXPECT_EQ(checksum_of_text(""), "sha256:" + util::sha256_hex(""));
  EXPECT_EQ(checksum_of_text("a\r\nb\rc\n"), "sha256:" + util::sha256_hex("a\nb\nc"));
}

TEST(ScriptChecksum, LineEndingsDoNotMatter) {
  const std::string lf = "[\n  {\"dropCollection\": \"a\"}\n]\n";
  const std::string crlf = "[\r\n  {\"dropCollection\": \"a\"}\r\n]\r\n";
  const std::string cr = "[\r  {\"dropCollection\": \"a\"}\r]\r";
  EXPECT_EQ(checksum_of_text(lf), checksum_of_text(crlf));
  EXPECT_EQ(checksum_of_text(lf), checksum_of_text(cr));
  EXPECT_EQ(checksum_of_text(lf), checksum_of_text(lf.substr(0, lf.size() - 1)));  // no final newline
}

TEST(ScriptChecksum, OnlyOneTrailingNewlineIsIgnored) {
  EXPECT_NE(checksum_of_text("x\n\n"), checksum_of_text("x\n"));
  EXPECT_EQ(checksum_of_text("x\r\n\r\n"), checksum_of_text("x\n\n"));
  EXPECT_NE(checksum_of_text("\n"), checksum_of_text("\n\n"));
}

TEST(ScriptChecksum, AnyEditChangesIt) {
  const std::string base = "[{\"createIndex\": \"users\", \"key\": {\"email\": 1}}]";
  EXPECT_NE(checksum_of_text(base), checksum_of_text("[{\"createIndex\": \"users\", \"key\": {\"email\": -1}}]"));
  EXPECT_NE(checksum_of_text(base), checksum_of_text(" " + base));
  EXPECT_NE(checksum_of_text(base), checksum_of_text("\n" + base));
  EXPECT_NE(checksum_of_text("a\n\nb"), checksum_of_text("a\nb"));
  EXPECT_NE(checksum_of_text("a\r\r\nb"), checksum_of_text("a\nb"));  // CR then CRLF: two line breaks
}

TEST(ScriptChecksum, ChunkBoundariesDoNotMatter) {
  const std::string text = "line one\r\nline two\rline three\n\n\r\nend\r\n";
  const std::string expected = checksum_of_text(text);
  for (size_t chunk = 1; chunk <= text.size(); ++chunk) {
    ChecksumBuilder builder;
    for (size_t pos = 0; pos < text.size(); pos += chunk) builder.add(std::string_view(text).substr(pos, chunk));
    EXPECT_EQ(builder.finish(), expected) << "chunk size " << chunk;
  }
}

// Random texts of 'a', LF and CR, fed in random chunks (chunks with and
// without CR take different paths), against the rule written out plainly:
// CRLF and CR become LF, then one trailing LF is dropped.
TEST(ScriptChecksum, RandomTextsInRandomChunksFollowTheRule) {
  std::mt19937 random(20261127);
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 24, 'a');
    for (auto& c : text) c = "a\n\r"[random() % 3];
    std::string normalised;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      normalised += text[i] == '\r' ? '\n' : text[i];
    }
    if (!normalised.empty() && normalised.back() == '\n') normalised.pop_back();
    ChecksumBuilder builder;
    for (size_t pos = 0; pos < text.size();) {
      const size_t length = 1 + random() % 6;
      builder.add(std::string_view(text).substr(pos, length));
      pos += length;
    }
    ASSERT_EQ(builder.finish(), "sha256:" + util::sha256_hex(normalised)) << "round " << round;
  }
}

TEST(ScriptChecksum, PartsAreFramed) {
  ChecksumBuilder one;
  one.add("ab");
  one.start_part("seed.ndjson");
  one.add("cd\n");
  ChecksumBuilder two;
  two.add("a");
  two.start_part("seed.ndjson");
  two.add("bcd");
  EXPECT_NE(one.finish(), two.finish());
  ChecksumBuilder crlf;
  crlf.add("ab\r\n");
  crlf.start_part("seed.ndjson");
  crlf.add("cd\r\n");
  ChecksumBuilder lf;
  lf.add("ab");
  lf.start_part("seed.ndjson");
  lf.add("cd");
  EXPECT_EQ(crlf.finish(), lf.finish());
}

TEST(ScriptChecksum, DocumentsFileContributes) {
  TempDir dir;
  const std::string migration = R"([{"insertMany": "a", "documentsFile": "seed.ndjson"}])";
  dir.write("V1__seed.json", migration);
  dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": 2}\n");
  const auto load = [&] {
    LoadResult result = load_all({dir.str()}, LoadOptions{});
    EXPECT_FALSE(result.has_errors()) << testing::diagnostics_text(result.diagnostics);
    return result.migrations.empty() ? std::string() : result.migrations[0].up.checksum;
  };
  const std::string original = load();
  EXPECT_NE(original, checksum_of_text(migration));
  dir.write("seed.ndjson", "{\"a\": 1}\r\n{\"a\": 2}\r\n");
  EXPECT_EQ(load(), original);  // CRLF in the seed file: same checksum
  dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": 3}\n");
  EXPECT_NE(load(), original);  // a real edit of the seed file changes it
  dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": 2}\n");
  EXPECT_EQ(load(), original);
}

TEST(ScriptChecksum, ScriptWithoutDocumentsFileHasTheChecksumOfItsText) {
  std::vector<Diagnostic> diagnostics;
  const std::string text = "[\r\n  {\"dropCollection\": \"a\"}\r\n]\r\n";
  auto script = testing::parse_text(text, diagnostics);
  ASSERT_TRUE(script);
  EXPECT_EQ(script->checksum, checksum_of_text(text));
  EXPECT_EQ(script->checksum, checksum_of_text("[\n  {\"dropCollection\": \"a\"}\n]"));
}

}  // namespace
}  // namespace mongoway::script
