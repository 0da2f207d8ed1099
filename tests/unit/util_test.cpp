// src/util: suggestions, SHA-256, UTF-8, files, parallel_for.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "script_test_helpers.hpp"
#include "util/files.hpp"
#include "util/parallel.hpp"
#include "util/sha256.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace mongoway::util {
namespace {

TEST(UtilSuggest, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("createIndx", "createIndex"), 1u);
  // Two neighbours swapped are one slip, not two substitutions.
  EXPECT_EQ(edit_distance("tsl", "tls"), 1u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);
}

TEST(UtilSuggest, DidYouMean) {
  const std::vector<std::string> names = {"createIndex", "createIndexes", "dropIndex", "unique"};
  EXPECT_EQ(did_you_mean("createIndx", names), "; did you mean \"createIndex\"?");
  EXPECT_EQ(did_you_mean("CREATEINDEX", names), "; did you mean \"createIndex\"?");
  EXPECT_EQ(did_you_mean("uniq", names), "; did you mean \"unique\"?");
  EXPECT_EQ(did_you_mean("frobnicate", names), "");
  EXPECT_EQ(did_you_mean("createIndex", names), "; did you mean \"createIndexes\"?");
  EXPECT_EQ(suggest("x", names), std::nullopt);
}

TEST(UtilSha256, KnownVectorsAndStreaming) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 hash;
  hash.update("a");
  hash.update("");
  hash.update("bc");
  EXPECT_EQ(hash.hex_digest(), sha256_hex("abc"));
  EXPECT_THROW(hash.update("x"), std::logic_error);
  Sha256 moved = Sha256();
  moved.update("abc");
  EXPECT_EQ(moved.hex_digest(), sha256_hex("abc"));
}

TEST(UtilUtf8, Sequences) {
  uint32_t cp = 0;
  EXPECT_EQ(utf8_sequence("a", 0, &cp), 1u);
  EXPECT_EQ(cp, 'a');
  EXPECT_EQ(utf8_sequence("\xC3\xA9", 0, &cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(utf8_sequence("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(utf8_sequence("\xC0\xAF", 0), 0u);          // overlong
  EXPECT_EQ(utf8_sequence("\xE0\x80\xAF", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence("\xED\xA0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(utf8_sequence("\xF4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence("\xC3", 0), 0u);              // truncated
  EXPECT_EQ(utf8_sequence("\x80", 0), 0u);              // lone continuation
  std::string out;
  append_utf8(out, 0x1F600);
  append_utf8(out, 0xE9);
  EXPECT_EQ(out, "\xF0\x9F\x98\x80\xC3\xA9");
  EXPECT_EQ(count_code_points(out), 2u);
  EXPECT_EQ(code_point_name(0xA0), "U+00A0");
}

// What a terminal draws: a CJK character or an emoji takes two cells, a
// combining mark none, so table columns line up after them.
TEST(UtilUtf8, DisplayWidthCountsTerminalCells) {
  EXPECT_EQ(display_width("V1__plain.json"), 14u);
  EXPECT_EQ(display_width("V1__\u65E5\u672C\u8A9E\u306E\u8AAC\u660E.json"), 4u + 12u + 5u);  // 日本語の説明
  EXPECT_EQ(display_width("\uD55C\uAE00"), 4u);                                              // Hangul
  EXPECT_EQ(display_width("\uFF21"), 2u);                                                    // fullwidth A
  EXPECT_EQ(display_width("Pr\u00FCfung"), 7u);                                              // precomposed ü
  EXPECT_EQ(display_width("Pru\u0308fung"), 7u);                                             // u + combining diaeresis
  EXPECT_EQ(display_width("\xF0\x9F\x98\x80"), 2u);                                          // emoji
  EXPECT_EQ(display_width("a\xC3"), 2u);  // a malformed byte: one cell
}

TEST(UtilFiles, ReadLimitedAndContainment) {
  mongoway::script::testing::TempDir dir;
  const std::string path = dir.write("a/b.txt", "hello");
  std::string content;
  std::string err;
  EXPECT_TRUE(read_file_limited(path, 5, &content, &err));
  EXPECT_EQ(content, "hello");
  EXPECT_EQ(err, "");
  EXPECT_FALSE(read_file_limited(path, 4, &content, &err));
  EXPECT_EQ(err, "file is 5 bytes, over the limit of 4 bytes; split it, or move seed data to a documentsFile");
  EXPECT_FALSE(read_file_limited(dir.str() + "/missing", 4, &content, &err));
  EXPECT_EQ(err, "cannot read file: No such file or directory");
  EXPECT_FALSE(read_file_limited(dir.str(), 4, &content, &err));
  EXPECT_EQ(err, "cannot read file: is a directory");
  EXPECT_TRUE(is_within(path, dir.path()));
  EXPECT_TRUE(is_within(dir.path() / "a" / ".." / "a" / "new.txt", dir.path() / "a"));
  EXPECT_FALSE(is_within(dir.path() / "a" / ".." / "b.txt", dir.path() / "a"));
  EXPECT_FALSE(is_within(dir.path() / "ab", dir.path() / "a"));
  EXPECT_EQ(human_size(1536), "1.5 KiB");
  EXPECT_EQ(human_size(64ull * 1024 * 1024), "64.0 MiB");
}

TEST(UtilParallel, EveryIndexRunsOnce) {
  for (const size_t threads : {size_t{1}, size_t{3}, size_t{16}}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), threads, [&](size_t i) { ++runs[i]; });
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1) << threads;
  }
  parallel_for(0, 4, [](size_t) { FAIL() << "no index to run"; });
}

TEST(UtilParallel, AnExceptionStopsTheRestAndReachesTheCaller) {
  for (const size_t threads : {size_t{1}, size_t{4}}) {
    std::atomic<size_t> ran{0};
    EXPECT_THROW(parallel_for(1000, threads,
                              [&](size_t i) {
                                ++ran;
                                if (i == 10) throw std::runtime_error("unexpected");
                              }),
                 std::runtime_error);
    // On one thread nothing after the failing index starts (on several, what
    // the others took before the failure still runs).
    if (threads == 1) {
      EXPECT_EQ(ran.load(), 11u);
    }
  }
}

}  // namespace
}  // namespace mongoway::util
