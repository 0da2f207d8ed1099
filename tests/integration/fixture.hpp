#pragma once
// The integration tests' server and per-test databases.
//
// The server is MONGOWAY_TEST_URI when set; otherwise this binary starts its
// own with scripts/local-server (a FerretDB, or a mongod found on PATH) and
// stops it at exit. Every test gets its own database, dropped afterwards.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "mongo/client.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::testing {

// The URI of the test server (no database in it), e.g. mongodb://127.0.0.1:PORT/
const std::string& server_uri();
bool server_is_ferretdb();

// Prints why the rest of a test is skipped and skips it.
#define MONGOWAY_SKIP_BECAUSE(reason)                              \
  do {                                                             \
    std::printf("[  SKIPPED ] %s\n", std::string(reason).c_str()); \
    GTEST_SKIP() << (reason);                                      \
  } while (0)

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A Config for this test's database and the given locations.
  Config config(std::vector<std::string> locations) const;
  // A fresh temporary migrations directory (removed after the test).
  std::string temp_dir();
  // Writes a migration file into `dir`.
  void write(const std::string& dir, const std::string& name, const std::string& content);

  // Inspecting the database through the driver.
  mongo::Client& client();
  std::vector<std::string> collections();
  std::vector<std::string> index_names(const std::string& collection);
  std::vector<bson::Document> find(const std::string& collection, const std::string& filter_json = "{}");
  int64_t count(const std::string& collection, const std::string& filter_json = "{}");
  // Canonical JSON of every document of every collection: compares whole databases.
  std::string snapshot();

  std::string db;

 private:
  std::unique_ptr<mongo::Client> m_client;
  std::vector<std::string> m_dirs;
};

bson::Document json(const std::string& text);
mongo::ClientOptions client_options(const std::string& uri);

}  // namespace mongoway::testing
