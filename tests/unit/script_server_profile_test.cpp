// Server profiles and the table of features (script/server_profile): what
// a MongoDB version or FerretDB 1.24 has, why not, and a file's needs
// judged against a profile as lint reports them.

#include <gtest/gtest.h>

#include "script/server_profile.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

ServerProfile profile(const std::string& text) {
  std::string err;
  auto parsed = parse_server_profile(text, &err);
  if (!parsed) throw std::runtime_error("bad profile in test: " + err);
  return *parsed;
}

Verdict verdict(const std::string& text, std::string_view feature) { return support(profile(text), feature).verdict; }

TEST(ServerProfile, ReadsMongoDbAnyVersionAndFerretDb) {
  EXPECT_EQ(profile("mongodb-7.0").name(), "mongodb-7.0");
  EXPECT_EQ(profile("mongodb-4.4").version, (ServerVersion{4, 4}));
  EXPECT_EQ(profile("ferretdb-1.24").kind, ServerKind::ferretdb);
  EXPECT_EQ(profile("ferretdb-2.0").name(), "ferretdb-2.0");
}

TEST(ServerProfile, RefusesOtherKindsAndMalformedVersionsNamingTheForms) {
  for (const char* bad : {"postgres-16.0", "mongodb", "mongodb-7", "mongodb-7.", "mongodb-.0", "mongodb-7.0.1",
                          "mongodb-x.y", "MongoDB-7.0", "ferretdb-1.24 "}) {
    std::string err;
    EXPECT_FALSE(parse_server_profile(bad, &err)) << bad;
    EXPECT_NE(err.find("mongodb-MAJOR.MINOR"), std::string::npos) << err;
  }
}

TEST(FeatureTable, MongoDbHasAFeatureFromItsFirstVersionOn) {
  EXPECT_EQ(verdict("mongodb-3.6", "arrayFilters"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-3.4", "arrayFilters"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-3.6", "pipelineUpdate"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-4.2", "pipelineUpdate"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-4.4", "timeseries"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-5.0", "timeseries"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-5.0", "clusteredCollection"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-7.0", "clusteredCollection"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-7.0", "$unionWith"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-3.6", "$merge"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-3.6", "collMod"), Verdict::supported);
  EXPECT_EQ(verdict("mongodb-10.0", "updateSort"), Verdict::supported);
  EXPECT_EQ(support(profile("mongodb-4.4"), "timeseries").reason,
            "MongoDB 4.4 has no time series collections (needs MongoDB 5.0 or later)");
}

TEST(FeatureTable, FerretDb124HasWhatItsSourceShows) {
  EXPECT_EQ(support(profile("ferretdb-1.24"), "collMod").reason, "FerretDB 1.24 has no collMod");
  EXPECT_EQ(verdict("ferretdb-1.24", "view"), Verdict::unsupported);
  EXPECT_EQ(verdict("ferretdb-1.24", "$lookup"), Verdict::unsupported);
  EXPECT_EQ(verdict("ferretdb-1.24", "$match"), Verdict::supported);
  EXPECT_EQ(verdict("ferretdb-1.24", "uniqueIndex"), Verdict::supported);
  EXPECT_EQ(verdict("ferretdb-1.24", "decimal128"), Verdict::unsupported);
  EXPECT_EQ(verdict("ferretdb-1.24", "updateSort"), Verdict::unknown);
  EXPECT_EQ(support(profile("ferretdb-1.24"), "sparseIndex").reason,
            "FerretDB 1.24 has no sparse indexes: it ignores \"sparse\" and builds the index non-sparse");
}

TEST(FeatureTable, StagesTheTableDoesNotKnow) {
  // FerretDB 1.24 has only the stages the table lists; of MongoDB the table cannot say.
  EXPECT_EQ(verdict("ferretdb-1.24", "$search"), Verdict::unsupported);
  EXPECT_EQ(verdict("mongodb-7.0", "$search"), Verdict::unknown);
}

TEST(FeatureTable, AFerretDbVersionTheTableDoesNotKnowIsUnknown) {
  const Support s = support(profile("ferretdb-2.0"), "collMod");
  EXPECT_EQ(s.verdict, Verdict::unknown);
  EXPECT_NE(s.reason.find("knows FerretDB 1.24 only"), std::string::npos) << s.reason;
}

TEST(FeatureTable, TransactionsOnMongoDbAreANoteAboutTheTopology) {
  EXPECT_EQ(verdict("mongodb-3.6", "transaction"), Verdict::unsupported);
  const Support s = support(profile("mongodb-7.0"), "transaction");
  EXPECT_EQ(s.verdict, Verdict::supported);
  EXPECT_NE(s.note.find("replica set"), std::string::npos);
  EXPECT_EQ(verdict("ferretdb-1.24", "transaction"), Verdict::unsupported);
}

TEST(FeatureTable, EveryFeatureANeedNamesHasARow) {
  for (std::string_view f : {feature::coll_mod,
                             feature::view,
                             feature::cross_database_rename,
                             feature::drop_target,
                             feature::validator,
                             feature::ttl_index,
                             feature::partial_index,
                             feature::unique_index,
                             feature::sparse_index,
                             feature::hidden_index,
                             feature::wildcard_index,
                             feature::text_index,
                             feature::geo_2dsphere_index,
                             feature::geo_2d_index,
                             feature::hashed_index,
                             feature::index_version,
                             feature::index_storage_engine,
                             feature::collation,
                             feature::timeseries,
                             feature::clustered,
                             feature::pre_and_post_images,
                             feature::array_filters,
                             feature::pipeline_update,
                             feature::let_variables,
                             feature::update_constants,
                             feature::update_sort,
                             feature::decimal128,
                             feature::transaction}) {
    EXPECT_NE(find_feature(f), nullptr) << f;
  }
}

std::string checked(const std::string& file_text, const std::string& profile_text) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(file_text, diagnostics);
  if (!script) throw std::runtime_error("bad file in test: " + testing::diagnostics_text(diagnostics));
  return testing::diagnostics_text(check_against_profile(*script, profile(profile_text)));
}

TEST(CheckAgainstProfile, EachNeedTheProfileLacksIsAnErrorAtItsCommand) {
  const std::string file = R"({"transaction": true, "commands": [{"insertOne": "a", "document": {}},
    {"collMod": "a", "validator": {}}]})";
  EXPECT_EQ(checked(file, "ferretdb-1.24"),
            "migrations/V1__test.json:1:1: error: \"transaction\": true: FerretDB 1.24 has no transactions\n"
            "migrations/V1__test.json:2:5: error: command 2 (collMod): FerretDB 1.24 has no collMod\n"
            "migrations/V1__test.json:2:5: error: command 2 (collMod): field \"validator\": FerretDB 1.24 has no "
            "validators\n");
  EXPECT_EQ(checked(file, "mongodb-7.0"),
            "migrations/V1__test.json:1:1: warning: \"transaction\": true: transactions need a replica set, or a "
            "sharded cluster from MongoDB 4.2 on: a profile cannot tell\n");
}

}  // namespace
}  // namespace mongoway::script
