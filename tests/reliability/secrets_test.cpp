// Scenario 7: with a URI holding a password, run every command in text and
// JSON mode, with and without --verbose, against the server, against a server
// that cannot be reached, and with a failing migration; then grep all stdout,
// stderr and the history and lock collections for the password: zero hits.
// The password also comes from MONGOWAY_PASSWORD and --password-file, and a
// password with an unescaped '@' (which the driver reads differently) is tried.
// And a secret placeholder from MONGOWAY_PLACEHOLDER_db_password, used in a
// document and in a failing command whose error quotes it.

#include <fmt/ranges.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "../support/process.hpp"
#include "reliability.hpp"
#include "secure_server.hpp"

namespace mongoway::testing {
namespace {

namespace fs = std::filesystem;

// A TCP port on 127.0.0.1 where nothing listens.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(Reliability, PasswordsNeverLeak) {
  std::string why;
  SecureServer* secure = secure_server(why);
  if (!secure) MONGOWAY_SKIP_BECAUSE("no SCRAM test server: " + why);
  Scenario s("secrets");
  const std::string& password = secure->password;

  // Locations: the example history, and one whose V2 fails on the server.
  const std::string good = temp_dir();
  fs::copy(std::string(MONGOWAY_SOURCE_DIR) + "/migrations", good, fs::copy_options::recursive);
  const std::string failing = temp_dir();
  write_file(failing + "/V1__ok.json", R"([{"insertOne": "things", "document": {"_id": 1}}])");
  write_file(failing + "/U1__undo_ok.json", R"([{"deleteOne": "things", "filter": {"_id": 1}}])");
  write_file(failing + "/V2__fails.json", R"([{"insertOne": "things", "document": {"_id": 1}}])");
  // ${db_password} in a document, and in a command whose error quotes it
  // ("ns does not exist: <database>.<value>").
  const std::string placeholder_secret = "ph" + random_hex(12);
  const std::string with_placeholder = temp_dir();
  write_file(with_placeholder + "/V1__account.json",
             R"([{"insertOne": "accounts", "document": {"_id": "svc", "password": "${db_password}"}}])");
  write_file(with_placeholder + "/U1__undo_account.json", R"([{"deleteOne": "accounts", "filter": {"_id": "svc"}}])");
  write_file(with_placeholder + "/V2__probe.json", R"([{"runCommand": {"listIndexes": "${db_password}"}}])");
  const std::string scratch = temp_dir();  // for `new`
  const std::string password_file = temp_dir() + "/password";
  write_file(password_file, password + "\n");

  const std::vector<std::vector<std::string>> commands = {
      {"info"},
      {"validate"},
      {"history", "--limit", "5"},
      {"migrate", "--dry-run"},
      {"migrate"},
      {"history"},
      {"undo"},
      {"undo", "--target", "0", "--dry-run"},
      {"repair"},
      {"unlock"},
      {"lint"},
      {"baseline", "--baseline-version", "1"},
      {"status"},
      {"clean", "--yes"},
      {"baseline", "--baseline-version", "3"},
      {"new", "leak check"},
  };
  const std::string user_only = fmt::format("mongodb://{}@127.0.0.1:{}/?authSource=admin", secure->user, secure->port);
  struct Setup {
    std::string what;
    std::string uri;
    std::map<std::string, std::string> env;
    std::vector<std::string> extra;
    std::string location;
  };
  const int dead = closed_port();
  const std::vector<Setup> setups = {
      {"password in the URI", secure->uri(), {}, {}, good},
      {"password in the URI, failing migration", secure->uri(), {}, {}, failing},
      {"MONGOWAY_PASSWORD", user_only, {{"MONGOWAY_PASSWORD", password}}, {}, good},
      {"--password-file", user_only, {}, {"--password-file", password_file}, failing},
      {"unreachable server", secure->uri(password, dead), {}, {}, good},
      {"unreachable server, TLS", secure->uri(password, dead, "tls=true&tlsCAFile=" + secure->ca), {}, {}, good},
      {"secret placeholder",
       user_only,
       {{"MONGOWAY_PASSWORD", password}, {"MONGOWAY_PLACEHOLDER_db_password", placeholder_secret}},
       {},
       with_placeholder},
  };

  std::vector<std::string> forms = {password, percent_encode(password), password.substr(3, 20), placeholder_secret};
  mongo::Client authenticated(client_options(secure->uri()));
  size_t documents = 0;
  // The history and lock collections, after every run.
  auto search_history = [&](const std::string& database, const std::string& what) {
    for (const auto& name : {"mongoway_history", "mongoway_history_lock"}) {
      for (const auto& d : find_all(authenticated, database, name)) {
        ++documents;
        const auto text = d.to_json();
        for (const auto& form : forms) {
          if (text.find(form) != std::string::npos)
            s.fail(fmt::format("{}: {} holds the password: {}", what, name, text));
        }
      }
    }
  };
  int runs = 0;
  size_t bytes = 0;
  std::map<int, int> exits;
  std::vector<std::string> databases;
  for (const auto& setup : setups) {
    const std::string database = "rel_secrets_" + std::to_string(databases.size());
    databases.push_back(database);
    // Every mode runs the whole sequence, so that each sees a fresh failing migration.
    for (const bool json : {false, true}) {
      for (const bool verbose : {false, true}) {
        if (!verbose && !full_mode()) continue;  // short: --verbose (which prints the most) only
        for (const auto& command : commands) {
          s.trial();
          std::vector<std::string> args{"-u",     setup.uri, "-d",
                                        database, "-l",      command.front() == "new" ? scratch : setup.location};
          args.insert(args.end(), setup.extra.begin(), setup.extra.end());
          if (json) args.insert(args.end(), {"--output", "json"});
          if (verbose) args.push_back("--verbose");
          args.insert(args.end(), command.begin(), command.end());
          auto env = setup.env;
          env["MONGOWAY_CLEAN_ENABLED"] = "true";
          auto o = run_mongoway(args, Seconds(60), env);
          ++runs;
          ++exits[o.exit_code];
          bytes += o.out.size() + o.err.size();
          const std::string what = fmt::format("{}: {}{}{}", setup.what, fmt::join(command, " "),
                                               json ? " --output json" : "", verbose ? " --verbose" : "");
          if (o.timed_out || o.signalled()) s.fail(what + ": " + o.describe());
          for (const auto& form : forms) {
            if ((o.out + o.err).find(form) != std::string::npos) {
              s.fail(fmt::format("{}: the password appears in the output:\n{}{}", what, o.out, o.err));
            }
          }
          const bool offline = command.front() == "lint" || command.front() == "new";
          if (setup.what.rfind("unreachable", 0) == 0 && !offline && o.exit_code != 5) {
            s.fail(what + ": expected exit 5: " + o.describe());
          }
          if (setup.what.rfind("unreachable", 0) != 0) search_history(database, what);
          if (command.front() == "new") {
            fs::remove_all(scratch);
            fs::create_directories(scratch);
          }
        }
      }
    }
  }
  for (const auto& database : databases) drop_database(authenticated, database);

  // A password with an unescaped '@': the driver takes the part after it for a host name.
  {
    s.trial();
    const std::string first = random_hex(6), second = random_hex(6);
    auto o = run_mongoway(
        {"-u", fmt::format("mongodb://{}:{}@{}@127.0.0.1:{}/", secure->user, first, second, secure->port), "-d",
         "rel_secrets_at", "-l", good, "--verbose", "info"},
        Seconds(60));
    ++runs;
    if (o.timed_out || o.signalled()) s.fail("unescaped @: " + o.describe());
    for (const auto& part : {first, second}) {
      if ((o.out + o.err).find(part) != std::string::npos) {
        s.fail("a password with an unescaped '@' leaks a part of it: " + o.out + o.err);
      }
    }
  }

  std::string codes;
  for (const auto& [code, n] : exits) codes += fmt::format("{}{}x exit {}", codes.empty() ? "" : ", ", n, code);
  s.report(fmt::format("{} runs ({} commands x text/json x {} x {} setups: URI, MONGOWAY_PASSWORD, "
                       "--password-file, failing migration, unreachable server plain and TLS, a secret placeholder; "
                       "plus an unescaped '@'); "
                       "{} bytes of output and {} history/lock documents (read after every run) searched: {} hits "
                       "({})",
                       runs, commands.size(), full_mode() ? "plain/verbose" : "verbose", setups.size(), bytes,
                       documents, s.failures(), codes));
}

}  // namespace
}  // namespace mongoway::testing
