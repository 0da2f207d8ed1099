// documentsFile streaming: both forms, exact errors, containment checks, and a
// large file read with bounded memory.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "json/documents_stream.hpp"
#include "script/checksum.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::json {
namespace {

namespace fs = std::filesystem;
using script::checksum_of_text;
using script::ChecksumBuilder;
using script::load_all;
using script::LoadOptions;
using script::LoadResult;
using script::testing::diagnostics_text;
using script::testing::TempDir;
namespace testing = script::testing;

// Every document of `path` as canonical Extended JSON; nullopt, with the
// problem in `err`, when the stream finds one.
std::optional<std::vector<std::string>> read_all(const std::string& path, Diagnostic* err,
                                                 size_t chunk = DocumentStream::kDefaultChunkSize) {
  DocumentStream stream(chunk);
  if (!stream.open(path, "seed", err)) return std::nullopt;
  std::vector<std::string> out;
  bson::Document doc;
  bool found = true;
  while (true) {
    if (!stream.next(doc, &found, err)) return std::nullopt;
    if (!found) break;
    out.push_back(doc.to_json(bson::JsonMode::canonical));
  }
  EXPECT_EQ(stream.count(), out.size());
  EXPECT_TRUE(stream.next(doc, &found, err));  // stays at the end
  EXPECT_FALSE(found);
  return out;
}

std::vector<std::string> read_all(const std::string& path, size_t chunk = DocumentStream::kDefaultChunkSize) {
  Diagnostic problem;
  auto documents = read_all(path, &problem, chunk);
  EXPECT_TRUE(documents) << problem.to_string();
  return documents.value_or(std::vector<std::string>{});
}

std::string stream_error(const std::string& content, size_t chunk = DocumentStream::kDefaultChunkSize) {
  TempDir dir;
  const std::string path = dir.write("seed", content);
  Diagnostic problem;
  if (read_all(path, &problem, chunk)) return "<no error>";
  return problem.to_string();
}

TEST(JsonDocumentsStream, ArrayAndLinesGiveTheSameDocuments) {
  TempDir dir;
  const std::string array = dir.write("a.json", "[\n {\"n\": 1, \"at\": {\"$date\": \"2024-01-01T00:00:00Z\"}},\n"
                                                " {\"s\": \"} ] { [ \\\" \"}\n]\n");
  const std::string lines = dir.write("b.ndjson", "{\"n\": 1, \"at\": {\"$date\": \"2024-01-01T00:00:00Z\"}}\r\n\n"
                                                  "   {\"s\": \"} ] { [ \\\" \"}");
  const auto expected = std::vector<std::string>{
      testing::canonical(R"({"n": 1, "at": {"$date": "2024-01-01T00:00:00Z"}})"),
      testing::canonical(R"({"s": "} ] { [ \" "})")};
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, DocumentStream::kDefaultChunkSize}) {
    EXPECT_EQ(read_all(array, chunk), expected) << "chunk " << chunk;
    EXPECT_EQ(read_all(lines, chunk), expected) << "chunk " << chunk;
  }
}

TEST(JsonDocumentsStream, EmptyInputs) {
  TempDir dir;
  EXPECT_TRUE(read_all(dir.write("empty", "")).empty());
  EXPECT_TRUE(read_all(dir.write("blank", " \n\r\n")).empty());
  EXPECT_TRUE(read_all(dir.write("array", " [ ] \n")).empty());
}

TEST(JsonDocumentsStream, ErrorsNameLineAndColumn) {
  EXPECT_EQ(stream_error("{\"a\": 1}\n{\"a\": 2,}\n"), "seed:2:8: error: trailing comma before '}'");
  EXPECT_EQ(stream_error("{\"a\": 1}\n{\"a\": 2,}\n", 2), "seed:2:8: error: trailing comma before '}'");
  EXPECT_EQ(stream_error("{\"a\": 1} {\"b\": 2}\n"),
            "seed:1:10: error: expected one document per line, found '{' after a document");
  EXPECT_EQ(stream_error("[{\"a\": 1}\n {\"b\": 2}]"),
            "seed:2:2: error: expected ',' or ']' after a document, found '{'");
  EXPECT_EQ(stream_error("[{\"a\": 1},]"), "seed:1:10: error: trailing comma before ']'");
  EXPECT_EQ(stream_error("[{\"a\": 1}"), "seed:1:10: error: unterminated array of documents (missing ']')");
  EXPECT_EQ(stream_error("[{\"a\": 1}] x"),
            "seed:1:12: error: expected the end of the file after the array of documents, found 'x'");
  EXPECT_EQ(stream_error("[1]"), "seed:1:2: error: expected a document (an object), found '1'");
  EXPECT_EQ(stream_error("\"x\""),
            "seed:1:1: error: expected a JSON array of documents or one document per line, found '\"'");
  EXPECT_EQ(stream_error("{\"a\": 1}\nnull\n"),
            "seed:2:1: error: expected a document (an object) at the start of a line, found 'n'");
  EXPECT_EQ(stream_error("{\"a\": \"x\n\"}"),
            "seed:1:7: error: unterminated string (line break before the closing quote)");
  EXPECT_EQ(stream_error("{\"a\": {\"b\": 1}"),
            "seed:1:15: error: expected ',' or '}' after a value in an object, found end of file");
  EXPECT_EQ(stream_error("\xEF\xBB\xBF{}"),
            "seed:1:1: error: the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without a BOM");
  EXPECT_EQ(stream_error("{}\n{\"\xC3\xA9\": 1, \"t\": {\"$oid\": \"zz\"}}"),
            "seed:2:15: error: invalid Extended JSON: Invalid input string \"zz\", looking for OID");
  EXPECT_EQ(stream_error("{\"a\": 1, \"a\": 2}"), "seed:1:10: error: duplicate key \"a\" (first at line 1, column 2)");
}

TEST(JsonDocumentsStream, MissingFileIsAnError) {
  DocumentStream stream;
  Diagnostic problem;
  EXPECT_FALSE(stream.open("/nonexistent/seed.ndjson", &problem));
  EXPECT_EQ(problem.to_string(),
            "/nonexistent/seed.ndjson: error: cannot read documentsFile: No such file or directory");
}

TEST(JsonDocumentsStream, ChecksumSeesEveryByte) {
  TempDir dir;
  const std::string content = "{\"a\": 1}\r\n{\"a\": 2}\r\n";
  const std::string path = dir.write("seed", content);
  ChecksumBuilder streamed;
  DocumentStream stream(4);
  stream.set_byte_observer([&](std::string_view bytes) { streamed.add(bytes); });
  Diagnostic problem;
  ASSERT_TRUE(stream.open(path, &problem));
  EXPECT_EQ(stream.check_all(&problem), std::optional<uint64_t>(2));
  EXPECT_EQ(streamed.finish(), checksum_of_text(content));
}

void expect_load_error(const TempDir& dir, const std::string& expected) {
  LoadResult result = load_all({(dir.path() / "migrations").string()}, LoadOptions{});
  ASSERT_EQ(result.diagnostics.size(), 1u) << diagnostics_text(result.diagnostics);
  EXPECT_EQ(result.diagnostics[0].to_string(), expected);
}

TEST(JsonDocumentsStream, EscapeWithDotDotIsRefused) {
  TempDir dir;
  dir.write("seed.ndjson", "{\"a\": 1}\n");
  dir.write("migrations/V1__seed.json", R"([{"insertMany": "a", "documentsFile": "data/../../seed.ndjson"}])");
  expect_load_error(dir, dir.str() + "/migrations/V1__seed.json:1:39: error: command 1 (insertMany): field "
                                     "\"documentsFile\": \"data/../../seed.ndjson\" is outside the migration "
                                     "location; keep seed files in the location or below it");
}

TEST(JsonDocumentsStream, SymlinkOutsideIsRefused) {
  TempDir outside;
  TempDir dir;
  const std::string target = outside.write("seed.ndjson", "{\"a\": 1}\n");
  dir.write("migrations/V1__seed.json", R"([{"insertMany": "a", "documentsFile": "data/seed.ndjson"}])");
  fs::create_directories(dir.path() / "migrations" / "data");
  fs::create_symlink(target, dir.path() / "migrations" / "data" / "seed.ndjson");
  const std::string location = (dir.path() / "migrations").string();
  expect_load_error(dir, location +
                             "/V1__seed.json:1:39: error: command 1 (insertMany): field \"documentsFile\": "
                             "\"data/seed.ndjson\" resolves to " +
                             fs::canonical(target).string() + ", outside the migration location " + location +
                             " (through a symlink); keep seed files in the location or below it");
}

TEST(JsonDocumentsStream, SymlinkedDirectoryOutsideIsRefused) {
  TempDir outside;
  TempDir dir;
  outside.write("seed.ndjson", "{\"a\": 1}\n");
  dir.write("migrations/V1__seed.json", R"([{"insertMany": "a", "documentsFile": "data/seed.ndjson"}])");
  fs::create_directory_symlink(outside.path(), dir.path() / "migrations" / "data");
  LoadResult result = load_all({(dir.path() / "migrations").string()}, LoadOptions{});
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_NE(result.diagnostics[0].message.find("(through a symlink)"), std::string::npos);
}

TEST(JsonDocumentsStream, SymlinkInsideIsAccepted) {
  TempDir dir;
  dir.write("migrations/data/real.ndjson", "{\"a\": 1}\n{\"a\": 2}\n");
  dir.write("migrations/V1__seed.json", R"([{"insertMany": "a", "documentsFile": "seed.ndjson"}])");
  fs::create_symlink(dir.path() / "migrations" / "data" / "real.ndjson", dir.path() / "migrations" / "seed.ndjson");
  LoadResult result = load_all({(dir.path() / "migrations").string()}, LoadOptions{});
  EXPECT_FALSE(result.has_errors()) << diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 1u);
  EXPECT_EQ(result.migrations[0].up.commands[0].documents_count, std::optional<uint64_t>(2));
}

// What a stream reports for `path`: the error message, or the document count.
std::string outcome(const std::string& path, bool all_at_once) {
  DocumentStream stream;
  Diagnostic problem;
  EXPECT_TRUE(stream.open(path, "seed", &problem));
  if (all_at_once) {
    const auto count = stream.check_all(&problem);
    return count ? std::to_string(*count) + " documents" : problem.to_string();
  }
  bson::Document doc;
  for (bool found = true; found;) {
    if (!stream.next(doc, &found, &problem)) return problem.to_string();
  }
  return std::to_string(stream.count()) + " documents";
}

TEST(JsonDocumentsStream, CheckAllOnSeveralThreadsReportsWhatNextWould) {
  // Files over kParallelCheckBytes, checked in batches on several threads:
  // the first problem in the file wins, whichever thread finds it.
  TempDir dir;
  const std::string pad(60, 'x');
  struct Case {
    std::map<int, std::string> lines;  // replaced lines (0-based)
    std::string tail;                  // appended after the 20,000 lines
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{}, "", "20000 documents"},
      {{{10, R"({"t": {"$oid": "zz"}})"}},
       "{\"a\": 1} {\"b\": 2}\n",
       "seed:11:7: error: invalid Extended JSON: Invalid input string \"zz\", looking for OID"},
      {{{100, R"({"a": 1, "a": 2})"}, {15000, R"({"t": {"$oid": "zz"}})"}},
       "",
       "seed:101:10: error: duplicate key \"a\" (first at line 101, column 2)"},
      {{{19000, R"({"a": 2,})"}}, "", "seed:19001:8: error: trailing comma before '}'"},
      {{}, "{\"a\": \"x\n\"}", "seed:20001:7: error: unterminated string (line break before the closing quote)"},
      // A document over several lines: its first line is not taken whole
      // (it does not end with '}'), or is and fails, so the file is checked
      // again by scanning; valid, and with a later error.
      {{{500, "{\n  \"multi\": [1,\n 2]\n}"}}, "", "20000 documents"},
      {{{500, "{\"multi\": {\"x\": 1}\n}"}}, "", "20000 documents"},
      {{{500, "{\n  \"multi\": 1\n}"}, {900, R"({"a": 2,})"}}, "", "seed:903:8: error: trailing comma before '}'"},
      // Space and CR at the end of lines, blank lines.
      {{{7, "{\"a\": 1}  \t\r"}, {8, "\r\n  {\"b\": 2}   "}}, "", "20000 documents"},
      {{{7, "{\"a\": 1}\r"}, {8, "  {\"b\": 2,}\r"}}, "", "seed:9:10: error: trailing comma before '}'"},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    std::string text;
    for (int i = 0; i < 20000; ++i) {
      auto it = cases[c].lines.find(i);
      text += it != cases[c].lines.end() ? it->second
                                         : R"({"_id": )" + std::to_string(i) + R"(, "pad": ")" + pad + "\"}";
      text += "\n";
    }
    text += cases[c].tail;
    ASSERT_GT(text.size(), DocumentStream::kParallelCheckBytes);
    const std::string path = dir.write("seed" + std::to_string(c), text);
    EXPECT_EQ(outcome(path, false), cases[c].expected) << "case " << c;
    EXPECT_EQ(outcome(path, true), cases[c].expected) << "case " << c;
  }
}

// The first document without a top-level _id (what a derived undo needs to
// know) is found while the file is checked, one thread or several: the
// first in the file, whichever batch holds it; a nested _id does not count.
TEST(JsonDocumentsStream, TheFirstDocumentWithoutAnIdIsKnownAfterTheCheck) {
  TempDir dir;
  const auto first_without_id = [&](const std::map<int, std::string>& odd, bool all_at_once) {
    std::string text;
    for (int i = 0; i < 20000; ++i) {
      auto it = odd.find(i);
      text += (it != odd.end() ? it->second
                               : R"({"_id": )" + std::to_string(i) + R"(, "pad": ")" + std::string(60, 'z') + "\"}") +
              "\n";
    }
    EXPECT_GT(text.size(), DocumentStream::kParallelCheckBytes);
    const std::string path = dir.write("seed", text);
    DocumentStream stream;
    Diagnostic problem;
    EXPECT_TRUE(stream.open(path, &problem));
    if (all_at_once) {
      EXPECT_EQ(stream.check_all(&problem), std::optional<uint64_t>(20000)) << problem.to_string();
    } else {
      bson::Document doc;
      for (bool found = true; found;) EXPECT_TRUE(stream.next(doc, &found, &problem));
    }
    return stream.first_without_id();
  };
  for (bool all_at_once : {false, true}) {
    SCOPED_TRACE(all_at_once ? "check_all" : "next");
    EXPECT_EQ(first_without_id({}, all_at_once), 0u);
    EXPECT_EQ(first_without_id({{19000, R"({"a": 1})"}, {17000, R"({"b": {"_id": 1}})"}}, all_at_once), 17001u);
    EXPECT_EQ(first_without_id({{3, R"({"a": 1})"}, {19999, R"({"b": 1})"}}, all_at_once), 4u);
  }
}

TEST(JsonDocumentsStream, CheckAllFeedsTheChecksumEveryByteOnce) {
  // Also when a line that is not one whole document makes it read the file again.
  TempDir dir;
  // The second odd document's first line ends with '}': taken whole, it fails
  // to parse, and the file is read again.
  for (const std::string& odd : {std::string(R"({"plain": true})"), std::string("{\"multi\": {\"x\": 1}\n}")}) {
    std::string text;
    for (int i = 0; i < 20000; ++i)
      text += (i == 15000 ? odd : R"({"_id": )" + std::to_string(i) + R"(, "pad": ")" + std::string(60, 'y') + "\"}") +
              "\n";
    ASSERT_GT(text.size(), DocumentStream::kParallelCheckBytes);
    const std::string path = dir.write("seed", text);
    ChecksumBuilder streamed;
    DocumentStream stream;
    stream.set_byte_observer([&](std::string_view bytes) { streamed.add(bytes); });
    Diagnostic problem;
    ASSERT_TRUE(stream.open(path, &problem));
    EXPECT_EQ(stream.check_all(&problem), std::optional<uint64_t>(20000));
    EXPECT_EQ(streamed.finish(), checksum_of_text(text)) << odd;
  }
}

TEST(JsonDocumentsStream, LargeFileIsStreamed) {
  TempDir dir;
  const std::string path = (dir.path() / "big.ndjson").string();
  uint64_t written = 0;
  uint64_t bytes = 0;
  {
    std::ofstream out(path, std::ios::binary);
    std::string line;
    const std::string bio(160, 'x');
    while (bytes < 20u * 1024 * 1024) {
      line = "{\"_id\": {\"$numberLong\": \"" + std::to_string(written) + "\"}, \"name\": \"user " +
             std::to_string(written) + "\", \"bio\": \"" + bio + "\", \"tags\": [\"a\", \"b\"], \"active\": true}\n";
      out << line;
      bytes += line.size();
      ++written;
    }
  }
  DocumentStream stream;
  Diagnostic problem;
  ASSERT_TRUE(stream.open(path, &problem));
  bson::Document doc;
  uint64_t seen = 0;
  int64_t last_id = -1;
  for (bool found = true; stream.next(doc, &found, &problem) && found;) {
    ++seen;
    bson_iter_t it;
    ASSERT_TRUE(bson_iter_init_find(&it, doc.get(), "_id"));
    ASSERT_EQ(bson_iter_type(&it), BSON_TYPE_INT64);
    last_id = bson_iter_int64(&it);
  }
  EXPECT_EQ(seen, written);
  EXPECT_EQ(stream.count(), written);
  EXPECT_EQ(last_id, static_cast<int64_t>(written) - 1);
  EXPECT_GT(bytes, 20u * 1024 * 1024);
  EXPECT_LT(stream.buffer_capacity(), 4u * DocumentStream::kDefaultChunkSize);  // bounded, not the file size
}

}  // namespace
}  // namespace mongoway::json
