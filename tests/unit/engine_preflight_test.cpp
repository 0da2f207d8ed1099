// The pre-flight check on the fake server: what a plan's files need, judged
// against what the server is before the first write; every need the server
// lacks listed at once, nothing written and no lock taken; the check again
// under the lock; --preflight auto, strict and off; the server's facts read
// as a profile of the table of features.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/preflight.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;
using script::testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

port::ServerFacts ferretdb_facts() {
  port::ServerFacts f;
  f.ferretdb = true;
  f.kind = port::ServerKind::ferretdb;
  f.version = "7.0.42";
  f.kind_version = "1.24.2";
  f.topology = port::Topology::standalone;
  return f;
}

port::ServerFacts facts_of(port::ServerKind kind, const std::string& version, port::Topology topology) {
  port::ServerFacts f;
  f.kind = kind;
  f.version = version;
  f.kind_version = version;
  f.topology = topology;
  f.supports_transactions = kind == port::ServerKind::mongodb && topology != port::Topology::standalone;
  return f;
}

// --- the facts as a profile

struct ProfileCase {
  port::ServerFacts facts;
  std::string name;  // the profile's
  script::Topology topology;
};

TEST(PreflightProfile, TheFactsOfEachServerAreTheProfileOfTheTable) {
  using K = port::ServerKind;
  using T = port::Topology;
  const std::vector<ProfileCase> cases = {
      {facts_of(K::mongodb, "7.0.14", T::replica_set), "mongodb-7.0", script::Topology::replica_set},
      {facts_of(K::mongodb, "4.2.0-rc1", T::sharded), "mongodb-4.2", script::Topology::sharded},
      {facts_of(K::mongodb, "3.6.23", T::standalone), "mongodb-3.6", script::Topology::standalone},
      {ferretdb_facts(), "ferretdb-1.24", script::Topology::standalone},
      {facts_of(K::documentdb, "5.0.0", T::replica_set), "documentdb-5.0", script::Topology::replica_set},
      {facts_of(K::cosmosdb, "4.2.0", T::replica_set), "cosmosdb-4.2", script::Topology::replica_set},
      {facts_of(K::unknown, "", T::standalone), "unknown", script::Topology::standalone},
      // A version that is no MAJOR.MINOR: the table cannot place the server.
      {facts_of(K::mongodb, "devel", T::standalone), "unknown", script::Topology::standalone},
  };
  for (const auto& c : cases) {
    const auto profile = exec::profile_of(c.facts);
    EXPECT_EQ(profile.name(), c.name) << c.facts.version;
    ASSERT_TRUE(profile.topology);
    EXPECT_EQ(*profile.topology, c.topology) << c.name;
  }
}

struct TransactionCase {
  port::ServerFacts facts;
  script::Verdict verdict;
};

TEST(PreflightProfile, TransactionsNeedAReplicaSetOrAShardedClusterFrom42) {
  using K = port::ServerKind;
  using T = port::Topology;
  using V = script::Verdict;
  const std::vector<TransactionCase> cases = {
      {facts_of(K::mongodb, "7.0.0", T::standalone), V::unsupported},
      {facts_of(K::mongodb, "4.0.0", T::replica_set), V::supported},
      {facts_of(K::mongodb, "3.6.0", T::replica_set), V::unsupported},
      {facts_of(K::mongodb, "4.0.0", T::sharded), V::unsupported},
      {facts_of(K::mongodb, "4.2.0", T::sharded), V::supported},
      {ferretdb_facts(), V::unsupported},
      {facts_of(K::documentdb, "5.0.0", T::replica_set), V::unknown},
      {facts_of(K::documentdb, "5.0.0", T::standalone), V::unsupported},
  };
  for (const auto& c : cases) {
    const auto profile = exec::profile_of(c.facts);
    const auto got = script::support(profile, script::feature::transaction);
    EXPECT_EQ(got.verdict, c.verdict) << exec::describe_server(c.facts) << ": " << got.reason;
    EXPECT_TRUE(got.note.empty()) << "a live server's topology is known: " << got.note;
  }
}

TEST(PreflightProfile, TheServerIsDescribedWithItsOwnVersionAndTopology) {
  EXPECT_EQ(exec::describe_server(ferretdb_facts()), "FerretDB 1.24.2, standalone");
  EXPECT_EQ(exec::describe_server(facts_of(port::ServerKind::mongodb, "7.0.14", port::Topology::sharded)),
            "MongoDB 7.0.14, sharded cluster");
  EXPECT_EQ(exec::describe_server(facts_of(port::ServerKind::documentdb, "5.0.0", port::Topology::replica_set)),
            "Amazon DocumentDB, answering as MongoDB 5.0.0, replica set");
}

// --- the check in the engine

// The operations that write (or take the lock): none may come before a refusal.
bool is_write(const std::string& op) {
  static const std::vector<std::string> reads = {"facts",
                                                 "time",
                                                 "read_log",
                                                 "read_runs",
                                                 "newest_lease",
                                                 "newer_lease_exists",
                                                 "list_collections",
                                                 "list_collection_specs"};
  return std::find(reads.begin(), reads.end(), op) == reads.end();
}

class Preflight : public ::testing::Test {
 protected:
  Preflight() {
    dir.write("V1__plain.json", R"([{"createCollection": "a"}])");
    dir.write("V2__validator.json", R"([
  {"collMod": "a", "validator": {"x": {"$exists": true}}}
])");
    dir.write("V3__view.json", R"([{"createView": "v", "viewOn": "a", "pipeline": []}])");
  }

  Config config(PreflightMode mode = PreflightMode::auto_) const {
    Config c;
    c.database = "app";
    c.locations = {dir.str()};
    c.preflight = mode;
    return c;
  }

  // Runs `command` on an engine of `fake`; the error it ended with, if any.
  // The warnings its listener was told go to `told`.
  std::optional<Error> run(FakeServer& fake, const Config& c, const std::function<void(exec::Engine&)>& command) {
    exec::Engine engine(
        c, [&fake](const exec::Engine&) { return fake.another(0ms); }, fake.clock());
    engine.heartbeat_thread = false;
    engine.listener.warning = [this](const Diagnostic& d) { told.push_back(d); };
    try {
      command(engine);
      return std::nullopt;
    } catch (const Error& e) {
      return e;
    }
  }

  static std::vector<std::string> writes(const FakeServer& fake) {
    std::vector<std::string> out;
    for (const auto& r : fake.requests()) {
      if (is_write(r.op)) out.push_back(r.op);
    }
    return out;
  }

  TempDir dir;
  std::vector<Diagnostic> told;
};

TEST_F(Preflight, EveryNeedTheServerLacksIsListedBeforeAnythingIsWritten) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  RunResult result;
  auto error = run(fake, config(), [&](exec::Engine& e) { result = exec::migrate(e, {}); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  EXPECT_TRUE(contains(error->what(), "pre-flight check")) << error->what();
  EXPECT_TRUE(contains(error->what(), "FerretDB 1.24.2, standalone")) << error->what();
  std::vector<std::string> where;
  for (const auto& d : error->diagnostics()) {
    EXPECT_TRUE(d.is_error());
    where.push_back(fmt::format("{}:{}:{}", std::filesystem::path(d.file).filename().string(), d.line, d.column));
  }
  // collMod and its validator in V2, the view in V3: all three, V1 has none.
  EXPECT_EQ(where, (std::vector<std::string>{"V2__validator.json:2:3", "V2__validator.json:2:3", "V3__view.json:1:2"}));
  EXPECT_TRUE(contains(error->diagnostics().at(0).message, "version 2: command 1 (collMod)"))
      << error->diagnostics().at(0).message;
  EXPECT_TRUE(contains(error->diagnostics().at(2).message, "FerretDB 1.24 has no views"))
      << error->diagnostics().at(2).message;
  EXPECT_EQ(writes(fake), std::vector<std::string>{}) << "nothing written, no lease taken";
  EXPECT_TRUE(fake.collections().empty());
  EXPECT_TRUE(fake.leases().empty());
}

TEST_F(Preflight, ADryRunIsRefusedToo) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  MigrateOptions o;
  o.dry_run = true;
  auto error = run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, o); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  EXPECT_EQ(error->diagnostics().size(), 3u);
  EXPECT_EQ(writes(fake), std::vector<std::string>{});
}

TEST_F(Preflight, OnlyTheVersionsOfThePlanAreJudged) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  MigrateOptions o;
  o.target = 1;
  EXPECT_FALSE(run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, o); }));
  EXPECT_EQ(fake.entries().size(), 1u);
}

TEST_F(Preflight, AnUndoIsJudgedByItsUndoFiles) {
  dir.write("V2__validator.json", R"([{"createCollection": "b"}])");
  dir.write("V3__view.json", R"([{"createCollection": "c"}])");
  dir.write("U3__plain.json", R"([{"dropCollection": "c"}])");
  dir.write("U2__view.json", R"([{"createView": "v", "viewOn": "a", "pipeline": []}])");
  dir.write("U1__plain.json", R"([{"dropCollection": "a"}])");
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  ASSERT_FALSE(run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, {}); }));
  UndoOptions one;  // U3 only
  EXPECT_FALSE(run(fake, config(), [&](exec::Engine& e) { exec::undo(e, one); }));
  UndoOptions all;
  all.target = 0;
  const size_t before = fake.requests().size();
  auto error = run(fake, config(), [&](exec::Engine& e) { exec::undo(e, all); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  ASSERT_EQ(error->diagnostics().size(), 1u);
  EXPECT_TRUE(contains(error->diagnostics()[0].file, "U2__view.json"));
  for (size_t i = before; i < fake.requests().size(); ++i) {
    EXPECT_FALSE(is_write(fake.requests()[i].op)) << fake.requests()[i].op;
  }
}

TEST_F(Preflight, ATransactionOnAStandaloneServerIsRefusedWithTheOtherNeeds) {
  dir.write("V1__plain.json", R"({"transaction": true, "commands": [{"createCollection": "a"}]})");
  FakeServer fake(FakeServerOptions{"app", "mongoway_history",
                                    facts_of(port::ServerKind::mongodb, "7.0.2", port::Topology::standalone)});
  auto error = run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, {}); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  ASSERT_EQ(error->diagnostics().size(), 1u) << "MongoDB 7.0 has collMod, validators and views";
  EXPECT_TRUE(contains(error->diagnostics()[0].message, "standalone server has no transactions"))
      << error->diagnostics()[0].message;
  EXPECT_EQ(writes(fake), std::vector<std::string>{});
}

// The file's own "transaction": true is listed with the other needs, not
// refused alone before them.
TEST_F(Preflight, OnFerretDbATransactionIsListedWithEveryOtherNeed) {
  dir.write("V1__plain.json", R"({"transaction": true, "commands": [{"createCollection": "a"}]})");
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  auto error = run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, {}); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  ASSERT_EQ(error->diagnostics().size(), 4u) << error->what();
  EXPECT_TRUE(contains(error->diagnostics()[0].message, "version 1: \"transaction\": true: FerretDB 1.24 has no "
                                                        "transactions"))
      << error->diagnostics()[0].message;
  EXPECT_EQ(writes(fake), std::vector<std::string>{});
}

TEST_F(Preflight, AReplicaSetRunsTheSamePlan) {
  dir.write("V1__plain.json", R"({"transaction": true, "commands": [{"createCollection": "a"}]})");
  FakeServer fake;  // MongoDB 7.0, a replica set
  RunResult result;
  auto error = run(fake, config(), [&](exec::Engine& e) { result = exec::migrate(e, {}); });
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(fake.entries().size(), 3u);
  EXPECT_TRUE(told.empty());
}

// A server the table has no column for: auto goes on with one warning.
TEST_F(Preflight, AutoGoesOnWithOneWarningWhereSupportIsNotKnown) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history",
                                    facts_of(port::ServerKind::documentdb, "5.0.0", port::Topology::replica_set)});
  RunResult result;
  auto error = run(fake, config(), [&](exec::Engine& e) { result = exec::migrate(e, {}); });
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(fake.entries().size(), 3u);
  ASSERT_EQ(told.size(), 1u) << "told once, not again for the same plan under the lock";
  const std::string& warning = told[0].message;
  EXPECT_TRUE(contains(warning, "3 things the plan needs is not known")) << warning;
  EXPECT_TRUE(contains(warning, "V2__validator.json:2:3")) << warning;
  EXPECT_TRUE(contains(warning, "V3__view.json:1:2")) << warning;
}

TEST_F(Preflight, StrictRefusesWhereSupportIsNotKnown) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history",
                                    facts_of(port::ServerKind::documentdb, "5.0.0", port::Topology::replica_set)});
  auto error = run(fake, config(PreflightMode::strict), [&](exec::Engine& e) { exec::migrate(e, {}); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid);
  EXPECT_EQ(error->diagnostics().size(), 3u);
  EXPECT_TRUE(contains(error->diagnostics()[0].message, "Amazon DocumentDB")) << error->diagnostics()[0].message;
  EXPECT_EQ(writes(fake), std::vector<std::string>{});
}

TEST_F(Preflight, OffSkipsTheCheckWithAWarning) {
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  RunResult result;
  auto error = run(fake, config(PreflightMode::off), [&](exec::Engine& e) { result = exec::migrate(e, {}); });
  ASSERT_FALSE(error) << error->what();
  EXPECT_EQ(fake.entries().size(), 3u) << "the fake has what FerretDB lacks";
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(contains(told[0].message, "pre-flight check skipped")) << told[0].message;
}

// Another process applied V3 while this one waited for the lock: the plan
// made under the lock undoes V3 too, and U3 needs what the server lacks.
TEST_F(Preflight, ThePlanMadeUnderTheLockIsCheckedAgain) {
  dir.write("V2__validator.json", R"([{"createCollection": "b"}])");
  dir.write("V3__view.json", R"([{"createCollection": "c"}])");
  dir.write("U3__view.json", R"([{"createView": "v", "viewOn": "a", "pipeline": []}])");
  dir.write("U2__plain.json", R"([{"dropCollection": "b"}])");
  FakeServer fake(FakeServerOptions{"app", "mongoway_history", ferretdb_facts()});
  MigrateOptions to2;
  to2.target = 2;
  ASSERT_FALSE(run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, to2); }));
  const int leases_before = static_cast<int>(fake.requests_of("insert_lease").size());
  fake.before_nth_request_of("insert_lease", leases_before + 1, [&] {
    EXPECT_FALSE(run(fake, config(), [&](exec::Engine& e) { exec::migrate(e, {}); }));
  });
  UndoOptions to1;
  to1.target = 1;  // U2 alone, when planned without the lock
  auto error = run(fake, config(), [&](exec::Engine& e) { exec::undo(e, to1); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  ASSERT_EQ(error->diagnostics().size(), 1u);
  EXPECT_TRUE(contains(error->diagnostics()[0].file, "U3__view.json"));
  EXPECT_EQ(fake.entries().size(), 3u) << "nothing undone";
  const auto collections = fake.collections();
  EXPECT_NE(std::find(collections.begin(), collections.end(), "c"), collections.end()) << "U3 did not run";
  for (const auto& lease : fake.leases()) EXPECT_TRUE(lease.released) << "lease " << lease.id;
}

// verify judges every V and U file it will run on the scratch database's
// server, before that database is this run's: refused, it is never written
// to, nor dropped.
TEST_F(Preflight, VerifyIsRefusedBeforeItsScratchDatabaseIsMade) {
  dir.write("V2__validator.json", R"([{"createCollection": "b"}])");
  dir.write("V3__view.json", R"([{"createCollection": "c"}])");
  dir.write("U2__view.json", R"([{"createView": "v", "viewOn": "a", "pipeline": []}])");
  FakeServer scratch(FakeServerOptions{"mongoway_scratch_test", "mongoway_history", ferretdb_facts()});
  VerifyOptions o;
  o.scratch_database = "mongoway_scratch_test";
  auto error = run(scratch, config(), [&](exec::Engine& e) { exec::verify(e, o); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::invalid) << error->what();
  ASSERT_EQ(error->diagnostics().size(), 1u);
  EXPECT_TRUE(contains(error->diagnostics()[0].file, "U2__view.json"));
  EXPECT_EQ(writes(scratch), std::vector<std::string>{}) << "no lease, no drop";
}

TEST_F(Preflight, VerifyOnAServerOfUnknownKindWarnsAndRuns) {
  FakeServer scratch(FakeServerOptions{"mongoway_scratch_test", "mongoway_history",
                                       facts_of(port::ServerKind::cosmosdb, "4.2.0", port::Topology::replica_set)});
  VerifyOptions o;
  o.scratch_database = "mongoway_scratch_test";
  VerifyResult result;
  auto error = run(scratch, config(), [&](exec::Engine& e) { result = exec::verify(e, o); });
  ASSERT_FALSE(error) << error->what();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(contains(told[0].message, "Azure Cosmos DB")) << told[0].message;
  EXPECT_EQ(result.versions.size(), 3u);
}

}  // namespace
}  // namespace mongoway::testing
