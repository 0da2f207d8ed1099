#pragma once
// libmongoc's log: one handler for the whole process, installed before the
// driver is first used. A line goes to the sink that set_driver_log_sink
// gave (--verbose), else nowhere, except a warning logged on a thread inside
// a DriverLogCapture, which that capture keeps instead: the way warnings
// about a URI being read become that URI's errors.
//
// libmongoc has no call that returns the handler in place, so the handler is
// never swapped: a capture is a scope on its own thread, and when it ends
// the lines go where they went before it (an enclosing capture, or the
// sink). Lines other threads log meanwhile are not taken by it.

#include <functional>
#include <string>
#include <vector>

namespace mongoway::mongo {

// Installs the handler (once; later calls do nothing).
void install_driver_log();

// Driver log lines go to this sink; by default they are dropped.
void set_driver_log_sink(std::function<void(const std::string&)> sink);

class DriverLogCapture {
 public:
  DriverLogCapture();
  ~DriverLogCapture();
  DriverLogCapture(const DriverLogCapture&) = delete;
  DriverLogCapture& operator=(const DriverLogCapture&) = delete;

  // The warnings (and worse) logged on this thread since the capture began,
  // as the driver wrote them.
  const std::vector<std::string>& warnings() const { return m_warnings; }

 private:
  friend struct DriverLogRouting;
  std::vector<std::string> m_warnings;
  DriverLogCapture* m_outer = nullptr;
};

}  // namespace mongoway::mongo
