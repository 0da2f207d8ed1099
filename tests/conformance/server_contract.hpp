#pragma once
// The contract of port::Server, as one suite that every implementation runs:
// the in-memory fake in the unit tests, the libmongoc one against a real
// server in the integration tests. A behaviour the engine relies on is a case
// here, so the fake the engine's tests run on cannot drift from real servers.
//
// An implementation instantiates the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Fake, ServerContract,
//                            ::testing::Values(ServerFactory{"ReplicaSet", make_fake}), contract_case_name);

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "port/server.hpp"

namespace mongoway::testing {

// A server on a fresh database, for one case.
struct ServerUnderTest {
  std::unique_ptr<port::Server> server;
  std::string database;            // the server's database, empty at first
  std::string history_collection;  // the server's history collection
  std::function<void()> cleanup;   // drops what the case left (may be empty)
  // How many requests the server has been sent, where it can tell (may be empty).
  std::function<int64_t()> requests_sent;
  // Whether time_ms() is the wall clock (a real server), not a fake one.
  bool wall_clock = false;
};

struct ServerFactory {
  std::string name;  // the instantiation's suffix: letters and digits
  std::function<ServerUnderTest()> make;
};

class ServerContract : public ::testing::TestWithParam<ServerFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  port::Server& server() { return *m_under_test.server; }
  const std::string& database() const { return m_under_test.database; }
  const std::string& history_collection() const { return m_under_test.history_collection; }
  std::string lock_collection() const { return port::lock_collection_of(m_under_test.history_collection); }
  const ServerUnderTest& under_test() const { return m_under_test; }

 private:
  ServerUnderTest m_under_test;
};

std::string contract_case_name(const ::testing::TestParamInfo<ServerFactory>& info);
// gtest prints a case's parameter by its name.
void PrintTo(const ServerFactory& factory, std::ostream* out);

}  // namespace mongoway::testing
