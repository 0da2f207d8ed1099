// The port's contract (tests/conformance) held against the libmongoc server,
// on the test server (FerretDB unless MONGOWAY_TEST_URI names another).

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "conformance/server_contract.hpp"
#include "fixture.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::testing {
namespace {

void drop_database(const std::string& database) {
  try {
    mongo::Client client(client_options(server_uri()));
    bson::Document drop;
    BSON_APPEND_INT32(drop.mut(), "dropDatabase", 1);
    client.run(database, drop);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "could not drop %s: %s\n", database.c_str(), e.what());
  }
}

ServerUnderTest mongo_server() {
  static std::atomic<int> counter{0};
  ServerUnderTest under_test;
  under_test.database = fmt::format("contract_{}_{}", getpid() % 100000, counter++);
  under_test.history_collection = "mongoway_history";
  auto server = std::make_unique<mongo::MongoServer>(client_options(server_uri()), under_test.database,
                                                     under_test.history_collection);
  auto sent = std::make_shared<std::atomic<int64_t>>(0);
  server->client().set_command_observer([sent](const std::string&, const std::string&) { ++*sent; });
  under_test.requests_sent = [sent] { return sent->load(); };
  under_test.server = std::move(server);
  under_test.cleanup = [database = under_test.database] { drop_database(database); };
  under_test.wall_clock = true;
  return under_test;
}

INSTANTIATE_TEST_SUITE_P(Mongo, ServerContract, ::testing::Values(ServerFactory{"TestServer", mongo_server}),
                         contract_case_name);

}  // namespace
}  // namespace mongoway::testing
