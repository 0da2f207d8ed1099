#pragma once
// A machine's processes as the engine's tests want them: this process, and a
// table of the other pids of its pid namespace that run (with their start
// time, or hidden from /proc). Nothing is read from the real /proc.

#include <map>
#include <optional>

#include "port/processes.hpp"

namespace mongoway::testing {

class FakeProcesses final : public port::Processes {
 public:
  FakeProcesses() { m_running[m_self.pid] = m_self.start_time; }

  port::ProcessIdentity self() override { return m_self; }
  port::ProcessLookup lookup(int64_t pid) override {
    auto it = m_running.find(pid);
    if (it == m_running.end()) return port::ProcessLookup{false, std::nullopt};
    return port::ProcessLookup{true, it->second};
  }

  // A process of this machine and pid namespace, started at `start_time`.
  port::ProcessIdentity process(int64_t pid, uint64_t start_time) const {
    port::ProcessIdentity p = m_self;
    p.pid = pid;
    p.start_time = start_time;
    return p;
  }
  void start(const port::ProcessIdentity& p) { m_running[p.pid] = p.start_time; }
  void end(int64_t pid) { m_running.erase(pid); }
  // It runs, but its /proc entry cannot be read (a hidepid mount).
  void hide(int64_t pid) { m_running[pid] = std::nullopt; }

 private:
  port::ProcessIdentity m_self{"0b5e7d1c-8f3a-4e2b-9c6d-1a2b3c4d5e6f", 4026531836, 4242, 987654};
  std::map<int64_t, std::optional<uint64_t>> m_running;
};

}  // namespace mongoway::testing
