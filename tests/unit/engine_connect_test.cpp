// Reaching the server (--connect-retries): a server not reached is tried
// again, on the engine's clock, as Flyway's connectRetries does for a
// database still starting beside the application; nothing else is.

#include <gtest/gtest.h>

#include <csignal>

#include "../fake/fake_server.hpp"
#include "exec/commands.hpp"
#include "exec/engine.hpp"
#include "exec/stop.hpp"
#include "script_test_helpers.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ConnectRetries : public ::testing::Test {
 protected:
  ~ConnectRetries() override { exec::request_stop(0); }  // the flag is the process's

  // Runs `info` with a connection that fails `failures` times by `fail`
  // before it answers; returns the error it ended with (nullopt: it succeeded).
  std::optional<Error> info(int retries, int failures, const std::function<void()>& fail = not_reached) {
    Config config;
    config.database = "app";
    config.locations = {dir.str()};
    config.connect_retries = retries;
    config.connect_retry_interval = 7s;
    exec::Engine engine(
        config,
        [&](const exec::Engine&) -> std::unique_ptr<port::Server> {
          ++attempts;
          if (attempts <= failures) fail();
          return fake.another(0ms);
        },
        fake.clock());
    engine.listener.debug = [this](const std::string& line) { shown.push_back(line); };
    try {
      exec::info(engine);
      return std::nullopt;
    } catch (const Error& e) {
      return e;
    }
  }
  static void not_reached() { throw port::ServerUnreachable("cannot reach the server at mongodb://db:27017: refused"); }
  std::chrono::seconds waited() {
    return std::chrono::duration_cast<std::chrono::seconds>(fake.clock().now_ns() * 1ns);
  }

  script::testing::TempDir dir;
  FakeServer fake;
  int attempts = 0;
  std::vector<std::string> shown;  // -v
};

TEST_F(ConnectRetries, AServerNotReachedIsTriedAgainUntilItAnswers) {
  EXPECT_FALSE(info(3, 2));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(waited(), 14s) << "the interval between each two attempts";
}

TEST_F(ConnectRetries, AServerNeverReachedEndsInAConnectionErrorAfterTheLastRetry) {
  auto error = info(2, 100);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection);
  EXPECT_TRUE(contains(error->what(), "cannot reach the server")) << error->what();
  EXPECT_TRUE(contains(error->what(), "gave up after 3 attempts, --connect-retries 2")) << error->what();
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(waited(), 14s) << "no wait after the last attempt";
}

TEST_F(ConnectRetries, WithoutRetriesTheFirstFailureIsTheErrorAsItWas) {
  auto error = info(0, 100);
  ASSERT_TRUE(error);
  EXPECT_EQ(std::string(error->what()), "cannot reach the server at mongodb://db:27017: refused");
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(shown.empty()) << "no attempt lines when there is one attempt";
}

TEST_F(ConnectRetries, ATlsOrAuthenticationFailureIsNeverTriedAgain) {
  auto error = info(5, 100, [] { throw Error(ExitCode::connection, "cannot authenticate to mongodb://db:27017"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::connection);
  EXPECT_EQ(attempts, 1) << "a server that answered was reached";
  EXPECT_EQ(waited(), 0s);
}

TEST_F(ConnectRetries, EachAttemptIsShownWithVerbose) {
  EXPECT_FALSE(info(2, 1));
  ASSERT_GE(shown.size(), 3u);
  EXPECT_EQ(shown[0], "connecting: attempt 1 of 3");
  EXPECT_EQ(shown[1],
            "attempt 1 of 3 failed: cannot reach the server at mongodb://db:27017: refused; trying again in 7 s");
  EXPECT_EQ(shown[2], "connecting: attempt 2 of 3");
}

TEST_F(ConnectRetries, AStopRequestEndsTheWaitBetweenAttempts) {
  auto error = info(5, 100, [] {
    exec::request_stop(SIGINT);
    not_reached();
  });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ExitCode::interrupted);
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace mongoway::testing
