// src/util/redact: what keeps passwords out of everything mongoway prints.

#include <gtest/gtest.h>

#include <algorithm>

#include "util/redact.hpp"

namespace mongoway {
namespace {

bool has(const std::vector<std::string>& secrets, const std::string& secret) {
  return std::find(secrets.begin(), secrets.end(), secret) != secrets.end();
}

TEST(Redact, PasswordOfAWellFormedUri) {
  EXPECT_EQ(redact_uri("mongodb://alice:s3cret@db1:27017,db2/shop?replicaSet=rs0"),
            "mongodb://alice:****@db1:27017,db2/shop?replicaSet=rs0");
  EXPECT_EQ(redact_uri("mongodb+srv://alice:s3cret@cluster.example.net/"),
            "mongodb+srv://alice:****@cluster.example.net/");
  EXPECT_EQ(redact_uri("mongodb://alice:p%40ss@db/shop"), "mongodb://alice:****@db/shop");
  auto secrets = uri_secrets("mongodb://alice:p%40ss@db/shop");
  EXPECT_TRUE(has(secrets, "p%40ss"));
  EXPECT_TRUE(has(secrets, "p@ss"));
}

TEST(Redact, UrisWithoutAPasswordAreLeftAlone) {
  for (const char* uri : {"mongodb://127.0.0.1:27017", "mongodb://db1:1,db2:2/shop?replicaSet=rs0&w=majority",
                          "mongodb://alice@db/shop?authSource=admin", "mongodb://db/shop?appName=me@home",
                          "mongodb://db/shop?tlsCAFile=/etc/ca.pem&tlsCertificateKeyFile=/etc/key.pem"}) {
    EXPECT_EQ(redact_uri(uri), uri);
    EXPECT_TRUE(uri_secrets(uri).empty()) << uri;
  }
  // An '@' in an option value after a password: the password ends at the '@' before the options.
  EXPECT_EQ(redact_uri("mongodb://alice:s3cret@db/shop?appName=me@home"),
            "mongodb://alice:****@db/shop?appName=me@home");
}

// An unencoded '@', '/', '?' or ':' in a password is a mistake, but the whole
// password is masked: the userinfo ends at the last '@' before the hosts.
TEST(Redact, PasswordWithUnencodedDelimiters) {
  EXPECT_EQ(redact_uri("mongodb://user:pa?ss@127.0.0.1:1/db"), "mongodb://user:****@127.0.0.1:1/db");
  EXPECT_EQ(redact_uri("mongodb://user:pa/ss@127.0.0.1:1/db"), "mongodb://user:****@127.0.0.1:1/db");
  EXPECT_EQ(redact_uri("mongodb://user:p@s:s/w?o@rd@h:1/db?w=1"), "mongodb://user:****@h:1/db?w=1");
  EXPECT_EQ(redact_uri("mongodb://user:pa?x=y@h/db?w=1"), "mongodb://user:****@h/db?w=1");
  for (const char* uri : {"mongodb://user:pa?ss@127.0.0.1:1/db", "mongodb://user:pa/ss@127.0.0.1:1/db"}) {
    auto secrets = uri_secrets(uri);
    EXPECT_TRUE(has(secrets, std::string(uri).substr(15, 5))) << uri;
    // A naive parser reads "ss@127.0.0.1:1/db" as the database (or the options):
    // the part after the delimiter is masked with the hosts, being too short alone.
    EXPECT_EQ(redact_secrets("database = ss@127.0.0.1:1/db", secrets), "database = ****/db") << uri;
    EXPECT_EQ(redact_secrets(std::string("invalid connection URI ") + uri, secrets),
              "invalid connection URI mongodb://user:****@127.0.0.1:1/db")
        << uri;
  }
  auto long_parts = uri_secrets("mongodb://user:first-part/second-part@h/db");
  EXPECT_TRUE(has(long_parts, "first-part/second-part"));
  EXPECT_TRUE(has(long_parts, "first-part"));
  EXPECT_TRUE(has(long_parts, "second-part"));
}

TEST(Redact, MistypedOrMissingScheme) {
  EXPECT_EQ(redact_uri("mongodb:/user:secretpw@host/db"), "mongodb:/user:****@host/db");
  EXPECT_EQ(redact_uri("mongodb:user:secretpw@host/db"), "mongodb:user:****@host/db");
  EXPECT_EQ(redact_uri("mongodb+srv:/user:secretpw@cluster/db"), "mongodb+srv:/user:****@cluster/db");
  EXPECT_EQ(redact_uri("MongoDB:User:secretpw@host/db"), "MongoDB:User:****@host/db");
  EXPECT_EQ(redact_uri("mongdb://user:secretpw@host/db"), "mongdb://user:****@host/db");
  EXPECT_EQ(redact_uri("user:secretpw@host/db"), "user:****@host/db");
  for (const char* uri : {"mongodb:/user:secretpw@host/db", "mongodb:user:secretpw@host/db",
                          "mongodb+srv:/user:secretpw@cluster/db", "user:secretpw@host/db"}) {
    auto secrets = uri_secrets(uri);
    EXPECT_TRUE(has(secrets, "secretpw")) << uri;
    EXPECT_EQ(redact_secrets(std::string("cannot use ") + uri, secrets).find("secretpw"), std::string::npos) << uri;
  }
}

TEST(Redact, CredentialOptions) {
  const std::string aws =
      "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:TOPSECRET2&w=1";
  EXPECT_EQ(redact_uri(aws), "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=****&w=1");
  auto secrets = uri_secrets(aws);
  EXPECT_TRUE(has(secrets, "AWS_SESSION_TOKEN:TOPSECRET2"));
  EXPECT_TRUE(has(secrets, "TOPSECRET2"));  // a driver message may name the token alone
  // Encoded, and with harmless properties beside it: only the secret ones alone.
  auto encoded = uri_secrets("mongodb://h/?authMechanismProperties=SERVICE_NAME%3Amongodb%2CAWS_SESSION_TOKEN%3Atok3n");
  EXPECT_TRUE(has(encoded, "tok3n"));
  EXPECT_FALSE(has(encoded, "mongodb"));

  EXPECT_EQ(redact_uri("mongodb://u:p@h/?tls=true&tlsCertificateKeyFile=/etc/k.pem&tlsCertificateKeyFilePassword=kpw"
                       "&tlsCAFile=/etc/ca.pem"),
            "mongodb://u:****@h/?tls=true&tlsCertificateKeyFile=/etc/k.pem&tlsCertificateKeyFilePassword=****"
            "&tlsCAFile=/etc/ca.pem");
  EXPECT_EQ(redact_uri("mongodb://h/?ssl=true&sslPEMKeyFile=/k.pem&sslPEMKeyPassword=kpw&proxyPassword=ppw&apiKey=k"),
            "mongodb://h/?ssl=true&sslPEMKeyFile=/k.pem&sslPEMKeyPassword=****&proxyPassword=****&apiKey=****");
  // With an unencoded '?' in the password, the options are still found after it.
  EXPECT_EQ(redact_uri("mongodb://u:p?w@h/?authMechanismProperties=AWS_SESSION_TOKEN:x"),
            "mongodb://u:****@h/?authMechanismProperties=****");
}

TEST(Redact, UrisInFreeText) {
  EXPECT_EQ(redact_uris_in_text("unknown command \"mongodb://u:hunter22@h/db\"; did you mean \"info\"?"),
            "unknown command \"mongodb://u:****@h/db\"; did you mean \"info\"?");
  EXPECT_EQ(redact_uris_in_text("mongoway.conf:2: unknown key \"uri: mongodb://deploy:hunter22@db/shop?authSource\""),
            "mongoway.conf:2: unknown key \"uri: mongodb://deploy:****@db/shop?authSource\"");
  // As the JSON output escapes it, with the quotes as \".
  EXPECT_EQ(redact_uris_in_text(R"("message": "info takes no arguments, got \"mongodb://u:hunter22@h/db\"")"),
            R"("message": "info takes no arguments, got \"mongodb://u:****@h/db\"")");
  EXPECT_EQ(redact_uris_in_text("(mongodb:/u:hunter22@h) uri=mongodb+srv://u:hunter22@c/ at u:hunter22@h,"),
            "(mongodb:/u:****@h) uri=mongodb+srv://u:****@c/ at u:****@h,");
  EXPECT_EQ(redact_uris_in_text("at 'mongodb:u:hunter22@h' and u:hunter22@mongodb:27017 and _:hunter22@h"),
            "at 'mongodb:u:****@h' and u:****@mongodb:27017 and _:****@h");
  // A quote in the password: raw in text output, escaped in JSON output.
  EXPECT_EQ(redact_uris_in_text(R"(got "mongodb://u:pw"x@h/db")"), R"(got "mongodb://u:****@h/db")");
  EXPECT_EQ(redact_uris_in_text(R"(got "mongodb://u:pw"x@h/db")"), R"(got "mongodb://u:****@h/db")");
  // Nothing else is touched.
  for (const char* text : {"no at sign: mongodb://h:1/db", "mailed bob@example.com at 10:30",
                           "connecting to mongodb://u:****@h/db", "database = shop@eu:1\n", ""}) {
    EXPECT_EQ(redact_uris_in_text(text), text);
  }
}

// The metrics' cluster label: the hosts as the URI lists them, nothing of its
// credentials, database or options.
TEST(UriHosts, AreTheHostsAsListedWithoutCredentialsDatabaseOrOptions) {
  EXPECT_EQ(uri_hosts("mongodb://127.0.0.1:27017"), "127.0.0.1:27017");
  EXPECT_EQ(uri_hosts("mongodb://deploy:hunter22@db1:27017,db2:27018/shop?replicaSet=rs0"), "db1:27017,db2:27018");
  EXPECT_EQ(uri_hosts("mongodb+srv://deploy@cluster0.example.net/?retryWrites=true"), "cluster0.example.net");
  EXPECT_EQ(uri_hosts("mongodb://[::1]:27017/db"), "[::1]:27017");
  EXPECT_EQ(uri_hosts("mongodb://db1/?authMechanismProperties=AWS_SESSION_TOKEN:a@b"), "db1");
  // A password with an unencoded '@' or '/': none of it shows.
  EXPECT_EQ(uri_hosts("mongodb://u:pa@ss@db1:27017/shop"), "db1:27017");
  EXPECT_EQ(uri_hosts("mongodb://u:pa/ss@db1:27017/shop").find("pa"), std::string::npos);
}

}  // namespace
}  // namespace mongoway
