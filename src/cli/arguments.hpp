#pragma once
// Parses argv: finds the command (the first non-option argument), checks every
// option against the global options and the command's own, then lets cxxopts
// read the values. Throws mongoway::Error (ExitCode::usage) with a suggestion.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_table.hpp"

namespace mongoway::cli {

struct CommandLine {
  const CommandSpec* command = nullptr;  // nullptr when no command was given
  std::vector<std::string> arguments;    // positional arguments after the command name
  std::map<std::string, std::vector<std::string>, std::less<>> values;  // by long name; flags: "true"

  bool has(std::string_view name) const { return values.find(name) != values.end(); }
  // The last value given (options given twice: the last one wins).
  std::optional<std::string> value(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

CommandLine parse_command_line(int argc, const char* const* argv);

// Best effort, before parsing: was `--output json` (or MONGOWAY_OUTPUT=json)
// asked for? So that even a usage error is reported as JSON.
bool wants_json_output(int argc, const char* const* argv);

}  // namespace mongoway::cli
