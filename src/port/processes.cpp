#include "port/processes.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>

namespace mongoway::port {
namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Field 22 of /proc/PID/stat (starttime); the second field, the command name
// in parentheses, may itself hold spaces and parentheses, so the fields after
// it are counted from its last ')'.
std::optional<uint64_t> start_time_of(int64_t pid) {
  const std::string stat = read_first_line("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  try {
    return std::stoull(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

class LocalProcesses final : public Processes {
 public:
  ProcessIdentity self() override {
    ProcessIdentity me;
    me.boot_id = read_first_line("/proc/sys/kernel/random/boot_id");
    struct stat ns {};
    if (stat("/proc/self/ns/pid", &ns) == 0) me.pid_namespace = ns.st_ino;
    me.pid = getpid();
    me.start_time = start_time_of(me.pid).value_or(0);
    return me;
  }

  ProcessLookup lookup(int64_t pid) override {
    ProcessLookup found;
    if (pid <= 0) return found;  // kill() would address a group: say nothing
    // EPERM: it exists but belongs to another user, whose /proc entry a
    // hidepid mount may hide; only ESRCH says no process has this pid.
    found.exists = !(kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
    if (found.exists) found.start_time = start_time_of(pid);
    return found;
  }
};

}  // namespace

Processes& local_processes() {
  static LocalProcesses processes;
  return processes;
}

}  // namespace mongoway::port
