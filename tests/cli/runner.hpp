#pragma once
// Runs the built mongoway as a user would: arguments in; standard output,
// standard error and exit status out. The environment is the test's, minus
// every MONGOWAY_* variable, NO_COLOR and TERM, plus MONGOC_DISABLE_SHM=1 (see
// child_environment) and what the test sets, so a developer's own settings
// never leak into a test.

#include <bson/bson.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mongoway::cli_test {

struct Outcome {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct RunOptions {
  std::map<std::string, std::string> env{};  // set in the child
  std::string cwd{};                         // empty: the test's
  std::chrono::seconds timeout{60};
  // Where standard output / standard error go instead of being captured
  // (such as /dev/full); Outcome::out / err are then empty.
  std::string stdout_to{};
  std::string stderr_to{};
  // Standard error on a pseudo-terminal of this many columns (Started only),
  // read as Started::terminal_so_far(); standard output stays captured, as
  // behind `| tee log` in a terminal.
  int terminal_columns = 0;
  // With terminal_columns: standard output on the same terminal.
  bool terminal_stdout = false;
};

// `mongoway args…`
Outcome mongoway(const std::vector<std::string>& args, const RunOptions& options = {});
// Any program (argv[0] looked up in PATH).
Outcome program(const std::vector<std::string>& argv, const RunOptions& options = {});

// A started mongoway, for tests that send it a signal.
class Started {
 public:
  Started(const std::vector<std::string>& args, const RunOptions& options);
  ~Started();
  Started(const Started&) = delete;
  Started& operator=(const Started&) = delete;
  void signal(int signal_number);
  Outcome wait();
  std::string err_so_far() const;
  std::string out_so_far() const;
  // Everything written to the pseudo-terminal so far (RunOptions::terminal_columns).
  std::string terminal_so_far() const;
  // The lines the terminal shows for terminal_so_far(): carriage returns,
  // erasing to the end of the line and colours applied as a terminal does.
  std::vector<std::string> terminal_lines() const;
  // Waits until the terminal's text (or, without one, stderr) contains
  // `text`; false after `timeout` or once the process has ended.
  bool wait_for_err(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(60)) const;

 private:
  class Terminal;
  int m_pid = -1;
  std::string m_dir;
  std::chrono::seconds m_timeout;
  std::unique_ptr<Terminal> m_terminal;
};

// A fresh temporary directory, removed with its content at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return m_path + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string m_path;
};

std::string read_file(const std::string& path);

// A JSON document (an object) parsed with libbson, read by dotted paths such as
// "migrations.0.state".
class Json {
 public:
  static std::optional<Json> parse(const std::string& text, std::string* error = nullptr);
  bool has(const std::string& path) const;
  std::string string(const std::string& path) const;  // "" when absent or not a string
  int64_t integer(const std::string& path) const;     // -1 when absent or not a number
  bool boolean(const std::string& path) const;
  bool is_null(const std::string& path) const;
  bool is_document(const std::string& path) const;
  size_t size(const std::string& path) const;  // elements of an array or document

 private:
  bool find(const std::string& path, bson_iter_t& out) const;
  std::vector<uint8_t> m_bytes;  // the BSON document
};

}  // namespace mongoway::cli_test
