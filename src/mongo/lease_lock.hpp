#pragma once
// An advisory lease lock built only on what every MongoDB-compatible server
// does atomically: refusing an insert whose _id already exists.
//
// The collection holds one document per lease, its _id a lease number that only
// grows. To acquire: read the newest lease; if there is none, or it is released
// or expired (by the server's clock), insert lease number + 1. A duplicate key
// means another process won; a newer lease found right after the insert means
// the number read was stale, and the lease is given back. The holder renews its
// expiry from a background thread (every TTL/3, on its own connection) after
// checking that no newer lease exists; a renewal only matches the lease with
// this process's token, not released and not expired, and must land within
// 5/6 of the TTL after the previous one was sent, or the lease counts as lost.
// The worker only checks locally that the last renewal is recent.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "mongo/client.hpp"
#include "mongo/mongo_server.hpp"
#include "port/server.hpp"

namespace mongoway::mongo {

using Lease = port::Lease;

// Reads the newest lease (nullopt when the collection is empty).
std::optional<Lease> read_newest_lease(Client& client, const std::string& database,
                                       const std::string& collection);
// Marks a lease released (by its _id and token); false when no such lease is there.
bool release_lease(Client& client, const std::string& database, const std::string& collection, const Lease& lease);

struct LockOptions {
  std::chrono::seconds ttl{60};
  std::chrono::seconds timeout{30};
  std::function<void(const std::string&)> waiting;  // told once who holds the lock
};

class LeaseLock {
 public:
  // Acquires the lock or throws Error(ExitCode::lock) naming the holder.
  // `heartbeat_options` opens the heartbeat's own connection.
  LeaseLock(Client& client, const ClientOptions& heartbeat_options, std::string database,
            std::string collection, LockOptions options);
  ~LeaseLock();  // stops the heartbeat and releases the lease (best effort)
  LeaseLock(const LeaseLock&) = delete;
  LeaseLock& operator=(const LeaseLock&) = delete;

  int64_t lease_id() const { return m_lease.id; }
  const Lease& lease() const { return m_lease; }
  // Throws Error(ExitCode::lock) when the lease was taken over or has not been
  // renewed recently enough to be sure it is still ours.
  void ensure_held() const;
  // Releases now (the destructor then does nothing).
  void release();
  // Stops the heartbeat without writing: for a holder that has just dropped
  // the lock collection itself (`clean`), where its lease went with it.
  void forget();

 private:
  void acquire();
  void heartbeat_loop(ClientOptions options);
  void lose(const char* reason);  // heartbeat thread: the lease is no longer ours
  int64_t stale_after_ns() const;

  MongoServer m_server;  // the lease's requests, on the caller's Client
  LockOptions m_options;
  Lease m_lease;
  std::atomic<int64_t> m_last_renewal_ns{0};  // steady clock
  std::atomic<bool> m_lost{false};
  std::string m_lost_reason;  // written before m_lost is set
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_released = false;
  std::atomic<bool> m_forgotten{false};
  std::thread m_heartbeat;
};

// "user@host:pid"
std::string process_owner();

}  // namespace mongoway::mongo
