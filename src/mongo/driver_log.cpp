#include "mongo/driver_log.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <mutex>

namespace mongoway::mongo {

// The capture open on each thread, innermost first.
struct DriverLogRouting {
  static thread_local DriverLogCapture* t_capture;

  static bool capture(mongoc_log_level_t level, const char* message) {
    if (t_capture == nullptr) return false;
    if (level <= MONGOC_LOG_LEVEL_WARNING) t_capture->m_warnings.emplace_back(message);
    return true;
  }
};

thread_local DriverLogCapture* DriverLogRouting::t_capture = nullptr;

namespace {

std::mutex g_sink_mutex;
std::function<void(const std::string&)> g_sink;

void log_handler(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  if (DriverLogRouting::capture(level, message)) return;
  if (level > MONGOC_LOG_LEVEL_INFO) return;  // debug and trace are noise
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) g_sink(fmt::format("{}: {}: {}", mongoc_log_level_str(level), domain, message));
}

}  // namespace

void install_driver_log() {
  static std::once_flag once;
  std::call_once(once, [] { mongoc_log_set_handler(log_handler, nullptr); });
}

void set_driver_log_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

DriverLogCapture::DriverLogCapture() : m_outer(DriverLogRouting::t_capture) {
  install_driver_log();
  DriverLogRouting::t_capture = this;
}

DriverLogCapture::~DriverLogCapture() { DriverLogRouting::t_capture = m_outer; }

}  // namespace mongoway::mongo
