#pragma once
// An advisory lease lock built only on what every MongoDB-compatible server
// does atomically: refusing an insert whose _id already exists.
//
// The lock collection holds one document per lease, its _id a lease number
// that only grows. To acquire: read the newest lease; if there is none, or it
// is released or expired (by the server's clock), insert lease number + 1. A
// refused insert means another process won; a newer lease found right after
// the insert means the number read was stale, and the lease is given back.
// A lease also records its holder's process identity: a holder proven gone
// frees the lock at once (exec/lease_state.hpp).
// The holder renews its expiry every TTL/3 (the heartbeat, on its own
// connection, at a fixed rate) after reading the newest lease, whose reply
// tells whether the lease is still its own (not taken over, not released by
// `unlock --force`, not removed); a renewal only
// matches the lease with this process's token, not released and not expired,
// and must land within 5/6 of the TTL after the previous one was sent, or the
// lease counts as lost. The worker only checks locally that the last renewal
// is recent (ensure_held).
//
// Everything goes through the port and the injected clock: the heartbeat runs
// on a thread of its own in production, and inline (from ensure_held, when it
// is due) in tests on the fake server, where the clock is the test's.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "exec/lease_state.hpp"
#include "port/processes.hpp"
#include "port/server.hpp"

namespace mongoway::exec {

struct LockOptions {
  std::chrono::seconds ttl{60};
  std::chrono::seconds timeout{90};
  std::function<void(const std::string&)> waiting;  // told once who holds the lock
  // The heartbeat's replies are awaited this long at most (a renewal that
  // hangs is retried on a new connection while there is time).
  std::chrono::milliseconds heartbeat_reply_timeout{20000};
  // false: no thread; ensure_held() renews when a renewal is due (tests).
  bool heartbeat_thread = true;
};

class LeaseLock {
 public:
  // Acquires the lock or throws Error(ExitCode::lock) naming the holder.
  LeaseLock(port::Server& server, port::Clock& clock, port::Processes& processes, LockOptions options);
  ~LeaseLock();  // stops the heartbeat and releases the lease (best effort)
  LeaseLock(const LeaseLock&) = delete;
  LeaseLock& operator=(const LeaseLock&) = delete;

  int64_t lease_id() const { return m_lease.id; }
  const port::Lease& lease() const { return m_lease; }
  // The newest lease before this one (released or expired), as last seen.
  const std::optional<port::Lease>& previous() const { return m_previous; }
  // Throws Error(ExitCode::lock) when the lease was taken over or has not been
  // renewed recently enough to be sure it is still ours.
  void ensure_held();
  // Releases now (the destructor then does nothing).
  void release();
  // Stops the heartbeat without writing: for a holder that has just dropped
  // the lock collection itself (`clean`), where its lease went with it.
  void forget();

 private:
  void acquire();
  bool try_take(const std::optional<port::Lease>& newest, int64_t now_ms, int64_t sent_ns);
  [[noreturn]] void give_up(const std::optional<port::Lease>& newest) const;
  static std::string waiting_message(const port::Lease& holder, LeaseState state);
  void tell_taking_over(const port::Lease& holder) const;
  void heartbeat_loop();
  void beat_on_schedule();
  void beat();  // one renewal, on the heartbeat's connection
  // Why the newest lease shows this one lost (nullptr: it is still ours).
  const char* why_not_ours(const std::optional<port::Lease>& newest) const;
  void lose(const char* reason);
  int64_t stale_after_ns() const;
  std::chrono::milliseconds period() const;
  void delete_older_leases();
  void release_on_own_connection();  // stop_now(): see exec/stop.hpp

  port::Server& m_server;
  port::Clock& m_clock;
  port::Processes& m_processes;
  LockOptions m_options;
  port::Lease m_lease;
  std::optional<port::Lease> m_previous;
  std::unique_ptr<port::Server> m_heartbeat_server;  // opened by the first renewal
  std::atomic<int64_t> m_last_renewal_ns{0};         // m_clock: when the last good renewal was sent
  int64_t m_next_beat_ns = 0;                        // m_clock: when the next beat starts
  std::atomic<bool> m_lost{false};
  std::string m_lost_reason;  // written before m_lost is set
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_released = false;
  bool m_forgotten = false;
  std::thread m_heartbeat;
};

// "user@host:pid"
std::string process_owner();

}  // namespace mongoway::exec
