#pragma once
// How every command judges the newest lease of the lock collection: taking
// the lock, `info`, `unlock`. A lease keeps other processes out while it is
// live (renewed within its TTL, by the server's clock) and, once `unlock
// --force` released it, until its expiry, since its holder may still be
// sending requests until its heartbeat sees the release. A lease whose
// holder's process is proven gone (same boot and pid namespace as this
// process, and that pid no longer that process) keeps no one out: a host
// name alone proves nothing (containers share names), and leases of older
// versions, without the identity, keep the TTL rule.

#include <optional>
#include <string>

#include "mongoway/migrator.hpp"
#include "port/processes.hpp"
#include "port/server.hpp"

namespace mongoway::exec {

enum class LeaseState {
  none,         // no lease at all
  released,     // given back by its holder, or by `unlock` once it kept no one out
  expired,      // not renewed within its TTL
  holder_gone,  // its holder's process no longer runs on this machine
  revoked,      // released by `unlock --force` while live: its holder may send requests until its expiry
  live,         // renewed within its TTL
};

LeaseState lease_state(const std::optional<port::Lease>& lease, int64_t now_ms, port::Processes& processes);

// The newest lease as one reader saw it: the lease, how it was judged, and
// the server's time it was judged at.
struct NewestLease {
  std::optional<port::Lease> lease;
  LeaseState state = LeaseState::none;
  int64_t now_ms = 0;
};
inline bool keeps_others_out(LeaseState state) { return state == LeaseState::live || state == LeaseState::revoked; }

// True only when `holder` is known, of this boot and pid namespace, and its
// pid is free or belongs to a process with another start time.
bool holder_gone(const port::ProcessIdentity& holder, port::Processes& processes);

// "ops@db1:42 (pid 42, boot 0b5e7d1c, pid namespace 4026531836) since
// 2026-01-01T00:00:00Z (lease 7, expires 2026-01-01T00:01:00Z)"; the token,
// the lease's one secret, is never shown.
std::string describe_lease(const port::Lease& lease);
// "pid 42, boot 0b5e7d1c, pid namespace 4026531836", or "" when not known.
std::string describe_process(const port::ProcessIdentity& process);

// The lease as the public API shows its holder.
LockHolder lock_holder(const port::Lease& lease, LeaseState state);

}  // namespace mongoway::exec
