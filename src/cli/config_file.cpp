#include "cli/config_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mongoway/error.hpp"

namespace mongoway::cli {
namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r\n";
  auto begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return {};
  auto end = s.find_last_not_of(space);
  return s.substr(begin, end - begin + 1);
}

// A value in matching quotes ('…' or "…") stands for what is between them, so
// that `database = "shop"` means shop; nothing inside is an escape.
std::string unquoted(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

ConfigFile read_config_file(const std::string& path) {
  // A directory opens as a stream that reads nothing: refused, not taken as empty.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    throw Error(ExitCode::usage, fmt::format("cannot read configuration file {}: {}", path, std::strerror(EISDIR)));
  }
  std::ifstream in(path);
  if (!in) {
    throw Error(ExitCode::usage, fmt::format("cannot read configuration file {}: {}", path, std::strerror(errno)));
  }
  ConfigFile file{path, {}};
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      throw Error(ExitCode::usage, fmt::format("{}:{}: expected `key = value`", path, number),
                  {{Diagnostic::Severity::error, path, number, 0, "expected `key = value`"}});
    }
    std::string key = trim(line.substr(0, eq));
    if (key.empty()) {
      throw Error(ExitCode::usage, fmt::format("{}:{}: missing key before `=`", path, number),
                  {{Diagnostic::Severity::error, path, number, 0, "missing key before `=`"}});
    }
    file.entries.push_back({key, unquoted(trim(line.substr(eq + 1))), number});
  }
  if (in.bad()) {
    throw Error(ExitCode::usage, fmt::format("cannot read configuration file {}: {}", path, std::strerror(errno)));
  }
  return file;
}

}  // namespace mongoway::cli
