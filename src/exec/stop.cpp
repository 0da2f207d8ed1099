#include "exec/stop.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>

#include "mongoway/error.hpp"

namespace mongoway::exec {
namespace {
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);
}  // namespace

void request_stop(int signal_number) noexcept { g_stop_signal.store(signal_number); }

bool stop_requested() noexcept { return g_stop_signal.load() != 0; }

void throw_if_stopped() {
  if (int sig = g_stop_signal.load()) {
    throw Error(sig == SIGTERM ? ExitCode::terminated : ExitCode::interrupted,
                fmt::format("interrupted by {}", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  }
}

}  // namespace mongoway::exec
