// unlock: releases the newest lease, whoever holds it.

#include "exec/commands.hpp"

namespace mongoway::exec {

UnlockResult unlock(Engine& engine) {
  engine.check_config();
  auto& server = engine.server();
  UnlockResult out;
  auto lease = server.newest_lease();
  if (!lease || lease->released) return out;
  server.release_lease(*lease);
  LockHolder h;
  h.lease = lease->id;
  h.owner = lease->owner;
  h.acquired = std::chrono::system_clock::time_point(std::chrono::milliseconds(lease->acquired_ms));
  h.expires = std::chrono::system_clock::time_point(std::chrono::milliseconds(lease->expires_ms));
  h.expired = lease->expires_ms <= server.time_ms();
  out.released = h;
  return out;
}

}  // namespace mongoway::exec
