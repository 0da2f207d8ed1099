#include "fixture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "../support/process.hpp"
#include "../support/test_server.hpp"

namespace mongoway::testing {
namespace {

// Set up before the first test: the server, and which kind it is.
class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    mongo::Client c(client_options(test_server_uri()));
    g_ferretdb = c.server_info().ferretdb;
  }

  static bool g_ferretdb;
};

bool ServerEnvironment::g_ferretdb = false;

std::string sanitize(std::string name) {
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name.substr(0, 40);
}

}  // namespace

const std::string& server_uri() { return test_server_uri(); }

mongo::ClientOptions client_options(const std::string& uri) {
  mongo::ClientOptions o;
  o.uri = uri;
  return o;
}
bool server_is_ferretdb() { return ServerEnvironment::g_ferretdb; }

bson::Document json(const std::string& text) {
  std::string error;
  auto d = bson::Document::from_json(text, &error);
  if (!d) throw std::runtime_error("bad JSON in test: " + error + ": " + text);
  return std::move(*d);
}

void DatabaseTest::SetUp() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  db = fmt::format("it_{}_{}_{}", sanitize(info->name()), getpid() % 100000, counter++);
  db = db.substr(0, 63);
}

void DatabaseTest::TearDown() {
  try {
    bson::Document drop;
    BSON_APPEND_INT32(drop.mut(), "dropDatabase", 1);
    client().run(db, drop);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "could not drop %s: %s\n", db.c_str(), e.what());
  }
  for (const auto& d : m_dirs) std::filesystem::remove_all(d);
}

Config DatabaseTest::config(std::vector<std::string> locations) const {
  Config c;
  c.uri = server_uri();
  c.database = db;
  c.locations = std::move(locations);
  return c;
}

std::string DatabaseTest::temp_dir() {
  m_dirs.push_back(make_temp_dir("mongoway-it"));
  return m_dirs.back();
}

void DatabaseTest::write(const std::string& dir, const std::string& name, const std::string& content) {
  write_file(dir + "/" + name, content);
}

mongo::Client& DatabaseTest::client() {
  if (!m_client) m_client = std::make_unique<mongo::Client>(client_options(server_uri()));
  return *m_client;
}

// The sorted "name" fields of a listCollections or listIndexes reply.
std::vector<std::string> sorted_names(const std::vector<bson::Document>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, d.get(), "name")) out.emplace_back(bson_iter_utf8(&it, nullptr));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> DatabaseTest::collections() {
  return sorted_names(client().run_cursor(db, json(R"({"listCollections": 1, "nameOnly": true})")));
}

std::vector<std::string> DatabaseTest::index_names(const std::string& collection) {
  return sorted_names(client().run_cursor(db, json(fmt::format(R"({{"listIndexes": "{}"}})", collection))));
}

std::vector<bson::Document> DatabaseTest::find(const std::string& collection, const std::string& filter_json) {
  return client().run_cursor(
      db, json(fmt::format(R"({{"find": "{}", "filter": {}, "sort": {{"_id": 1}}}})", collection, filter_json)));
}

int64_t DatabaseTest::count(const std::string& collection, const std::string& filter_json) {
  return static_cast<int64_t>(find(collection, filter_json).size());
}

std::string DatabaseTest::snapshot() {
  std::string out;
  for (const auto& c : collections()) {
    out += "== " + c + "\n";
    for (const auto& i : index_names(c)) out += "index " + i + "\n";
    for (const auto& d : find(c)) out += d.to_json(bson::JsonMode::canonical) + "\n";
  }
  return out;
}

}  // namespace mongoway::testing

int main(int argc, char** argv) {
  // For every mongoway this binary starts: libmongoc's counters file,
  // /dev/shm/mongoc-<pid>, is left behind by a process killed with SIGKILL (as
  // the kill tests do); a later process given the same pid would have libmongoc
  // print a warning on stderr before main().
  setenv("MONGOC_DISABLE_SHM", "1", 0);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mongoway::testing::ServerEnvironment);
  return RUN_ALL_TESTS();
}
