#pragma once
// The engine's only view of this machine's processes: who this process is,
// and whether the process that took a lease still runs. A lease records its
// holder's identity, and a holder proven gone (same boot, same pid namespace,
// the pid no longer that process) frees the lock at once. Reading /proc is
// kept behind this interface so that the rule is tested on a fake machine.

#include <cstdint>
#include <optional>
#include <string>

namespace mongoway::port {

// A process, as this machine can tell it apart from every other one: the
// boot (/proc/sys/kernel/random/boot_id), the pid namespace (the inode of
// /proc/self/ns/pid), the pid in it, and its start time in clock ticks
// since boot (field 22 of /proc/PID/stat), since pids are reused.
struct ProcessIdentity {
  std::string boot_id;
  uint64_t pid_namespace = 0;
  int64_t pid = 0;
  uint64_t start_time = 0;
  // All four read: only then can the identity prove anything.
  bool known() const { return !boot_id.empty() && pid_namespace != 0 && pid > 0 && start_time != 0; }
  bool operator==(const ProcessIdentity&) const = default;
};

// What this machine says of a pid of its own pid namespace.
struct ProcessLookup {
  bool exists = true;                  // false only when no process has that pid
  std::optional<uint64_t> start_time;  // unknown when the process exists but cannot be read
};

class Processes {
 public:
  virtual ~Processes() = default;
  // This process; fields that cannot be read are left empty (not known()).
  virtual ProcessIdentity self() = 0;
  virtual ProcessLookup lookup(int64_t pid) = 0;
};

// The machine's own, read from /proc (and kill(pid, 0), which sees processes
// that a restricted /proc hides).
Processes& local_processes();

}  // namespace mongoway::port
