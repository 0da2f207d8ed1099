// Reading one database's fingerprint again and again (exec/schema_reader's
// FingerprintReader): listCollections every time, the indexes (and documents)
// only of what may have changed; what it gives equals a full read whenever
// the collections named cover every change.

#include <gtest/gtest.h>

#include "../fake/fake_server.hpp"
#include "exec/schema_reader.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using Names = std::set<std::string>;

constexpr const char* kDb = "mongoway_scratch_reader";

exec::ReadOptions schema_only() {
  exec::ReadOptions o;
  o.history_collection = "mongoway_history";
  return o;
}

class FingerprintReaderTest : public ::testing::Test {
 protected:
  FingerprintReaderTest() : server(fake.another(0ms)), reader(*server, kDb, schema_only()) {
    run(R"({"create": "a"})");
    run(R"({"create": "b"})");
  }
  void run(const std::string& command) { fake.send(kDb, *bson::Document::from_json(command), port::Reply::plain); }
  void add_index(const std::string& collection, const std::string& field) {
    run(R"({"createIndexes": ")" + collection + R"(", "indexes": [{"key": {")" + field + R"(": 1}, "name": ")" + field +
        R"(_1"}]})");
  }
  std::string text(const exec::Fingerprint& f) { return exec::fingerprint_text(f); }
  std::string full_read() { return text(exec::read_fingerprint(*server, kDb, schema_only())); }
  std::vector<std::string> indexes_listed() const {
    std::vector<std::string> out;
    for (const auto& r : fake.requests_of("list_indexes")) out.push_back(r.command_json);
    return out;
  }

  FakeServer fake;
  std::unique_ptr<port::Server> server;
  exec::FingerprintReader reader;
};

TEST_F(FingerprintReaderTest, WhatTheNamedCollectionsCoverEqualsAFullRead) {
  reader.read();
  add_index("a", "x");
  run(R"({"create": "c"})");
  EXPECT_EQ(text(reader.read(Names{"a", "c"})), full_read());
}

TEST_F(FingerprintReaderTest, OnlyTheNamedAndTheNewCollectionsHaveTheirIndexesListedAgain) {
  reader.read();
  run(R"({"create": "c"})");
  const size_t before = fake.requests_of("list_indexes").size();
  reader.read(Names{"a"});
  const auto listed = indexes_listed();
  EXPECT_EQ(std::vector<std::string>(listed.begin() + before, listed.end()),
            (std::vector<std::string>{R"({"listIndexes": "a"})", R"({"listIndexes": "c"})"}));
}

// The reader's contract: a change no named command made is not seen, unless
// it shows in listCollections.
TEST_F(FingerprintReaderTest, AnIndexOfACollectionNotNamedKeepsWhatWasReadOfIt) {
  const std::string before = text(reader.read());
  add_index("b", "y");
  EXPECT_EQ(text(reader.read(Names{"a"})), before);
  EXPECT_NE(text(reader.read()), before) << "without names, everything is read";
}

TEST_F(FingerprintReaderTest, ACollectionWhoseListCollectionsEntryChangedIsReadAgain) {
  reader.read();
  add_index("b", "y");
  run(R"({"collMod": "b", "validator": {"y": {"$exists": true}}})");
  EXPECT_EQ(text(reader.read(Names{})), full_read());
}

TEST_F(FingerprintReaderTest, ADroppedCollectionIsGoneThoughNotNamed) {
  reader.read();
  run(R"({"drop": "b"})");
  EXPECT_EQ(text(reader.read(Names{})), full_read());
}

}  // namespace
}  // namespace mongoway::testing
