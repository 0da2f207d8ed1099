// unlock: releases the newest lease once it keeps no one out (expired, or its
// holder's process gone from this machine); a live lease only with --force.
// A forced release is recorded as revoked: its holder may still be sending
// requests until its heartbeat sees the release, so other processes wait for
// its expiry, and a version it is running is never taken for unfinished.

#include <fmt/format.h>

#include "exec/commands.hpp"
#include "exec/lease_state.hpp"

namespace mongoway::exec {
namespace {

[[noreturn]] void refuse_live(const port::Lease& lease) {
  throw Error(ExitCode::lock,
              fmt::format("the lock is held by {}, renewed within its TTL: that process may still be running, so "
                          "the lock was not released; wait for it, or, if you are sure it must stop, run `mongoway "
                          "unlock --force` (its holder then sends no request later than a third of its TTL plus "
                          "one round trip; a command it already sent is not stopped)",
                          describe_lease(lease)));
}

}  // namespace

UnlockResult unlock(Engine& engine, const UnlockOptions& options) {
  engine.check_config();
  auto& server = engine.server();
  UnlockResult out;
  const auto [lease, state, now_ms] = engine.newest_lease();
  if (state == LeaseState::none || state == LeaseState::released) return out;
  if (state == LeaseState::live) {
    if (!options.force) refuse_live(*lease);
    server.revoke_lease(*lease, now_ms);
    out.forced = true;
  } else if (state != LeaseState::revoked) {  // revoked: released already, its expiry still to come
    server.release_lease(*lease);
  }
  out.released = lock_holder(*lease, state);
  return out;
}

}  // namespace mongoway::exec
