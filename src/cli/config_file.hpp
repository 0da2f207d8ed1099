#pragma once
// The configuration file: `key = value` lines, `#` comments, blank lines; a
// value in matching quotes is what is between them.

#include <string>
#include <vector>

namespace mongoway::cli {

struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;
};

struct ConfigFile {
  std::string path;  // as given, for messages
  std::vector<ConfigEntry> entries;
};

// Reads and splits `path`; the keys are not checked here. Throws
// mongoway::Error (ExitCode::usage) naming file:line on a malformed line or
// when the file cannot be read.
ConfigFile read_config_file(const std::string& path);

}  // namespace mongoway::cli
