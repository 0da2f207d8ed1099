// What validation promises beyond the command table's types: a command is
// checked again once its placeholders are replaced (render, and lint given
// values), collection names no server takes are refused, a NUL in a key is
// reported at the key, index keys hold no zero, and the strict parser's depth
// limit is one libbson's reader always takes.

#include <gtest/gtest.h>

#include "json/json.hpp"
#include "script/render.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

using testing::diagnostics_text;
using testing::TempDir;

// The diagnostics of `content` read as migrations/V1__test.json.
std::string problems_of(const std::string& content) {
  std::vector<Diagnostic> diagnostics;
  (void)testing::parse_text(content, diagnostics);
  return diagnostics_text(diagnostics);
}

Script parsed(const std::string& content) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(content, diagnostics);
  EXPECT_TRUE(script) << diagnostics_text(diagnostics);
  return script ? std::move(*script) : Script{};
}

RenderContext with(std::map<std::string, std::string> placeholders) {
  return RenderContext{"app", std::move(placeholders)};
}

// The message of the Error render() throws, or "" when it renders.
std::string render_error(const Script& script, size_t index, const RenderContext& context) {
  try {
    render(script, script.commands.at(index), context);
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid);
    return e.what();
  }
}

const std::string kNote = "(the value comes from placeholder ${coll}; fix the value given with --placeholder "
                          "coll=VALUE or placeholder.coll in the config file)";

// --- placeholders: the rendered command is validated again ---------------------------------

TEST(ScriptRenderedValidation, EmptyCollectionNameFromAPlaceholderIsRefusedAtItsValue) {
  const Script script = parsed(
      "[{\"createCollection\": \"ph_a\"},\n {\"insertOne\": \"${coll}\", \"document\": {\"a\": 1}}]");
  EXPECT_EQ(render_error(script, 0, with({{"coll", ""}})), "");
  EXPECT_EQ(render_error(script, 1, with({{"coll", ""}})),
            "migrations/V1__test.json:2:16: command 2 (insertOne): field \"insertOne\": the collection name must not "
            "be empty " +
                kNote);
  EXPECT_EQ(render_error(script, 1, with({{"coll", "ph_b"}})), "");
}

TEST(ScriptRenderedValidation, EveryCheckRunsOnTheRenderedValues) {
  const Script script = parsed(R"([
  {"createCollection": "c", "validationLevel": "${lvl}"},
  {"createIndexes": "c", "indexes": [{"key": {"a": 1}, "name": "${n}"}]},
  {"renameCollection": "c", "to": "${coll}"},
  {"createView": "v_${coll}", "viewOn": "c", "pipeline": []}
])");
  EXPECT_EQ(render_error(script, 0, with({{"lvl", "bogus"}})),
            "migrations/V1__test.json:2:48: command 1 (createCollection): field \"validationLevel\": expected one of "
            "\"off\", \"strict\" or \"moderate\", got \"bogus\" (the value comes from placeholder ${lvl}; fix the "
            "value given with --placeholder lvl=VALUE or placeholder.lvl in the config file)");
  EXPECT_EQ(render_error(script, 0, with({{"lvl", "moderate"}})), "");
  // A value is not expanded again: "${x}" given as a value is checked as it is.
  EXPECT_NE(render_error(script, 0, with({{"lvl", "${x}"}})).find("got \"${x}\""), std::string::npos);
  EXPECT_EQ(render_error(script, 1, with({{"n", ""}})),
            "migrations/V1__test.json:3:64: command 2 (createIndexes): field \"indexes.0.name\": must not be empty "
            "(the value comes from placeholder ${n}; fix the value given with --placeholder n=VALUE or placeholder.n "
            "in the config file)");
  EXPECT_EQ(render_error(script, 2, with({{"coll", "system.js"}})),
            "migrations/V1__test.json:4:35: command 3 (renameCollection): field \"to\": the collection name "
            "\"system.js\" starts with \"system.\", which is reserved for MongoDB's own collections; use runCommand to "
            "work on those " +
                kNote);
  EXPECT_EQ(render_error(script, 3, with({{"coll", "a$b"}})),
            "migrations/V1__test.json:5:18: command 4 (createView): field \"createView\": the view name \"v_a$b\" must "
            "not contain '$' " +
                kNote);
}

TEST(ScriptRenderedValidation, CheckRenderListsEveryProblemWithoutThrowing) {
  const Script script = parsed(
      R"([{"updateMany": "${a}", "filter": {"k": "${b}"}, "update": {"$set": {"v": "${c}"}}}])");
  const auto problems = check_render(script, script.commands[0], with({{"b", "1"}}), Diagnostic::Severity::warning);
  EXPECT_EQ(diagnostics_text(problems),
            "migrations/V1__test.json:1:17: warning: command 1 (updateMany): unknown placeholder ${a}; define it with "
            "--placeholder a=VALUE or placeholder.a in the config file\n"
            "migrations/V1__test.json:1:75: warning: command 1 (updateMany): unknown placeholder ${c}; define it with "
            "--placeholder c=VALUE or placeholder.c in the config file\n");
  EXPECT_TRUE(check_render(script, script.commands[0], with({{"a", "x"}, {"b", ""}, {"c", ""}})).empty());
}

TEST(ScriptRenderedValidation, ASecretValueIsMaskedInTheMessage) {
  const Script script = parsed(R"([{"createCollection": "c", "validationLevel": "${api_token}"}])");
  const auto message = render_error(script, 0, with({{"api_token", "tok-123456"}}));
  EXPECT_NE(message.find("got \"****\" (the value comes from placeholder ${api_token}"), std::string::npos) << message;
  EXPECT_EQ(message.find("tok-123456"), std::string::npos) << message;
}

TEST(ScriptRenderedValidation, UnknownPlaceholderIsReportedAtItsValue) {
  const Script script = parsed("[{\"dropCollection\": \"x\"},\n  {\"dropCollection\": \"t_${missing}\"}]");
  EXPECT_EQ(render_error(script, 1, with({})),
            "migrations/V1__test.json:2:22: command 2 (dropCollection): unknown placeholder ${missing}; define it "
            "with --placeholder missing=VALUE or placeholder.missing in the config file");
}

// --- lint: given the placeholders, checks what migrate would render ----------------------------

TEST(ScriptLintPlaceholders, BadRenderedValueIsAnErrorAndAMissingValueAWarning) {
  TempDir dir;
  dir.write("m/V1__a.json",
            "[{\"createCollection\": \"ph_a\"},\n {\"insertOne\": \"${coll}\", \"document\": {\"a\": 1}}]");
  dir.write("m/V2__b.json", "[{\"dropCollection\": \"t_${missing}\"}]");
  const std::string location = dir.str() + "/m";

  // As the engine loads (no placeholders given): nothing to say yet.
  LoadResult plain = load_all({location}, LoadOptions{});
  EXPECT_TRUE(plain.diagnostics.empty()) << diagnostics_text(plain.diagnostics);

  LoadOptions lint;
  lint.placeholders = std::map<std::string, std::string>{{"coll", ""}};
  LoadResult result = load_all({location}, lint);
  EXPECT_EQ(diagnostics_text(result.diagnostics),
            location +
                "/V1__a.json:2:16: error: command 2 (insertOne): field \"insertOne\": the collection name "
                "must not be empty " +
                kNote + "\n" + location +
                "/V2__b.json:1:21: warning: command 1 (dropCollection): unknown placeholder ${missing}; "
                "define it with --placeholder missing=VALUE or placeholder.missing in the config file\n");
  EXPECT_TRUE(result.has_errors());
  ASSERT_EQ(result.migrations.size(), 1u);  // V2 has only a warning
  EXPECT_EQ(result.migrations[0].version(), 2);

  lint.placeholders = std::map<std::string, std::string>{{"coll", "users"}, {"missing", "x"}};
  LoadResult good = load_all({location}, lint);
  EXPECT_TRUE(good.diagnostics.empty()) << diagnostics_text(good.diagnostics);
  EXPECT_EQ(good.migrations.size(), 2u);
}

TEST(ScriptLintPlaceholders, AnEscapedDollarBraceNeedsNoValue) {
  TempDir dir;
  dir.write("m/V1__a.json", R"([{"insertOne": "t", "document": {"cmd": "echo $${HOME}", "n": "$${x}"}}])");
  LoadOptions lint;
  lint.placeholders = std::map<std::string, std::string>{};
  LoadResult result = load_all({dir.str() + "/m"}, lint);
  EXPECT_TRUE(result.diagnostics.empty()) << diagnostics_text(result.diagnostics);
  ASSERT_EQ(result.migrations.size(), 1u);
  // Its collection name may not hold one: "${" is no part of a valid name.
  dir.write("m/V2__b.json", R"([{"dropCollection": "t_$${x}"}])");
  LoadResult bad = load_all({dir.str() + "/m"}, lint);
  EXPECT_NE(diagnostics_text(bad.diagnostics).find("must not contain '$'"), std::string::npos)
      << diagnostics_text(bad.diagnostics);
}

// --- collection names no server takes --------------------------------------------------------

TEST(ScriptCollectionNames, NamesNoServerTakesAreRefusedAsTheFileIsRead) {
  EXPECT_EQ(problems_of(R"([{"insertOne": "nul\u0000coll", "document": {"a": 1}}])"),
            "migrations/V1__test.json:1:16: error: command 1 (insertOne): field \"insertOne\": the collection name "
            "must not contain U+0000 (NUL)\n");
  EXPECT_EQ(problems_of(R"([{"dropCollection": "a$b"}])"),
            "migrations/V1__test.json:1:21: error: command 1 (dropCollection): field \"dropCollection\": the "
            "collection name \"a$b\" must not contain '$'\n");
  EXPECT_EQ(problems_of(R"([{"createCollection": ".hidden"}])"),
            "migrations/V1__test.json:1:23: error: command 1 (createCollection): field \"createCollection\": the "
            "collection name \".hidden\" must not start with '.'\n");
  EXPECT_EQ(problems_of(R"([{"createCollection": "system.profile", "capped": true}])"),
            "migrations/V1__test.json:1:23: error: command 1 (createCollection): field \"createCollection\": the "
            "collection name \"system.profile\" starts with \"system.\", which is reserved for MongoDB's own "
            "collections; use runCommand to work on those\n");
  EXPECT_EQ(problems_of(R"([{"renameCollection": "a", "to": "b$c"}])"),
            "migrations/V1__test.json:1:34: error: command 1 (renameCollection): field \"to\": the collection name "
            "\"b$c\" must not contain '$'\n");
  EXPECT_EQ(problems_of(R"([{"createView": "v", "viewOn": "", "pipeline": []}])"),
            "migrations/V1__test.json:1:32: error: command 1 (createView): field \"viewOn\": the collection name must "
            "not be empty\n");
  EXPECT_EQ(problems_of(R"([{"collMod": "v", "viewOn": "system.views"}])"),
            "migrations/V1__test.json:1:29: error: command 1 (collMod): field \"viewOn\": the collection name "
            "\"system.views\" starts with \"system.\", which is reserved for MongoDB's own collections; use "
            "runCommand to work on those\n");
  // Dots, spaces and non-ASCII are fine; so is "system" not followed by a dot.
  EXPECT_EQ(problems_of(R"([{"createCollection": "a.b c_é"}, {"dropCollection": "systems"}])"), "");
  // The escape hatch stays open.
  EXPECT_EQ(problems_of(R"([{"runCommand": {"create": "system.profile", "capped": true, "size": 1000000}}])"), "");
}

TEST(ScriptCollectionNames, WhatNoPlaceholderValueCanFixIsRefusedBeforeRendering) {
  EXPECT_EQ(problems_of(R"([{"insertOne": "${prefix}users", "document": {}}, {"dropCollection": "${coll}"}])"), "");
  EXPECT_EQ(problems_of(R"([{"dropCollection": "a$${coll}"}])"),
            "migrations/V1__test.json:1:21: error: command 1 (dropCollection): field \"dropCollection\": the "
            "collection name \"a$${coll}\" must not contain '$'\n");
  EXPECT_EQ(problems_of(R"([{"dropCollection": "system.${coll}"}])"),
            "migrations/V1__test.json:1:21: error: command 1 (dropCollection): field \"dropCollection\": the "
            "collection name \"system.${coll}\" starts with \"system.\", which is reserved for MongoDB's own "
            "collections; use runCommand to work on those\n");
}

// --- a NUL in a key, at the key ----------------------------------------------------------------

TEST(ScriptNulKeys, ReportedAtTheKey) {
  EXPECT_EQ(problems_of("[{\"insertOne\": \"c\",\n  \"document\": {\"x\": {\"ok\": 1, \"a\\u0000b\": 1}}}]"),
            "migrations/V1__test.json:2:31: error: command 1 (insertOne): key \"a\\u0000b\" holds U+0000 (NUL), "
            "which a BSON key cannot hold; remove it from the key\n");
  // With an operator the whole command goes through libbson: the same place.
  EXPECT_EQ(problems_of(R"([{"updateOne": "c", "filter": {}, "update": {"$set": {"a\u0000": 1}}}])"),
            "migrations/V1__test.json:1:55: error: command 1 (updateOne): key \"a\\u0000\" holds U+0000 (NUL), "
            "which a BSON key cannot hold; remove it from the key\n");
}

TEST(ScriptNulKeys, ReportedAtTheKeyInADocumentsFile) {
  TempDir dir;
  dir.write("m/V1__seed.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])");
  dir.write("m/seed.ndjson", "{\"a\": 1}\n{\"b\": 2, \"c\": {\"d\\u0000\": 3}}\n");
  LoadResult result = load_all({dir.str() + "/m"}, LoadOptions{});
  EXPECT_EQ(diagnostics_text(result.diagnostics),
            dir.str() + "/m/seed.ndjson:2:16: error: key \"d\\u0000\" holds U+0000 (NUL), which a BSON key cannot "
                        "hold; remove it from the key\n");
}

// --- index keys ----------------------------------------------------------------------------------

TEST(ScriptIndexKeys, ZeroAndNaNAreRefusedWhateverTheirType) {
  EXPECT_EQ(problems_of(R"([{"createIndex": "c", "key": {"a": {"$numberDecimal": "0"}, "b": {"$numberDecimal": "-0E+3"},
    "c": {"$numberDecimal": "0.000"}, "d": {"$numberDouble": "NaN"}, "e": {"$numberDecimal": "NaN"},
    "f": {"$numberDecimal": "1"}, "g": {"$numberDecimal": "-1E-2"}, "h": {"$numberDouble": "-0.0"}}}])"),
            "migrations/V1__test.json:1:36: error: command 1 (createIndex): field \"key.a\": expected 1, -1 or an "
            "index type such as \"text\", got 0\n"
            "migrations/V1__test.json:1:66: error: command 1 (createIndex): field \"key.b\": expected 1, -1 or an "
            "index type such as \"text\", got 0\n"
            "migrations/V1__test.json:2:10: error: command 1 (createIndex): field \"key.c\": expected 1, -1 or an "
            "index type such as \"text\", got 0\n"
            "migrations/V1__test.json:2:44: error: command 1 (createIndex): field \"key.d\": expected 1, -1 or an "
            "index type such as \"text\", got NaN\n"
            "migrations/V1__test.json:2:75: error: command 1 (createIndex): field \"key.e\": expected 1, -1 or an "
            "index type such as \"text\", got NaN\n"
            "migrations/V1__test.json:3:74: error: command 1 (createIndex): field \"key.h\": expected 1, -1 or an "
            "index type such as \"text\", got 0\n");
}

// --- nesting: the strict parser's limit is libbson's ----------------------------------------------

// `levels` objects {"a": …} around `inner`.
std::string nested(int levels, const std::string& inner) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += "{\"a\":";
  out += inner;
  for (int i = 0; i < levels; ++i) out += "}";
  return out;
}

TEST(ScriptDepth, WhateverTheInnermostValueLibbsonTakesWhatTheParserTakes) {
  for (const std::string inner :
       {"{}", "[]", "1", "\"s\"", "[1]", "{\"k\":null}", "{\"$numberLong\":\"5\"}",
        "{\"$date\":{\"$numberLong\":\"1\"}}", "{\"$binary\":{\"base64\":\"AA==\",\"subType\":\"00\"}}",
        "{\"$regularExpression\":{\"pattern\":\"a\",\"options\":\"\"}}", "{\"$set\":{\"b\":1}}"}) {
    SCOPED_TRACE(inner);
    // The deepest text of this shape the parser accepts…
    int levels = json::kMaxDepth + 1;
    json::ParseError error;
    while (levels > 0 && !json::parse(nested(levels, inner), &error)) --levels;
    ASSERT_GT(levels, 0);
    EXPECT_EQ(error.message, "nesting deeper than 98 levels");
    // …libbson's reader takes too.
    std::string message;
    EXPECT_TRUE(bson::Document::from_json_object(nested(levels, inner), &message)) << levels << ": " << message;
  }
}

TEST(ScriptDepth, TooDeepADocumentIsTheParsersErrorAtItsPlace) {
  // The file's array is level 1, the command 2, "document" 3: the 98th level
  // is the last one, whether libbson or the direct writer converts it.
  EXPECT_EQ(
      problems_of("[{\"insertOne\": \"c\", \"document\": " + nested(94, "{\"b\":{\"$numberLong\":\"5\"}}") + "}]"), "");
  EXPECT_EQ(problems_of("[{\"insertOne\": \"c\", \"document\": " + nested(95, "{\"b\":1}") + "}]"), "");
  EXPECT_EQ(problems_of("[{\"insertOne\": \"c\", \"document\": " + nested(96, "{\"b\":1}") + "}]"),
            "migrations/V1__test.json:1:513: error: nesting deeper than 98 levels\n");
  EXPECT_EQ(problems_of("[{\"updateOne\": \"c\", \"filter\": {}, \"update\": {\"$set\": " +
                        nested(93, "{\"b\":{\"$numberLong\":\"5\"}}") + "}}]"),
            "");
  EXPECT_EQ(problems_of("[{\"updateOne\": \"c\", \"filter\": {}, \"update\": {\"$set\": " +
                        nested(94, "{\"b\":{\"$numberLong\":\"5\"}}") + "}}]"),
            "migrations/V1__test.json:1:529: error: nesting deeper than 98 levels\n");
}

TEST(ScriptDepth, TooDeepASeedDocumentIsTheParsersErrorAtItsPlace) {
  TempDir dir;
  dir.write("m/V1__seed.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])");
  dir.write("m/seed.ndjson", "{\"x\": 1}\n" + nested(96, "{\"$date\":{\"$numberLong\":\"1\"}}") + "\n");
  LoadResult ok = load_all({dir.str() + "/m"}, LoadOptions{});
  EXPECT_TRUE(ok.diagnostics.empty()) << diagnostics_text(ok.diagnostics);
  dir.write("m/seed.ndjson", "{\"x\": 1}\n" + nested(98, "{\"b\":1}") + "\n");
  LoadResult deep = load_all({dir.str() + "/m"}, LoadOptions{});
  EXPECT_EQ(diagnostics_text(deep.diagnostics),
            dir.str() + "/m/seed.ndjson:2:491: error: nesting deeper than 98 levels\n");
}

}  // namespace
}  // namespace mongoway::script
