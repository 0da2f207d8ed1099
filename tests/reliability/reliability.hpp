#pragma once
// The base of every scenario: the shared test server (or a private one), a
// fresh database per trial, and mongoway's command line for it.

#include <fmt/format.h>

#include <string>
#include <vector>

#include "../integration/fixture.hpp"
#include "harness.hpp"

namespace mongoway::testing {

class Reliability : public DatabaseTest {
 protected:
  void TearDown() override {
    for (const auto& d : m_trial_dbs) {
      try {
        drop_database(client(), d);
      } catch (const std::exception&) {
      }
    }
    DatabaseTest::TearDown();
  }

  // A fresh database name for one trial on the shared server (dropped after the test).
  std::string trial_db() {
    m_trial_dbs.push_back(unique_db_name(db.substr(3, 20)));
    return m_trial_dbs.back();
  }

  // mongoway -u URI -d DB -l DIR ARGS...
  static std::vector<std::string> cli(const std::string& uri, const std::string& database, const std::string& dir,
                                      std::vector<std::string> more) {
    std::vector<std::string> a{"-u", uri, "-d", database, "-l", dir};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  std::vector<std::string> cli(const std::string& database, const std::string& dir, std::vector<std::string> more) {
    return cli(server_uri(), database, dir, std::move(more));
  }

 private:
  std::vector<std::string> m_trial_dbs;
};

}  // namespace mongoway::testing
