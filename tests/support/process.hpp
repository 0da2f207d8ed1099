#pragma once
// Runs a program as a user would, capturing its output and exit code.

#include <map>
#include <string>
#include <vector>

namespace mongoway::testing {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path), with extra environment variables
// (an empty value unsets the variable), in `cwd` when not empty.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& cwd = "");

// Starts a program in the background; returns its pid. Output goes to the files.
int spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                  const std::string& out_file, const std::string& err_file);
int spawn_process_in(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                     const std::string& out_file, const std::string& err_file, const std::string& cwd);
// Waits for a pid started by spawn_process; returns its exit code (128+N if killed).
int wait_process(int pid);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// A fresh empty directory under the system's temporary directory.
std::string make_temp_dir(const std::string& prefix);

}  // namespace mongoway::testing
