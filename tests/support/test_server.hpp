#pragma once
// The server the tests run against: MONGOWAY_TEST_URI when it is set (this is
// how the tests are pointed at a real MongoDB or replica set), otherwise one
// that this test binary starts on first use with scripts/local-server and
// stops when it exits.

#include <string>

namespace mongoway::testing {

// mongodb://HOST:PORT/ (no database). Exits the process with a message when no
// server can be started.
const std::string& test_server_uri();

}  // namespace mongoway::testing
