#include "test_server.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "process.hpp"

namespace mongoway::testing {
namespace {

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// A server started by this binary, stopped by the destructor at exit.
struct OwnServer {
  std::string data_dir;
  std::string uri;

  OwnServer() {
    data_dir = make_temp_dir("mongoway-test-server");
    auto r = run_process({std::string(MONGOWAY_SOURCE_DIR) + "/scripts/local-server", "start", "--data", data_dir});
    if (r.exit_code != 0) {
      std::fprintf(stderr, "cannot start a test server (set MONGOWAY_TEST_URI to use your own):\n%s%s\n", r.out.c_str(),
                   r.err.c_str());
      std::exit(1);
    }
    uri = last_line(r.out);
    std::fprintf(stderr, "started a test server at %s (data in %s)\n", uri.c_str(), data_dir.c_str());
  }
  ~OwnServer() {
    run_process({std::string(MONGOWAY_SOURCE_DIR) + "/scripts/local-server", "stop", "--data", data_dir});
    std::error_code ignored;
    std::filesystem::remove_all(data_dir, ignored);
  }
};

}  // namespace

const std::string& test_server_uri() {
  static const std::string uri = [] {
    if (const char* given = std::getenv("MONGOWAY_TEST_URI"); given && *given) return std::string(given);
    static OwnServer server;
    return server.uri;
  }();
  return uri;
}

}  // namespace mongoway::testing
