// mongoway: parse, resolve settings, run one command, map errors to exit codes.

#include <unistd.h>

#include <exception>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "cli/reporter.hpp"
#include "cli/settings.hpp"
#include "cli/usage.hpp"
#include "mongoway/migrator.hpp"
#include "util/redact.hpp"
#include "util/suggest.hpp"

namespace mongoway::cli {
namespace {

std::unique_ptr<Reporter> make_reporter(Console& console, OutputFormat format, bool quiet, const CommandLine& line) {
  if (format == OutputFormat::text) return make_text_reporter(console, quiet);
  std::optional<std::string> command;
  if (line.command != nullptr) command = std::string(line.command->name);
  return make_json_reporter(console, command);
}

// --version, --help, help [command] and no command at all: no settings needed.
std::optional<int> run_informational(const CommandLine& line, Console& console, bool json) {
  // `history --version N` filters the history by version instead.
  const bool history = line.command != nullptr && line.command->id == CommandId::history;
  if (line.has("version") && !history) {
    console.out(json ? version_json() : version_details() + "\n");
    return 0;
  }
  const CommandSpec* topic = nullptr;
  bool help = line.has("help");
  if (line.command != nullptr && line.command->id == CommandId::help) {
    if (help && line.arguments.empty()) topic = line.command;  // mongoway help --help
    help = true;
    if (line.arguments.size() > 1) throw Error(ExitCode::usage, "help takes at most one command name");
    if (!line.arguments.empty()) {
      topic = find_command(line.arguments.front());
      if (topic == nullptr) {
        throw Error(ExitCode::usage, "unknown command \"" + line.arguments.front() + "\"" +
                                         util::did_you_mean(line.arguments.front(), command_names()));
      }
    }
  } else {
    topic = line.command;
  }
  if (help) {
    if (json) console.out(usage_json(topic));
    else console.out(topic != nullptr ? command_usage(*topic) : general_usage());
    return 0;
  }
  if (line.command == nullptr) {
    if (json) throw Error(ExitCode::usage, "no command given; run `mongoway help` for usage");
    console.err(general_usage());
    return static_cast<int>(ExitCode::usage);
  }
  return std::nullopt;
}

int run_line(const CommandLine& line, Console& early) {
  const bool json_requested = wants_json_output(line);
  auto early_reporter = make_reporter(early, json_requested ? OutputFormat::json : OutputFormat::text, false, line);
  try {
    if (line.error) {
      early_reporter->error(*line.error);
      if (!json_requested) early.err("Run `mongoway help` for usage.\n");
      return line.error->exit_code();
    }
    if (auto code = run_informational(line, early, json_requested)) return *code;

    Settings settings = resolve_settings(line, process_environment(), line.command->needs_server);
    const bool status = is_terminal(2) && !settings.quiet;
    Console console(Style::for_stream(1, settings.color), Style::for_stream(2, settings.color), status);
    console.set_secrets(settings.secrets);
    auto reporter = make_reporter(console, settings.output, settings.quiet, line);
    if (settings.verbose) reporter->settings(settings);
    try {
      return run_command(line, settings, *reporter, console);
    } catch (const Error& e) {
      reporter->error(e);
      return e.exit_code();
    }
  } catch (const Error& e) {
    early_reporter->error(e);
    return e.exit_code();
  }
}

// Every write is checked: a run whose output was lost ends with exit code 6
// unless it failed for another reason already.
int run(int argc, const char* const* argv) {
  const CommandLine line = parse_command_line(argc, argv);
  Console early(Style::for_stream(1, ColorMode::auto_), Style::for_stream(2, ColorMode::auto_), false);
  return early.finish(run_line(line, early));
}

}  // namespace
}  // namespace mongoway::cli

int main(int argc, char** argv) {
  try {
    return mongoway::cli::run(argc, argv);
  } catch (const std::exception& e) {
    // Not a mongoway::Error: a bug, or the system ran out of something. Its
    // text may hold a URI all the same, and no Console is left to mask it.
    std::string message = "mongoway: internal error: " + mongoway::redact_uris_in_text(e.what()) + "\n";
    ssize_t ignored = write(2, message.data(), message.size());
    (void)ignored;
    return 1;
  }
}
