#include "exec/lease_state.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace mongoway::exec {
namespace {

std::string format_time(int64_t ms) {
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(tp));
}

std::chrono::system_clock::time_point time_point(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

bool holder_gone(const port::ProcessIdentity& holder, port::Processes& processes) {
  if (!holder.known()) return false;
  const port::ProcessIdentity me = processes.self();
  if (me.boot_id.empty() || me.pid_namespace == 0) return false;
  if (holder.boot_id != me.boot_id || holder.pid_namespace != me.pid_namespace) return false;
  const port::ProcessLookup found = processes.lookup(holder.pid);
  if (!found.exists) return true;
  return found.start_time && *found.start_time != holder.start_time;
}

LeaseState lease_state(const std::optional<port::Lease>& lease, int64_t now_ms, port::Processes& processes) {
  if (!lease) return LeaseState::none;
  if (lease->released && lease->revoked_ms == 0) return LeaseState::released;
  if (lease->expires_ms <= now_ms) return lease->released ? LeaseState::released : LeaseState::expired;
  if (holder_gone(lease->process, processes)) return LeaseState::holder_gone;
  return lease->released ? LeaseState::revoked : LeaseState::live;
}

std::string describe_process(const port::ProcessIdentity& process) {
  if (!process.known()) return "";
  // The boot id's first 8 hex digits tell machines apart in a message.
  return fmt::format("pid {}, boot {}, pid namespace {}", process.pid, process.boot_id.substr(0, 8),
                     process.pid_namespace);
}

std::string describe_lease(const port::Lease& lease) {
  const std::string process = describe_process(lease.process);
  return fmt::format("{}{} since {} (lease {}, expires {})", lease.owner, process.empty() ? "" : " (" + process + ")",
                     format_time(lease.acquired_ms), lease.id, format_time(lease.expires_ms));
}

LockHolder lock_holder(const port::Lease& lease, LeaseState state) {
  LockHolder h;
  h.lease = lease.id;
  h.owner = lease.owner;
  h.acquired = time_point(lease.acquired_ms);
  h.expires = time_point(lease.expires_ms);
  h.expired = state == LeaseState::expired;
  if (lease.process.known()) {
    h.process = HolderProcess{lease.process.boot_id, lease.process.pid_namespace, lease.process.pid,
                              lease.process.start_time};
  }
  h.holder_gone = state == LeaseState::holder_gone;
  h.revoked = state == LeaseState::revoked;
  return h;
}

}  // namespace mongoway::exec
