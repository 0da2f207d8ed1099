#include "cli/usage.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/json_writer.hpp"
#include "cli/settings.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::cli {
namespace {

constexpr size_t kWidth = 79;

// Words of `text`, wrapped at kWidth; the first line starts at `first_column`,
// the others are indented by `indent`.
std::string wrap(std::string_view text, size_t indent, size_t first_column) {
  std::string out;
  size_t column = first_column;
  bool line_empty = true;
  size_t pos = 0;
  while (pos < text.size()) {
    auto space = text.find(' ', pos);
    auto word = text.substr(pos, space == text.npos ? text.npos : space - pos);
    pos = space == text.npos ? text.size() : space + 1;
    if (word.empty()) continue;
    if (!line_empty && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out;
}

// The option's help, naming every environment variable that sets the same
// setting (inside its closing parenthesis, when it ends with one).
std::string help_text(const OptionSpec& option) {
  std::string help(option.help);
  for (const auto& variable : environment_variables_of(option.name)) {
    if (help.find(variable) != std::string::npos) continue;
    if (help.ends_with(')')) help.insert(help.size() - 1, "; env " + variable);
    else help += " (env " + variable + ")";
  }
  return help;
}

std::string option_list(const std::vector<OptionSpec>& options) {
  size_t width = 0;
  for (const auto& option : options) width = std::max(width, option.synopsis().size());
  width = std::min<size_t>(width, 28);
  std::string out;
  for (const auto& option : options) {
    std::string synopsis = option.synopsis();
    std::string line = "  " + synopsis;
    size_t column = line.size();
    if (synopsis.size() > width) {
      line += "\n" + std::string(width + 4, ' ');
    } else {
      line += std::string(width + 4 - column, ' ');
    }
    out += line + wrap(help_text(option), width + 4, width + 4) + "\n";
  }
  return out;
}

std::string command_synopsis(const CommandSpec& command) {
  std::string out = fmt::format("mongoway [global options] {}", command.name);
  if (!command.options.empty()) out += " [options]";
  if (!command.arguments.empty()) out += fmt::format(" {}", command.arguments);
  return out;
}

constexpr std::string_view kExitStatus =
    "Exit status: 0 success, 1 the server refused a command (migrate and undo record the version as failed), "
    "2 usage or configuration error (also diff on a history it cannot replay), 3 invalid migration files, a missing or "
    "unreadable location, failed "
    "validation, a version remove refuses, another tool's record baseline --from refuses, files import refuses, "
    "drift found by diff or a snapshot it cannot read, an undo verify finds does not restore its schema (or, "
    "with --require-undo, a version without one; lint --require-undo: a version with neither an undo file nor "
    "a derived undo), an undo refused before anything ran, a need the server of lint --server-profile lacks or "
    "the pre-flight check of migrate, undo, goto or verify finds the server lacks, 4 lock not "
    "acquired or lost (or a live lease `unlock` "
    "refused; remove: "
    "held), 5 cannot reach or authenticate to the server, 6 output could not "
    "be written (standard output or standard error: a full disk, a closed pipe; or the --metrics-file; the work "
    "itself may have been done), 130/143 interrupted by SIGINT/SIGTERM (a first Ctrl-C stops at the next safe point "
    "and records the "
    "truth; a second stops at once, leaving the version in flight unfinished). On a fleet, the worst of its "
    "databases' in the order 130/143 > 5 > 4 > 1 > 3 > 2 > 6 > 0.";

constexpr std::string_view kFleets =
    "Fleets: migrate, undo, goto, info, validate, history, baseline, repair, snapshot and diff --against run on many "
    "databases at once with --databases PATTERN (a glob over the server's databases; --exclude PATTERN), "
    "--databases-file FILE (one name a line, - for standard input) or --uris-file FILE (URI PATTERN... a line, for "
    "several clusters), --jobs N at a time (default 4), each with its own lock and history; --fail-fast stops "
    "starting others after a failure. undo, goto --allow-undo, repair and baseline on a pattern need --yes.";

void write_options(JsonWriter& json, const std::vector<OptionSpec>& options) {
  json.begin_array();
  for (const auto& option : options) {
    json.begin_object().field("name", fmt::format("--{}", option.name));
    json.key("short");
    if (option.short_name != 0) json.value(fmt::format("-{}", option.short_name));
    else json.null();
    json.key("value");
    if (option.takes_value()) json.value(option.value_name);
    else json.null();
    json.field("repeatable", option.repeatable).field("help", help_text(option)).end_object();
  }
  json.end_array();
}

void write_command(JsonWriter& json, const CommandSpec& command) {
  json.begin_object().field("name", command.name).key("aliases").begin_array();
  for (auto alias : command.aliases) json.value(alias);
  json.end_array()
      .field("usage", command_synopsis(command))
      .field("summary", command.summary)
      .field("description", command.description)
      .field("needs_server", command.needs_server)
      .key("options");
  write_options(json, command.options);
  json.key("examples").begin_array();
  for (auto example : command.examples) json.value(example);
  json.end_array().end_object();
}

}  // namespace

std::string general_usage() {
  std::string out = fmt::format("mongoway {} - versioned migrations for MongoDB\n\n"
                                "Usage: mongoway [global options] <command> [command options]\n\n"
                                "Commands:\n",
                                version());
  size_t width = 0;
  for (const auto& command : commands()) {
    std::string names(command.name);
    for (auto alias : command.aliases) names += fmt::format(", {}", alias);
    width = std::max(width, names.size());
  }
  for (const auto& command : commands()) {
    std::string names(command.name);
    for (auto alias : command.aliases) names += fmt::format(", {}", alias);
    out += fmt::format("  {:<{}}  {}\n", names, width, command.summary);
  }
  out += "\nGlobal options (before or after the command):\n" + option_list(global_options());
  out += "\n" + wrap(kFleets, 0, 0) + "\n";
  out += "\n" + wrap(kExitStatus, 0, 0) + "\n\n";
  out += "Run `mongoway help <command>` for a command's options and an example,\n"
         "and `man mongoway` for the file format, configuration and JSON output.\n";
  return out;
}

std::string command_usage(const CommandSpec& command) {
  std::string out = "Usage: " + command_synopsis(command) + "\n";
  if (!command.aliases.empty()) {
    std::vector<std::string> aliases(command.aliases.begin(), command.aliases.end());
    out += fmt::format("Alias: {}\n", fmt::join(aliases, ", "));
  }
  out += "\n" + wrap(command.description, 0, 0) + "\n";
  if (!command.options.empty()) out += "\nOptions:\n" + option_list(command.options);
  if (command.needs_server) {
    out += "\nGlobal options:\n" + option_list(global_options());
  } else {
    out += "\nNever connects to a server. Global options: see `mongoway --help`.\n";
  }
  out += command.examples.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
  for (auto example : command.examples) out += fmt::format("  {}\n", example);
  return out;
}

std::string usage_json(const CommandSpec* command) {
  JsonWriter json;
  json.begin_object().field("format", kJsonFormat).field("command", "help").field("version", version());
  json.field("topic", command != nullptr ? std::optional<std::string>(command->name) : std::nullopt);
  json.key("commands").begin_array();
  // `help COMMAND`: that one command.
  for (const auto& spec : commands()) {
    if (command == nullptr || command->id == spec.id) write_command(json, spec);
  }
  json.end_array();
  json.key("global_options");
  write_options(json, global_options());
  json.key("config_keys").begin_array();
  for (const auto& key : config_keys()) json.value(key);
  json.end_array();
  return json.end_object().str();
}

std::string version_json() {
  JsonWriter json;
  json.begin_object()
      .field("format", kJsonFormat)
      .field("command", std::optional<std::string>())
      .field("version", version())
      .field("details", version_details());
  return json.end_object().str();
}

}  // namespace mongoway::cli
