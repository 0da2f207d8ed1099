#include "cli/arguments.hpp"

#include <fmt/format.h>

// cxxopts' own parsing of option specifications and arguments, instead of the
// six std::regex it otherwise compiles at start-up in every process (about a
// millisecond, also for `--version`).
#define CXXOPTS_NO_REGEX
#include <cxxopts.hpp>

#include <cstdlib>

#include "mongoway/error.hpp"
#include "util/suggest.hpp"

namespace mongoway::cli {

std::optional<std::string> CommandLine::value(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CommandLine::all(std::string_view name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

namespace {

[[noreturn]] void usage_error(const std::string& message) {
  throw Error(ExitCode::usage, message);
}

// An option as written, e.g. "--targt" or "-x", with the command it was seen in.
struct SeenOption {
  std::string written;
  std::string name;  // long name, or the short letter
  bool is_short = false;
};

struct Scan {
  std::string command_word;
  bool has_command = false;
  std::vector<SeenOption> options;
};

const OptionSpec* lookup(const CommandSpec* command, std::string_view name, bool is_short) {
  if (is_short) {
    return command != nullptr ? find_short_option(command, name[0]) : find_short_option_anywhere(name[0]);
  }
  return command != nullptr ? find_option(command, name) : find_option_anywhere(name);
}

// Walks argv as cxxopts will, to find the command word and every option name.
Scan scan(int argc, const char* const* argv) {
  Scan result;
  const CommandSpec* command = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      if (!result.has_command && i + 1 < argc) {
        result.has_command = true;
        result.command_word = argv[i + 1];
      }
      break;
    }
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      auto eq = arg.find('=');
      std::string name(arg.substr(2, eq == arg.npos ? arg.npos : eq - 2));
      result.options.push_back({std::string(arg.substr(0, eq)), name, false});
      const auto* option = lookup(command, name, false);
      if (option != nullptr && option->takes_value() && eq == arg.npos) {
        if (i + 1 >= argc) usage_error(fmt::format("option --{} needs a value ({})", name, option->value_name));
        ++i;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      for (size_t j = 1; j < arg.size(); ++j) {
        std::string letter(1, arg[j]);
        result.options.push_back({"-" + letter, letter, true});
        const auto* option = lookup(command, letter, true);
        if (option != nullptr && option->takes_value()) {
          if (j + 1 == arg.size()) {
            if (i + 1 >= argc) usage_error(fmt::format("option -{} needs a value ({})", letter, option->value_name));
            ++i;
          }
          break;
        }
      }
    } else if (!result.has_command) {
      result.has_command = true;
      result.command_word = std::string(arg);
      command = find_command(arg);
    }
  }
  return result;
}

void check_options(const Scan& scan, const CommandSpec* command) {
  for (const auto& seen : scan.options) {
    if (lookup(command, seen.name, seen.is_short) != nullptr) continue;
    const std::string where = command != nullptr ? fmt::format(" for {}", command->name) : "";
    if (!seen.is_short) {
      auto owners = commands_with_option(seen.name);
      if (!owners.empty()) {
        usage_error(fmt::format("option {} does not apply to {} (it is an option of {})", seen.written,
                                command != nullptr ? command->name : "this command",
                                fmt::join(owners, ", ")));
      }
    }
    std::vector<std::string> candidates;
    for (const auto& option : global_options()) candidates.push_back(fmt::format("--{}", option.name));
    // Without a known command (a misspelt option's value can be taken for
    // the command word: `--targt 5 migrate`), every command's options count.
    for (const auto& spec : commands()) {
      if (command != nullptr && &spec != command) continue;
      for (const auto& option : spec.options) candidates.push_back(fmt::format("--{}", option.name));
    }
    std::string hint = seen.is_short ? "" : util::did_you_mean(seen.written, candidates);
    usage_error(fmt::format("unknown option {}{}{}", seen.written, where, hint));
  }
}

void add_options(cxxopts::Options& parser, const std::vector<OptionSpec>& options) {
  for (const auto& option : options) {
    std::string names = option.short_name != 0 ? fmt::format("{},{}", option.short_name, option.name)
                                               : std::string(option.name);
    if (!option.takes_value()) {
      parser.add_options()(names, std::string(option.help));
    } else if (option.repeatable) {
      parser.add_options()(names, std::string(option.help), cxxopts::value<std::vector<std::string>>());
    } else {
      parser.add_options()(names, std::string(option.help), cxxopts::value<std::string>());
    }
  }
}

void collect(const cxxopts::ParseResult& parsed, const std::vector<OptionSpec>& options, CommandLine& out) {
  for (const auto& option : options) {
    const std::string name(option.name);
    if (parsed.count(name) == 0) continue;
    if (!option.takes_value()) {
      if (parsed[name].as<bool>()) out.values[name].push_back("true");
    } else if (option.repeatable) {
      out.values[name] = parsed[name].as<std::vector<std::string>>();
    } else {
      out.values[name].push_back(parsed[name].as<std::string>());
    }
  }
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  Scan scanned = scan(argc, argv);
  CommandLine line;
  if (scanned.has_command) {
    line.command = find_command(scanned.command_word);
    if (line.command == nullptr) {
      check_options(scanned, nullptr);  // an unknown option before the word explains it better
      usage_error(fmt::format("unknown command \"{}\"{}", scanned.command_word,
                              util::did_you_mean(scanned.command_word, command_names())));
    }
  }
  check_options(scanned, line.command);

  cxxopts::Options parser("mongoway");
  add_options(parser, global_options());
  if (line.command != nullptr) add_options(parser, line.command->options);
  parser.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
  parser.parse_positional("positional");
  try {
    auto parsed = parser.parse(argc, argv);
    collect(parsed, global_options(), line);
    if (line.command != nullptr) collect(parsed, line.command->options, line);
    if (parsed.count("positional") != 0) {
      line.arguments = parsed["positional"].as<std::vector<std::string>>();
      // The first positional argument is the command word itself.
      if (!line.arguments.empty()) line.arguments.erase(line.arguments.begin());
    }
    for (const auto& rest : parsed.unmatched()) line.arguments.push_back(rest);
  } catch (const cxxopts::exceptions::exception& e) {
    usage_error(e.what());
  }
  return line;
}

bool wants_json_output(int argc, const char* const* argv) {
  std::optional<bool> json;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--output=", 0) == 0) json = arg == "--output=json";
    if (arg == "--output" && i + 1 < argc) json = std::string_view(argv[i + 1]) == "json";
  }
  if (json) return *json;
  const char* env = std::getenv("MONGOWAY_OUTPUT");
  return env != nullptr && std::string_view(env) == "json";
}

}  // namespace mongoway::cli
