#pragma once
// One small way to spread independent pieces of work over a few threads.

#include <cstddef>
#include <functional>

namespace mongoway::util {

// Runs body(i) for every i in [0, count) on at most `max_threads` threads, the
// calling one among them, and returns when every call has returned. Indices
// are handed out in increasing order, one at a time, so index 0 is the first
// to start. The calls share nothing but what `body` shares: results go into
// slots the caller indexed by i, and are read after the return.
//
// An exception escaping `body` (an unexpected failure such as std::bad_alloc:
// expected ones are results) stops the handing out of further indices and is
// rethrown here once every thread has stopped.
void parallel_for(size_t count, size_t max_threads, const std::function<void(size_t index)>& body);

// One thread per core, at most `limit`, and at least one.
size_t threads_for(size_t limit);

}  // namespace mongoway::util
