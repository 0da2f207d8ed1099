#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mongoway::util {

void parallel_for(size_t count, size_t max_threads, const std::function<void(size_t index)>& body) {
  std::atomic<size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;  // the first exception, rethrown below
  const auto work = [&] {
    try {
      for (size_t i = next++; i < count; i = next++) body(i);
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = count;
    }
  };
  const size_t threads = std::clamp<size_t>(max_threads, 1, std::max<size_t>(count, 1));
  std::vector<std::thread> others;  // besides the calling thread
  others.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) others.emplace_back(work);
  work();
  for (auto& thread : others) thread.join();
  if (failure) std::rethrow_exception(failure);
}

size_t threads_for(size_t limit) {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, std::max<size_t>(limit, 1));
}

}  // namespace mongoway::util
