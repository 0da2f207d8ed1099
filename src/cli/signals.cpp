#include "cli/signals.hpp"

#include "mongoway/migrator.hpp"

namespace mongoway::cli {
namespace {

void on_stop_signal(int signal_number) { Migrator::request_stop(signal_number); }

}  // namespace

StopSignals::StopSignals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the first signal asks politely, a second one uses the default action.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &m_old_int);
  sigaction(SIGTERM, &action, &m_old_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &m_old_int, nullptr);
  sigaction(SIGTERM, &m_old_term, nullptr);
}

}  // namespace mongoway::cli
