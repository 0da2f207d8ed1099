// The port's contract (tests/conformance) held against the in-memory fake,
// as a replica set and as a server without transactions.

#include <memory>

#include "conformance/server_contract.hpp"
#include "fake/fake_server.hpp"

namespace mongoway::testing {
namespace {

ServerUnderTest fake_server(bool transactions) {
  FakeServerOptions options;
  options.facts.supports_transactions = transactions;
  options.facts.topology = transactions ? port::Topology::replica_set : port::Topology::standalone;
  auto fake = std::make_unique<FakeServer>(options);
  ServerUnderTest under_test;
  under_test.database = options.database;
  under_test.history_collection = options.history_collection;
  under_test.requests_sent = [server = fake.get()] { return static_cast<int64_t>(server->requests().size()); };
  under_test.server = std::move(fake);
  return under_test;
}

INSTANTIATE_TEST_SUITE_P(Fake, ServerContract,
                         ::testing::Values(ServerFactory{"ReplicaSet", [] { return fake_server(true); }},
                                           ServerFactory{"Standalone", [] { return fake_server(false); }}),
                         contract_case_name);

}  // namespace
}  // namespace mongoway::testing
