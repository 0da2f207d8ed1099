#pragma once
// A polite stop requested by SIGINT/SIGTERM: work stops at the next safe
// point (between commands, between insert batches), after recording the truth.

namespace mongoway::exec {

// Async-signal-safe.
void request_stop(int signal_number) noexcept;
bool stop_requested() noexcept;
// Throws Error(interrupted/terminated) once a stop was requested.
void throw_if_stopped();

}  // namespace mongoway::exec
