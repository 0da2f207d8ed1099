// Every command's JSON document against the man page's JSON OUTPUT section:
// each field a run prints is listed there for its command, and each field
// listed is printed by some run. The commands are read from `mongoway help
// --output json`, so a command added later fails here until its fields are
// documented and a run of it is added to runs_of_every_command().

#include <bson/bson.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "../support/test_server.hpp"
#include "runner.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;
using Fields = std::set<std::string>;

constexpr const char* kEveryDocument = "Every document";
constexpr const char* kDiagnostics = "Diagnostics";
constexpr const char* kErrors = "errors";
constexpr const char* kFleets = "fleets";

std::string unescaped(std::string text) {
  for (size_t at = text.find("\\-"); at != std::string::npos; at = text.find("\\-", at)) text.erase(at, 1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return text;
}

// The arguments of a roff request line, quotes kept together.
std::vector<std::string> roff_arguments(const std::string& line) {
  std::vector<std::string> out;
  for (size_t i = line.find(' '); i != std::string::npos && i < line.size();) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    const bool quoted = line[i] == '"';
    const size_t end = quoted ? line.find('"', i + 1) + 1 : line.find(' ', i);
    out.push_back(unescaped(line.substr(i, end == std::string::npos ? std::string::npos : end - i)));
    i = end;
  }
  return out;
}

// The JSON OUTPUT section: for each subsection (its title), the fields named
// by the tags of its .TP paragraphs (.B field, or .BR field ", " field ...).
std::map<std::string, Fields> documented_fields() {
  const std::string man = read_file(std::string(MONGOWAY_SOURCE_DIR) + "/man/mongoway.1");
  const size_t begin = man.find("\n.SH JSON OUTPUT\n");
  const size_t end = man.find("\n.SH ", begin + 1);
  EXPECT_NE(begin, std::string::npos) << "the man page has no JSON OUTPUT section";
  std::map<std::string, Fields> out;
  std::istringstream lines(man.substr(begin, end - begin));
  std::string line, section;
  bool tag_next = false;
  while (std::getline(lines, line)) {
    if (line.rfind(".SS ", 0) == 0) {
      section = unescaped(line.substr(4));
      out[section];
    } else if (tag_next && (line.rfind(".B ", 0) == 0 || line.rfind(".BR ", 0) == 0)) {
      const auto arguments = roff_arguments(line);
      for (size_t i = 0; i < arguments.size(); i += 2) out[section].insert(arguments[i]);
    }
    tag_next = line == ".TP";
  }
  return out;
}

// The fields of a document as paths ("steps[].counts.matched"): an object's
// fields are followed when the man page lists any field below it (else it is
// one value, as a server command is); an array's objects always are. The
// elements of a list of diagnostics are paths of their own ("diagnostic.line").
class FieldWalker {
 public:
  explicit FieldWalker(const Fields& documented) : m_documented(documented) {}

  Fields walk(const std::string& json) {
    bson_error_t error;
    bson_t* doc = bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()), static_cast<ssize_t>(json.size()),
                                     &error);
    EXPECT_NE(doc, nullptr) << "not JSON: " << json;
    Fields out;
    if (doc == nullptr) return out;
    bson_iter_t it;
    if (bson_iter_init(&it, doc)) walk_object(it, "", out);
    bson_destroy(doc);
    return out;
  }

 private:
  bool documents_below(const std::string& path) const {
    const auto it = m_documented.lower_bound(path + ".");
    return it != m_documented.end() && it->rfind(path + ".", 0) == 0;
  }

  void walk_object(bson_iter_t& it, const std::string& prefix, Fields& out) const {
    while (bson_iter_next(&it)) {
      const std::string key = bson_iter_key(&it);
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      out.insert(path);
      bson_iter_t child;
      if (BSON_ITER_HOLDS_DOCUMENT(&it) && documents_below(path) && bson_iter_recurse(&it, &child)) {
        walk_object(child, path, out);
      } else if (BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &child)) {
        const bool diagnostics = key == "diagnostics" || key == "warnings" || key == "problems";
        walk_array(child, diagnostics ? "diagnostic" : path + "[]", out);
      }
    }
  }

  void walk_array(bson_iter_t& it, const std::string& element_path, Fields& out) const {
    while (bson_iter_next(&it)) {
      bson_iter_t element;
      if (BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &element)) walk_object(element, element_path, out);
    }
  }

  const Fields& m_documented;
};

// One JSON document printed by a run of `command`.
struct Printed {
  std::string command;
  std::vector<std::string> args;
  Outcome run;
  std::string section{};  // the man page's section, when not the command's own (a fleet's)
};

class JsonOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    m_uri = mongoway::testing::test_server_uri();
    static int counter = 0;
    m_database = "mongoway_json_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    fs::copy(std::string(MONGOWAY_SOURCE_DIR) + "/migrations", m_dir / "migrations", fs::copy_options::recursive);
  }

  void TearDown() override {
    for (const auto& database : {m_database, m_database + "_b", m_database + "_f", m_database + "_r", m_database + "_k",
                                 m_database + "_fleet_a", m_database + "_fleet_b"}) {
      mongoway({"clean", "--yes", "-d", database},
               {.env = {{"MONGOWAY_URI", m_uri}, {"MONGOWAY_CLEAN_ENABLED", "true"}}, .cwd = m_dir.path()});
    }
  }

  // mongoway --output json ARGS, on the test's server and database.
  void json(const std::string& command, std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    env.emplace("MONGOWAY_URI", m_uri);
    env.emplace("MONGOWAY_DATABASE", m_database);
    std::vector<std::string> full{"--output", "json"};
    full.insert(full.end(), args.begin(), args.end());
    m_printed.push_back(
        {command, args, mongoway(full, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(120)})});
  }

  // A version cut by a killed process, in database _k, while a second
  // migrate waits for the lock: unlock releases the dead run's lease, the
  // waiting migrate takes the lock, writes the cut version into the history
  // and refuses to go on. Runs unlock, that migrate and info.
  void cut_a_version();
  // A batched backfill stopped by SIGINT after its first batch (an error
  // document with its steps), info showing it resumable, and the migrate
  // that goes on from there.
  void stop_a_backfill();

  // golang-migrate's record at version 2, written by mongoway with a history
  // of its own, then baseline --from golang-migrate.
  void take_over_golang_migrate(const std::string& database) {
    m_dir.write("other_tool/V1__record.json",
                R"([{"insertMany": "schema_migrations", "documents": [{"version": 2, "dirty": false}]}])");
    const auto setup = mongoway({"-d", database, "-l", "other_tool", "--history-collection", "setup", "migrate"},
                                {.env = {{"MONGOWAY_URI", m_uri}}, .cwd = m_dir.path()});
    EXPECT_EQ(setup.exit_code, 0) << setup.err;
    json("baseline", {"-d", database, "baseline", "--from", "golang-migrate"});
  }

  // A fleet of two databases, one failing: migrate, then again with
  // --fail-fast (one skipped), and info.
  void fleet_runs();

  // Every command at least once, and enough runs that every field appears.
  void runs_of_every_command();

  std::string m_uri;
  std::string m_database;
  TempDir m_dir;
  std::vector<Printed> m_printed;
};

// Polls until `condition` holds (60 s at most).
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

void JsonOutput::cut_a_version() {
  write_large_seed(m_dir, "seed");
  const std::string database = m_database + "_k";
  const RunOptions options{.env = {{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", database}},
                           .cwd = m_dir.path(),
                           .timeout = std::chrono::seconds(300)};
  Started killed({"-l", "seed", "migrate", "--lock-ttl", "20"}, options);
  EXPECT_TRUE(eventually([&] {
    auto info = Json::parse(mongoway({"-l", "seed", "info", "--output", "json"}, options).out);
    return info && info->string("migrations.0.state") == "running";
  })) << "the seed was not seen running";
  Started waiting({"--output", "json", "-l", "seed", "migrate"}, options);
  EXPECT_TRUE(eventually([&] { return waiting.err_so_far().find("waiting for the lock") != std::string::npos; }));
  killed.signal(SIGKILL);
  killed.wait();
  json("unlock", {"-d", database, "unlock"});
  m_printed.push_back({"migrate", {"-l", "seed", "migrate", "(waiting)"}, waiting.wait()});
  json("info", {"-d", database, "-l", "seed", "info"});
}

void JsonOutput::stop_a_backfill() {
  std::string documents;
  for (int i = 1; i <= 20; ++i) documents += (i == 1 ? "{\"_id\": " : ", {\"_id\": ") + std::to_string(i) + "}";
  m_dir.write("backfill/V1__seed.json", R"([{"insertMany": "items", "documents": [)" + documents + "]}]\n");
  m_dir.write("backfill/V2__backfill.json", R"([{"updateMany": "items", "filter": {}, "update": {"$set": )"
                                            R"({"done": true}}, "batchSize": 2, "pauseMs": 300}])"
                                            "\n");
  const std::string database = m_database + "_bf";
  const RunOptions options{.env = {{"MONGOWAY_URI", m_uri}, {"MONGOWAY_DATABASE", database}}, .cwd = m_dir.path()};
  Started stopped({"--output", "json", "-l", "backfill", "migrate"}, options);
  EXPECT_TRUE(eventually([&] { return stopped.err_so_far().find(R"("event": "batch")") != std::string::npos; }));
  stopped.signal(SIGINT);
  const auto outcome = stopped.wait();
  EXPECT_EQ(outcome.exit_code, 130) << outcome.err;
  m_printed.push_back({"migrate", {"-l", "backfill", "migrate", "(stopped)"}, outcome});
  json("info", {"-d", database, "-l", "backfill", "info"});
  json("migrate", {"-d", database, "-l", "backfill", "migrate"});
}

void JsonOutput::fleet_runs() {
  const std::string a = m_database + "_fleet_a";
  const std::string b = m_database + "_fleet_b";
  m_dir.write("fleet/V1__refused.json", "[{\"createCollection\": \"twice\"}]\n");
  m_dir.write("fleet/V2__refused.json", "[{\"createCollection\": \"twice\"}]\n");
  const RunOptions options{.env = {{"MONGOWAY_URI", m_uri}}, .cwd = m_dir.path()};
  EXPECT_EQ(mongoway({"-d", a, "-l", "fleet", "migrate", "--target", "1"}, options).exit_code, 0);
  EXPECT_EQ(mongoway({"-d", b, "-l", "fleet", "migrate", "--target", "1"}, options).exit_code, 0);
  const std::string tenants = m_database + "_fleet_*";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-l", "fleet", "migrate", "--databases", tenants, "--jobs", "1", "--fail-fast"},
           {"-l", "fleet", "info", "--databases", tenants}}) {
    std::vector<std::string> full{"--output", "json"};
    full.insert(full.end(), args.begin(), args.end());
    m_printed.push_back({args[2], args, mongoway(full, options), kFleets});
  }
}

void JsonOutput::runs_of_every_command() {
  m_dir.write("broken/V1__broken.json", "[{\"createCollection\": }]\n");
  m_dir.write("broken/U2__undo_alone.json", "[]\n");
  // The second create is refused by the server: the collection exists.
  m_dir.write("refused/V1__refused.json", "[{\"createCollection\": \"twice\"}, {\"createCollection\": \"twice\"}]\n");
  json("help", {"help"});
  json("help", {"help", "info"});
  json("--version", {"--version"});
  json("lint", {"lint"});
  json("lint", {"lint", "-l", "broken"});
  json("new", {"-l", "created", "new", "first"});
  m_dir.write("golang/1_users.up.json", "[{\"create\": \"users\"}, {\"validate\": \"users\"}]\n");
  m_dir.write("golang/1_users.down.json", "[{\"drop\": \"users\"}]\n");
  json("import", {"-l", "imported", "import", "golang-migrate", "golang", "--dry-run"});
  json("import", {"-l", "imported", "import", "golang-migrate", "golang"});
  json("init", {"-c", "fresh/mongoway.conf", "-l", "fresh/migrations", "init"});
  json("migrate", {"migrate", "--dry-run"});
  json("migrate", {"migrate", "--target", "5"});
  json("migrate", {"migrate"});
  json("undo", {"undo", "--dry-run"});
  json("undo", {"undo"});
  json("goto", {"goto", "2", "--allow-undo", "--dry-run"});
  json("goto", {"goto", "5"});
  json("info", {"info"});
  json("info", {"-l", "migrations", "-l", "broken", "info"});
  json("validate", {"validate"});
  json("validate", {"-l", "broken", "validate"});
  json("history", {"history"});
  json("snapshot", {"snapshot", "--output-file", "schema.json"});
  json("diff", {"diff", "--against", "schema.json"});
  m_dir.write("drift.json", R"({"format": 1, "collections": [{"name": "ghost", "options": {}, "indexes": []}]})");
  json("diff", {"diff", "--against", "drift.json"});
  json("diff", {"diff"});
  json("verify", {"verify"});
  // An undo that leaves the version's collection behind: a version that fails, with its differences.
  m_dir.write("bad_undo/V1__tags.json", R"([{"createCollection": "tags"}, {"createIndex": "tags", "key": {"n": 1}}])");
  m_dir.write("bad_undo/U1__undo_tags.json", R"([{"dropIndex": "tags", "name": "n_1"}])");
  json("verify", {"-l", "bad_undo", "verify"});
  json("repair", {"repair", "--dry-run"});
  json("remove", {"-d", m_database + "_rm", "-l", "refused", "remove", "--all-pending", "--dry-run"});
  json("baseline", {"-d", m_database + "_b", "baseline", "--baseline-version", "3"});
  take_over_golang_migrate(m_database + "_f");
  json("migrate", {"-d", m_database + "_r", "-l", "refused", "migrate"});
  json("unlock", {"unlock"});
  cut_a_version();
  stop_a_backfill();
  fleet_runs();
  json("clean", {"clean", "--yes"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
}

std::vector<std::string> commands_of_the_binary() {
  auto help = Json::parse(mongoway({"help", "--output", "json"}).out);
  std::vector<std::string> out{"--version"};
  for (size_t i = 0; help && i < help->size("commands"); ++i) {
    out.push_back(help->string("commands." + std::to_string(i) + ".name"));
  }
  return out;
}

// "migrate, undo, baseline" -> the section of each of those commands.
std::map<std::string, std::string> sections_of_commands(const std::map<std::string, Fields>& documented) {
  std::map<std::string, std::string> out;
  for (const auto& [title, fields] : documented) {
    for (size_t start = 0; start <= title.size();) {
      size_t comma = title.find(", ", start);
      out[title.substr(start, comma - start)] = title;
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
  }
  return out;
}

TEST_F(JsonOutput, EveryFieldOfEveryCommandIsListedInTheManPageAndEveryListedFieldIsPrinted) {
  const auto documented = documented_fields();
  const auto section_of = sections_of_commands(documented);
  runs_of_every_command();

  std::set<std::string> commands_run;
  for (const auto& printed : m_printed) commands_run.insert(printed.command);
  for (const auto& command : commands_of_the_binary()) {
    EXPECT_TRUE(section_of.count(command)) << "the man page's JSON OUTPUT has no section for " << command;
    EXPECT_TRUE(commands_run.count(command)) << "no run of " << command << " here: add one to runs_of_every_command";
  }

  std::map<std::string, Fields> seen;
  for (const auto& printed : m_printed) {
    SCOPED_TRACE("mongoway --output json " + ::testing::PrintToString(printed.args));
    const bool error = Json::parse(printed.run.out) && Json::parse(printed.run.out)->is_document("error");
    if (!section_of.count(printed.command)) continue;
    const std::string section = !printed.section.empty() ? printed.section
                                : error                  ? kErrors
                                                         : section_of.at(printed.command);
    Fields allowed = documented.at(section);
    allowed.insert(documented.at(kEveryDocument).begin(), documented.at(kEveryDocument).end());
    for (const auto& field : documented.at(kDiagnostics)) allowed.insert("diagnostic." + field);
    auto json = Json::parse(printed.run.out);
    ASSERT_TRUE(json) << printed.run.out << printed.run.err;
    EXPECT_EQ(json->integer("format"), 1);
    if (printed.command == "--version") EXPECT_TRUE(json->is_null("command"));
    else EXPECT_EQ(json->string("command"), printed.command);
    for (const auto& field : FieldWalker(allowed).walk(printed.run.out)) {
      EXPECT_TRUE(allowed.count(field)) << "prints \"" << field << "\", not listed in the man page's JSON OUTPUT, "
                                        << section;
      if (field.rfind("diagnostic.", 0) == 0) seen[kDiagnostics].insert(field.substr(11));
      else if (documented.at(kEveryDocument).count(field)) seen[kEveryDocument].insert(field);
      else seen[section].insert(field);
    }
  }
  for (const auto& [section, fields] : documented) {
    for (const auto& field : fields) {
      EXPECT_TRUE(seen[section].count(field))
          << "the man page lists \"" << field << "\" under " << section << ", but no run printed it";
    }
  }
}

}  // namespace
}  // namespace mongoway::cli_test
