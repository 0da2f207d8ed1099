#include "exec/lease_lock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <unistd.h>

#include <random>

#include "exec/lease_state.hpp"
#include "exec/stop.hpp"

namespace mongoway::exec {
namespace {

std::string random_token() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

int64_t to_ns(std::chrono::nanoseconds d) { return d.count(); }

}  // namespace

std::string process_owner() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  std::string user = "unknown";
  if (const passwd* pw = getpwuid(geteuid())) user = pw->pw_name;
  return fmt::format("{}@{}:{}", user, host, getpid());
}

LeaseLock::LeaseLock(port::Server& server, port::Clock& clock, port::Processes& processes, LockOptions options)
    : m_server(server), m_clock(clock), m_processes(processes), m_options(std::move(options)) {
  acquire();
  m_next_beat_ns = m_last_renewal_ns + to_ns(period());
  if (m_options.heartbeat_thread) m_heartbeat = std::thread([this] { heartbeat_loop(); });
  set_release_on_stop_now(this, [this] { release_on_own_connection(); });
}

LeaseLock::~LeaseLock() {
  try {
    release();
  } catch (...) {
    // The lease expires by itself; the run's own error is what matters.
  }
}

void LeaseLock::acquire() {
  const int64_t deadline = m_clock.now_ns() + to_ns(m_options.timeout);
  bool told = false;
  std::mt19937 jitter(std::random_device{}());
  for (;;) {
    // The local clock starts before the server's is read: the lease is
    // believed held for less than the server will keep it.
    const int64_t sent = m_clock.now_ns();
    const int64_t now = m_server.time_ms();
    auto newest = m_server.newest_lease();
    const LeaseState state = lease_state(newest, now, m_processes);
    if (!keeps_others_out(state)) {
      if (state == LeaseState::holder_gone) tell_taking_over(*newest);
      if (try_take(newest, now, sent)) return;
    } else if (!told && m_options.waiting) {
      m_options.waiting(waiting_message(*newest, state));
      told = true;
    }
    if (m_clock.now_ns() >= deadline) give_up(newest);
    m_clock.sleep_for(std::chrono::milliseconds(100 + jitter() % 200));
  }
}

// Inserts the lease after `newest`; true when it is ours.
bool LeaseLock::try_take(const std::optional<port::Lease>& newest, int64_t now_ms, int64_t sent_ns) {
  port::Lease lease;
  lease.id = newest ? newest->id + 1 : 1;
  lease.owner = process_owner();
  lease.token = random_token();
  lease.process = m_processes.self();
  lease.acquired_ms = now_ms;
  lease.expires_ms = now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(m_options.ttl).count();
  // Refused: another process took this lease number first; look again.
  if (!m_server.insert_lease(lease)) return false;
  // A number read long ago may have been taken, released and deleted (a
  // release deletes the older leases) while newer ones were taken: the
  // insert succeeds, but a newer lease exists. Give it back and look again.
  if (m_server.newer_lease_exists(lease.id)) {
    m_server.release_lease(lease);
    return false;
  }
  m_lease = lease;
  m_previous = newest;
  m_last_renewal_ns = sent_ns;
  return true;
}

std::string LeaseLock::waiting_message(const port::Lease& holder, LeaseState state) {
  if (state == LeaseState::revoked) {
    return fmt::format("waiting for the lock released by `mongoway unlock --force` from {}: that process may send "
                       "requests until its next heartbeat, so the lease keeps others out until it expires",
                       describe_lease(holder));
  }
  return fmt::format("waiting for the lock held by {}", describe_lease(holder));
}

void LeaseLock::tell_taking_over(const port::Lease& holder) const {
  if (!m_options.waiting) return;
  m_options.waiting(fmt::format("taking over the lock held by {}: that process no longer runs on this machine",
                                describe_lease(holder)));
}

void LeaseLock::give_up(const std::optional<port::Lease>& newest) const {
  if (newest && newest->released && newest->revoked_ms != 0) {
    throw Error(ExitCode::lock,
                fmt::format("could not acquire the lock within {} s: released by `mongoway unlock --force` from {}, "
                            "it keeps others out until it expires, since that process may still be sending until "
                            "its next heartbeat; retry after its expiry",
                            m_options.timeout.count(), describe_lease(*newest)));
  }
  std::string holder = newest && !newest->released ? describe_lease(*newest) : "another process";
  throw Error(ExitCode::lock,
              fmt::format("could not acquire the lock within {} s: held by {}; wait and retry (a lease its holder "
                          "no longer renews expires by itself), or, if you are sure that process is gone, run "
                          "`mongoway unlock --force`",
                          m_options.timeout.count(), holder));
}

std::chrono::milliseconds LeaseLock::period() const {
  return std::max<std::chrono::milliseconds>(std::chrono::milliseconds(100),
                                             std::chrono::duration_cast<std::chrono::milliseconds>(m_options.ttl) / 3);
}

// The beats start at a fixed rate, every period after the last good renewal
// was sent (a slow beat does not push the next ones back): a lease released
// by `unlock --force` is seen by a beat that starts at most one period later,
// and the worker sends nothing once that beat's first reply is back.
void LeaseLock::heartbeat_loop() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    const auto wait = std::chrono::nanoseconds(std::max<int64_t>(0, m_next_beat_ns - m_clock.now_ns()));
    m_wake.wait_for(lock, wait, [this] { return m_stop; });
    if (m_stop) break;
    if (m_clock.now_ns() < m_next_beat_ns) continue;
    lock.unlock();
    beat_on_schedule();
    lock.lock();
    if (m_lost) break;
  }
}

// A beat that overran its period is followed by the next one at once.
void LeaseLock::beat_on_schedule() {
  beat();
  m_next_beat_ns = std::max(m_next_beat_ns + to_ns(period()), m_clock.now_ns());
}

void LeaseLock::beat() {
  const int64_t ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(m_options.ttl).count();
  try {
    if (!m_heartbeat_server) m_heartbeat_server = m_server.another(m_options.heartbeat_reply_timeout);
    port::Server& server = *m_heartbeat_server;
    const int64_t sent = m_clock.now_ns();
    // The beat's first request tells whether the lease is still this
    // process's: no newer one, not released, not removed.
    if (const char* why = why_not_ours(server.newest_lease())) return lose(why);
    const int64_t now = server.time_ms();
    if (!server.renew_lease(m_lease, now, now + ttl_ms)) {
      return lose("the lease was released, removed or let expire (by `mongoway unlock`, `clean`, or by hand)");
    }
    // Landed after the lease may have expired: another process may have
    // taken the lock in between, so the renewal proves nothing.
    if (m_clock.now_ns() - m_last_renewal_ns.load() > stale_after_ns()) {
      return lose("it was renewed too late to be sure no other process took it");
    }
    m_last_renewal_ns = sent;
  } catch (const std::exception&) {
    // Not renewed: ensure_held() notices once the last renewal gets too old.
    m_heartbeat_server.reset();
  }
}

const char* LeaseLock::why_not_ours(const std::optional<port::Lease>& newest) const {
  if (newest && newest->id > m_lease.id) return "another process took over the lock";
  if (!newest || newest->id != m_lease.id || newest->token != m_lease.token) {
    return "the lease was removed (by `mongoway clean`, or by hand)";
  }
  if (newest->released) return "the lease was released (by `mongoway unlock`, or by hand)";
  return nullptr;
}

void LeaseLock::lose(const char* reason) {
  m_lost_reason = reason;
  m_lost = true;
}

// The lease is believed held for 5/6 of its TTL after a renewal was sent: the
// rest is the margin for the server's and this machine's clocks to differ in
// rate, and for the renewal's own round trip.
int64_t LeaseLock::stale_after_ns() const {
  const int64_t ttl_ns = to_ns(m_options.ttl);
  return ttl_ns - ttl_ns / 6;
}

void LeaseLock::ensure_held() {
  if (!m_options.heartbeat_thread && !m_lost && m_clock.now_ns() >= m_next_beat_ns) beat_on_schedule();
  if (m_lost) {
    throw Error(ExitCode::lock, fmt::format("lost the lock (lease {}): {}; stopped before changing anything else",
                                            m_lease.id, m_lost_reason));
  }
  const int64_t age = m_clock.now_ns() - m_last_renewal_ns.load();
  if (age > stale_after_ns()) {
    throw Error(ExitCode::lock,
                fmt::format("lost the lock (lease {}): it could not be renewed for {} ms; stopped before changing "
                            "anything else",
                            m_lease.id, age / 1000000));
  }
}

void LeaseLock::forget() {
  {
    std::lock_guard lock(m_mutex);
    m_forgotten = true;
  }
  release();
}

// Stopping at once: the worker's connection may be in any state, so the
// release goes on a connection of its own, briefly awaited.
void LeaseLock::release_on_own_connection() {
  if (m_lost) return;
  auto server = m_server.another(std::chrono::milliseconds(3000));
  server->release_lease(m_lease);
}

void LeaseLock::release() {
  clear_release_on_stop_now(this);
  {
    std::lock_guard lock(m_mutex);
    if (m_released) return;
    m_released = true;
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_heartbeat.joinable()) m_heartbeat.join();
  if (m_lost || m_forgotten) return;
  // A lease no longer there (the collection dropped and numbers taken again)
  // says nothing about the leases below it: leave them.
  if (!m_server.release_lease(m_lease)) return;
  delete_older_leases();
}

// Older leases are all released or expired (this one was taken after them);
// dropping them (not the run records, whose _ids are negative) keeps the
// collection at a few documents, so reading the newest lease and renewing one
// stay cheap on servers that scan for them. The newest lease stays: lease
// numbers only grow. Best effort: the run's outcome does not depend on it.
void LeaseLock::delete_older_leases() {
  if (m_lease.id <= 1) return;
  try {
    m_server.delete_leases_below(m_lease.id);
  } catch (const std::exception&) {
  }
}

}  // namespace mongoway::exec
