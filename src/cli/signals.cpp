#include "cli/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "mongoway/migrator.hpp"

namespace mongoway::cli {
namespace {

// The pipe from the handler to the watcher thread. A byte 0 (written by the
// destructor) ends the watcher.
int g_pipe[2] = {-1, -1};
std::atomic<int> g_signals_seen{0};

void on_stop_signal(int signal_number) {
  const int saved_errno = errno;
  if (g_signals_seen.fetch_add(1) == 0) Migrator::request_stop(signal_number);
  const auto byte = static_cast<unsigned char>(signal_number);
  ssize_t ignored = write(g_pipe[1], &byte, 1);
  (void)ignored;
  errno = saved_errno;
}

const char* signal_name(int signal_number) { return signal_number == SIGTERM ? "SIGTERM" : "SIGINT"; }

}  // namespace

StopSignals::StopSignals(Console& console, Stops stops) : m_console(console), m_stops(stops) {
  if (pipe2(g_pipe, O_CLOEXEC) != 0) return;  // no pipe: the default actions stay
  m_watcher = std::thread([this] { watch(); });
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &m_old_int);
  sigaction(SIGTERM, &action, &m_old_term);
}

StopSignals::~StopSignals() {
  if (!m_watcher.joinable()) return;
  sigaction(SIGINT, &m_old_int, nullptr);
  sigaction(SIGTERM, &m_old_term, nullptr);
  const unsigned char end = 0;
  ssize_t ignored = write(g_pipe[1], &end, 1);
  (void)ignored;
  m_watcher.join();
  close(g_pipe[0]);
  close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

void StopSignals::watch() {
  int seen = 0;
  for (;;) {
    unsigned char byte = 0;
    const ssize_t n = read(g_pipe[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == 0) return;
    const int signal_number = byte;
    if (++seen == 1) {
      m_console.err(
          std::string("mongoway: ") + signal_name(signal_number) + ": " +
          (m_stops == Stops::at_safe_point ? "stopping at the next safe point" : "finishing this work first") + "; " +
          (signal_number == SIGTERM ? "send SIGTERM again" : "press Ctrl-C again") + " to stop now\n");
    } else {
      stop_now(signal_number);
    }
  }
}

// The version in flight stays as a kill leaves it: its run record names it,
// and the next run shows it failed (cut). The process then ends by the
// signal itself, as it would have without a handler.
void StopSignals::stop_now(int signal_number) {
  std::string message = std::string("mongoway: ") + signal_name(signal_number) +
                        ": stopping now; the version in flight, if any, is left unfinished and its outcome unknown "
                        "(`mongoway info` shows it; check the data, then `mongoway repair`); ";
  switch (Migrator::stop_now()) {
    case Migrator::StopNow::lease_released: message += "the lock is released\n"; break;
    case Migrator::StopNow::no_lease: message += "no lock was held\n"; break;
    case Migrator::StopNow::request_in_flight:
      message += "a request was in flight, so the lock is left to expire\n";
      break;
    case Migrator::StopNow::release_failed: message += "the lock could not be released and will expire\n"; break;
  }
  m_console.err(message);
  m_console.clear_status();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
  _exit(128 + signal_number);
}

}  // namespace mongoway::cli
