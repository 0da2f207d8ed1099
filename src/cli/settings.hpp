#pragma once
// Settings from the command line, the environment, the configuration file and
// the defaults (in that order of precedence), each remembering where it came from.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::cli {

enum class OutputFormat { text, json };
enum class ColorMode { auto_, always, never };

// One setting as `--verbose` shows it: `(origin) key = value`.
struct ShownSetting {
  std::string key;
  std::string value;   // secrets masked
  std::string origin;  // "default", "mongoway.conf:3", "environment MONGOWAY_URI", "command line --uri"
};

struct Settings {
  Config config;  // for the Migrator; the password is in config.uri when one was given
  OutputFormat output = OutputFormat::text;
  ColorMode color = ColorMode::auto_;
  bool quiet = false;
  bool verbose = false;
  bool require_undo = false;  // require_undo: lint and verify as with --require-undo
  std::string metrics_file;   // --metrics-file: where to write the metrics; empty: none
  std::vector<ShownSetting> shown;
  std::vector<std::string> secrets;  // to mask in every message
  std::string config_file;           // the configuration file read (for `init`: the one to write); empty: none
};

// The environment: a variable's value (nullopt when unset), and the names of
// every variable (for MONGOWAY_PLACEHOLDER_<NAME>; may be left empty).
struct Environment {
  std::function<std::optional<std::string>(const std::string& name)> get;
  std::function<std::vector<std::string>()> names;
};
Environment process_environment();

// A placeholder given by the environment: MONGOWAY_PLACEHOLDER_<NAME>.
inline constexpr std::string_view kPlaceholderVariablePrefix = "MONGOWAY_PLACEHOLDER_";

// Every configuration key, for the man page test and suggestions.
std::vector<std::string> config_keys();

// The configuration file `init` writes: every key at its default, each with
// a comment, from the same table the reader checks keys against.
std::string default_config_text();
// The environment variables that give the setting of a long option
// ("uri": MONGOWAY_URI); none for an option that is no setting.
std::vector<std::string> environment_variables_of(std::string_view option);

// Throws mongoway::Error (ExitCode::usage) naming the origin of a bad value.
// With `needs_server`, a missing database is an error and a password from
// MONGOWAY_PASSWORD or a password file is put into the URI.
Settings resolve_settings(const CommandLine& line, const Environment& env, bool needs_server);

}  // namespace mongoway::cli
