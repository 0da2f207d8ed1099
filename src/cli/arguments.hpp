#pragma once
// Reads argv once, with cxxopts, knowing every option of the command table;
// then checks what it read: the command (the first word), every option
// against the global options and the command's own, every flag's value. The
// first usage error, with a suggestion, is kept in the result rather than
// thrown, so that it can be reported in the output format the same reading
// asked for (--output json).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_table.hpp"
#include "mongoway/error.hpp"

namespace mongoway::cli {

struct CommandLine {
  const CommandSpec* command = nullptr;                                 // nullptr when no command was given
  std::vector<std::string> arguments;                                   // positional arguments after the command name
  std::map<std::string, std::vector<std::string>, std::less<>> values;  // by long name; flags: "true"
  // The first usage error (ExitCode::usage) in the command line. The values of
  // the global options are read all the same, for --output.
  std::optional<Error> error;

  bool has(std::string_view name) const { return values.find(name) != values.end(); }
  // --databases, --databases-file or --uris-file: the command runs on a fleet.
  bool selects_fleet() const { return has("databases") || has("databases-file") || has("uris-file"); }
  // The last value given (options given twice: the last one wins).
  std::optional<std::string> value(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
};

// Never throws mongoway::Error: a usage error is in the result's `error`.
CommandLine parse_command_line(int argc, const char* const* argv);

// Was `--output json` (the last --output given) or else MONGOWAY_OUTPUT=json
// asked for? So that even a usage error is reported as JSON.
bool wants_json_output(const CommandLine& line);

}  // namespace mongoway::cli
