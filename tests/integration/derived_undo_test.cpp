// The undo mongoway derives for versions without U files, against a real
// server: what its replies say a version created, and the database as it
// was once the undo has run.

#include <filesystem>

#include "fixture.hpp"

namespace mongoway::testing {
namespace {

UndoOptions down_to(int64_t version) {
  UndoOptions o;
  o.target = version;
  return o;
}

class DerivedUndo : public DatabaseTest {
 protected:
  // Every collection but mongoway's own, with its indexes and documents.
  std::string user_data() {
    std::string out;
    for (const auto& c : collections()) {
      if (c.rfind("mongoway_", 0) == 0) continue;
      out += "== " + c + "\n";
      for (const auto& i : index_names(c)) out += "index " + i + "\n";
      for (const auto& d : find(c)) out += d.to_json(bson::JsonMode::canonical) + "\n";
    }
    return out;
  }
  // Three reversible versions: a collection and an index, inserts with _ids
  // (one from a documentsFile, into a collection it creates), a rename.
  std::string three_versions() {
    auto dir = temp_dir();
    write(dir, "V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    write(dir, "V2__seed.json", R"([{"insertMany": "users", "documents": [{"_id": 1, "email": "a"}, {"_id": 2}]},
      {"insertMany": "tags", "documentsFile": "tags.jsonl"}])");
    write(dir, "tags.jsonl", "{\"_id\": \"red\"}\n{\"_id\": \"blue\"}\n");
    write(dir, "V3__rename.json", R"([{"renameCollection": "tags", "to": "labels"}])");
    return dir;
  }
};

TEST_F(DerivedUndo, ThreeReversibleVersionsUndoToZeroAndTheDatabaseIsAsBefore) {
  auto dir = three_versions();
  Migrator m(config({dir}));
  m.migrate();  // creates the history collection, so that "before" is the database with it
  m.undo(down_to(0));
  const std::string before = user_data();
  m.migrate();
  ASSERT_NE(user_data(), before);
  for (const auto& v : m.info().migrations) EXPECT_EQ(v.undo, "derived") << v.version << " " << v.undo_reason;
  const auto r = m.undo(down_to(0));
  EXPECT_EQ(r.to_version, 0);
  EXPECT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(user_data(), before);
}

TEST_F(DerivedUndo, AnIndexThatExistedBeforeTheVersionIsLeftInPlace) {
  auto dir = temp_dir();
  write(dir, "V1__indexes.json", R"([{"createIndexes": "users", "indexes": [{"key": {"email": 1}},
    {"key": {"age": 1}}]}])");
  client().run(db, json(R"({"createIndexes": "users", "indexes": [{"key": {"email": 1}, "name": "email_1"}]})"));
  Migrator m(config({dir}));
  m.migrate();
  EXPECT_EQ(index_names("users"), (std::vector<std::string>{"_id_", "age_1", "email_1"}));
  m.undo(down_to(0));
  EXPECT_EQ(index_names("users"), (std::vector<std::string>{"_id_", "email_1"}));
}

TEST_F(DerivedUndo, ADropIsRefusedBeforeAnythingRunsWhenTheCollectionHoldsOtherDocuments) {
  auto dir = three_versions();
  Migrator m(config({dir}));
  m.migrate();
  client().run(db, json(R"({"insert": "users", "documents": [{"_id": 99}]})"));
  const std::string after = user_data();
  try {
    m.undo(down_to(0));
    FAIL() << "the undo ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("drops collection users, which holds 1 document that version 1 did not "
                                         "insert"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(user_data(), after);
  EXPECT_EQ(m.info().current_version, 3);
}

}  // namespace
}  // namespace mongoway::testing
