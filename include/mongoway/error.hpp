#pragma once
// The one exception type of the mongoway library, and the exit codes it maps to.

#include <stdexcept>
#include <string>
#include <vector>

namespace mongoway {

// Exit codes of the command-line tool; every Error carries one.
enum class ExitCode : int {
  ok = 0,
  migration_failed = 1,  // the server refused a command (migrate, undo: the version is recorded as failed)
  usage = 2,             // usage or configuration error
  invalid = 3,           // invalid migration files, missing/unreadable location, failed validation
  lock = 4,              // lock not acquired or lost
  connection = 5,        // cannot reach or authenticate to the server (TLS included)
  output = 6,            // output could not be written (stdout or stderr); the work itself may have been done
  interrupted = 130,     // SIGINT
  terminated = 143,      // SIGTERM
};

// One problem found in a file or a setting: where, and what.
struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;  // path as given by the user, may be empty
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string message;

  // "file:line:col: error: message" (parts that are unknown are left out).
  std::string to_string() const;
  // "file:line:col: message": the problem within a sentence that says
  // already that it is an error (an Error's message).
  std::string located_message() const;
  bool is_error() const { return severity == Severity::error; }
};

// Thrown by every public function of the library. what() is one line for people,
// never contains a password, and usually ends with what to do next.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, std::vector<Diagnostic> diagnostics = {})
      : std::runtime_error(message), m_code(code), m_diagnostics(std::move(diagnostics)) {}

  ExitCode code() const noexcept { return m_code; }
  int exit_code() const noexcept { return static_cast<int>(m_code); }
  const std::vector<Diagnostic>& diagnostics() const noexcept { return m_diagnostics; }

 private:
  ExitCode m_code;
  std::vector<Diagnostic> m_diagnostics;
};

}  // namespace mongoway
