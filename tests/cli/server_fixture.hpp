#pragma once
// The fixture of the command-line tests against a real server (see
// support/test_server.hpp): each test gets a database of its own, dropped
// with `clean` at the end, and a working directory of its own; `mw` runs the
// built mongoway there, on that server and database.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../support/test_server.hpp"
#include "runner.hpp"

namespace mongoway::cli_test {

class ServerFixture : public ::testing::Test {
 protected:
  // `prefix` names the suite's databases: PREFIX_<pid>_<n>.
  explicit ServerFixture(std::string prefix) : m_prefix(std::move(prefix)) {}

  void SetUp() override {
    m_uri = mongoway::testing::test_server_uri();
    static int counter = 0;
    m_database = m_prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  }

  void TearDown() override {
    if (m_uri.empty()) return;
    auto run = mw({"clean", "--yes"}, {{"MONGOWAY_CLEAN_ENABLED", "true"}});
    if (run.exit_code != 0) std::cout << "could not clean " << m_database << ": " << run.err;
  }

  // The example migrations of the repository, copied into the working directory.
  void copy_shipped_migrations() {
    std::filesystem::copy(std::string(MONGOWAY_SOURCE_DIR) + "/migrations", m_dir / "migrations",
                          std::filesystem::copy_options::recursive);
  }

  // mongoway with the test's server, database and working directory.
  Outcome mw(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    env.emplace("MONGOWAY_URI", m_uri);
    env.emplace("MONGOWAY_DATABASE", m_database);
    return mongoway(args, {.env = env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(120)});
  }

  // How many collections a database has, mongoway's own left out (0 when it
  // does not exist), read by snapshot with the files of `location`.
  int64_t collections_of(const std::string& database, const std::string& location = "migrations") {
    auto run = mw({"-d", database, "-l", location, "snapshot", "--output-file", "read.json", "--output", "json"});
    auto json = Json::parse(run.out);
    EXPECT_TRUE(json) << run.out << run.err;
    return json ? json->integer("collections") : -1;
  }

  // Waits (60 s at most) until the seed of write_large_seed (version 1 in
  // `location`) is being applied on `database`: its collection is there while
  // the version is not applied. false when the version was applied first.
  // Read from the database, not from a run record: verify's and diff's
  // scratch databases keep their run records in memory.
  bool wait_until_seed_runs(const std::string& database, const std::string& location) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      // The collection first, then the state: seen there before the version was applied.
      const bool seeding = collections_of(database, location) > 0;
      auto info = Json::parse(mw({"-d", database, "-l", location, "info", "--output", "json"}).out);
      const std::string state = info ? info->string("migrations.0.state") : "";
      if (state == "applied") return false;
      if (seeding) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  Json json_of(const Outcome& run) {
    auto json = Json::parse(run.out);
    EXPECT_TRUE(json) << "not JSON: " << run.out << run.err;
    return json ? *json : *Json::parse("{}");
  }

  std::string m_prefix;
  std::string m_uri;
  std::string m_database;
  TempDir m_dir;
};

// A seed long enough to act on while it runs: 20 insertMany commands of
// 10,000 documents each, read from documentsFiles (a stop request is
// honoured between two commands), written as
// `<location>/V<version>__seed_items.json` with its files in `<location>/data`.
inline void write_large_seed(const TempDir& dir, const std::string& location = "migrations", int version = 1) {
  std::string commands = "[";
  for (int file = 0; file < 20; ++file) {
    std::string lines;
    for (int i = 0; i < 10'000; ++i) {
      const int id = file * 10'000 + i;
      lines += "{\"_id\": " + std::to_string(id) + ", \"name\": \"item " + std::to_string(id) + "\"}\n";
    }
    const std::string name = "data/items" + std::to_string(file) + ".jsonl";
    dir.write(location + "/" + name, lines);
    commands += std::string(file == 0 ? "" : ",\n ") + "{\"insertMany\": \"items\", \"documentsFile\": \"" + name +
                "\"}";
  }
  dir.write(location + "/V" + std::to_string(version) + "__seed_items.json", commands + "]\n");
}

}  // namespace mongoway::cli_test
