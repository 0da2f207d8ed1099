#pragma once
// The commands and options the command line accepts: one table that drives
// parsing, `help`, the man-page test and the shell completions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mongoway::cli {

struct OptionSpec {
  std::string_view name;        // long name without dashes, e.g. "target"
  char short_name = 0;          // e.g. 'u', 0 when none
  std::string_view value_name;  // e.g. "N"; empty for a flag
  std::string_view help;
  bool repeatable = false;

  bool takes_value() const { return !value_name.empty(); }
  // "-u, --uri URI" or "--dry-run"
  std::string synopsis() const;
};

enum class CommandId {
  migrate,
  undo,
  goto_,
  info,
  validate,
  baseline,
  repair,
  remove,
  clean,
  unlock,
  history,
  snapshot,
  diff,
  verify,
  lint,
  new_,
  import_,
  init,
  help
};

struct CommandSpec {
  CommandId id;
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::string_view arguments;  // positional arguments, e.g. "<description>"
  std::string_view summary;    // one line
  std::string_view description;
  std::vector<OptionSpec> options;
  std::vector<std::string_view> examples;
  bool needs_server = true;
};

const std::vector<OptionSpec>& global_options();
const std::vector<CommandSpec>& commands();

// By name or alias; nullptr when there is no such command.
const CommandSpec* find_command(std::string_view name);
const CommandSpec& command(CommandId id);

// Every command name and alias (for suggestions).
std::vector<std::string> command_names();

// An option of `command` or a global option, by long name or short letter.
const OptionSpec* find_option(const CommandSpec* command, std::string_view long_name);
const OptionSpec* find_short_option(const CommandSpec* command, char short_name);

// Options of any command (used to tell a value option from a flag before the
// command is known).
const OptionSpec* find_option_anywhere(std::string_view long_name);
const OptionSpec* find_short_option_anywhere(char short_name);

// Names of the commands that accept the option `long_name`.
std::vector<std::string> commands_with_option(std::string_view long_name);

}  // namespace mongoway::cli
