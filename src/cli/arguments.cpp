#include "cli/arguments.hpp"

#include <fmt/format.h>

// cxxopts' own parsing of option specifications and arguments, instead of the
// six std::regex it otherwise compiles at start-up in every process (about a
// millisecond, also for `--version`).
#define CXXOPTS_NO_REGEX
#include <cxxopts.hpp>

#include <cstdlib>
#include <set>

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

[[noreturn]] void usage_error(const std::string& message) { throw Error(ExitCode::usage, message); }

// cxxopts throws, losing all it has read, when the last argument is an option
// missing its value. Given one more argument, which no one types (it is no
// option and starts with a control character), it takes that as the value
// instead: the reading stays whole, and the missing value is reported in its
// turn, in the output format the same reading asked for.
constexpr char kNoValue[] = "\x1f"
                            "no value";

// The words (the command and its arguments) under a name no argument can spell
// as an option: cxxopts reads "--words?" as a word, so a typed option that
// looks like the name is an unknown option like any other.
constexpr char kWords[] = "words?";

// An option of the table as given on the command line.
struct GivenOption {
  const OptionSpec* spec = nullptr;
  std::string written;  // "--target" or "-u"
  std::string value;    // as given; "true" for a flag given alone; kNoValue when missing
};

// An option cxxopts does not know, as written ("--targt", "-x").
struct UnknownOption {
  std::string written;
  std::string name;  // long name, or the short letter
  bool is_short = false;
};

// What cxxopts read, in the terms of the command table.
struct Reading {
  std::optional<std::string> command_word;  // the first word, as given
  std::vector<std::string> words;           // every word, split at commas as cxxopts splits them
  std::vector<GivenOption> options;         // in the order given
  std::vector<UnknownOption> unknown;       // in the order given
  std::optional<std::string> bad_syntax;    // cxxopts' message for a word like "-u=x"
};

void add_option(cxxopts::Options& parser, const std::string& name, const OptionSpec& option) {
  auto value = cxxopts::value<std::string>();
  if (!option.takes_value()) value->implicit_value("true");
  parser.add_options()(name, std::string(option.help), value);
}

// Every option of the table once, the global ones and those of every command,
// so that one pass reads the whole line whatever the command; which of them
// the command takes is checked afterwards. A short name is an option of its
// own, so that an error names the option as it was written.
cxxopts::Options make_parser() {
  cxxopts::Options parser("mongoway");
  parser.allow_unrecognised_options();
  std::set<std::string_view> added;
  auto add = [&](const OptionSpec& option) {
    if (!added.insert(option.name).second) return;
    add_option(parser, std::string(option.name), option);
    if (option.short_name != 0) add_option(parser, std::string(1, option.short_name), option);
  };
  for (const auto& option : global_options()) add(option);
  for (const auto& spec : commands()) {
    for (const auto& option : spec.options) add(option);
  }
  parser.add_options()(kWords, "", cxxopts::value<std::vector<std::string>>());
  parser.parse_positional(kWords);
  return parser;
}

const OptionSpec* find_in_command(const CommandSpec& spec, std::string_view name) {
  for (const auto& option : spec.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

UnknownOption unknown_long_option(const std::string& written) {
  auto name = written.substr(2, written.find('=') - 2);
  return {"--" + name, name, false};
}

// cxxopts reads a word like "--v" or "--a.b" (no option name it accepts) as
// a word; for mongoway it is an unknown option.
bool looks_like_long_option(const std::string& word) { return word.size() > 2 && word.rfind("--", 0) == 0; }

// cxxopts also reads "-x=1" as a word; for mongoway its letters are short
// options up to the first that takes a value, the rest being that value,
// which cxxopts refuses.
void read_short_options_word(const std::string& word, Reading& reading) {
  for (size_t i = 1; i < word.size(); ++i) {
    const OptionSpec* spec = find_short_option_anywhere(word[i]);
    if (spec == nullptr) {
      reading.unknown.push_back({"-" + word.substr(i, 1), word.substr(i, 1), true});
      return;
    }
    if (spec->takes_value()) {
      if (!reading.bad_syntax) reading.bad_syntax = cxxopts::exceptions::invalid_option_syntax(word).what();
      return;
    }
  }
}

void read_word(const std::string& word, Reading& reading) {
  if (word == kNoValue) return;
  if (looks_like_long_option(word)) {
    reading.unknown.push_back(unknown_long_option(word));
  } else if (word.size() > 1 && word[0] == '-') {
    read_short_options_word(word, reading);
  } else {
    if (!reading.command_word) reading.command_word = word;
    cxxopts::values::parse_value(word, reading.words);
  }
}

Reading read(const cxxopts::ParseResult& parsed) {
  Reading reading;
  for (const auto& written : parsed.unmatched()) {
    if (written.rfind("--", 0) == 0) reading.unknown.push_back(unknown_long_option(written));
    else reading.unknown.push_back({written, written.substr(1), true});
  }
  for (const auto& given : parsed.arguments()) {
    if (given.key() == kWords) {
      read_word(given.value(), reading);
      continue;
    }
    const bool is_short = given.key().size() == 1;
    const OptionSpec* spec = is_short ? find_short_option_anywhere(given.key()[0]) : find_option_anywhere(given.key());
    reading.options.push_back({spec, (is_short ? "-" : "--") + given.key(), given.value()});
  }
  return reading;
}

// A global flag that is also a command's option taking a value, as
// --version is history's (`history --version=3`).
bool is_also_a_value_option(std::string_view name) {
  for (const auto& spec : commands()) {
    const OptionSpec* option = find_in_command(spec, name);
    if (option != nullptr && option->takes_value()) return true;
  }
  return false;
}

// Options given twice: a value option keeps the last value, a repeatable one
// every value (split at commas, as cxxopts splits them), a flag its last
// value ("--dry-run=false" unsets it). Returns cxxopts' message for the first
// flag value it cannot read, reported after every other option error.
std::optional<std::string> collect_values(const Reading& reading, CommandLine& line) {
  std::optional<std::string> bad_flag;
  for (const auto& given : reading.options) {
    if (given.value == kNoValue) continue;
    const std::string name(given.spec->name);
    if (given.spec->repeatable) {
      cxxopts::values::parse_value(given.value, line.values[name]);
    } else if (given.spec->takes_value()) {
      line.values[name] = {given.value};
    } else {
      bool set = false;
      try {
        cxxopts::values::parse_value(given.value, set);
      } catch (const cxxopts::exceptions::exception& e) {
        if (is_also_a_value_option(name)) {
          line.values[name] = {given.value};  // for the command to read
          continue;
        }
        if (!bad_flag) bad_flag = e.what();
      }
      if (set) line.values[name] = {"true"};
      else line.values.erase(name);
    }
  }
  return bad_flag;
}

// The last argument, an option without its value, when the command takes it
// (or no command is known yet); an option of another command is reported as such.
void check_missing_value(const Reading& reading, const CommandSpec* command) {
  if (reading.options.empty() || reading.options.back().value != kNoValue) return;
  const auto& given = reading.options.back();
  if (command != nullptr && find_option(command, given.spec->name) == nullptr) return;
  usage_error(fmt::format("option {} needs a value ({})", given.written, given.spec->value_name));
}

[[noreturn]] void unknown_option(const UnknownOption& seen, const CommandSpec* command) {
  std::vector<std::string> candidates;
  for (const auto& option : global_options()) candidates.push_back(fmt::format("--{}", option.name));
  // Without a known command (a misspelt option's value can be taken for
  // the command word: `--targt 5 migrate`), every command's options count.
  for (const auto& spec : commands()) {
    if (command != nullptr && &spec != command) continue;
    for (const auto& option : spec.options) candidates.push_back(fmt::format("--{}", option.name));
  }
  const std::string where = command != nullptr ? fmt::format(" for {}", command->name) : "";
  std::string hint = seen.is_short ? "" : util::did_you_mean(seen.written, candidates);
  usage_error(fmt::format("unknown option {}{}{}", seen.written, where, hint));
}

// Unknown options first, then the options of other commands, each in the
// order given (cxxopts keeps the two apart).
void check_options(const Reading& reading, const CommandSpec* command) {
  if (!reading.unknown.empty()) unknown_option(reading.unknown.front(), command);
  if (command == nullptr) return;
  for (const auto& given : reading.options) {
    if (find_option(command, given.spec->name) != nullptr) continue;
    usage_error(fmt::format("option {} does not apply to {} (it is an option of {})", given.written, command->name,
                            fmt::join(commands_with_option(given.spec->name), ", ")));
  }
}

// A word that is no command; an option's name written without its dashes
// (`mongoway version`) is pointed to the option.
[[noreturn]] void unknown_command(const std::string& word) {
  const OptionSpec* option = find_option_anywhere(word);
  const std::string hint = option != nullptr ? fmt::format("; did you mean the option --{}?", option->name)
                                             : util::did_you_mean(word, command_names());
  usage_error(fmt::format("unknown command \"{}\"{}", word, hint));
}

// The checks in the order their errors are reported.
void check(const Reading& reading, const std::optional<std::string>& bad_flag, CommandLine& line) {
  line.command = reading.command_word ? find_command(*reading.command_word) : nullptr;
  check_missing_value(reading, line.command);
  if (reading.command_word && line.command == nullptr) {
    check_options(reading, nullptr);  // an unknown option before the word explains it better
    unknown_command(*reading.command_word);
  }
  check_options(reading, line.command);
  if (reading.bad_syntax) usage_error(*reading.bad_syntax);
  if (bad_flag) usage_error(*bad_flag);
  if (line.has("quiet") && line.has("verbose")) {
    usage_error("--quiet and --verbose cannot be used together: --quiet prints less, --verbose more; choose one");
  }
  // The first word is the command itself.
  if (!reading.words.empty()) line.arguments.assign(reading.words.begin() + 1, reading.words.end());
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine line;
  try {
    auto parser = make_parser();
    std::vector<const char*> arguments(argv, argv + argc);
    arguments.push_back(kNoValue);
    const auto parsed = parser.parse(static_cast<int>(arguments.size()), arguments.data());
    const Reading reading = read(parsed);
    const auto bad_flag = collect_values(reading, line);
    check(reading, bad_flag, line);
  } catch (const Error& e) {
    line.error = e;
  } catch (const cxxopts::exceptions::exception& e) {
    line.error = Error(ExitCode::usage, e.what());
  }
  return line;
}

bool wants_json_output(const CommandLine& line) {
  if (auto output = line.value("output")) return *output == "json";
  const char* env = std::getenv("MONGOWAY_OUTPUT");
  return env != nullptr && std::string_view(env) == "json";
}

}  // namespace mongoway::cli
