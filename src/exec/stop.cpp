#include "exec/stop.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>

#include "mongoway/error.hpp"

namespace mongoway::exec {
namespace {
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

// The worker's requests in flight and the lease's release, behind one mutex:
// stop_now() decides whether to release while no request can start.
struct StopGate {
  std::mutex mutex;
  std::condition_variable never;  // a request after stop_now() waits here for the process to end
  int in_flight = 0;
  bool stopping_now = false;
  // Every lease held, by its lock: a fleet run holds one per database.
  std::map<const void*, std::function<void()>> releases;
};

StopGate& gate() {
  static StopGate instance;
  return instance;
}

}  // namespace

void request_stop(int signal_number) noexcept { g_stop_signal.store(signal_number); }

bool stop_requested() noexcept { return g_stop_signal.load() != 0; }

int stop_signal() noexcept { return g_stop_signal.load(); }

void throw_if_stopped() {
  if (int sig = g_stop_signal.load()) {
    throw Error(sig == SIGTERM ? ExitCode::terminated : ExitCode::interrupted,
                fmt::format("interrupted by {}", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  }
}

RequestInFlight::RequestInFlight() {
  StopGate& g = gate();
  std::unique_lock lock(g.mutex);
  g.never.wait(lock, [&g] { return !g.stopping_now; });
  ++g.in_flight;
}

RequestInFlight::~RequestInFlight() {
  StopGate& g = gate();
  std::lock_guard lock(g.mutex);
  --g.in_flight;
}

void set_release_on_stop_now(const void* owner, std::function<void()> release) {
  StopGate& g = gate();
  std::lock_guard lock(g.mutex);
  g.releases[owner] = std::move(release);
}

void clear_release_on_stop_now(const void* owner) {
  StopGate& g = gate();
  std::lock_guard lock(g.mutex);
  g.releases.erase(owner);
}

// The release runs under the gate's mutex: no request starts meanwhile, and
// the lock cannot let go of the lease (set_release_on_stop_now waits).
StopNow stop_now() {
  StopGate& g = gate();
  std::lock_guard lock(g.mutex);
  g.stopping_now = true;
  if (g.in_flight > 0) return StopNow::request_in_flight;
  if (g.releases.empty()) return StopNow::no_lease;
  StopNow result = StopNow::lease_released;
  for (const auto& [owner, release] : g.releases) {
    try {
      release();
    } catch (const std::exception&) {
      result = StopNow::release_failed;
    }
  }
  return result;
}

}  // namespace mongoway::exec
