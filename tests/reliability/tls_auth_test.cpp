// Scenario 8: TLS and authentication against a private FerretDB with a TLS
// listener (throwaway CA) and SCRAM users. mongoway connects with
// tls=true&tlsCAFile=..., refuses a certificate from another CA by default,
// authenticates with SCRAM-SHA-256 and SCRAM-SHA-1, and a wrong password (or
// none) ends with exit 5, a clear message, and the password never printed.

#include "reliability.hpp"
#include "secure_server.hpp"

namespace mongoway::testing {
namespace {

TEST_F(Reliability, TlsAndAuthentication) {
  std::string why;
  SecureServer* secure = secure_server(why);
  if (!secure) MONGOWAY_SKIP_BECAUSE("no TLS/SCRAM test server: " + why);
  Scenario s("TLS and authentication");
  const std::string migrations = std::string(MONGOWAY_SOURCE_DIR) + "/migrations";
  const std::string wrong = "Wrong:" + random_hex(8) + "@/";

  struct Check {
    std::string what;
    std::string uri;
    std::vector<std::string> command;
    int exit_code;
    std::string message;               // must appear in stderr (or stdout for exit 0)
    std::vector<std::string> secrets;  // must appear nowhere
    bool retried = false;              // with --connect-retries: tried again (a server not reached)
  };
  // A fresh database: the TLS server is shared by the whole run (and by every
  // --gtest_repeat iteration), and the first check must migrate.
  const std::string db = unique_db_name("tls");
  auto p = secure->password;
  std::vector<Check> checks = {
      {"TLS with the CA file: migrate", secure->tls_uri(secure->ca), {"migrate"}, 0, "igrated", {p}},
      {"TLS with the CA file: info", secure->tls_uri(secure->ca), {"info"}, 0, "current version 6", {p}},
      {"TLS, certificate from another CA", secure->tls_uri(secure->other_ca), {"info"}, 5, "certificate", {p}},
      {"TLS, no CA file (system store)", secure->tls_uri(""), {"info"}, 5, "certificate", {p}},
      {"TLS, another CA, explicitly allowed",
       secure->tls_uri(secure->other_ca, "tlsAllowInvalidCertificates=true"),
       {"info"},
       0,
       "current version 6",
       {p}},
      {"plain connection to the TLS port", secure->uri(p, secure->tls_port), {"info"}, 5, "cannot reach", {p}, true},
      // The plain server never answers the TLS hello: the driver reports a
      // socket timeout, as for a server that accepts connections but does
      // not answer yet, so it is tried again like one.
      {"TLS connection to the plain port",
       secure->uri(p, secure->port, "tls=true&tlsCAFile=" + secure->ca),
       {"info"},
       5,
       "cannot reach",
       {p},
       true},
      {"SCRAM-SHA-256", secure->uri("authMechanism=SCRAM-SHA-256"), {"info"}, 0, "current version 6", {p}},
      {"SCRAM-SHA-1", secure->uri("authMechanism=SCRAM-SHA-1"), {"info"}, 0, "current version 6", {p}},
      {"wrong password", secure->uri(wrong, secure->port), {"info"}, 5, "cannot authenticate", {wrong}},
      {"wrong password over TLS",
       secure->uri(wrong, secure->tls_port, "tls=true&tlsCAFile=" + secure->ca),
       {"migrate"},
       5,
       "cannot authenticate",
       {wrong}},
      {"wrong password, JSON output",
       secure->uri(wrong, secure->port),
       {"info", "--output", "json"},
       5,
       "cannot authenticate",
       {wrong}},
      {"unknown user",
       fmt::format("mongodb://nobody:{}@127.0.0.1:{}/?authSource=admin", percent_encode(p), secure->port),
       {"info"},
       5,
       "cannot authenticate",
       {p}},
      {"wrong authSource",
       fmt::format("mongodb://{}:{}@127.0.0.1:{}/?authSource=elsewhere", secure->user, percent_encode(p), secure->port),
       {"info"},
       5,
       "cannot authenticate",
       {p}},
      {"no credentials", fmt::format("mongodb://127.0.0.1:{}/", secure->port), {"info"}, 5, "authenticat", {}},
  };
  std::string passed;
  for (const auto& c : checks) {
    s.trial();
    std::vector<std::string> args{"-u", c.uri, "-d", db, "-l", migrations};
    args.insert(args.end(), c.command.begin(), c.command.end());
    // A refusal is never retried: only a server not reached is (-v shows each attempt).
    if (c.exit_code == 5) args.insert(args.end(), {"-v", "--connect-retries", "2", "--connect-retry-interval", "0"});
    auto o = run_mongoway(args, Seconds(60));
    const std::string all = o.out + o.err;
    if (o.timed_out || o.exit_code != c.exit_code) {
      s.fail(fmt::format("{}: expected exit {}: {}", c.what, c.exit_code, o.describe()));
    } else if (all.find(c.message) == std::string::npos) {
      s.fail(fmt::format("{}: expected \"{}\" in the output: {}{}", c.what, c.message, o.out, o.err));
    } else if (c.exit_code == 5 && (o.err.find("attempt 3 of 3") != std::string::npos) != c.retried) {
      s.fail(fmt::format("{}: expected {}: {}", c.what, c.retried ? "3 attempts" : "no second attempt", o.err));
    }
    for (const auto& secret : c.secrets) {
      for (const auto& form : {secret, percent_encode(secret), secret.substr(3, 16)}) {
        if (all.find(form) != std::string::npos) s.fail(fmt::format("{}: the password appears in the output", c.what));
      }
    }
    if (!s.trial_failed()) passed += fmt::format("{}{} (exit {})", passed.empty() ? "" : "; ", c.what, c.exit_code);
  }
  s.report("passed: " + passed);
}

}  // namespace
}  // namespace mongoway::testing
