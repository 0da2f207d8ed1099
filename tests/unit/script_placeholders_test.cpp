// ${name} placeholders: syntax, listing, checking before a run, replacement.

#include <gtest/gtest.h>

#include "script/placeholders.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::script {
namespace {

TEST(ScriptPlaceholders, Syntax) {
  std::set<std::string> names;
  collect_placeholders("${a}-${b.c}${d_e-f} $ {x} ${} ${ y} ${z", names);
  EXPECT_EQ(names, (std::set<std::string>{"a", "b.c", "d_e-f"}));
  const std::map<std::string, std::string> values{{"a", "1"}, {"b.c", "${a}"}, {"d_e-f", ""}};
  EXPECT_EQ(replace_placeholders("${a}-${b.c}${d_e-f} ${} $x", values, nullptr),
            std::optional<std::string>("1-${a} ${} $x"));  // values are not expanded again
  std::string unknown;
  EXPECT_FALSE(replace_placeholders("x${nope}y", values, &unknown));
  EXPECT_EQ(unknown, "nope");
}

// "$${" stands for a literal "${": text such as "${HOME}" in a document can
// be written without a placeholder of that name.
TEST(ScriptPlaceholders, DollarDollarBraceIsALiteralDollarBrace) {
  std::set<std::string> names;
  bool escaped = false;
  collect_placeholders("$${HOME} and ${a} and $$ROOT", names, &escaped);
  EXPECT_EQ(names, (std::set<std::string>{"a"}));
  EXPECT_TRUE(escaped);
  escaped = false;
  collect_placeholders("${a} $$ROOT $ {b} $$ {c}", names, &escaped);
  EXPECT_FALSE(escaped);
  const std::map<std::string, std::string> values{{"a", "1"}, {"HOME", "no"}};
  EXPECT_EQ(replace_placeholders("$${HOME}/${a}", values, nullptr), std::optional<std::string>("${HOME}/1"));
  EXPECT_EQ(replace_placeholders("$${}$${", values, nullptr), std::optional<std::string>("${}${"));
  EXPECT_EQ(replace_placeholders("x$${${a}}", values, nullptr), std::optional<std::string>("x${1}"));
  EXPECT_EQ(replace_placeholders("$$${a}", values, nullptr), std::optional<std::string>("$${a}"));
  EXPECT_EQ(replace_placeholders("$$ROOT", {}, nullptr), std::optional<std::string>("$$ROOT"));
  // An escaped name needs no value.
  EXPECT_EQ(replace_placeholders("$${undefined}", {}, nullptr), std::optional<std::string>("${undefined}"));
}

TEST(ScriptPlaceholders, SecretsAreKnownByTheirNames) {
  for (const char* name : {"db_password", "PASSWORD", "passphrase", "s3.secretKey", "API_TOKEN", "apiKey", "api-key",
                           "gcp_credentials", "private_key", "admin_pwd"}) {
    EXPECT_TRUE(is_secret_placeholder(name)) << name;
  }
  for (const char* name : {"env", "region", "prefix", "shard_key", "db_user"})
    EXPECT_FALSE(is_secret_placeholder(name)) << name;
  EXPECT_EQ(secret_placeholder_values({{"env", "prod"}, {"db_password", "pw1"}, {"api_token", ""}}),
            (std::vector<std::string>{"pw1"}));
}

TEST(ScriptPlaceholders, ListedPerScriptAndPerCommand) {
  std::vector<Diagnostic> diagnostics;
  auto script = testing::parse_text(R"([
  {"createCollection": "${prefix}users"},
  {"insertOne": "${prefix}users", "document": {"env": "${env}", "keys": {"${not_a_value}": 1}}}
])",
                                    diagnostics);
  ASSERT_TRUE(script) << testing::diagnostics_text(diagnostics);
  EXPECT_EQ(placeholders_used(*script), (std::vector<std::string>{"env", "prefix"}));
  EXPECT_EQ(placeholders_used(script->commands[0]), (std::vector<std::string>{"prefix"}));
}

TEST(ScriptPlaceholders, DocumentsAreRebuiltWithTypesKept) {
  auto doc = bson::Document::from_json(
      R"({"s": "${a}", "n": 1, "d": {"x": ["${a}", 2, {"$date": "2024-01-01T00:00:00Z"}]}, "${a}": "k"})");
  ASSERT_TRUE(doc);
  std::string unknown;
  auto out = substitute_placeholders(*doc, {{"a", "A"}}, &unknown);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->to_json(bson::JsonMode::canonical),
            testing::canonical(R"({"s": "A", "n": 1, "d": {"x": ["A", 2, {"$date": "2024-01-01T00:00:00Z"}]},
                                   "${a}": "k"})"));
  EXPECT_FALSE(substitute_placeholders(*doc, {}, &unknown));
  EXPECT_EQ(unknown, "a");
}

}  // namespace
}  // namespace mongoway::script
