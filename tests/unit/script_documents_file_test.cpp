// script/documents_file.hpp: the engine's reading of a documentsFile, where
// the stream's problems become mongoway::Error.

#include <gtest/gtest.h>

#include "script/documents_file.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::TempDir;

TEST(ScriptDocumentsFile, ReadsEveryDocument) {
  TempDir dir;
  DocumentStream stream;
  stream.open(dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": 2}\n"));
  bson::Document doc;
  int documents = 0;
  while (stream.next(doc)) ++documents;
  EXPECT_EQ(documents, 2);
  EXPECT_FALSE(stream.next(doc));  // stays at the end
}

TEST(ScriptDocumentsFile, AProblemIsAnErrorWithItsDiagnostic) {
  TempDir dir;
  const std::string path = dir.write("seed.ndjson", "{\"a\": 1}\n{\"a\": }\n");
  DocumentStream stream;
  stream.open(path);
  bson::Document doc;
  ASSERT_TRUE(stream.next(doc));
  try {
    stream.next(doc);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 2);
    // Said once: the message is the diagnostic with its place, without a second "error:".
    EXPECT_EQ(std::string(e.what()), e.diagnostics()[0].located_message());
  }
}

TEST(ScriptDocumentsFile, AMissingFileIsAnError) {
  DocumentStream stream;
  try {
    stream.open("/nonexistent/seed.ndjson");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_EQ(std::string(e.what()), "/nonexistent/seed.ndjson: cannot read documentsFile: No such file or directory");
  }
}

}  // namespace
}  // namespace mongoway::script
