#pragma once
// Stopping a run on a signal. The first SIGINT/SIGTERM asks politely: work
// stops at the next safe point (between commands, between insert batches),
// after recording the truth. A second one stops at once (stop_now): the
// version in flight is left unfinished, exactly as if the process were
// killed, and the lease is released first only when no request of the
// worker is in flight, since a request in flight may still change the data
// after another process would have taken the lock.

#include <functional>

namespace mongoway::exec {

// Async-signal-safe.
void request_stop(int signal_number) noexcept;
bool stop_requested() noexcept;
// The signal whose stop was requested; 0 for none.
int stop_signal() noexcept;
// Throws Error(interrupted/terminated) once a stop was requested.
void throw_if_stopped();

// Each request the worker sends is bracketed by a RequestInFlight. Once
// stop_now() has begun, a new request never starts: its thread waits for the
// process to end.
class RequestInFlight {
 public:
  RequestInFlight();
  ~RequestInFlight();
  RequestInFlight(const RequestInFlight&) = delete;
  RequestInFlight& operator=(const RequestInFlight&) = delete;
};

// What releases the lease held, on a connection of its own: set by the lock
// (`owner`) once it holds the lease, cleared before it lets go of it. Several
// locks in one process (a fleet run, one per database): each is released.
void set_release_on_stop_now(const void* owner, std::function<void()> release);
void clear_release_on_stop_now(const void* owner);

enum class StopNow { lease_released, request_in_flight, no_lease, release_failed };
// Stops every new request of the worker and, when none is in flight,
// releases the lease. The caller then ends the process.
StopNow stop_now();

}  // namespace mongoway::exec
