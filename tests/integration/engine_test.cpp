// The engine against a real server: what migrate, undo, info, validate,
// baseline and repair do to the database and its history.

#include <fmt/format.h>

#include <filesystem>
#include <thread>

#include "../support/inspect.hpp"
#include "../support/process.hpp"
#include "fixture.hpp"

namespace mongoway::testing {
namespace {

const std::string kExamples = std::string(MONGOWAY_SOURCE_DIR) + "/migrations";

MigrateOptions to_target(int64_t version) {
  MigrateOptions o;
  o.target = version;
  return o;
}

UndoOptions down_to(int64_t version) {
  UndoOptions o;
  o.target = version;
  return o;
}

class Engine : public DatabaseTest {
 protected:
  // V<n> inserts one marker document {_id: n} into "markers"; U<n> deletes it.
  std::string markers(int n, bool with_undo = true) {
    auto dir = temp_dir();
    for (int v = 1; v <= n; ++v) add_marker(dir, v, with_undo);
    return dir;
  }
  void add_marker(const std::string& dir, int v, bool with_undo = true) {
    write(dir, fmt::format("V{}__marker_{}.json", v, v),
          fmt::format(R"([{{"insertOne": "markers", "document": {{"_id": {}}}}}])", v));
    if (with_undo) {
      write(dir, fmt::format("U{}__undo_marker_{}.json", v, v),
            fmt::format(R"([{{"deleteOne": "markers", "filter": {{"_id": {}}}}}])", v));
    }
  }
  std::vector<model::HistoryEntry> history() { return read_history(client(), db, "mongoway_history"); }
  State state(Migrator& m, int64_t version) {
    for (const auto& v : m.info().migrations) {
      if (v.version == version) return v.state;
    }
    ADD_FAILURE() << "no version " << version;
    return State::pending;
  }
};

TEST_F(Engine, ExampleMigrationsCreateWhatTheyDescribe) {
  Migrator m(config({kExamples}));
  auto r = m.migrate();
  ASSERT_EQ(r.steps.size(), 6u);
  EXPECT_EQ(r.from_version, 0);
  EXPECT_EQ(r.to_version, 6);

  EXPECT_EQ(collections(), (std::vector<std::string>{"catalog", "countries", "mongoway_history",
                                                     "mongoway_history_lock", "orders", "users"}));
  EXPECT_EQ(index_names("users"), (std::vector<std::string>{"_id_", "email_1"}));
  EXPECT_EQ(index_names("orders"), (std::vector<std::string>{"_id_", "status_1", "user_id_1_created_at_-1"}));
  EXPECT_EQ(index_names("catalog"), (std::vector<std::string>{"_id_", "sku_1"}));
  EXPECT_EQ(index_names("countries"), (std::vector<std::string>{"_id_", "code_1"}));
  EXPECT_EQ(count("catalog"), 3);
  EXPECT_EQ(count("users"), 2);
  EXPECT_EQ(count("countries"), 6);
  EXPECT_EQ(count("orders", R"({"status": "pending"})"), 3);

  // Extended JSON arrives as real BSON types.
  auto tee = find("catalog", R"({"sku": "TEE-001"})");
  ASSERT_EQ(tee.size(), 1u);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, tee[0].get(), "price_cents"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_INT64);
  EXPECT_EQ(bson_iter_int64(&it), 1999);
  ASSERT_TRUE(bson_iter_init_find(&it, tee[0].get(), "added_on"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_DATE_TIME);
  EXPECT_EQ(bson_iter_date_time(&it), 1705309200000);
  auto ada = find("users", R"({"email": "ada@example.com"})");
  ASSERT_EQ(ada.size(), 1u);
  ASSERT_TRUE(bson_iter_init_find(&it, ada[0].get(), "_id"));
  EXPECT_EQ(bson_iter_type(&it), BSON_TYPE_OID);

  // The history: one successful migrate entry per version, ranks 1..6.
  auto h = history();
  ASSERT_EQ(h.size(), 6u);
  for (size_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(h[i].rank, static_cast<int64_t>(i + 1));
    EXPECT_EQ(h[i].version, static_cast<int64_t>(i + 1));
    EXPECT_EQ(h[i].type, model::EntryType::migrate);
    EXPECT_TRUE(h[i].success);
    EXPECT_TRUE(h[i].finished);
    EXPECT_EQ(h[i].checksum.rfind("sha256:", 0), 0u);
  }
  // The history collection holds exactly those; the run's record is gone.
  EXPECT_EQ(find("mongoway_history").size(), 6u);
  EXPECT_TRUE(find("mongoway_history_lock", R"({"_id": {"$lt": 0}})").empty());

  // A second migrate does nothing: no step, no new history, same data.
  auto before = snapshot();
  Migrator again(config({kExamples}));
  auto r2 = again.migrate();
  EXPECT_TRUE(r2.steps.empty());
  EXPECT_EQ(r2.to_version, 6);
  EXPECT_NE(r2.message.find("up to date"), std::string::npos);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Engine, ExampleMigrationsUndoToZeroLeavesOnlyTheHistory) {
  Migrator m(config({kExamples}));
  m.migrate();
  auto r = m.undo(down_to(0));
  EXPECT_EQ(r.steps.size(), 6u);
  EXPECT_EQ(r.to_version, 0);
  EXPECT_EQ(collections(), (std::vector<std::string>{"mongoway_history", "mongoway_history_lock"}));
  EXPECT_EQ(m.info().current_version, 0);
  // And up again.
  EXPECT_EQ(m.migrate().steps.size(), 6u);
  EXPECT_EQ(count("catalog"), 3);
}

TEST_F(Engine, InfoShowsEveryVersionWithItsState) {
  auto dir = markers(3);
  Migrator m(config({dir}));
  auto before = m.info();
  EXPECT_EQ(before.current_version, 0);
  ASSERT_EQ(before.migrations.size(), 3u);
  for (const auto& v : before.migrations) EXPECT_EQ(v.state, State::pending);
  m.migrate(to_target(2));
  auto after = m.info();
  EXPECT_EQ(after.current_version, 2);
  EXPECT_EQ(after.migrations[0].state, State::applied);
  EXPECT_TRUE(after.migrations[0].installed_on.has_value());
  EXPECT_TRUE(after.migrations[0].undoable);
  EXPECT_EQ(after.migrations[2].state, State::pending);
  // info writes nothing.
  EXPECT_EQ(history().size(), 2u);
}

TEST_F(Engine, MigrateToTargetThenFurther) {
  auto dir = markers(5);
  Migrator m(config({dir}));
  auto r = m.migrate(to_target(3));
  EXPECT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(count("markers"), 3);
  EXPECT_EQ(m.info().current_version, 3);
  auto r2 = m.migrate();
  EXPECT_EQ(r2.steps.size(), 2u);
  EXPECT_EQ(r2.from_version, 3);
  EXPECT_EQ(r2.to_version, 5);
  EXPECT_EQ(count("markers"), 5);
}

TEST_F(Engine, MigrateAndUndoBySteps) {
  auto dir = markers(5);
  Migrator m(config({dir}));
  MigrateOptions o;
  o.steps = 2;
  EXPECT_EQ(m.migrate(o).steps.size(), 2u);
  EXPECT_EQ(m.info().current_version, 2);
  EXPECT_EQ(m.migrate(o).to_version, 4);
  UndoOptions u;
  u.steps = 3;
  auto r = m.undo(u);
  EXPECT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.to_version, 1);
  EXPECT_EQ(count("markers"), 1);
}

TEST_F(Engine, TargetBelowCurrentPointsToUndo) {
  auto dir = markers(3);
  Migrator m(config({dir}));
  m.migrate();
  try {
    m.migrate(to_target(1));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("undo"), std::string::npos);
  }
}

TEST_F(Engine, UndoToTargetAndMigrateAgain) {
  auto dir = markers(5);
  Migrator m(config({dir}));
  m.migrate();
  auto r = m.undo(down_to(2));
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0].version, 5);
  EXPECT_EQ(r.steps[2].version, 3);
  EXPECT_EQ(r.to_version, 2);
  EXPECT_EQ(count("markers"), 2);
  EXPECT_EQ(state(m, 4), State::undone);
  auto one = m.undo();  // default: one step
  ASSERT_EQ(one.steps.size(), 1u);
  EXPECT_EQ(one.steps[0].version, 2);
  EXPECT_EQ(count("markers"), 1);
  auto again = m.migrate();
  EXPECT_EQ(again.steps.size(), 4u);
  EXPECT_EQ(count("markers"), 5);
  // The log keeps every action: 5 migrates, 4 undos, 4 migrates.
  EXPECT_EQ(history().size(), 13u);
}

TEST_F(Engine, UndoRefusedWithoutUndoFileAndNothingIsUndone) {
  auto dir = markers(3);
  std::filesystem::remove(dir + "/U2__undo_marker_2.json");
  // A command no derived undo reverses.
  write(dir, "V2__marker_2.json", R"([{"insertOne": "markers", "document": {"_id": 2}},
    {"updateOne": "markers", "filter": {"_id": 2}, "update": {"$set": {"seen": true}}}])");
  Migrator m(config({dir}));
  m.migrate();
  auto before = snapshot();
  try {
    m.undo(down_to(0));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("version 2 has no undo file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("command 2 (updateOne) is not reversible"), std::string::npos) << e.what();
  }
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(count("markers"), 3);
}

TEST_F(Engine, ChecksumDriftIsReportedByValidateAndRefusedByMigrate) {
  auto dir = markers(2);
  Migrator m(config({dir}));
  m.migrate(to_target(1));
  write(dir, "V1__marker_1.json", R"([{"insertOne": "markers", "document": {"_id": 1, "edited": true}}])");
  Migrator m2(config({dir}));
  auto v = m2.validate();
  EXPECT_FALSE(v.ok);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_NE(v.problems[0].message.find("checksum changed"), std::string::npos) << v.problems[0].message;
  EXPECT_THROW(m2.migrate(), Error);
  EXPECT_EQ(count("markers"), 1);
  // repair realigns the checksum; then migrate goes on.
  auto repaired = m2.repair();
  ASSERT_EQ(repaired.changes.size(), 1u);
  EXPECT_NE(repaired.changes[0].find("realign the checksum of version 1"), std::string::npos);
  EXPECT_TRUE(m2.validate().ok);
  EXPECT_EQ(m2.migrate().steps.size(), 1u);
  EXPECT_EQ(count("markers"), 2);
  auto h = history();
  EXPECT_EQ(h[1].type, model::EntryType::repair);
}

TEST_F(Engine, LineEndingChangeKeepsTheChecksum) {
  auto dir = markers(1);
  Migrator m(config({dir}));
  m.migrate();
  auto content = read_file(dir + "/V1__marker_1.json");
  std::string crlf;
  for (char c : content) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  write(dir, "V1__marker_1.json", crlf + "\r\n");
  Migrator m2(config({dir}));
  EXPECT_TRUE(m2.validate().ok);
}

TEST_F(Engine, BaselineThenMigrate) {
  auto dir = markers(4);
  Migrator m(config({dir}));
  auto b = m.baseline(2, "existing database");
  EXPECT_EQ(b.to_version, 2);
  EXPECT_EQ(m.info().current_version, 2);
  EXPECT_EQ(state(m, 1), State::baseline);
  auto r = m.migrate();
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].version, 3);
  EXPECT_EQ(count("markers"), 2);          // 3 and 4 only
  EXPECT_THROW(m.baseline(3, ""), Error);  // history exists
}

TEST_F(Engine, FailingCommandLeavesAFailedEntryThatBlocksUntilRepair) {
  auto dir = markers(3);
  // V2 inserts a duplicate _id: the server refuses it.
  write(dir, "V2__marker_2.json",
        R"([{"insertOne": "markers", "document": {"_id": 20}}, {"insertOne": "markers", "document": {"_id": 1}}])");
  Migrator m(config({dir}));
  try {
    m.migrate();
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
    EXPECT_NE(std::string(e.what()).find("V2__marker_2.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("11000"), std::string::npos) << e.what();
  }
  EXPECT_EQ(state(m, 2), State::failed);
  auto h = history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_FALSE(h[1].success);
  EXPECT_TRUE(h[1].finished);
  EXPECT_NE(h[1].error.find("command 2 (insertOne)"), std::string::npos) << h[1].error;
  EXPECT_EQ(count("markers", R"({"_id": 3})"), 0);
  // The failure ends the run: no record stands for V3.
  EXPECT_TRUE(find("mongoway_history_lock", R"({"_id": {"$lt": 0}})").empty());
  // migrate refuses until repair.
  try {
    m.migrate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("repair"), std::string::npos);
  }
  // Fix the file and the data, repair, migrate.
  write(dir, "V2__marker_2.json", R"([{"insertOne": "markers", "document": {"_id": 2}}])");
  client().run_write(db, json(R"({"delete": "markers", "deletes": [{"q": {"_id": 20}, "limit": 1}]})"));
  // A dry run reports the change and makes none.
  const auto before = history();
  auto planned = m.repair(RepairOptions{.dry_run = true});
  EXPECT_TRUE(planned.dry_run);
  ASSERT_EQ(planned.changes.size(), 1u);
  EXPECT_NE(planned.changes[0].find("mark entry 2 (migrate of version 2, V2__marker_2.json) as repaired: it failed"),
            std::string::npos)
      << planned.changes[0];
  EXPECT_EQ(state(m, 2), State::failed);
  ASSERT_EQ(history().size(), before.size());
  EXPECT_FALSE(history()[1].repaired);
  // The real repair announces every change before its first write.
  std::vector<std::string> announced;
  bool written_when_announced = true;
  Listener listener;
  listener.repair_planned = [&](const std::vector<std::string>& changes) {
    announced = changes;
    written_when_announced = history()[1].repaired;
  };
  m.set_listener(listener);
  auto repaired = m.repair();
  ASSERT_EQ(repaired.changes.size(), 1u);
  EXPECT_FALSE(repaired.dry_run);
  EXPECT_EQ(announced, repaired.changes);
  EXPECT_FALSE(written_when_announced) << "the change was made before it was announced";
  EXPECT_EQ(state(m, 2), State::pending);
  EXPECT_EQ(m.migrate().steps.size(), 2u);
  EXPECT_EQ(count("markers"), 3);
  EXPECT_TRUE(history()[1].repaired);
}

TEST_F(Engine, OutOfOrderRefusedThenAppliedWithTheFlag) {
  auto dir = markers(3);
  std::filesystem::remove(dir + "/V2__marker_2.json");
  std::filesystem::remove(dir + "/U2__undo_marker_2.json");
  Migrator m(config({dir}));
  m.migrate();
  add_marker(dir, 2);  // merged from a branch
  Migrator m2(config({dir}));
  EXPECT_EQ(state(m2, 2), State::ignored);
  try {
    m2.migrate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("--out-of-order"), std::string::npos);
  }
  MigrateOptions o;
  o.out_of_order = true;
  auto r = m2.migrate(o);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_EQ(count("markers"), 3);
}

TEST_F(Engine, DryRunChangesNothing) {
  Migrator m(config({kExamples}));
  m.migrate(to_target(2));
  auto before = snapshot();
  MigrateOptions o;
  o.dry_run = true;
  auto r = m.migrate(o);
  EXPECT_TRUE(r.dry_run);
  ASSERT_EQ(r.steps.size(), 4u);
  ASSERT_FALSE(r.steps[0].commands.empty());
  EXPECT_NE(r.steps[0].commands[0].command_json.find("\"create\""), std::string::npos);
  EXPECT_EQ(snapshot(), before);
  UndoOptions u;
  u.target = 0;
  u.dry_run = true;
  auto ur = m.undo(u);
  EXPECT_EQ(ur.steps.size(), 2u);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Engine, DryRunOnAFreshDatabaseCreatesNothing) {
  Migrator m(config({kExamples}));
  MigrateOptions o;
  o.dry_run = true;
  m.migrate(o);
  EXPECT_TRUE(collections().empty());
}

TEST_F(Engine, NothingPendingTakesNoLockAndWritesNothing) {
  auto dir = markers(1);
  Migrator m(config({dir}));
  m.migrate();
  client().run(db, json(R"({"drop": "mongoway_history_lock"})"));
  auto before = snapshot();
  EXPECT_TRUE(Migrator(config({dir})).migrate().steps.empty());
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Engine, InvalidFilesTouchNothing) {
  auto dir = markers(2);
  write(dir, "V3__broken.json", R"([{"insertOne": "markers", "documnt": {"_id": 3}}])");
  Migrator m(config({dir}));
  try {
    m.migrate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    EXPECT_NE(std::string(e.what()).find("V3__broken.json"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(collections().empty());
}

TEST_F(Engine, HistoryListsNewestFirst) {
  auto dir = markers(3);
  Migrator m(config({dir}));
  m.migrate();
  m.undo();
  auto h = m.history();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].type, "undo");
  EXPECT_EQ(h[0].version, 3);
  EXPECT_EQ(m.history(2).size(), 2u);
}

TEST_F(Engine, CleanNeedsBothSwitchesAndDropsEveryCollection) {
  Migrator m(config({kExamples}));
  m.migrate();
  EXPECT_THROW(m.clean(true), Error);  // not enabled
  auto c = config({kExamples});
  c.clean_enabled = true;
  Migrator enabled(c);
  EXPECT_THROW(enabled.clean(false), Error);  // no --yes
  EXPECT_FALSE(collections().empty());
  auto dropped = enabled.clean(true);
  EXPECT_EQ(dropped.size(), 5u);
  EXPECT_TRUE(collections().empty());
  auto admin = config({kExamples});
  admin.database = "admin";
  admin.clean_enabled = true;
  EXPECT_THROW(Migrator(admin).clean(true), Error);
}

TEST_F(Engine, UnreachableServerIsExitFiveWithTheUriMasked) {
  auto c = config({kExamples});
  c.uri = "mongodb://alice:s3cr3tpw@127.0.0.1:1/?serverSelectionTimeoutMS=500";
  Migrator m(c);
  try {
    m.info();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::connection);
    std::string what = e.what();
    EXPECT_EQ(what.find("s3cr3tpw"), std::string::npos) << what;
    EXPECT_NE(what.find("alice:****@127.0.0.1:1"), std::string::npos) << what;
  }
}

TEST_F(Engine, ACredentialRefusalIsExitFiveNotAFailedCommand) {
  // A mechanism the server does not offer: refused as AuthenticationFailed
  // (18), during the handshake or at the first command.
  auto c = config({kExamples});
  c.uri = "mongodb://alice:pw12345@" + server_uri().substr(std::string("mongodb://").size()) +
          "?authMechanism=MONGODB-AWS&serverSelectionTimeoutMS=3000";
  try {
    Migrator(c).info();
    FAIL() << "the server accepted MONGODB-AWS credentials";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::connection) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot authenticate"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("pw12345"), std::string::npos) << e.what();
  }
}

TEST_F(Engine, NamesMongoDbRefusesAndUriWarningsAreUsageErrorsBeforeConnecting) {
  auto expect_refused = [&](const Config& c, const std::string& message) {
    try {
      Migrator(c).migrate();
      FAIL() << "accepted: " << message;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  auto bad_database = config({kExamples});
  bad_database.database = "a.b";
  expect_refused(bad_database, "invalid database name \"a.b\": a database name must not contain '.'");
  auto bad_history = config({kExamples});
  bad_history.history_collection = "x$y";
  expect_refused(bad_history, "invalid history collection name \"x$y\": a collection name must not contain '$'");
  auto mistyped = config({kExamples});
  mistyped.uri = server_uri() + (server_uri().find('?') == std::string::npos ? "?" : "&") + "tsl=true";
  expect_refused(mistyped, "unknown option \"tsl\" (did you mean \"tls\"?)");
  EXPECT_TRUE(collections().empty());
}

TEST_F(Engine, LockTtlAndTimeoutOutOfBoundsAreUsageErrors) {
  for (auto [ttl, timeout] :
       {std::pair{2, 30}, std::pair{24 * 3600 + 1, 30}, std::pair{60, 24 * 3600 + 1}, std::pair{60, -1}}) {
    auto c = config({kExamples});
    c.lock_ttl = std::chrono::seconds(ttl);
    c.lock_timeout = std::chrono::seconds(timeout);
    try {
      Migrator(c).migrate();
      FAIL() << "ttl " << ttl << ", timeout " << timeout << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
    }
  }
  EXPECT_TRUE(collections().empty());
}

// A reply that does not come back within socketTimeoutMS: the command was
// sent and may still run, so the version is left unfinished (outcome
// unknown), never recorded as failed by the server.
TEST_F(Engine, ALostReplyLeavesTheVersionUnfinishedNotFailed) {
  auto dir = temp_dir();
  std::string docs;
  for (int i = 0; i < 20000; ++i) docs += fmt::format("{}{{\"_id\": {}}}", i ? ", " : "", i);
  write(dir, "V1__many.json", fmt::format(R"([{{"insertMany": "many", "documents": [{}]}}])", docs));
  write(dir, "V2__touch_all.json", R"([{"updateMany": "many", "filter": {}, "update": {"$set": {"touched": true}}}])");
  Migrator(config({dir})).migrate(to_target(1));
  auto c = config({dir});
  c.uri = server_uri() + "?socketTimeoutMS=150";
  Migrator m(c);
  try {
    m.migrate();
    MONGOWAY_SKIP_BECAUSE("the server updated 20,000 documents within 150 ms: no reply was lost");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::connection) << e.what();
    EXPECT_NE(std::string(e.what()).find("lost the reply to update"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("outcome is unknown"), std::string::npos) << e.what();
  }
  // `running` while the lease lives (its release may itself time out behind
  // the update still running on the server), `failed` once it has ended.
  Migrator plain(config({dir}));
  const auto s = state(plain, 2);
  EXPECT_TRUE(s == State::running || s == State::failed) << to_string(s);
  auto h = history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_FALSE(h[1].finished) << "recorded as an ended failure: " << h[1].error;
  EXPECT_TRUE(h[1].error.empty()) << h[1].error;
}

// What `mongoway unlock` (or a takeover after a long pause) does to a
// holder in the middle of a version: its lease is released, the heartbeat
// (every TTL/3) finds out (or the lease goes stale), and the holder sends nothing more of the version
// nor writes the history, which is another process's now.
class LeaseLoss : public Engine {
 protected:
  void release_the_lease_and_wait_for_the_heartbeat() {
    auto lease = read_newest_lease(client(), db, "mongoway_history_lock");
    ASSERT_TRUE(lease);
    ASSERT_TRUE(release_lease(client(), db, "mongoway_history_lock", *lease));
    // A whole TTL: past 5/6 of it the holder stops even if a loaded machine
    // kept its heartbeat from running (the fake-server tests of
    // tests/unit/engine_test.cpp check each request position exactly).
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  Config short_lease(const std::string& dir) {
    auto c = config({dir});
    c.lock_ttl = std::chrono::seconds(3);
    return c;
  }
  // Runs `m`, which must stop with exit 4 (the lock lost); returns its message.
  std::string migrate_until_the_lock_is_lost(Migrator& m) {
    try {
      m.migrate();
      ADD_FAILURE() << "the holder ran on without its lease";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::lock) << e.what();
      return e.what();
    }
    return "";
  }
  // Migrates `dir` and loses the lease as the second command starts; returns
  // the error's message.
  std::string lose_the_lease_at_the_second_command(const std::string& dir) {
    Migrator m(short_lease(dir));
    Listener listener;
    int started = 0;
    listener.command_started = [&](const PlannedCommand&) {
      if (++started == 2) release_the_lease_and_wait_for_the_heartbeat();
    };
    m.set_listener(listener);
    auto message = migrate_until_the_lock_is_lost(m);
    EXPECT_EQ(started, 2);
    return message;
  }
  // The version was cut: no entry ended it, and `info` shows it failed.
  void expect_left_unfinished() {
    auto h = history();
    ASSERT_EQ(h.size(), 1u);
    EXPECT_FALSE(h[0].finished) << h[0].error;
    Migrator after(config({}));
    EXPECT_EQ(state(after, 1), State::failed);
  }
};

TEST_F(LeaseLoss, BetweenTwoCommandsTheSecondIsNeverSent) {
  auto dir = temp_dir();
  write(dir, "V1__two.json",
        R"([{"insertOne": "markers", "document": {"_id": 1}}, {"insertOne": "markers", "document": {"_id": 2}}])");
  const auto message = lose_the_lease_at_the_second_command(dir);
  EXPECT_NE(message.find("V1__two.json stopped before sending command 2 of 2"), std::string::npos) << message;
  EXPECT_EQ(count("markers"), 1) << "the second command was sent after the lease was lost";
  expect_left_unfinished();
}

TEST_F(LeaseLoss, BetweenTwoVersionsTheNextOneIsLeftPendingNotCut) {
  auto dir = markers(2);
  Migrator m(short_lease(dir));
  Listener listener;
  listener.step_finished = [&](const StepResult&, size_t index, size_t) {
    if (index == 0) release_the_lease_and_wait_for_the_heartbeat();
  };
  m.set_listener(listener);
  migrate_until_the_lock_is_lost(m);
  EXPECT_EQ(count("markers"), 1);
  // Version 2 never started: it is pending, not "did not finish".
  Migrator after(config({dir}));
  EXPECT_EQ(state(after, 1), State::applied);
  EXPECT_EQ(state(after, 2), State::pending);
  EXPECT_TRUE(find("mongoway_history_lock", R"({"_id": {"$lt": 0}})").empty()) << "the run record was left";
  EXPECT_EQ(after.migrate().steps.size(), 1u);
  EXPECT_EQ(count("markers"), 2);
}

TEST_F(LeaseLoss, InsideATransactionNothingOfTheVersionIsApplied) {
  if (!client().server_info().supports_transactions) {
    MONGOWAY_SKIP_BECAUSE("the server has no transactions (FerretDB, or a standalone mongod), so a version cannot "
                          "run in one here");
  }
  auto dir = temp_dir();
  write(dir, "V1__two.json", R"({"transaction": true, "commands": [{"insertOne": "markers", "document": {"_id": 1}},
    {"insertOne": "markers", "document": {"_id": 2}}]})");
  const auto message = lose_the_lease_at_the_second_command(dir);
  EXPECT_NE(message.find("the transaction of V1__two.json was aborted"), std::string::npos) << message;
  EXPECT_EQ(count("markers"), 0) << "the aborted transaction left data behind";
  Migrator after(config({dir}));
  EXPECT_EQ(state(after, 1), State::pending);
}

TEST_F(LeaseLoss, BetweenTwoBatchesOfASeedTheRestIsNeverSent) {
  // Two batches by size (1,100 documents of about 8 KiB; a batch is at most 8 MiB).
  constexpr int kDocs = 1100;
  auto dir = temp_dir();
  const std::string pad(8000, 'x');
  std::string text;
  for (int i = 0; i < kDocs; ++i) text += fmt::format(R"({{"_id": {}, "pad": "{}"}})", i, pad) + "\n";
  write(dir, "seed.ndjson", text);
  write(dir, "V1__seed.json", R"([{"insertMany": "big", "documentsFile": "seed.ndjson"}])");
  Migrator m(short_lease(dir));
  Listener listener;
  std::vector<uint64_t> progress;
  listener.documents_progress = [&](uint64_t done, std::optional<uint64_t>) {
    progress.push_back(done);
    if (progress.size() == 1) release_the_lease_and_wait_for_the_heartbeat();
  };
  m.set_listener(listener);
  const auto message = migrate_until_the_lock_is_lost(m);
  EXPECT_NE(message.find("during command 1 of 1, after 1 of its requests"), std::string::npos) << message;
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_LT(progress[0], static_cast<uint64_t>(kDocs));
  EXPECT_EQ(count("big"), static_cast<int64_t>(progress[0])) << "a batch was sent after the lease was lost";
  expect_left_unfinished();
}

// The driver applies a URI's write concern to its helpers, not to commands:
// mongoway adds it to every insert, update and delete it sends (its own
// history and lock writes too), and refuses unacknowledged writes.
TEST_F(Engine, TheUrisWriteConcernGoesWithEveryWriteAndWZeroIsRefused) {
  const auto insert = json(R"({"insert": "t", "documents": [{"a": 1}]})");
  mongo::Client majority(client_options(server_uri() + "?w=majority&wtimeoutMS=4000"));
  const auto opts = majority.write_options(insert).to_json(bson::JsonMode::relaxed);
  EXPECT_NE(opts.find(R"("writeConcern" : { "w" : "majority", "wtimeout" : 4000 })"), std::string::npos) << opts;
  const auto own = json(R"({"insert": "t", "documents": [{"a": 1}], "writeConcern": {"w": 1}})");
  EXPECT_EQ(majority.write_options(own).to_json(bson::JsonMode::relaxed), "{ }") << "the command's own one wins";
  mongo::Client plain(client_options(server_uri()));
  EXPECT_EQ(plain.write_options(insert).to_json(bson::JsonMode::relaxed), "{ }");

  auto c = config({markers(2)});
  c.uri = server_uri() + "?w=majority&wtimeoutMS=4000";
  EXPECT_EQ(Migrator(c).migrate().steps.size(), 2u);
  EXPECT_EQ(count("markers"), 2);

  c.uri = server_uri() + "?w=0";
  try {
    Migrator(c).undo(down_to(0));
    FAIL() << "w=0 was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("asks for unacknowledged writes (w=0)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("markers"), 2);
}

TEST_F(Engine, TransactionOnAServerWithoutThemIsRefusedBeforeAnythingRuns) {
  if (!server_is_ferretdb())
    MONGOWAY_SKIP_BECAUSE("this server may support transactions; the refusal is for servers without them");
  auto dir = temp_dir();
  write(dir, "V1__tx.json", R"({"transaction": true, "commands": [{"insertOne": "t", "document": {"a": 1}}]})");
  Migrator m(config({dir}));
  try {
    m.migrate();  // the pre-flight check lists it with any other need
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
    EXPECT_NE(e.diagnostics()[0].message.find("has no transactions"), std::string::npos) << e.what();
  }
  Config without_check = config({dir});
  without_check.preflight = PreflightMode::off;
  try {
    Migrator(without_check).migrate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("does not support transactions"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(collections().empty());
}

TEST_F(Engine, PlaceholdersAreReplacedAndUnknownOnesRefused) {
  auto dir = temp_dir();
  write(dir, "V1__p.json", R"([{"insertOne": "settings", "document": {"_id": "region", "value": "${region}"}}])");
  auto c = config({dir});
  Migrator missing(c);
  EXPECT_THROW(missing.migrate(), Error);
  EXPECT_TRUE(collections().empty());
  c.placeholders["region"] = "eu-west";
  Migrator m(c);
  m.migrate();
  EXPECT_EQ(count("settings", R"({"value": "eu-west"})"), 1);
}

}  // namespace
}  // namespace mongoway::testing
