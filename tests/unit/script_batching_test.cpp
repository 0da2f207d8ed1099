// Batched commands, the file side: updateMany and deleteMany take
// "batchSize" (1 to 10000) and "pauseMs" (0 to 600000, with batchSize),
// which are never sent to the server (the engine sends each batch); their
// values are read by batching_of; a file holding one cannot run in a
// transaction; and lint warns on a batched update that a resumed run could
// apply twice to the batch in flight. The exact errors of the values out of
// range are in the invalid corpus (tests/data/invalid/batch_size_*).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "script/batching.hpp"
#include "script/idempotency.hpp"
#include "script/render.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::canonical;
using testing::diagnostics_text;
using testing::render_only;

const std::string kFile = "migrations/V1__test.json";

Script parsed(const std::string& content) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(content, diagnostics);
  EXPECT_TRUE(script) << diagnostics_text(diagnostics);
  return script ? std::move(*script) : Script{};
}

// Every diagnostic of a file holding `content`, as lint reads it (notes on).
std::string problems_of(const std::string& content) {
  std::vector<Diagnostic> diagnostics;
  (void)testing::parse_text(content, diagnostics);
  return diagnostics_text(diagnostics);
}

// The one server command `command` renders to, as canonical Extended JSON.
std::string sent(const std::string& command) {
  auto rendered = render_only("[" + command + "]", RenderContext{"app", {}});
  return rendered.size() == 1 ? rendered[0].command.to_json(bson::JsonMode::canonical) : "<not one command>";
}

// --- the fields, and what is sent -----------------------------------------------------------

TEST(ScriptBatching, ABatchedUpdateIsSentWithoutItsBatchingButWithItsMaxTimeForEachBatch) {
  EXPECT_EQ(sent(R"({"updateMany": "users", "filter": {"plan": {"$exists": false}},
      "update": {"$set": {"plan": "free"}}, "hint": {"plan": 1}, "batchSize": 500, "pauseMs": 20,
      "maxTimeMS": 1000})"),
            canonical(R"({"update": "users", "updates": [{"q": {"plan": {"$exists": false}},
      "u": {"$set": {"plan": "free"}}, "multi": true, "hint": {"plan": 1}}], "ordered": true, "maxTimeMS": 1000})"));
}

TEST(ScriptBatching, ABatchedDeleteIsSentWithoutItsBatching) {
  EXPECT_EQ(sent(R"({"deleteMany": "sessions", "filter": {"expired": true}, "batchSize": 10000, "pauseMs": 0})"),
            canonical(R"({"delete": "sessions", "deletes": [{"q": {"expired": true}, "limit": 0}],
      "ordered": true})"));
}

TEST(ScriptBatching, BatchingOfReadsTheValuesWrittenInAnyIntegralNumberType) {
  const Script script = parsed(R"([
    {"updateMany": "a", "filter": {}, "update": {"$set": {"x": 1}}, "batchSize": 100, "pauseMs": 250},
    {"deleteMany": "b", "filter": {}, "batchSize": {"$numberLong": "10000"}},
    {"deleteMany": "c", "filter": {}, "batchSize": 20.0, "pauseMs": {"$numberDecimal": "1.5E+1"}},
    {"deleteMany": "d", "filter": {}}
  ])");
  ASSERT_EQ(script.commands.size(), 4u);
  ASSERT_TRUE(batching_of(script.commands[0]));
  EXPECT_EQ(batching_of(script.commands[0])->batch_size, 100);
  EXPECT_EQ(batching_of(script.commands[0])->pause_ms, 250);
  EXPECT_EQ(batching_of(script.commands[1])->batch_size, 10000);
  EXPECT_EQ(batching_of(script.commands[1])->pause_ms, 0);
  EXPECT_EQ(batching_of(script.commands[2])->batch_size, 20);
  EXPECT_EQ(batching_of(script.commands[2])->pause_ms, 15);
  EXPECT_FALSE(batching_of(script.commands[3]));
}

TEST(ScriptBatching, TheLimitsOfTheRangesAreTaken) {
  EXPECT_EQ(problems_of(R"([{"deleteMany": "a", "filter": {}, "batchSize": 1, "pauseMs": 600000},
      {"deleteMany": "a", "filter": {}, "batchSize": 10000, "pauseMs": 0}])"),
            "");
}

TEST(ScriptBatching, ADecimalFractionOrNaNIsNotABatchSize) {
  EXPECT_EQ(problems_of(R"([{"deleteMany": "a", "filter": {}, "batchSize": {"$numberDecimal": "2.5"}},
      {"deleteMany": "a", "filter": {}, "batchSize": {"$numberDecimal": "NaN"}}])"),
            kFile +
                ":1:49: error: command 1 (deleteMany): field \"batchSize\": expected an integer from 1 to 10000, "
                "got 2.5\n" +
                kFile +
                ":2:54: error: command 2 (deleteMany): field \"batchSize\": expected an integer from 1 to "
                "10000, got NaN\n");
}

TEST(ScriptBatching, UpsertFalseAndAHintAreTakenBesideABatchSize) {
  EXPECT_EQ(problems_of(R"([{"updateMany": "a", "filter": {}, "update": {"$set": {"x": 1}}, "upsert": false,
      "hint": "x_1", "batchSize": 10}])"),
            "");
}

TEST(ScriptBatching, OnlyUpdateManyAndDeleteManyTakeTheBatchingFields) {
  EXPECT_EQ(problems_of(R"([{"deleteOne": "a", "filter": {}, "pauseMs": 5},
      {"insertMany": "a", "documents": [{}], "batchSize": 5}])"),
            kFile +
                ":1:35: error: command 1 (deleteOne): unknown field \"pauseMs\"; it is accepted by updateMany and "
                "deleteMany\n" +
                kFile +
                ":2:46: error: command 2 (insertMany): unknown field \"batchSize\"; it is accepted by "
                "updateMany and deleteMany\n");
}

// --- the transaction rule ---------------------------------------------------------------------

TEST(ScriptBatching, BatchedCommandInNamesTheFirstBatchedCommand) {
  const Script script = parsed(R"([
    {"createIndex": "a", "key": {"x": 1}},
    {"deleteMany": "a", "filter": {"x": 0}, "batchSize": 100},
    {"updateMany": "a", "filter": {}, "update": {"$set": {"x": 1}}, "batchSize": 100}
  ])");
  EXPECT_EQ(batched_command_in(script), kFile + ":3:5: command 2 (deleteMany) is batched");
  EXPECT_EQ(batched_command_in(parsed(R"([{"deleteMany": "a", "filter": {}}])")), "");
}

TEST(ScriptBatching, AFileInATransactionWithoutABatchedCommandLoads) {
  EXPECT_EQ(problems_of(R"({"transaction": true, "commands": [{"deleteMany": "a", "filter": {}}]})"), "");
  EXPECT_EQ(problems_of(R"({"transaction": false, "commands": [{"deleteMany": "a", "filter": {}, "batchSize": 5}]})"),
            "");
}

// --- idempotency: lint's warning --------------------------------------------------------------

// The warning of the only command of a file holding `command`, or "".
std::string warning_of(const std::string& command) {
  const Script script = parsed("[" + command + "]");
  if (script.commands.size() != 1) return "<not one command>";
  const auto warning = idempotency_warning(kFile, script.commands.front());
  return warning ? warning->to_string() : "";
}

TEST(ScriptIdempotency, EveryIdempotentOperatorIsBatchedWithoutAWarning) {
  for (const char* update :
       {R"({"$set": {"a": 1}})", R"({"$unset": {"a": ""}})", R"({"$min": {"a": 1}})", R"({"$max": {"a": 1}})",
        R"({"$setOnInsert": {"a": 1}})", R"({"$pull": {"a": 1}})", R"({"$pullAll": {"a": [1]}})",
        R"({"$addToSet": {"a": 1}})", R"({"$rename": {"a": "b"}})"}) {
    EXPECT_EQ(
        warning_of(fmt::format(R"({{"updateMany": "c", "filter": {{}}, "update": {}, "batchSize": 10}})", update)), "")
        << update;
  }
}

const std::string kIncWarning =
    kFile +
    ":1:2: warning: command 1 (updateMany): batched with \"$inc\", which is not idempotent: a run cut short resumes "
    "by repeating the batch that was in flight, whose documents would then be changed twice; make the filter exclude "
    "the documents already done (e.g. {\"v\": {\"$ne\": 2}}), or use only idempotent operators ($set, $unset, $min, "
    "$max, $setOnInsert, $pull, $pullAll, $addToSet, $rename)";

TEST(ScriptIdempotency, ABatchedIncWarnsWithTheFilterThatWouldExcludeTheDocumentsDone) {
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"v": 1}, "update": {"$inc": {"n": 1}, "$set": {"v": 2}},
      "batchSize": 10})"),
            kIncWarning);
}

TEST(ScriptIdempotency, AnIncWhoseFilterExcludesTheValueSetIsSafe) {
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"v": {"$ne": 2}},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
  // Inside a top-level $and, beside other conditions.
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"$and": [{"k": 1}, {"v": {"$gt": 0, "$ne": 2}}]},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
}

TEST(ScriptIdempotency, ANeFilterOnAnotherValueOrAnotherTypeOrAnotherFieldStillWarns) {
  EXPECT_NE(warning_of(R"({"updateMany": "c", "filter": {"v": {"$ne": 3}},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
  EXPECT_NE(warning_of(R"({"updateMany": "c", "filter": {"v": {"$ne": "2"}},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
  EXPECT_NE(warning_of(R"({"updateMany": "c", "filter": {"w": {"$ne": 2}},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
  // Below the top level (an $or), the condition does not hold for every document.
  EXPECT_NE(warning_of(R"({"updateMany": "c", "filter": {"$or": [{"v": {"$ne": 2}}, {"k": 1}]},
      "update": {"$inc": {"n": 1}, "$set": {"v": 2}}, "batchSize": 10})"),
            "");
}

TEST(ScriptIdempotency, AnExistsFalseFilterOnAFieldTheUpdateSetsIsSafe) {
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"n": {"$exists": false}}, "update": {"$inc": {"n": 1}},
      "batchSize": 10})"),
            "");
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"done": {"$exists": false}},
      "update": {"$push": {"tags": "x"}, "$currentDate": {"done": true}}, "batchSize": 10})"),
            "");
  // A field the update does not set stays missing: the batch would match again.
  EXPECT_NE(warning_of(R"({"updateMany": "c", "filter": {"m": {"$exists": false}}, "update": {"$inc": {"n": 1}},
      "batchSize": 10})"),
            "");
}

TEST(ScriptIdempotency, APipelineWarnsUnlessItsFilterExcludesWhatItsSetStagesSet) {
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {}, "update": [{"$set": {"full": {"$concat": ["$a", "$b"]}}}],
      "batchSize": 10})"),
            kFile +
                ":1:2: warning: command 1 (updateMany): batched with an update pipeline, which is not idempotent: a "
                "run cut short resumes by repeating the batch that was in flight, whose documents would then be "
                "changed twice; make the filter exclude the documents already done (e.g. {\"f\": {\"$ne\": v}} for a "
                "field f that the update sets to v with \"$set\"), or use only idempotent operators ($set, $unset, "
                "$min, $max, $setOnInsert, $pull, $pullAll, $addToSet, $rename)");
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"full": {"$exists": false}},
      "update": [{"$set": {"full": {"$concat": ["$a", "$b"]}}}], "batchSize": 10})"),
            "");
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {"v": {"$ne": 2}},
      "update": [{"$set": {"v": 2, "n": {"$add": ["$n", 1]}}}], "batchSize": 10})"),
            "");
}

TEST(ScriptIdempotency, UnbatchedCommandsAndBatchedDeletesNeverWarn) {
  EXPECT_EQ(warning_of(R"({"updateMany": "c", "filter": {}, "update": {"$inc": {"n": 1}}})"), "");
  EXPECT_EQ(warning_of(R"({"updateOne": "c", "filter": {}, "update": {"$inc": {"n": 1}}})"), "");
  EXPECT_EQ(warning_of(R"({"deleteMany": "c", "filter": {}, "batchSize": 10})"), "");
}

TEST(ScriptIdempotency, TheLoaderGivesTheWarningToLintOnly) {
  const std::string file = R"([{"updateMany": "c", "filter": {}, "update": {"$inc": {"n": 1}}, "batchSize": 10}])";
  EXPECT_NE(problems_of(file), "");  // parse_text reads with lint's notes
  std::vector<Diagnostic> run;
  EXPECT_TRUE(parse_script(file, testing::memory_file(), run, /*notes=*/false));
  EXPECT_EQ(diagnostics_text(run), "");
}

}  // namespace
}  // namespace mongoway::script
