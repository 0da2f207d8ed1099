#include "harness.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../support/inspect.hpp"
#include "../support/process.hpp"

namespace mongoway::testing {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool full_mode() {
  const char* mode = std::getenv("MONGOWAY_RELIABILITY");
  return mode != nullptr && std::string(mode) == "full";
}

int trials(int short_count, int full_count) { return full_mode() ? full_count : short_count; }

int lock_ttl() { return full_mode() ? 3 : 10; }

std::mt19937_64& rng() {
  static std::mt19937_64 generator = [] {
    uint64_t seed = std::random_device{}();
    if (const char* given = std::getenv("MONGOWAY_RELIABILITY_SEED"); given && *given) seed = std::stoull(given);
    std::printf("reliability: %s mode, seed %llu (MONGOWAY_RELIABILITY_SEED to replay)\n",
                full_mode() ? "full" : "short", static_cast<unsigned long long>(seed));
    return std::mt19937_64(seed);
  }();
  return generator;
}

int64_t random_between(int64_t low, int64_t high) { return std::uniform_int_distribution<int64_t>(low, high)(rng()); }

void Scenario::fail(const std::string& what) {
  if (m_details.size() < 10) m_details.push_back(fmt::format("trial {}: {}", m_trials, what));
  if (m_failed_trial != m_trials) {
    m_failed_trial = m_trials;
    ++m_failures;
  }
}

void Scenario::report(const std::string& figure) {
  std::string line = fmt::format("{}: trials {}, failures {}, {}", m_name, m_trials, m_failures, figure);
  std::printf("%s\n", line.c_str());
  for (const auto& d : m_details) std::printf("  %s\n", d.c_str());
  std::fflush(stdout);
  // The same line for `make test-reliability` logs that keep only ctest's output.
  if (const char* log = std::getenv("MONGOWAY_RELIABILITY_LOG"); log && *log) {
    std::ofstream(log, std::ios::app) << line << "\n";
  }
  EXPECT_EQ(m_failures, 0) << line;
}

std::string Outcome::describe() const {
  std::string tail = err.size() > 1500 ? "..." + err.substr(err.size() - 1500) : err;
  return fmt::format("{} after {}; stderr: {}",
                     timed_out ? std::string("no exit (killed at the deadline)") : fmt::format("exit {}", exit_code),
                     format_seconds(seconds), tail);
}

std::map<std::string, std::string> clean_env(std::map<std::string, std::string> more) {
  std::map<std::string, std::string> env = {{"MONGOWAY_URI", ""},
                                            {"MONGOWAY_DATABASE", ""},
                                            {"MONGOWAY_LOCATIONS", ""},
                                            {"MONGOWAY_CONFIG", ""},
                                            {"MONGOWAY_PASSWORD", ""},
                                            {"MONGOWAY_PASSWORD_FILE", ""},
                                            {"MONGOWAY_LOCK_TTL", ""},
                                            {"MONGOWAY_LOCK_TIMEOUT", ""},
                                            {"MONGOWAY_OUTPUT", ""},
                                            {"MONGOWAY_HISTORY_COLLECTION", ""},
                                            {"MONGOWAY_TRANSACTION", ""},
                                            {"MONGOWAY_CLEAN_ENABLED", ""},
                                            {"MONGOWAY_MAX_FILE_SIZE", ""},
                                            {"MONGOWAY_COLOR", ""},
                                            {"NO_COLOR", "1"}};
  for (char** e = environ; *e != nullptr; ++e) {  // placeholders of the caller's (empty counts as unset)
    const std::string_view entry(*e);
    if (entry.starts_with("MONGOWAY_PLACEHOLDER_")) env[std::string(entry.substr(0, entry.find('=')))] = "";
  }
  for (auto& [k, v] : more) env[k] = v;
  return env;
}

Process::Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
    : m_dir(make_temp_dir("mw-rel-proc")), m_started(std::chrono::steady_clock::now()) {
  std::vector<std::string> argv{MONGOWAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  m_pid = spawn_process(argv, clean_env(env), m_dir + "/out", m_dir + "/err");
}

std::string Process::err_so_far() const { return read_file(m_dir + "/err"); }

Process::~Process() {
  if (!m_reaped && m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    waitpid(m_pid, &status, 0);
  }
  std::error_code ignored;
  fs::remove_all(m_dir, ignored);
}

bool Process::running() {
  if (m_reaped) return false;
  int status = 0;
  pid_t r = waitpid(m_pid, &status, WNOHANG);
  if (r == m_pid) {
    m_reaped = true;
    m_status = status;
    return false;
  }
  return true;
}

void Process::signal(int sig) {
  if (!m_reaped) ::kill(m_pid, sig);
}

double Process::age() const { return Seconds(std::chrono::steady_clock::now() - m_started).count(); }

Outcome Process::wait(Seconds deadline) {
  Outcome o;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(deadline);
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) {
      o.timed_out = true;
      ::kill(m_pid, SIGKILL);
      int status = 0;
      waitpid(m_pid, &status, 0);
      m_reaped = true;
      m_status = status;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  o.seconds = age();
  if (o.timed_out) o.exit_code = -1;
  else if (WIFEXITED(m_status)) o.exit_code = WEXITSTATUS(m_status);
  else if (WIFSIGNALED(m_status)) o.exit_code = 128 + WTERMSIG(m_status);
  o.out = read_file(m_dir + "/out");
  o.err = read_file(m_dir + "/err");
  return o;
}

Outcome run_mongoway(const std::vector<std::string>& args, Seconds deadline,
                     const std::map<std::string, std::string>& env) {
  Process p(args, env);
  return p.wait(deadline);
}

// ------------------------------------------------------------------ servers

namespace {

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

std::string local_server() { return std::string(MONGOWAY_SOURCE_DIR) + "/scripts/local-server"; }

bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

}  // namespace

PrivateServer::PrivateServer(std::vector<std::string> extra_flags, std::string kind)
    : m_dir(make_temp_dir("mongoway-rel-server")), m_flags(std::move(extra_flags)), m_kind(std::move(kind)) {
  start();
}

PrivateServer::~PrivateServer() {
  stop();
  std::error_code ignored;
  fs::remove_all(m_dir, ignored);
}

void PrivateServer::start() {
  std::vector<std::string> argv{local_server(), "start", "--data", m_dir};
  if (!m_kind.empty()) argv.insert(argv.end(), {"--server", m_kind});
  if (m_first && !m_flags.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), m_flags.begin(), m_flags.end());
  }
  auto r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error("cannot start a private server: " + r.out + r.err);
  m_first = false;
  m_uri = last_line(r.out);
}

void PrivateServer::stop() { run_process({local_server(), "stop", "--data", m_dir}); }

std::string PrivateServer::kind() const { return last_line(read_file(m_dir + "/server.kind")); }

std::optional<int> PrivateServer::tls_port() const {
  auto text = last_line(read_file(m_dir + "/server.tls_port"));
  if (text.empty()) return std::nullopt;
  return std::stoi(text);
}

int PrivateServer::pid() const {
  auto text = last_line(read_file(m_dir + "/server.pid"));
  return text.empty() ? -1 : std::stoi(text);
}

void PrivateServer::kill_hard() {
  int p = pid();
  if (p <= 0) return;
  ::kill(p, SIGKILL);
  for (int i = 0; i < 500 && alive(p); ++i) std::this_thread::sleep_for(10ms);
}

// ------------------------------------------------------------------ migrations

void write_marker_versions(const std::string& dir, const MarkerSet& set) {
  if (!set.slow.empty()) {
    std::ofstream seed(dir + "/seed.ndjson");
    for (int i = 0; i < set.seed_docs; ++i) {
      seed << fmt::format(R"({{"_id": {}, "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})", i) << '\n';
    }
  }
  for (int v = 1; v <= set.versions; ++v) {
    std::string commands;
    if (std::find(set.slow.begin(), set.slow.end(), v) != set.slow.end()) {
      commands += fmt::format(R"({{"insertMany": "seed_{0}", "documentsFile": "seed.ndjson"}},
  {{"updateMany": "seed_{0}", "filter": {{"_id": {{"$lt": {1}}}}}, "update": {{"$set": {{"touched": true}}}}}},
  )",
                              v, set.touch_docs);
    }
    if (set.with_runs)
      commands += fmt::format(R"({{"insertOne": "runs", "document": {{"v": {}}}}},
  )",
                              v);
    commands += fmt::format(
        R"({{"updateOne": "markers", "filter": {{"_id": {}}}, "update": {{"$set": {{"ok": true}}}}, "upsert": true}})",
        v);
    write_file(fmt::format("{}/V{}__marker_{}.json", dir, v, v), "[\n  " + commands + "\n]\n");
  }
}

std::string marker_command_collection(const MarkerSet& set, int version, int command) {
  std::vector<std::string> written;
  if (std::find(set.slow.begin(), set.slow.end(), version) != set.slow.end()) {
    written = {fmt::format("seed_{}", version), fmt::format("seed_{}", version)};
  }
  if (set.with_runs) written.emplace_back("runs");
  written.emplace_back("markers");
  return command >= 1 && command <= static_cast<int>(written.size()) ? written[command - 1] : "";
}

// ------------------------------------------------------------------ inspection

namespace {
bson::Document parse(const std::string& text) {
  std::string error;
  auto d = bson::Document::from_json(text, &error);
  if (!d) throw std::runtime_error("bad JSON in test: " + error + ": " + text);
  return std::move(*d);
}
}  // namespace

std::vector<std::string> collection_names(mongo::Client& c, const std::string& db) {
  std::vector<std::string> out;
  for (const auto& d : c.run_cursor(db, parse(R"({"listCollections": 1, "nameOnly": true})"))) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, d.get(), "name") && BSON_ITER_HOLDS_UTF8(&it))
      out.emplace_back(bson_iter_utf8(&it, nullptr));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<bson::Document> find_all(mongo::Client& c, const std::string& db, const std::string& collection,
                                     const std::string& filter_json) {
  return c.run_cursor(
      db, parse(fmt::format(R"({{"find": "{}", "filter": {}, "sort": {{"_id": 1}}, "batchSize": 100000}})", collection,
                            filter_json)));
}

int64_t count_docs(mongo::Client& c, const std::string& db, const std::string& collection,
                   const std::string& filter_json) {
  auto reply = c.run(db, parse(fmt::format(R"({{"count": "{}", "query": {}}})", collection, filter_json)));
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply.get(), "n") && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
  throw std::runtime_error("count without n: " + reply.to_json());
}

std::vector<model::HistoryEntry> history_of(mongo::Client& c, const std::string& db, const std::string& collection) {
  return read_history(c, db, collection);
}

std::string snapshot_of(mongo::Client& c, const std::string& db) {
  std::string out;
  for (const auto& name : collection_names(c, db)) {
    out += "== " + name + "\n";
    std::vector<std::string> indexes;
    for (const auto& d : c.run_cursor(db, parse(fmt::format(R"({{"listIndexes": "{}"}})", name)))) {
      bson_iter_t it;
      if (bson_iter_init_find(&it, d.get(), "name") && BSON_ITER_HOLDS_UTF8(&it))
        indexes.emplace_back(bson_iter_utf8(&it, nullptr));
    }
    std::sort(indexes.begin(), indexes.end());
    for (const auto& i : indexes) out += "index " + i + "\n";
    for (const auto& d : find_all(c, db, name)) out += d.to_json(bson::JsonMode::canonical) + "\n";
  }
  return out;
}

namespace {
// A snapshot_of text cut into its collections' parts.
std::map<std::string, std::string> parts_of(const std::string& snapshot) {
  std::map<std::string, std::string> parts;
  std::string* part = nullptr;
  size_t at = 0;
  while (at < snapshot.size()) {
    size_t end = snapshot.find('\n', at);
    if (end == std::string::npos) end = snapshot.size();
    const std::string line = snapshot.substr(at, end - at);
    if (line.starts_with("== ")) {
      part = &parts[line.substr(3)];
    } else if (part != nullptr) {
      *part += line + "\n";
    }
    at = end + 1;
  }
  return parts;
}
}  // namespace

std::set<std::string> changed_collections(const std::string& before, const std::string& after) {
  const auto a = parts_of(before), b = parts_of(after);
  std::set<std::string> changed;
  for (const auto& [name, text] : a) {
    if (!b.count(name) || b.at(name) != text) changed.insert(name);
  }
  for (const auto& [name, text] : b) {
    if (!a.count(name)) changed.insert(name);
  }
  return changed;
}

void drop_database(mongo::Client& c, const std::string& db) {
  bson::Document drop;
  BSON_APPEND_INT32(drop.mut(), "dropDatabase", 1);
  c.run(db, drop);
}

void drop_collection(mongo::Client& c, const std::string& db, const std::string& collection) {
  bson::Document drop;
  BSON_APPEND_UTF8(drop.mut(), "drop", collection.c_str());
  try {
    c.run(db, drop);
  } catch (const port::ServerError&) {
    // ns not found
  }
}

std::map<int64_t, std::string> states_from_info_json(const std::string& json) {
  std::map<int64_t, std::string> out;
  auto doc = bson::Document::from_json(json);
  if (!doc) return out;
  bson_iter_t it, arr, item;
  if (!bson_iter_init_find(&it, doc->get(), "migrations") || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &arr)) {
    return out;
  }
  while (bson_iter_next(&arr)) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &item)) continue;
    int64_t version = 0;
    std::string state;
    while (bson_iter_next(&item)) {
      std::string key = bson_iter_key(&item);
      if (key == "version" && BSON_ITER_HOLDS_NUMBER(&item)) version = bson_iter_as_int64(&item);
      if (key == "state" && BSON_ITER_HOLDS_UTF8(&item)) state = bson_iter_utf8(&item, nullptr);
    }
    out[version] = state;
  }
  return out;
}

std::string format_seconds(double s) { return fmt::format("{:.2f} s", s); }

std::string unique_db_name(const std::string& prefix) {
  static int counter = 0;
  return fmt::format("rel_{}_{}_{}", prefix, getpid() % 100000, counter++).substr(0, 60);
}

}  // namespace mongoway::testing
