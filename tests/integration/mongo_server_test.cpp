// What is MongoServer's own, beyond the port's contract (tests/conformance):
// what its writes carry, its second connection, and how it reads the
// server's refusals.

#include <chrono>
#include <string>
#include <vector>

#include "../support/samples.hpp"
#include "fixture.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

// An applied version's entry.
model::HistoryEntry entry(int64_t rank) {
  model::HistoryEntry e = sample_entry(rank, 1);
  e.success = true;
  e.finished = true;
  return e;
}

model::RunRecord run(int64_t lease) {
  model::RunRecord r;
  r.lease = lease;
  r.first_rank = 2;
  r.installed_by = "me@host:1";
  r.steps.push_back({2, "v", "V2__v.json", "sha256:00"});
  return r;
}

port::Lease lease(int64_t id, int64_t now_ms) {
  port::Lease l;
  l.id = id;
  l.owner = "me@host:1";
  l.token = "token" + std::to_string(id);
  l.acquired_ms = now_ms;
  l.expires_ms = now_ms + 60000;
  return l;
}

// The first key of a command: its name.
std::string name_of(const bson::Document& command) {
  bson_iter_t it;
  return bson_iter_init(&it, command.get()) && bson_iter_next(&it) ? bson_iter_key(&it) : "";
}

class MongoServerTest : public DatabaseTest {
 protected:
  mongo::MongoServer server(const std::string& uri_options = "") {
    return mongo::MongoServer(client_options(server_uri() + uri_options), db, "h");
  }
};

// The connection's name is what db.currentOp() lists a request under: the
// lease's owner in it finds a dead holder's request still running.
TEST(MongoClientName, IsTheOneGivenUnlessTheUriNamesOne) {
  mongo::ClientOptions o = client_options("mongodb://db.example/shop");
  o.app_name = "mongoway me@host:12";
  EXPECT_EQ(mongo::Client(o).app_name(), "mongoway me@host:12");
  o.uri = "mongodb://db.example/shop?appName=billing";
  EXPECT_EQ(mongo::Client(o).app_name(), "billing");
  EXPECT_EQ(mongo::Client(client_options("mongodb://db.example/shop")).app_name(), "mongoway");
}

// The handshake takes 128 bytes: a longer name is cut in its middle, on a
// character boundary, so that the process id at its end stays.
TEST(MongoClientName, ALongNameIsCutKeepingTheProcessId) {
  const std::string host(200, 'h');
  const std::string cut = mongo::fit_app_name("mongoway me@" + host + ":4242");
  EXPECT_EQ(cut.size(), 128u);
  EXPECT_EQ(cut.substr(0, 12), "mongoway me@");
  EXPECT_EQ(cut.substr(cut.size() - 5), ":4242");

  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";  // é, two bytes each
  const std::string cut_accents = mongo::fit_app_name("mongoway " + accents + ":7");
  EXPECT_LE(cut_accents.size(), 128u);
  EXPECT_EQ(cut_accents.substr(cut_accents.size() - 2), ":7");
  const std::string head = cut_accents.substr(0, cut_accents.size() - 2);
  EXPECT_EQ((head.size() - 9) % 2, 0u) << "a character was cut in two";
  EXPECT_EQ(mongo::fit_app_name("mongoway me@host:1"), "mongoway me@host:1");
  EXPECT_EQ(mongo::Client([&] {
              auto o = client_options("mongodb://db.example/shop");
              o.app_name = "mongoway me@" + host + ":4242";
              return o;
            }())
                .app_name(),
            cut)
      << "the driver takes the cut name";
}

// FerretDB ignores writeConcern, so what goes with a write is checked as it
// is sent, not by what the server does with it.
TEST_F(MongoServerTest, TheUrisWriteConcernGoesWithEveryWrite) {
  auto s = server("?w=majority&wtimeoutMS=4000");
  std::vector<bson::Document> writes;
  s.client().set_sent_command_observer([&](const bson::Document& command) {
    const auto name = name_of(command);
    if (name == "insert" || name == "update" || name == "delete") writes.push_back(command);
  });
  const int64_t now = s.time_ms();
  s.append(entry(1));
  s.mark_repaired({1});
  s.record_run(run(1));
  s.end_run(1);
  EXPECT_TRUE(s.insert_lease(lease(1, now)));
  EXPECT_TRUE(s.insert_lease(lease(2, now)));
  EXPECT_TRUE(s.renew_lease(lease(2, now), now, now + 120000));
  EXPECT_TRUE(s.release_lease(lease(2, now)));
  s.delete_leases_below(2);
  s.send(db, json(R"({"insert": "t", "documents": [{"a": 1}]})"), port::Reply::write);
  ASSERT_EQ(writes.size(), 10u);
  for (const auto& command : writes) {
    const auto text = command.to_json(bson::JsonMode::relaxed);
    EXPECT_NE(text.find(R"("writeConcern" : { "w" : "majority", "wtimeout" : 4000 })"), std::string::npos) << text;
  }
}

TEST_F(MongoServerTest, WithoutAWriteConcernInTheUriTheWritesCarryNone) {
  auto s = server();
  std::vector<std::string> sent;
  s.client().set_sent_command_observer(
      [&](const bson::Document& command) { sent.push_back(command.to_json(bson::JsonMode::relaxed)); });
  s.append(entry(1));
  EXPECT_TRUE(s.insert_lease(lease(1, s.time_ms())));
  ASSERT_FALSE(sent.empty());
  for (const auto& text : sent) EXPECT_EQ(text.find("writeConcern"), std::string::npos) << text;
}

TEST_F(MongoServerTest, AnotherIsASeparateConnectionOnTheSameData) {
  auto s = server();
  int seen_by_first = 0;
  s.client().set_command_observer([&](const std::string&, const std::string&) { ++seen_by_first; });
  s.append(entry(1));
  const int64_t now = s.time_ms();
  ASSERT_TRUE(s.insert_lease(lease(1, now)));
  const int sent_by_first = seen_by_first;

  auto other = s.another(5s);
  const auto log = other->read_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].rank, 1);
  ASSERT_TRUE(other->newest_lease().has_value());
  EXPECT_EQ(other->newest_lease()->token, "token1");
  EXPECT_TRUE(other->insert_lease(lease(2, now)));
  EXPECT_EQ(seen_by_first, sent_by_first) << "the other's requests went through the first connection";

  EXPECT_EQ(s.newest_lease()->id, 2) << "the first does not see what the other wrote";
  EXPECT_TRUE(s.newer_lease_exists(1));
}

TEST_F(MongoServerTest, DroppingAMissingCollectionIsFine) {
  auto s = server();
  EXPECT_NO_THROW(s.drop_collection("never_created"));
  s.append(entry(1));
  s.record_run(run(1));
  s.send(db, json(R"({"insert": "b", "documents": [{"a": 1}]})"), port::Reply::write);
  EXPECT_EQ(s.list_collections(), (std::vector<std::string>{"b", "h", "h_lock"}));
  s.drop_collection("b");
  EXPECT_NO_THROW(s.drop_collection("b"));
  EXPECT_EQ(s.list_collections(), (std::vector<std::string>{"h", "h_lock"}));
}

TEST_F(MongoServerTest, ARefusedCommandCarriesTheServersCode) {
  auto s = server();
  const auto insert = json(R"({"insert": "t", "documents": [{"_id": 1}]})");
  s.send(db, insert, port::Reply::write);
  try {
    s.send(db, insert, port::Reply::write);
    FAIL() << "a duplicate _id was accepted";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), port::kDuplicateKey) << e.what();
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
  }
  s.send(db, json(R"({"create": "c"})"), port::Reply::plain);
  try {
    s.send(db, json(R"({"create": "c"})"), port::Reply::plain);
    FAIL() << "creating a collection twice was accepted";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), 48) << e.what();  // NamespaceExists
  }
}

TEST_F(MongoServerTest, AnEntryAlreadyThereSaysAnotherProcessWroteTheHistory) {
  auto s = server();
  s.append(entry(1));
  try {
    s.append(entry(1));
    FAIL() << "rank 1 was written twice";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), port::kDuplicateKey);
    EXPECT_NE(std::string(e.what()).find("history entry 1 exists already: another process has written the history"),
              std::string::npos)
        << e.what();
  }
  const int64_t now = s.time_ms();
  EXPECT_TRUE(s.insert_lease(lease(1, now)));
  EXPECT_FALSE(s.insert_lease(lease(1, now))) << "a taken lease number is false, not an error";
}

TEST_F(MongoServerTest, ACursorCommandIsDrainedAndAnswersAnEmptyDocument) {
  auto s = server();
  s.send(db, json(R"({"insert": "t", "documents": [{"a": 1}, {"a": 2}]})"), port::Reply::write);
  const auto reply = s.send(db, json(R"({"aggregate": "t", "pipeline": [], "cursor": {"batchSize": 1}})"),
                            port::Reply::cursor);
  EXPECT_TRUE(reply.empty());
  EXPECT_FALSE(s.facts().version.empty());
  EXPECT_EQ(s.facts().ferretdb, server_is_ferretdb());
}

// A cursor's documents are handed over batch by batch (a collection's digest
// holds one batch, not the collection): here batches of two, through getMore.
TEST_F(MongoServerTest, ACursorIsReadBatchByBatchInOrder) {
  client().run(db,
               json(R"({"insert": "t", "documents": [{"_id": 5}, {"_id": 3}, {"_id": 1}, {"_id": 4}, {"_id": 2}]})"));
  std::vector<std::string> read;
  client().for_each_in_cursor(db, json(R"({"find": "t", "sort": {"_id": 1}, "batchSize": 2})"),
                              [&](const bson::Document& doc) { read.push_back(doc.to_json(bson::JsonMode::relaxed)); });
  EXPECT_EQ(read, (std::vector<std::string>{R"({ "_id" : 1 })", R"({ "_id" : 2 })", R"({ "_id" : 3 })",
                                            R"({ "_id" : 4 })", R"({ "_id" : 5 })"}));
}

// A reading that stops early (a throw in the middle of the first batch)
// kills the cursor on the server instead of leaving it open until it times
// out; a cursor read to its end, which the server has closed, is not killed.
TEST_F(MongoServerTest, ACursorLeftEarlyIsKilledOnTheServer) {
  client().run(db, json(R"({"insert": "t", "documents": [{"_id": 1}, {"_id": 2}, {"_id": 3}, {"_id": 4}]})"));
  std::vector<std::string> sent;
  client().set_command_observer([&](const std::string& name, const std::string&) { sent.push_back(name); });
  const auto find = json(R"({"find": "t", "sort": {"_id": 1}, "batchSize": 2})");
  client().for_each_in_cursor(db, find, [](const bson::Document&) {});
  EXPECT_EQ(sent, (std::vector<std::string>{"find", "getMore"}));

  sent.clear();
  EXPECT_THROW(client().for_each_in_cursor(db, find, [](const bson::Document&) { throw std::runtime_error("stop"); }),
               std::runtime_error);
  EXPECT_EQ(sent, (std::vector<std::string>{"find", "killCursors"}));
  client().set_command_observer(nullptr);
}

}  // namespace
}  // namespace mongoway::testing
