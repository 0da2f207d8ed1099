// Scenario 6 (the valgrind half; the sanitizer half is `make test-asan`):
// memcheck over a full migrate/undo cycle of migrations/, by valgrind.sh.
// Full mode only: under valgrind the cycle takes minutes.

#include <fstream>

#include "../support/process.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

TEST_F(Reliability, ValgrindMemcheck) {
  if (!full_mode()) MONGOWAY_SKIP_BECAUSE("valgrind runs with MONGOWAY_RELIABILITY=full (make test-reliability)");
  auto r = run_process({"/bin/bash", std::string(MONGOWAY_SOURCE_DIR) + "/tests/reliability/valgrind.sh",
                        MONGOWAY_BINARY, server_uri(), trial_db()});
  if (r.exit_code == 77) MONGOWAY_SKIP_BECAUSE("valgrind is not installed");
  std::printf("%s", r.out.c_str());
  if (const char* log = std::getenv("MONGOWAY_RELIABILITY_LOG"); log && *log)
    std::ofstream(log, std::ios::app) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace mongoway::testing
