#include "server_contract.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "exec/fingerprint.hpp"

namespace mongoway::testing {

void ServerContract::SetUp() { m_under_test = GetParam().make(); }

void ServerContract::TearDown() {
  // The server goes first: cleanup may drop the database it is bound to.
  m_under_test.server.reset();
  if (m_under_test.cleanup) m_under_test.cleanup();
}

std::string contract_case_name(const ::testing::TestParamInfo<ServerFactory>& info) { return info.param.name; }

void PrintTo(const ServerFactory& factory, std::ostream* out) { *out << factory.name; }

// Prints why the rest of a case is skipped (gtest only prints it on failure) and skips it.
#define SKIP_BECAUSE(reason)                                       \
  do {                                                             \
    std::printf("[  SKIPPED ] %s\n", std::string(reason).c_str()); \
    GTEST_SKIP() << (reason);                                      \
  } while (0)

namespace {

using model::EntryType;
using model::HistoryEntry;
using model::RunRecord;
using model::TimePoint;

// 2026-03-04T05:06:07.089Z
constexpr int64_t kSomeTimeMs = 1772600767089;

TimePoint at_ms(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

bson::Document json(const std::string& text) {
  std::string error;
  auto doc = bson::Document::from_json(text, &error);
  if (!doc) throw std::runtime_error("bad JSON in test: " + error + ": " + text);
  return std::move(*doc);
}

int64_t int_field(const bson::Document& doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc.get(), key) || !BSON_ITER_HOLDS_NUMBER(&it)) return -1;
  return bson_iter_as_int64(&it);
}

// An entry with every field set to something other than its default.
HistoryEntry full_entry(int64_t rank) {
  HistoryEntry e;
  e.rank = rank;
  e.version = 100 + rank;
  e.description = "add users";
  e.script = "V" + std::to_string(100 + rank) + "__add_users.json";
  e.type = EntryType::repair;
  e.checksum = "sha256:0123abcd";
  e.installed_by = "deploy@ci:42";
  e.installed_on = at_ms(kSomeTimeMs + rank);
  e.execution_time_ms = 1234;
  e.success = true;
  e.finished = true;
  e.repaired = true;
  e.lease = 7;
  e.error = "E11000 duplicate key: \"x\"";
  model::Cut cut;
  cut.how = model::Cut::How::later_lease;
  cut.at = at_ms(kSomeTimeMs + 5000);
  cut.later_lease = 8;
  cut.later_owner = "ops@laptop:7";
  cut.adopted_lease = 9;
  cut.adopted_by = "deploy@ci:43";
  cut.adopted_on = at_ms(kSomeTimeMs + 9000);
  e.cut = cut;
  e.from = model::TakenFrom{"flyway", "flyway_schema_history", "2.0"};
  return e;
}

HistoryEntry entry(int64_t rank) {
  HistoryEntry e;
  e.rank = rank;
  e.version = rank;
  e.script = "V" + std::to_string(rank) + "__v.json";
  e.installed_on = at_ms(kSomeTimeMs);
  e.success = e.finished = true;
  e.lease = 1;
  return e;
}

RunRecord run_of(int64_t lease, int64_t first_rank = 1) {
  RunRecord run;
  run.lease = lease;
  run.first_rank = first_rank;
  run.type = EntryType::undo;
  run.installed_by = "deploy@ci:42";
  run.started = at_ms(kSomeTimeMs);
  run.steps = {{3, "three", "V3__three.json", "sha256:3"}, {2, "two", "V2__two.json", "sha256:2"}};
  return run;
}

// A checkpoint whose last _id is an int64: its BSON type must come back as written.
model::Checkpoint checkpoint_of(int64_t rank) {
  model::Checkpoint c;
  c.rank = rank;
  c.version = 3;
  c.command = 2;
  BSON_APPEND_INT64(c.last_id.mut(), "_id", 1200);
  c.done = 1200;
  c.total = 3000;
  c.batches = 12;
  c.matched = 1190;
  c.modified = 1180;
  c.deleted = 7;
  return c;
}

void expect_same(const std::optional<model::Checkpoint>& got, const std::optional<model::Checkpoint>& want) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!want) return;
  EXPECT_EQ(got->rank, want->rank);
  EXPECT_EQ(got->version, want->version);
  EXPECT_EQ(got->command, want->command);
  EXPECT_EQ(got->last_id.to_json(bson::JsonMode::canonical), want->last_id.to_json(bson::JsonMode::canonical));
  EXPECT_EQ(got->done, want->done);
  EXPECT_EQ(got->total, want->total);
  EXPECT_EQ(got->batches, want->batches);
  EXPECT_EQ(got->matched, want->matched);
  EXPECT_EQ(got->modified, want->modified);
  EXPECT_EQ(got->deleted, want->deleted);
}

port::Lease lease(int64_t id, std::string token = "token") {
  port::Lease l;
  l.id = id;
  l.owner = "deploy@ci:42";
  l.token = std::move(token);
  l.acquired_ms = kSomeTimeMs;
  l.expires_ms = kSomeTimeMs + 60000;
  l.process = {"0b5e7d1c-8f3a-4e2b-9c6d-1a2b3c4d5e6f", 4026531836, 42, 987654};
  return l;
}

void expect_same(const HistoryEntry& got, const HistoryEntry& want) {
  EXPECT_EQ(got.rank, want.rank);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.script, want.script);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.checksum, want.checksum);
  EXPECT_EQ(got.installed_by, want.installed_by);
  EXPECT_EQ(got.installed_on, want.installed_on);
  EXPECT_EQ(got.execution_time_ms, want.execution_time_ms);
  EXPECT_EQ(got.success, want.success);
  EXPECT_EQ(got.finished, want.finished);
  EXPECT_EQ(got.repaired, want.repaired);
  EXPECT_EQ(got.lease, want.lease);
  EXPECT_EQ(got.error, want.error);
  expect_same(got.checkpoint, want.checkpoint);
  ASSERT_EQ(got.from.has_value(), want.from.has_value());
  if (want.from) {
    EXPECT_EQ(got.from->tool, want.from->tool);
    EXPECT_EQ(got.from->collection, want.from->collection);
    EXPECT_EQ(got.from->version, want.from->version);
  }
  ASSERT_EQ(got.cut.has_value(), want.cut.has_value());
  if (!want.cut) return;
  EXPECT_EQ(got.cut->how, want.cut->how);
  EXPECT_EQ(got.cut->at, want.cut->at);
  EXPECT_EQ(got.cut->later_lease, want.cut->later_lease);
  EXPECT_EQ(got.cut->later_owner, want.cut->later_owner);
  EXPECT_EQ(got.cut->adopted_lease, want.cut->adopted_lease);
  EXPECT_EQ(got.cut->adopted_by, want.cut->adopted_by);
  EXPECT_EQ(got.cut->adopted_on, want.cut->adopted_on);
}

void expect_same(const RunRecord& got, const RunRecord& want) {
  EXPECT_EQ(got.lease, want.lease);
  EXPECT_EQ(got.first_rank, want.first_rank);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.installed_by, want.installed_by);
  EXPECT_EQ(got.started, want.started);
  expect_same(got.checkpoint, want.checkpoint);
  ASSERT_EQ(got.steps.size(), want.steps.size());
  for (size_t i = 0; i < got.steps.size(); ++i) {
    EXPECT_EQ(got.steps[i].version, want.steps[i].version) << "step " << i;
    EXPECT_EQ(got.steps[i].description, want.steps[i].description) << "step " << i;
    EXPECT_EQ(got.steps[i].script, want.steps[i].script) << "step " << i;
    EXPECT_EQ(got.steps[i].checksum, want.steps[i].checksum) << "step " << i;
  }
}

void expect_same(const port::Lease& got, const port::Lease& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.owner, want.owner);
  EXPECT_EQ(got.token, want.token);
  EXPECT_EQ(got.acquired_ms, want.acquired_ms);
  EXPECT_EQ(got.expires_ms, want.expires_ms);
  EXPECT_EQ(got.released, want.released);
  EXPECT_EQ(got.process, want.process);
  EXPECT_EQ(got.revoked_ms, want.revoked_ms);
}

std::vector<int64_t> ranks_of(const std::vector<HistoryEntry>& log) {
  std::vector<int64_t> out;
  for (const auto& e : log) out.push_back(e.rank);
  return out;
}

std::vector<int64_t> leases_of(const std::vector<RunRecord>& runs) {
  std::vector<int64_t> out;
  for (const auto& r : runs) out.push_back(r.lease);
  std::sort(out.begin(), out.end());
  return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

// --- the history log

TEST_P(ServerContract, AnEntryRoundTripsEveryField) {
  server().append(full_entry(1));
  const auto log = server().read_log();
  ASSERT_EQ(log.size(), 1u);
  expect_same(log[0], full_entry(1));
}

TEST_P(ServerContract, EveryEntryTypeRoundTrips) {
  const std::vector<EntryType> types{EntryType::migrate, EntryType::undo, EntryType::baseline, EntryType::repair,
                                     EntryType::deleted};
  for (size_t i = 0; i < types.size(); ++i) {
    auto e = entry(static_cast<int64_t>(i) + 1);
    e.type = types[i];
    server().append(e);
  }
  const auto log = server().read_log();
  ASSERT_EQ(log.size(), types.size());
  for (size_t i = 0; i < types.size(); ++i) EXPECT_EQ(log[i].type, types[i]) << model::to_string(types[i]);
}

TEST_P(ServerContract, AnEntryWithDefaultFieldsRoundTrips) {
  HistoryEntry bare;
  bare.rank = 1;
  server().append(bare);
  const auto log = server().read_log();
  ASSERT_EQ(log.size(), 1u);
  expect_same(log[0], bare);
}

TEST_P(ServerContract, TimesAreKeptToTheMillisecond) {
  auto e = entry(1);
  e.installed_on = at_ms(kSomeTimeMs) + std::chrono::microseconds(789);
  server().append(e);
  auto run = run_of(3);
  run.started = at_ms(kSomeTimeMs) + std::chrono::microseconds(999);
  server().record_run(run);
  EXPECT_EQ(server().read_log().at(0).installed_on, at_ms(kSomeTimeMs));
  EXPECT_EQ(server().read_runs().at(0).started, at_ms(kSomeTimeMs));
}

TEST_P(ServerContract, TheLogComesBackAscendingByRankWhateverTheInsertOrder) {
  for (int64_t rank : {10, 2, 1, 3}) server().append(entry(rank));
  EXPECT_EQ(ranks_of(server().read_log()), (std::vector<int64_t>{1, 2, 3, 10}));
}

TEST_P(ServerContract, AnEmptyHistoryReadsAsNoEntries) {
  EXPECT_TRUE(server().read_log().empty());
  EXPECT_TRUE(server().read_runs().empty());
}

TEST_P(ServerContract, AnAppendNeverOverwritesARank) {
  server().append(entry(1));
  auto other = entry(1);
  other.version = 99;
  try {
    server().append(other);
    FAIL() << "a second entry of rank 1 was accepted";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), port::kDuplicateKey);
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("entry 1"), std::string::npos) << e.what();
  }
  const auto log = server().read_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].version, 1);
}

TEST_P(ServerContract, EnsuringTheHistoryIndexesTwiceIsFine) {
  server().ensure_history_indexes();
  server().ensure_history_indexes();
  server().append(entry(1));
  EXPECT_EQ(server().read_log().size(), 1u);
}

TEST_P(ServerContract, MarkRepairedMarksOnlyThoseRanks) {
  for (int64_t rank : {1, 2, 3, 4}) server().append(entry(rank));
  server().mark_repaired({2, 4, 9});
  std::vector<int64_t> repaired;
  for (const auto& e : server().read_log()) {
    if (e.repaired) repaired.push_back(e.rank);
  }
  EXPECT_EQ(repaired, (std::vector<int64_t>{2, 4}));
}

TEST_P(ServerContract, MarkingNoRanksSendsNothing) {
  server().append(entry(1));
  if (!under_test().requests_sent) SKIP_BECAUSE("this server cannot count the requests it is sent");
  const int64_t before = under_test().requests_sent();
  server().mark_repaired({});
  EXPECT_EQ(under_test().requests_sent(), before);
  EXPECT_FALSE(server().read_log().at(0).repaired);
}

// --- run records

TEST_P(ServerContract, ARunRecordRoundTripsEveryField) {
  server().record_run(run_of(4, 12));
  const auto runs = server().read_runs();
  ASSERT_EQ(runs.size(), 1u);
  expect_same(runs[0], run_of(4, 12));
}

TEST_P(ServerContract, ARunRecordKeepsItsCheckpoint) {
  auto run = run_of(4, 12);
  run.checkpoint = checkpoint_of(12);
  server().record_run(run);
  const auto runs = server().read_runs();
  ASSERT_EQ(runs.size(), 1u);
  expect_same(runs[0], run);
}

TEST_P(ServerContract, AnUnfinishedEntryKeepsItsCheckpoint) {
  auto e = entry(5);
  e.success = e.finished = false;
  e.checkpoint = checkpoint_of(5);
  bson_reinit(e.checkpoint->last_id.mut());
  BSON_APPEND_UTF8(e.checkpoint->last_id.mut(), "_id", "user-0042");
  server().append(e);
  const auto log = server().read_log();
  ASSERT_EQ(log.size(), 1u);
  expect_same(log[0], e);
}

TEST_P(ServerContract, RecordingACheckpointSetsOnlyThatFieldAndClearsIt) {
  const auto run = run_of(4, 12);
  server().record_run(run);
  EXPECT_TRUE(server().record_checkpoint(4, checkpoint_of(12)));
  auto want = run;
  want.checkpoint = checkpoint_of(12);
  expect_same(server().read_runs().at(0), want);
  EXPECT_TRUE(server().record_checkpoint(4, std::nullopt));
  expect_same(server().read_runs().at(0), run);
}

TEST_P(ServerContract, RecordingACheckpointNeverMakesARecord) {
  server().record_run(run_of(6));
  EXPECT_FALSE(server().record_checkpoint(4, checkpoint_of(1)));
  EXPECT_EQ(leases_of(server().read_runs()), (std::vector<int64_t>{6}));
}

TEST_P(ServerContract, RecordingARunReplacesTheRecordOfItsLease) {
  server().record_run(run_of(4, 1));
  auto later = run_of(4, 5);
  later.steps.resize(1);
  server().record_run(later);
  server().record_run(run_of(6, 2));
  const auto runs = server().read_runs();
  ASSERT_EQ(leases_of(runs), (std::vector<int64_t>{4, 6}));
  expect_same(runs[0].lease == 4 ? runs[0] : runs[1], later);
}

TEST_P(ServerContract, EndingARunDeletesOnlyItsRecord) {
  server().record_run(run_of(4));
  server().record_run(run_of(6));
  server().end_run(4);
  EXPECT_EQ(leases_of(server().read_runs()), (std::vector<int64_t>{6}));
}

TEST_P(ServerContract, EndingARunWithoutARecordIsFine) {
  server().end_run(4);
  server().record_run(run_of(6));
  server().end_run(4);
  EXPECT_EQ(leases_of(server().read_runs()), (std::vector<int64_t>{6}));
}

TEST_P(ServerContract, RunRecordsAreNotLeases) {
  server().record_run(run_of(5));
  EXPECT_FALSE(server().newest_lease().has_value());
  EXPECT_FALSE(server().newer_lease_exists(0));
  EXPECT_TRUE(server().insert_lease(lease(5)));
}

TEST_P(ServerContract, LeasesAreNotRunRecords) {
  ASSERT_TRUE(server().insert_lease(lease(5)));
  EXPECT_TRUE(server().read_runs().empty());
  server().end_run(5);
  EXPECT_TRUE(server().newest_lease().has_value());
}

// --- leases

TEST_P(ServerContract, ALeaseRoundTripsEveryField) {
  auto taken = lease(3);
  taken.released = true;
  ASSERT_TRUE(server().insert_lease(taken));
  const auto newest = server().newest_lease();
  ASSERT_TRUE(newest.has_value());
  expect_same(*newest, taken);
}

// A lease written by an older version has no process identity.
TEST_P(ServerContract, ALeaseWithoutItsHoldersProcessRoundTrips) {
  auto old = lease(3);
  old.process = {};
  ASSERT_TRUE(server().insert_lease(old));
  const auto newest = server().newest_lease();
  ASSERT_TRUE(newest.has_value());
  expect_same(*newest, old);
  EXPECT_FALSE(newest->process.known());
}

TEST_P(ServerContract, NoLeaseMeansNoNewestLease) { EXPECT_FALSE(server().newest_lease().has_value()); }

TEST_P(ServerContract, InsertingALeaseRefusesATakenNumber) {
  ASSERT_TRUE(server().insert_lease(lease(1, "first")));
  EXPECT_FALSE(server().insert_lease(lease(1, "second")));
  EXPECT_EQ(server().newest_lease()->token, "first");
}

TEST_P(ServerContract, TheNewestLeaseIsTheHighestNumber) {
  for (int64_t id : {2, 10, 3}) ASSERT_TRUE(server().insert_lease(lease(id)));
  EXPECT_EQ(server().newest_lease()->id, 10);
}

TEST_P(ServerContract, ANewerLeaseExistsOnlyAboveTheNumber) {
  ASSERT_TRUE(server().insert_lease(lease(3)));
  EXPECT_TRUE(server().newer_lease_exists(2));
  EXPECT_FALSE(server().newer_lease_exists(3));
  EXPECT_FALSE(server().newer_lease_exists(4));
}

TEST_P(ServerContract, RenewingSetsTheExpiry) {
  ASSERT_TRUE(server().insert_lease(lease(1)));
  EXPECT_TRUE(server().renew_lease(lease(1), kSomeTimeMs + 1000, kSomeTimeMs + 90000));
  EXPECT_EQ(server().newest_lease()->expires_ms, kSomeTimeMs + 90000);
}

TEST_P(ServerContract, RenewingNeedsTheLeasesToken) {
  ASSERT_TRUE(server().insert_lease(lease(1, "mine")));
  EXPECT_FALSE(server().renew_lease(lease(1, "theirs"), kSomeTimeMs, kSomeTimeMs + 90000));
  EXPECT_FALSE(server().renew_lease(lease(2, "mine"), kSomeTimeMs, kSomeTimeMs + 90000));
  EXPECT_EQ(server().newest_lease()->expires_ms, kSomeTimeMs + 60000);
}

TEST_P(ServerContract, RenewingNeverRevivesAReleasedLease) {
  ASSERT_TRUE(server().insert_lease(lease(1)));
  ASSERT_TRUE(server().release_lease(lease(1)));
  EXPECT_FALSE(server().renew_lease(lease(1), kSomeTimeMs, kSomeTimeMs + 90000));
  EXPECT_EQ(server().newest_lease()->expires_ms, kSomeTimeMs + 60000);
}

TEST_P(ServerContract, RenewingNeverRevivesAnExpiredLease) {
  ASSERT_TRUE(server().insert_lease(lease(1)));
  // Expired at the very millisecond it expires.
  EXPECT_FALSE(server().renew_lease(lease(1), kSomeTimeMs + 60000, kSomeTimeMs + 120000));
  EXPECT_FALSE(server().renew_lease(lease(1), kSomeTimeMs + 60001, kSomeTimeMs + 120000));
  EXPECT_TRUE(server().renew_lease(lease(1), kSomeTimeMs + 59999, kSomeTimeMs + 120000));
}

TEST_P(ServerContract, ReleasingMarksTheLeaseReleased) {
  ASSERT_TRUE(server().insert_lease(lease(1)));
  EXPECT_TRUE(server().release_lease(lease(1)));
  EXPECT_TRUE(server().newest_lease()->released);
}

TEST_P(ServerContract, ReleasingNeedsTheLeasesToken) {
  ASSERT_TRUE(server().insert_lease(lease(1, "mine")));
  EXPECT_FALSE(server().release_lease(lease(1, "theirs")));
  EXPECT_FALSE(server().release_lease(lease(2, "mine")));
  EXPECT_FALSE(server().newest_lease()->released);
}

TEST_P(ServerContract, RevokingReleasesTheLeaseRecordsWhenAndKeepsItsExpiry) {
  ASSERT_TRUE(server().insert_lease(lease(1)));
  EXPECT_TRUE(server().revoke_lease(lease(1), kSomeTimeMs + 5000));
  const auto revoked = server().newest_lease();
  EXPECT_TRUE(revoked->released);
  EXPECT_EQ(revoked->revoked_ms, kSomeTimeMs + 5000);
  EXPECT_EQ(revoked->expires_ms, kSomeTimeMs + 60000);
  EXPECT_FALSE(server().renew_lease(lease(1), kSomeTimeMs + 6000, kSomeTimeMs + 90000));
}

TEST_P(ServerContract, RevokingNeedsTheLeasesToken) {
  ASSERT_TRUE(server().insert_lease(lease(1, "mine")));
  EXPECT_FALSE(server().revoke_lease(lease(1, "theirs"), kSomeTimeMs));
  EXPECT_FALSE(server().newest_lease()->released);
}

TEST_P(ServerContract, DeletingLeasesBelowKeepsThatLeaseTheNewerOnesAndEveryRunRecord) {
  for (int64_t id : {1, 2, 3, 4, 5}) ASSERT_TRUE(server().insert_lease(lease(id)));
  server().record_run(run_of(1));
  server().record_run(run_of(4));
  server().delete_leases_below(4);
  EXPECT_FALSE(server().newer_lease_exists(5));
  EXPECT_TRUE(server().newer_lease_exists(3));
  EXPECT_EQ(server().newest_lease()->id, 5);
  // The deleted numbers are free again: only 4 and 5 are left.
  for (int64_t id : {1, 2, 3}) EXPECT_TRUE(server().insert_lease(lease(id))) << id;
  EXPECT_FALSE(server().insert_lease(lease(4)));
  EXPECT_EQ(leases_of(server().read_runs()), (std::vector<int64_t>{1, 4}));
}

// --- collections

TEST_P(ServerContract, CollectionsAreListedSorted) {
  for (const char* name : {"b", "c", "a"}) {
    server().send(database(), json(std::string(R"({"create": ")") + name + "\"}"), port::Reply::plain);
  }
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_P(ServerContract, DroppingACollectionRemovesIt) {
  server().send(database(), json(R"({"create": "a"})"), port::Reply::plain);
  server().send(database(), json(R"({"create": "b"})"), port::Reply::plain);
  server().drop_collection("a");
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{"b"}));
}

TEST_P(ServerContract, DroppingAMissingCollectionIsFine) {
  server().drop_collection("missing");
  EXPECT_TRUE(server().list_collections().empty());
}

// `baseline --from` reads another tool's record: every document as written,
// whatever its fields' types.
TEST_P(ServerContract, ReadingACollectionGivesEveryDocumentAsInserted) {
  const auto one = json(R"({"_id": 1, "version": {"$numberLong": "20240131120000"}, "dirty": false})");
  const auto two = json(R"({"_id": 2, "version": null, "at": {"$date": "2024-01-31T12:00:00Z"}, "n": 3})");
  server().send(database(),
                json(R"({"insert": "other_tool", "documents": [)" + one.to_json(bson::JsonMode::canonical) + ", " +
                     two.to_json(bson::JsonMode::canonical) + "]}"),
                port::Reply::write);
  std::vector<bson::Document> documents;
  server().read_documents_by_id(database(), "other_tool", [&](const bson::Document& doc) { documents.push_back(doc); });
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0], one) << documents[0].to_json();
  EXPECT_EQ(documents[1], two) << documents[1].to_json();
}

TEST_P(ServerContract, ADroppedCollectionReadsEmpty) {
  server().send(database(), json(R"({"insert": "other_tool", "documents": [{"_id": 1}]})"), port::Reply::write);
  server().drop_collection("other_tool");
  int read = 0;
  server().read_documents_by_id(database(), "other_tool", [&](const bson::Document&) { ++read; });
  EXPECT_EQ(read, 0);
}

TEST_P(ServerContract, TheHistoryAndLockCollectionsAppearOnceWritten) {
  server().read_log();
  server().read_runs();
  server().newest_lease();
  EXPECT_TRUE(server().list_collections().empty());
  server().append(entry(1));
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{history_collection()}));
  ASSERT_TRUE(server().insert_lease(lease(1)));
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{history_collection(), lock_collection()}));
}

TEST_P(ServerContract, AStoredRunRecordMakesTheLockCollection) {
  server().record_run(run_of(1));
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{lock_collection()}));
}

TEST_P(ServerContract, DroppingTheLockCollectionTakesLeasesAndRunRecords) {
  ASSERT_TRUE(server().insert_lease(lease(3)));
  server().record_run(run_of(3));
  server().append(entry(1));
  server().drop_collection(lock_collection());
  EXPECT_FALSE(server().newest_lease().has_value());
  EXPECT_TRUE(server().read_runs().empty());
  EXPECT_EQ(server().read_log().size(), 1u);
  EXPECT_TRUE(server().insert_lease(lease(1)));
}

TEST_P(ServerContract, DroppingTheHistoryCollectionEmptiesTheLog) {
  server().append(entry(1));
  server().drop_collection(history_collection());
  EXPECT_TRUE(server().read_log().empty());
  server().append(entry(1));
}

// --- migration commands

TEST_P(ServerContract, AnInsertReportsHowManyDocumentsItInserted) {
  server().send(database(), json(R"({"create": "users"})"), port::Reply::plain);
  const auto reply = server().send(database(),
                                   json(R"({"insert": "users", "documents": [{"_id": 1}, {"_id": 2}, {"_id": 3}]})"),
                                   port::Reply::write);
  EXPECT_EQ(int_field(reply, "n"), 3);
}

TEST_P(ServerContract, AnInsertMakesItsCollection) {
  server().send(database(), json(R"({"insert": "users", "documents": [{"_id": 1}]})"), port::Reply::write);
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{"users"}));
}

TEST_P(ServerContract, AnUpdateThatMatchesNothingReportsZeroCounts) {
  server().send(database(), json(R"({"create": "users"})"), port::Reply::plain);
  const auto reply = server().send(
      database(),
      json(R"({"update": "users", "updates": [{"q": {"_id": "none"}, "u": {"$set": {"a": 1}}, "multi": true}]})"),
      port::Reply::write);
  EXPECT_EQ(int_field(reply, "n"), 0);
  EXPECT_EQ(int_field(reply, "nModified"), 0);
}

TEST_P(ServerContract, ADeleteThatMatchesNothingReportsZero) {
  server().send(database(), json(R"({"create": "users"})"), port::Reply::plain);
  const auto reply = server().send(
      database(), json(R"({"delete": "users", "deletes": [{"q": {"_id": "none"}, "limit": 0}]})"), port::Reply::write);
  EXPECT_EQ(int_field(reply, "n"), 0);
}

// MongoDB makes a collection for an insert, or an update that may insert;
// "an update on a non-existent collection is okay" (write_ops_exec.cpp).
TEST_P(ServerContract, AnUpdateWithoutUpsertDoesNotMakeItsCollection) {
  if (server().facts().ferretdb) SKIP_BECAUSE("FerretDB 1.24 makes the collection of any update (MongoDB does not)");
  server().send(database(), json(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}}]})"),
                port::Reply::write);
  EXPECT_TRUE(server().list_collections().empty());
}

TEST_P(ServerContract, AnUpsertMakesItsCollection) {
  server().send(database(), json(R"({"update": "u", "updates": [{"q": {}, "u": {"$set": {"a": 1}}, "upsert": true}]})"),
                port::Reply::write);
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{"u"}));
}

TEST_P(ServerContract, ADeleteDoesNotMakeItsCollection) {
  server().send(database(), json(R"({"delete": "d", "deletes": [{"q": {}, "limit": 0}]})"), port::Reply::write);
  EXPECT_TRUE(server().list_collections().empty());
}

TEST_P(ServerContract, AnAggregateReturnsAnEmptyDocument) {
  server().send(database(), json(R"({"insert": "users", "documents": [{"_id": 1}]})"), port::Reply::write);
  const auto reply = server().send(
      database(), json(R"({"aggregate": "users", "pipeline": [{"$match": {}}], "cursor": {}})"), port::Reply::cursor);
  EXPECT_TRUE(reply.empty()) << reply.to_json();
}

TEST_P(ServerContract, APlainCommandReturnsTheServersReply) {
  const auto reply = server().send(database(), json(R"({"create": "users"})"), port::Reply::plain);
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, reply.get(), "ok")) << reply.to_json();
  EXPECT_EQ(bson_iter_as_int64(&it), 1);
}

TEST_P(ServerContract, ARefusedCommandCarriesTheServersCode) {
  try {
    server().send(database(), json(R"({"mongowayNoSuchCommand": 1})"), port::Reply::plain);
    FAIL() << "an unknown command was accepted";
  } catch (const port::ServerError& e) {
    EXPECT_EQ(e.server_code(), 59) << e.what();  // CommandNotFound
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
  }
}

TEST_P(ServerContract, ACommandGoesToTheDatabaseItNames) {
  const std::string other = database() + "_other";
  server().send(other, json(R"({"create": "elsewhere"})"), port::Reply::plain);
  EXPECT_TRUE(server().list_collections().empty());
  server().send(other, json(R"({"dropDatabase": 1})"), port::Reply::plain);
}

// --- the server itself

TEST_P(ServerContract, FactsAreReadOnceAndStayTheSame) {
  const port::ServerFacts& first = server().facts();
  const port::ServerFacts copy = first;
  const port::ServerFacts& second = server().facts();
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(second.supports_transactions, copy.supports_transactions);
  EXPECT_EQ(second.version, copy.version);
  EXPECT_GT(second.max_write_batch_size, 0);
  EXPECT_GT(second.max_bson_object_size, 0);
  if (!under_test().requests_sent) return;
  const int64_t before = under_test().requests_sent();
  server().facts();
  EXPECT_EQ(under_test().requests_sent(), before);
}

// What the pre-flight check reads: a kind whose version the table can place,
// FerretDB's own version apart from the MongoDB version it answers as, and
// transactions exactly where the topology and the kind allow them.
TEST_P(ServerContract, FactsSayTheKindItsVersionAndTheTopology) {
  const port::ServerFacts& facts = server().facts();
  EXPECT_EQ(facts.kind == port::ServerKind::ferretdb, facts.ferretdb);
  EXPECT_NE(facts.kind, port::ServerKind::unknown) << "buildInfo gives a version";
  EXPECT_FALSE(facts.kind_version.empty());
  if (facts.kind != port::ServerKind::ferretdb) {
    EXPECT_EQ(facts.kind_version, facts.version);
  }
  EXPECT_FALSE(facts.kind_version.starts_with('v')) << facts.kind_version;
  const bool distributed = facts.topology != port::Topology::standalone;
  EXPECT_EQ(facts.supports_transactions, distributed && !facts.ferretdb);
}

TEST_P(ServerContract, AnotherConnectionSeesTheSameData) {
  auto other = server().another(std::chrono::milliseconds(5000));
  server().append(entry(1));
  EXPECT_EQ(ranks_of(other->read_log()), (std::vector<int64_t>{1}));
  ASSERT_TRUE(other->insert_lease(lease(1)));
  EXPECT_FALSE(server().insert_lease(lease(1)));
  EXPECT_TRUE(other->renew_lease(lease(1), kSomeTimeMs, kSomeTimeMs + 90000));
  EXPECT_EQ(server().newest_lease()->expires_ms, kSomeTimeMs + 90000);
}

TEST_P(ServerContract, TheServerClockNeverGoesBack) {
  int64_t last = server().time_ms();
  for (int i = 0; i < 5; ++i) {
    const int64_t now = server().time_ms();
    EXPECT_GE(now, last);
    last = now;
  }
  EXPECT_GT(last, kSomeTimeMs - 365LL * 24 * 3600 * 1000);  // a date of these years, in milliseconds
}

TEST_P(ServerContract, ARealServersClockIsNearThisMachines) {
  if (!under_test().wall_clock) SKIP_BECAUSE("a fake server runs on a fake clock");
  const int64_t here = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  EXPECT_NEAR(static_cast<double>(server().time_ms()), static_cast<double>(here), 60000.0);
}

// --- transactions

#define SKIP_WITHOUT_TRANSACTIONS()                                                                \
  do {                                                                                             \
    if (!server().facts().supports_transactions) {                                                 \
      SKIP_BECAUSE("the server has no transactions (needs a replica set: set MONGOWAY_TEST_URI)"); \
    }                                                                                              \
  } while (0)

TEST_P(ServerContract, ACommittedTransactionsSendsTakeEffect) {
  SKIP_WITHOUT_TRANSACTIONS();
  server().with_transaction([&] {
    server().send(database(), json(R"({"insert": "users", "documents": [{"_id": 1}]})"), port::Reply::write);
  });
  EXPECT_EQ(server().list_collections(), (std::vector<std::string>{"users"}));
}

TEST_P(ServerContract, AnExceptionInATransactionAbortsItsSends) {
  SKIP_WITHOUT_TRANSACTIONS();
  EXPECT_THROW(server().with_transaction([&] {
    server().send(database(), json(R"({"insert": "users", "documents": [{"_id": 1}]})"), port::Reply::write);
    throw std::runtime_error("the body failed");
  }),
               std::runtime_error);
  EXPECT_FALSE(contains(server().list_collections(), "users"));
}

TEST_P(ServerContract, ARefusedCommandInATransactionAbortsIt) {
  SKIP_WITHOUT_TRANSACTIONS();
  EXPECT_THROW(server().with_transaction([&] {
    server().send(database(), json(R"({"insert": "users", "documents": [{"_id": 1}]})"), port::Reply::write);
    server().send(database(), json(R"({"mongowayNoSuchCommand": 1})"), port::Reply::plain);
  }),
               port::ServerError);
  EXPECT_FALSE(contains(server().list_collections(), "users"));
}

// --- any database's schema and documents (the schema fingerprint)

namespace {

const bson::Document* spec_named(const std::vector<bson::Document>& specs, const std::string& name) {
  for (const auto& spec : specs) {
    if (exec::collection_name(spec) == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> canonical_indexes(const std::vector<bson::Document>& specs) {
  std::vector<std::string> out;
  out.reserve(specs.size());
  for (const auto& spec : specs) out.push_back(exec::canonical_index(spec).to_json(bson::JsonMode::relaxed));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_P(ServerContract, ACreatedCollectionIsListedWithItsTypeAndNoOptions) {
  server().send(database(), json(R"({"create": "people"})"), port::Reply::plain);
  const auto specs = server().list_collection_specs(database());
  const bson::Document* people = spec_named(specs, "people");
  ASSERT_NE(people, nullptr);
  const auto print = exec::collection_print(*people, {});
  EXPECT_EQ(print.type, "collection");
  EXPECT_EQ(print.options.to_json(bson::JsonMode::relaxed), "{ }");
}

TEST_P(ServerContract, IndexesAreListedWithTheirKeyInOrderAndTheirOptions) {
  server().send(database(), json(R"({"createIndexes": "people", "indexes": [
                          {"key": {"last": 1, "first": -1}, "name": "by_name", "unique": true}]})"),
                port::Reply::plain);
  EXPECT_EQ(
      canonical_indexes(server().list_indexes(database(), "people")),
      (std::vector<std::string>{R"({ "name" : "_id_", "key" : { "_id" : 1 } })",
                                R"({ "name" : "by_name", "key" : { "last" : 1, "first" : -1 }, "unique" : true })"}));
}

TEST_P(ServerContract, ADroppedIndexIsNoLongerListed) {
  server().send(database(), json(R"({"createIndexes": "people", "indexes": [{"key": {"a": 1}, "name": "a_1"}]})"),
                port::Reply::plain);
  server().send(database(), json(R"({"dropIndexes": "people", "index": "a_1"})"), port::Reply::plain);
  EXPECT_EQ(canonical_indexes(server().list_indexes(database(), "people")),
            (std::vector<std::string>{R"({ "name" : "_id_", "key" : { "_id" : 1 } })"}));
}

TEST_P(ServerContract, ACollectionThatIsNotThereHasNoIndexes) {
  EXPECT_TRUE(server().list_indexes(database(), "nothing_here").empty());
}

TEST_P(ServerContract, ACappedCollectionIsListedWithItsOptions) {
  try {
    server().send(database(), json(R"({"create": "log", "capped": true, "size": 4096, "max": 10})"),
                  port::Reply::plain);
  } catch (const port::ServerError& e) {
    SKIP_BECAUSE(std::string("the server has no capped collections: ") + e.what());
  }
  const auto specs = server().list_collection_specs(database());
  const bson::Document* log = spec_named(specs, "log");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(exec::collection_print(*log, {}).options.to_json(bson::JsonMode::relaxed),
            R"({ "capped" : true, "max" : 10, "size" : 4096 })");
}

TEST_P(ServerContract, AViewIsListedWithItsSourceAndPipeline) {
  try {
    server().send(database(), json(R"({"create": "recent", "viewOn": "people", "pipeline": [{"$limit": 5}]})"),
                  port::Reply::plain);
  } catch (const port::ServerError& e) {
    SKIP_BECAUSE(std::string("the server has no views: ") + e.what());
  }
  const auto specs = server().list_collection_specs(database());
  const bson::Document* view = spec_named(specs, "recent");
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(exec::is_view(*view));
  EXPECT_EQ(exec::collection_print(*view, {}).options.to_json(bson::JsonMode::relaxed),
            R"({ "pipeline" : [ { "$limit" : 5 } ], "viewOn" : "people" })");
}

TEST_P(ServerContract, DocumentsAreReadAscendingById) {
  server().send(database(), json(R"({"insert": "people", "documents": [{"_id": 3, "n": "c"}, {"_id": 1, "n": "a"},
                                     {"_id": "x", "n": "s"}, {"_id": 2, "n": "b"}]})"),
                port::Reply::write);
  std::vector<std::string> read;
  server().read_documents_by_id(
      database(), "people", [&](const bson::Document& doc) { read.push_back(doc.to_json(bson::JsonMode::relaxed)); });
  EXPECT_EQ(read, (std::vector<std::string>{R"({ "_id" : 1, "n" : "a" })", R"({ "_id" : 2, "n" : "b" })",
                                            R"({ "_id" : 3, "n" : "c" })", R"({ "_id" : "x", "n" : "s" })"}));
}

TEST_P(ServerContract, DroppingADatabaseRemovesEveryCollectionHistoryAndLease) {
  server().send(database(), json(R"({"create": "people"})"), port::Reply::plain);
  server().append(entry(1));
  ASSERT_TRUE(server().insert_lease(lease(1)));
  server().drop_database(database());
  EXPECT_TRUE(server().list_collection_specs(database()).empty());
  EXPECT_TRUE(server().read_log().empty());
  EXPECT_FALSE(server().newest_lease().has_value());
}

TEST_P(ServerContract, DroppingADatabaseThatIsNotThereIsFine) {
  server().drop_database(database());
  EXPECT_TRUE(server().list_collection_specs(database()).empty());
}

TEST_P(ServerContract, ACollectionThatIsNotThereHasNoDocuments) {
  int read = 0;
  server().read_documents_by_id(database(), "nothing_here", [&](const bson::Document&) { ++read; });
  EXPECT_EQ(read, 0);
  EXPECT_TRUE(server().list_collections().empty()) << "reading makes no collection";
}

TEST_P(ServerContract, WithoutTransactionsATransactionIsAUsageError) {
  if (server().facts().supports_transactions) SKIP_BECAUSE("the server has transactions");
  bool ran = false;
  try {
    server().with_transaction([&] { ran = true; });
    FAIL() << "a transaction ran on a server without them";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
  }
  EXPECT_FALSE(ran);
}

}  // namespace mongoway::testing
