// The undo mongoway derives for a version without a U file, on the fake
// server: what a migrate records of what it created, the undo derived from
// it, and the refusals that come before anything runs.

#include <gtest/gtest.h>

#include <filesystem>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/history.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bson::Document json_doc(const std::string& text) {
  auto doc = bson::Document::from_json(text);
  if (!doc) throw std::runtime_error("bad JSON in test: " + text);
  return std::move(*doc);
}

// Every collection and view of the database but mongoway's own, each with
// its type, options, indexes and documents: the database as a user sees it.
std::string dump(port::Server& server, const std::string& database) {
  std::string out;
  for (const auto& spec : server.list_collection_specs(database)) {
    bson_iter_t it;
    std::string name = bson_iter_init_find(&it, spec.get(), "name") ? bson_iter_utf8(&it, nullptr) : "";
    if (name.rfind("mongoway_", 0) == 0) continue;
    out += name;
    if (bson_iter_init_find(&it, spec.get(), "type")) out += std::string(" ") + bson_iter_utf8(&it, nullptr);
    out += "\n";
    if (bson_iter_init_find(&it, spec.get(), "type") && std::string(bson_iter_utf8(&it, nullptr)) == "view") continue;
    for (const auto& index : server.list_indexes(database, name)) out += "  " + index.to_json() + "\n";
    server.read_documents_by_id(database, name, [&](const bson::Document& d) { out += "  " + d.to_json() + "\n"; });
  }
  return out;
}

class DerivedUndo : public ::testing::Test {
 protected:
  DerivedUndo() {
    dir.write("V1__users.json", R"([{"createCollection": "users"},
      {"createIndex": "users", "key": {"email": 1}, "unique": true}])");
    dir.write("V2__seed.json", R"([{"insertMany": "users", "documents": [{"_id": 1, "email": "a"}, {"_id": 2}]},
      {"insertMany": "tags", "documentsFile": "tags.jsonl"}])");
    dir.write("tags.jsonl", "{\"_id\": \"red\"}\n{\"_id\": \"blue\"}\n");
    dir.write("V3__rename.json", R"([{"renameCollection": "tags", "to": "labels"}])");
  }

  std::optional<Error> run(const std::function<void(exec::Engine&)>& command) {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    exec::Engine e(
        c, [this](const exec::Engine&) { return server->another(0ms); }, server->clock());
    e.heartbeat_thread = false;
    try {
      command(e);
      return std::nullopt;
    } catch (const Error& error) {
      return error;
    }
  }
  std::optional<Error> migrate() {
    auto error = run([](exec::Engine& e) { exec::migrate(e, {}); });
    if (error) ADD_FAILURE() << error->what();
    return error;
  }
  std::optional<Error> undo_to(int64_t target, bool dry_run = false) {
    return run([&](exec::Engine& e) {
      UndoOptions o;
      o.target = target;
      o.dry_run = dry_run;
      result = exec::undo(e, o);
    });
  }
  // The requests that change something, from request k on.
  std::vector<std::string> writes_from(int64_t k) const {
    std::vector<std::string> out;
    for (const auto& r : server->requests()) {
      if (r.number >= k && (r.op == "append" || r.op == "record_run" || r.op == "send:drop" || r.op == "send:delete" ||
                            r.op == "send:dropIndexes" || r.op == "send:renameCollection")) {
        out.push_back(r.op);
      }
    }
    return out;
  }
  int64_t next_request() const { return server->requests().empty() ? 0 : server->requests().back().number + 1; }

  TempDir dir;
  FakeServer fake;
  FakeServer* server = &fake;  // the one the commands run on
  RunResult result;
};

TEST_F(DerivedUndo, EachEntryRecordsWhatItsVersionCreated) {
  ASSERT_FALSE(migrate());
  const auto history = exec::read_history(fake);
  ASSERT_EQ(history.size(), 3u);
  using Kind = model::Creation::Kind;
  ASSERT_TRUE(history[0].created);
  const auto& v1 = history[0].created->items;
  ASSERT_EQ(v1.size(), 2u);
  EXPECT_EQ(v1[0].kind, Kind::collection);
  EXPECT_EQ(v1[0].collection, "users");
  EXPECT_EQ(v1[1].kind, Kind::index);
  EXPECT_EQ(v1[1].name, "email_1");
  const auto& v2 = history[1].created->items;
  ASSERT_EQ(v2.size(), 3u);
  EXPECT_EQ(v2[0].kind, Kind::documents);
  EXPECT_EQ(v2[0].count, 2);
  EXPECT_EQ(v2[1].kind, Kind::collection) << "tags did not exist: the insert created it";
  EXPECT_EQ(v2[1].collection, "tags");
  EXPECT_EQ(v2[2].count, 2);
  EXPECT_EQ(history[2].created->items.at(0).kind, Kind::rename);
  EXPECT_EQ(fake.requests_of("list_collection_specs").size(), 1u) << "the collections are read once a run";
}

TEST_F(DerivedUndo, ThreeReversibleVersionsUndoToZeroAndTheDatabaseIsAsBefore) {
  fake.put_document("app", "other", json_doc(R"({"_id": 7})"));
  const std::string before = dump(fake, "app");
  ASSERT_FALSE(migrate());
  ASSERT_NE(dump(fake, "app"), before);
  ASSERT_FALSE(undo_to(0));
  EXPECT_EQ(dump(fake, "app"), before);
  EXPECT_EQ(result.to_version, 0);
  const auto history = exec::read_history(fake);
  ASSERT_EQ(history.size(), 6u);
  for (size_t i = 3; i < 6; ++i) {
    EXPECT_EQ(history[i].type, model::EntryType::undo);
    EXPECT_TRUE(history[i].derived) << i;
    EXPECT_TRUE(history[i].success) << i;
  }
  std::vector<HistoryRecord> shown;
  ASSERT_FALSE(run([&](exec::Engine& e) { shown = exec::history(e, {}); }));
  ASSERT_EQ(shown.size(), 6u);
  for (const auto& r : shown) EXPECT_EQ(r.derived, r.type == "undo") << "history shows rank " << r.rank;
}

TEST_F(DerivedUndo, TheDryRunShowsTheDerivedCommandsAndChangesNothing) {
  ASSERT_FALSE(migrate());
  const std::string after = dump(fake, "app");
  const int64_t k = next_request();
  ASSERT_FALSE(undo_to(0, true));
  EXPECT_TRUE(writes_from(k).empty());
  EXPECT_EQ(dump(fake, "app"), after);
  ASSERT_EQ(result.steps.size(), 3u);
  std::vector<std::string> names;
  for (const auto& step : result.steps) {
    for (const auto& c : step.commands) names.push_back(std::to_string(step.version) + " " + c.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"3 renameCollection", "2 deleteMany", "2 dropCollection", "2 deleteMany",
                                             "1 dropIndex", "1 dropCollection"}));
  EXPECT_TRUE(contains(result.steps[1].commands[0].command_json, "\"$in\""))
      << result.steps[1].commands[0].command_json;
}

TEST_F(DerivedUndo, AnIndexThatExistedBeforeIsLeftInPlace) {
  dir.write("V1__users.json", R"([{"createCollection": "users"}])");
  dir.write("V2__seed.json", R"([{"createIndexes": "users", "indexes": [{"key": {"email": 1}},
      {"key": {"age": 1}}]}])");
  std::filesystem::remove(dir.str() + "/V3__rename.json");
  ASSERT_FALSE(run([](exec::Engine& e) {
    MigrateOptions o;
    o.target = 1;
    exec::migrate(e, o);
  }));
  fake.send("app", json_doc(R"({"createIndexes": "users", "indexes": [{"key": {"email": 1}, "name": "email_1"}]})"),
            port::Reply::plain);
  ASSERT_FALSE(migrate());
  EXPECT_EQ(fake.requests_of("list_indexes").size(), 1u) << "two indexes on a collection that exists: read first";
  ASSERT_FALSE(undo_to(1));
  const auto indexes = fake.list_indexes("app", "users");
  ASSERT_EQ(indexes.size(), 2u);
  EXPECT_TRUE(contains(indexes[1].to_json(), "email_1"));
}

TEST_F(DerivedUndo, AVersionMixingAnIrreversibleCommandIsRefusedBeforeAnythingRuns) {
  dir.write("V3__rename.json", R"([{"renameCollection": "tags", "to": "labels"},
      {"updateMany": "users", "filter": {}, "update": {"$set": {"x": 1}}}])");
  ASSERT_FALSE(migrate());
  const int64_t k = next_request();
  auto error = undo_to(0);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "V3__rename.json:2:7: command 2 (updateMany) is not reversible"))
      << error->what();
  EXPECT_TRUE(writes_from(k).empty());
}

TEST_F(DerivedUndo, ADropIsRefusedBeforeAnythingRunsWhenTheCollectionHoldsOtherDocuments) {
  ASSERT_FALSE(migrate());
  fake.send("app", json_doc(R"({"insert": "users", "documents": [{"_id": 3}]})"), port::Reply::write);
  const std::string after = dump(fake, "app");
  const int64_t k = next_request();
  auto error = undo_to(0);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "V1__users.json: its derived undo drops collection users, which holds 1 "
                                      "document that version 1 did not insert; nothing was undone"))
      << error->what();
  EXPECT_TRUE(writes_from(k).empty());
  EXPECT_EQ(dump(fake, "app"), after);
  // Its own documents alone do not stand in the way: V2's undo deletes them first.
  fake.send("app", json_doc(R"({"delete": "users", "deletes": [{"q": {"_id": {"$in": [3]}}, "limit": 0}]})"),
            port::Reply::write);
  EXPECT_FALSE(undo_to(0));
}

TEST_F(DerivedUndo, AVersionAppliedBeforeTheRecordHasNoDerivedUndo) {
  ASSERT_FALSE(migrate());
  FakeServer older;  // the same history, as a mongoway that did not record what versions create wrote it
  for (auto e : fake.entries()) {
    e.created.reset();
    older.put_entry(e);
  }
  server = &older;
  const int64_t k = next_request();
  auto error = undo_to(2);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_TRUE(contains(error->what(), "version 3 has no undo file (U3__undo_*.json) and no derived undo: it was "
                                      "applied before mongoway recorded what versions create"))
      << error->what();
  EXPECT_TRUE(writes_from(k).empty());
}

}  // namespace
}  // namespace mongoway::testing

namespace mongoway::testing {
namespace {

TEST_F(DerivedUndo, InfoSaysHowEachVersionIsUndoneAndWhyNot) {
  dir.write("U1__undo_users.json", R"([{"dropCollection": "users"}])");
  dir.write("V4__backfill.json", R"([{"updateMany": "labels", "filter": {}, "update": {"$set": {"a": 1}}}])");
  ASSERT_FALSE(migrate());
  InfoResult shown;
  ASSERT_FALSE(run([&](exec::Engine& e) { shown = exec::info(e); }));
  ASSERT_EQ(shown.migrations.size(), 4u);
  EXPECT_EQ(shown.migrations[0].undo, "file");
  EXPECT_EQ(shown.migrations[1].undo, "derived");
  EXPECT_TRUE(shown.migrations[1].undoable);
  EXPECT_EQ(shown.migrations[1].undo_reason, "");
  EXPECT_EQ(shown.migrations[3].undo, "none");
  EXPECT_FALSE(shown.migrations[3].undoable);
  EXPECT_TRUE(contains(shown.migrations[3].undo_reason, "V4__backfill.json:1:2: command 1 (updateMany) is not "
                                                        "reversible"))
      << shown.migrations[3].undo_reason;
}

}  // namespace
}  // namespace mongoway::testing
