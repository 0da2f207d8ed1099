// No password is ever printed, also where the user put it by mistake: a URI
// typed as the command or as an argument, a mistyped configuration line, a
// password with an unencoded delimiter or a mistyped scheme, credential URI
// options, and a password that JSON output escapes. Text and --output json.

#include <gtest/gtest.h>

#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kValidV1 = R"([{"createCollection": "users"}]
)";

// Each run in text and in JSON (with --output json put first, so that it also
// counts when the command line itself is refused).
std::vector<std::pair<std::string, Outcome>> text_and_json(const std::vector<std::string>& args,
                                                           const RunOptions& options = {}) {
  std::vector<std::string> json_args{"--output", "json"};
  json_args.insert(json_args.end(), args.begin(), args.end());
  return {{"text", mongoway(args, options)}, {"json", mongoway(json_args, options)}};
}

// The message of the JSON error document, or the text error line.
std::string error_message(const std::string& mode, const Outcome& run) {
  if (mode == "text") return run.err;
  auto json = Json::parse(run.out);
  return json ? json->string("error.message") : "not JSON: " + run.out;
}

TEST(CliSecrets, UriTypedAsTheCommandIsEchoedMasked) {
  for (const auto& [mode, run] : text_and_json({"mongodb://u:hunter22@h/db", "info"})) {
    EXPECT_EQ(run.exit_code, 2) << mode << ": " << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "hunter22")) << mode << ": " << run.out << run.err;
    EXPECT_TRUE(contains(error_message(mode, run), "unknown command \"mongodb://u:****@h/db\""))
        << mode << ": " << run.out << run.err;
  }
}

TEST(CliSecrets, UriTypedAsAnArgumentIsEchoedMasked) {
  for (const auto& [mode, run] : text_and_json({"info", "-d", "x", "mongodb://u:hunter22@h/db"})) {
    EXPECT_EQ(run.exit_code, 2) << mode << ": " << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "hunter22")) << mode << ": " << run.out << run.err;
    EXPECT_TRUE(contains(error_message(mode, run), "info takes no arguments, got \"mongodb://u:****@h/db\""))
        << mode << ": " << run.out << run.err;
  }
}

// `uri: ...` instead of `uri = ...`: the whole line up to the '=' of an option
// is read as the key, and the unknown key is named in the error.
TEST(CliSecrets, MistypedConfigurationLineIsEchoedMasked) {
  TempDir dir;
  dir.write("mongoway.conf", "uri: mongodb://deploy:hunter22@db/shop?authSource=admin\n");
  for (const auto& [mode, run] : text_and_json({"lint"}, {.cwd = dir.path()})) {
    EXPECT_EQ(run.exit_code, 2) << mode << ": " << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "hunter22")) << mode << ": " << run.out << run.err;
    EXPECT_TRUE(contains(error_message(mode, run), "unknown key \"uri: mongodb://deploy:****@db/shop?authSource\""))
        << mode << ": " << run.out << run.err;
    if (mode == "json") {
      auto json = Json::parse(run.out);
      ASSERT_TRUE(json) << run.out;
      EXPECT_EQ(json->string("error.diagnostics.0.message"),
                "unknown key \"uri: mongodb://deploy:****@db/shop?authSource\"");
    }
  }
}

// An unencoded '?', '/' or '@' in a password, or a mistyped scheme: the driver
// and mongoway's own URI reading see other parts (a host, a database, options),
// and every message and --verbose line must still hide the whole password.
TEST(CliSecrets, PasswordWithUnencodedDelimitersOrAMistypedSchemeIsNeverPrinted) {
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  struct Case {
    std::string uri;
    int exit_code;  // 5: the driver read other hosts; 2: it refused the URI
    std::string shown;
    std::vector<std::string> forbidden;
  };
  const std::vector<Case> cases = {
      {"mongodb://user:pa?ss@127.0.0.1:1/db",
       5,
       "cannot reach the server at mongodb://user:****@127.0.0.1:1/db",
       {"pa?ss", "ss@127"}},
      {"mongodb://user:pa/ss@127.0.0.1:1/db",
       2,
       "invalid connection URI mongodb://user:****@127.0.0.1:1/db",
       {"pa/ss", "ss@127"}},
      {"mongodb://user:first-part/second-part@127.0.0.1:1/db",
       2,
       "mongodb://user:****@127.0.0.1:1/db",
       {"first-part", "second-part"}},
      {"mongodb:/user:secretpw@127.0.0.1:1/db",
       2,
       "invalid connection URI mongodb:/user:****@127.0.0.1:1/db",
       {"secretpw"}},
      {"mongodb+srv:/user:secretpw@127.0.0.1:1/db", 2, "mongodb+srv:/user:****@", {"secretpw"}},
      {"mongodb:user:secretpw@127.0.0.1:1/db", 2, "mongodb:user:****@", {"secretpw"}},
      {"user:secretpw@127.0.0.1:1/db", 2, "invalid connection URI user:****@127.0.0.1:1/db", {"secretpw"}},
  };
  for (const auto& c : cases) {
    for (const auto& [mode, run] : text_and_json({"-u", c.uri, "-d", "x", "--verbose", "info"}, {.cwd = dir.path()})) {
      EXPECT_EQ(run.exit_code, c.exit_code) << c.uri << " " << mode << ": " << run.out << run.err;
      EXPECT_TRUE(contains(error_message(mode, run), c.shown)) << c.uri << " " << mode << ": " << run.out << run.err;
      for (const auto& part : c.forbidden) {
        EXPECT_FALSE(contains(run.out + run.err, part)) << c.uri << " " << mode << ": " << run.out << run.err;
      }
    }
  }
  // Without -d, the URI is refused before a database is read from it.
  auto from_uri = mongoway({"-u", "mongodb://user:pa/ss@127.0.0.1:1/db", "--verbose", "info"}, {.cwd = dir.path()});
  EXPECT_EQ(from_uri.exit_code, 2) << from_uri.err;
  EXPECT_TRUE(contains(from_uri.err, "invalid connection URI mongodb://user:****@127.0.0.1:1/db")) << from_uri.err;
  EXPECT_FALSE(contains(from_uri.out + from_uri.err, "ss@127")) << from_uri.err;
}

TEST(CliSecrets, CredentialUriOptionsAreNeverPrinted) {
  const std::string uri =
      "mongodb://127.0.0.1:1/shop?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:TOPSECRET2"
      "&serverSelectionTimeoutMS=300";
  TempDir dir;
  dir.write("migrations/V1__create_users.json", kValidV1);
  for (const auto& [mode, run] : text_and_json({"-u", uri, "--verbose", "info"}, {.cwd = dir.path()})) {
    EXPECT_EQ(run.exit_code, 5) << mode << ": " << run.out << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "TOPSECRET2")) << mode << ": " << run.out << run.err;
    EXPECT_TRUE(contains(run.err, "uri = mongodb://127.0.0.1:1/shop?authMechanism=MONGODB-AWS"
                                  "&authMechanismProperties=****&"))
        << mode << ": " << run.err;
    EXPECT_TRUE(contains(error_message(mode, run), "cannot reach the server at mongodb://127.0.0.1:1/shop?"
                                                   "authMechanism=MONGODB-AWS&authMechanismProperties=****&"))
        << mode << ": " << run.out << run.err;
  }
}

// JSON output escapes a quote or a backslash; the escaped password is masked
// as well as the raw one. Here the password comes back in a file's diagnostic.
TEST(CliSecrets, PasswordWithAQuoteOrABackslashIsMaskedInJsonToo) {
  TempDir dir;
  const std::string password = "Pw\"quo\\te-x9z";
  dir.write("migrations/V1__echo.json", R"([{"Pw\"quo\\te-x9z": "things"}])"
                                        "\n");
  for (const auto& [mode, run] : text_and_json({"-u", "mongodb://bob@127.0.0.1:1/shop", "info"},
                                               {.env = {{"MONGOWAY_PASSWORD", password}}, .cwd = dir.path()})) {
    EXPECT_EQ(run.exit_code, 3) << mode << ": " << run.out << run.err;
    EXPECT_TRUE(contains(run.out + run.err, "unknown command")) << mode << ": " << run.out << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "te-x9z")) << mode << ": " << run.out << run.err;
    EXPECT_FALSE(contains(run.out + run.err, "quo")) << mode << ": " << run.out << run.err;
  }
}

}  // namespace
}  // namespace mongoway::cli_test
