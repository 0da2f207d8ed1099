#include "cli/settings.hpp"

#include <fmt/format.h>
#include <unistd.h>  // environ

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>

#include "cli/config_file.hpp"
#include "mongo/uri.hpp"
#include "port/server.hpp"
#include "script/names.hpp"
#include "script/placeholders.hpp"
#include "util/redact.hpp"
#include "util/suggest.hpp"

namespace mongoway::cli {
namespace {

namespace fs = std::filesystem;

struct KeySpec {
  std::string_view key;
  std::string_view option;  // long option setting it, if any
  std::string_view default_value;
  bool is_list = false;  // colon-separated in the environment and the file
  bool is_path = false;  // relative paths in the file are relative to the file
  // What `init` writes above the key; when empty, the help of its option.
  std::string_view about = {};
};

constexpr KeySpec kKeys[] = {
    {"uri", "uri", "mongodb://127.0.0.1:27017"},
    {"database", "database", ""},
    {"locations", "location", "./migrations", true, true},
    {"history_collection", "history-collection", "mongoway_history"},
    {"lock_timeout", "lock-timeout", "90"},
    {"lock_ttl", "lock-ttl", "60"},
    {"connect_retries", "connect-retries", "0"},
    {"connect_retry_interval", "connect-retry-interval", "5"},
    {"connect_timeout", "connect-timeout", "5"},
    {"transaction", "transaction", "never"},
    {"preflight", "preflight", "auto", false, false,
     "auto, strict or off: check what the files need against the server before the first write of migrate, undo, "
     "goto and verify"},
    {"clean_enabled", "", "false", false, false, "allow `mongoway clean` to drop every collection (with --yes)"},
    {"max_file_size", "", "64MiB", false, false, "largest migration or documents file read (bytes, K, M or G)"},
    {"require_undo", "", "false", false, false,
     "lint and verify fail on a version with neither an undo file nor a derived undo (as --require-undo)"},
    {"output", "output", "text"},
    {"color", "color", "auto"},
    {"password_file", "password-file", "", false, true},
};

struct Raw {
  std::vector<std::string> values;
  std::string origin;
  bool set() const { return !values.empty(); }
  const std::string& value() const { return values.back(); }
};

std::string env_name(std::string_view key) {
  std::string name = "MONGOWAY_";
  for (char c : key) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return name;
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= value.size()) {
    auto colon = value.find(':', pos);
    if (colon == std::string::npos) colon = value.size();
    if (colon > pos) parts.push_back(value.substr(pos, colon - pos));
    pos = colon + 1;
  }
  return parts;
}

// The setting as the user gave it, for messages: "--color",
// "MONGOWAY_COLOR", "mongoway.conf:3: color".
std::string given_as(const Raw& raw, std::string_view key) {
  constexpr std::string_view command_line = "command line ";
  constexpr std::string_view environment = "environment ";
  if (raw.origin.starts_with(command_line)) return raw.origin.substr(command_line.size());
  if (raw.origin.starts_with(environment)) return raw.origin.substr(environment.size());
  if (raw.origin == "the URI") return "the database in the URI";
  return fmt::format("{}: {}", raw.origin, key);
}

[[noreturn]] void bad_value(const Raw& raw, std::string_view key, const std::string& expected) {
  throw Error(ExitCode::usage, fmt::format("{}: expected {}, got \"{}\"", given_as(raw, key), expected, raw.value()));
}

int64_t parse_integer(const Raw& raw, std::string_view key, int64_t min, int64_t max, const std::string& expected) {
  const std::string& text = raw.value();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    bad_value(raw, key, expected);
  }
  return value;
}

uint64_t parse_size(const Raw& raw, std::string_view key) {
  const std::string& text = raw.value();
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string unit(end, text.data() + text.size());
  static const std::map<std::string, uint64_t> units = {{"", 1},           {"B", 1},
                                                        {"K", 1ull << 10}, {"KiB", 1ull << 10},
                                                        {"M", 1ull << 20}, {"MiB", 1ull << 20},
                                                        {"G", 1ull << 30}, {"GiB", 1ull << 30}};
  auto it = units.find(unit);
  if (ec != std::errc() || it == units.end() || value == 0 || value > UINT64_MAX / it->second) {
    bad_value(raw, key, "a size in bytes, e.g. 67108864 or 64MiB");
  }
  return value * it->second;
}

bool parse_bool(const Raw& raw, std::string_view key) {
  std::string text = raw.value();
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  bad_value(raw, key, "true or false");
}

std::string read_password_file(const std::string& path, const std::string& origin) {
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password)) {
    throw Error(ExitCode::usage, fmt::format("{}: cannot read password file {}", origin, path));
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) throw Error(ExitCode::usage, fmt::format("{}: password file {} is empty", origin, path));
  return password;
}

// The URI with the password given apart (MONGOWAY_PASSWORD, a password file).
std::string put_password_in_uri(const std::string& text, const std::string& password) {
  auto edited = mongo::uri_with_password(text, password);
  if (!edited) {
    throw Error(ExitCode::usage,
                "a password was given (MONGOWAY_PASSWORD or --password-file) but the URI names no user; "
                "write the user in the URI: mongodb://USER@host/");
  }
  return *edited;
}

class Resolver {
 public:
  Resolver(const CommandLine& line, const Environment& env) : m_line(line), m_env(env) {
    for (const auto& spec : kKeys) {
      if (!spec.default_value.empty()) m_raw[std::string(spec.key)] = {{std::string(spec.default_value)}, "default"};
    }
  }

  // `init` writes the file rather than reading it: its path is kept instead.
  void read_config() {
    std::string path;
    if (auto given = m_line.value("config")) {
      path = *given;
    } else if (auto from_env = m_env.get("MONGOWAY_CONFIG"); from_env && !from_env->empty()) {
      path = *from_env;
    } else if (fs::exists("mongoway.conf") || writes_config()) {
      path = "mongoway.conf";
    } else {
      return;
    }
    m_config_path = path;
    if (writes_config()) return;
    auto file = read_config_file(path);
    fs::path dir = fs::path(path).parent_path();
    for (const auto& entry : file.entries) {
      std::string origin_text = fmt::format("{}:{}", path, entry.line);
      if (entry.key.rfind("placeholder.", 0) == 0 && entry.key.size() > 12) {
        m_placeholders[entry.key.substr(12)] = {{entry.value}, origin_text};
        continue;
      }
      const KeySpec* spec = find_key(entry.key);
      if (spec == nullptr) {
        throw Error(ExitCode::usage,
                    fmt::format("{}: unknown key \"{}\"{}", origin_text, entry.key,
                                util::did_you_mean(entry.key, config_keys())),
                    {{Diagnostic::Severity::error, path, entry.line, 0, "unknown key \"" + entry.key + "\""}});
      }
      std::vector<std::string> values = spec->is_list ? split_list(entry.value) : std::vector{entry.value};
      if (spec->is_path) {
        for (auto& value : values) {
          if (!value.empty() && fs::path(value).is_relative() && !dir.empty())
            value = (dir / value).lexically_normal().string();
        }
      }
      m_raw[entry.key] = {values, origin_text};
    }
  }

  void read_environment() {
    for (const auto& spec : kKeys) {
      auto name = env_name(spec.key);
      auto value = m_env.get(name);
      if (!value || value->empty()) continue;
      m_raw[std::string(spec.key)] = {spec.is_list ? split_list(*value) : std::vector{*value}, "environment " + name};
    }
    if (m_env.names) {
      for (const auto& name : m_env.names()) {
        if (!name.starts_with(kPlaceholderVariablePrefix) || name.size() == kPlaceholderVariablePrefix.size()) continue;
        auto value = m_env.get(name);
        if (!value || value->empty()) continue;  // empty counts as unset, as for every variable
        m_placeholders[name.substr(kPlaceholderVariablePrefix.size())] = {{*value}, "environment " + name};
      }
    }
    const auto own_color = m_env.get("MONGOWAY_COLOR");  // empty counts as unset, as for every variable
    if (auto no_color = m_env.get("NO_COLOR"); no_color && !no_color->empty() && (!own_color || own_color->empty())) {
      m_raw["color"] = {{"never"}, "environment NO_COLOR"};
    }
  }

  void read_command_line() {
    for (const auto& spec : kKeys) {
      if (spec.option.empty() || !m_line.has(spec.option)) continue;
      m_raw[std::string(spec.key)] = {m_line.all(spec.option), fmt::format("command line --{}", spec.option)};
    }
    for (const auto& assignment : m_line.all("placeholder")) {
      auto eq = assignment.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw Error(ExitCode::usage,
                    fmt::format("--placeholder: expected NAME=VALUE, got \"{}\"", assignment.substr(0, eq)));
      }
      m_placeholders[assignment.substr(0, eq)] = {{assignment.substr(eq + 1)}, "command line --placeholder"};
    }
  }

  Settings finish(bool needs_server) {
    Settings settings;
    settings.config_file = m_config_path;
    Config& config = settings.config;
    if (needs_server) check_uri(raw("uri"));
    config.uri = raw("uri").value();
    if (const Raw* db = find("database")) {
      config.database = db->value();
    } else if (auto from_uri = mongo::database_in_uri(config.uri)) {
      config.database = *from_uri;
      m_raw["database"] = {{*from_uri}, "the URI"};
    }
    const Raw* locations = find("locations");
    if (locations == nullptr) throw Error(ExitCode::usage, "no migration location given: use --location DIR");
    config.locations = locations->values;
    config.history_collection = raw("history_collection").value();
    if (config.history_collection.empty()) bad_value(raw("history_collection"), "history_collection", "a name");
    read_timings(config);
    config.transaction = choice<TransactionMode>(
        "transaction",
        {{"never", TransactionMode::never}, {"auto", TransactionMode::auto_}, {"always", TransactionMode::always}},
        "auto, always or never");
    config.preflight = choice<PreflightMode>(
        "preflight", {{"auto", PreflightMode::auto_}, {"strict", PreflightMode::strict}, {"off", PreflightMode::off}},
        "auto, strict or off");
    config.clean_enabled = parse_bool(raw("clean_enabled"), "clean_enabled");
    settings.require_undo = parse_bool(raw("require_undo"), "require_undo");
    config.max_file_size = parse_size(raw("max_file_size"), "max_file_size");
    for (const auto& [name, value] : m_placeholders) config.placeholders[name] = value.value();

    settings.output = choice<OutputFormat>("output", {{"text", OutputFormat::text}, {"json", OutputFormat::json}},
                                           "text or json");
    settings.color = choice<ColorMode>(
        "color", {{"auto", ColorMode::auto_}, {"always", ColorMode::always}, {"never", ColorMode::never}},
        "auto, always or never");
    settings.quiet = m_line.has("quiet");
    settings.verbose = m_line.has("verbose");

    std::string password_origin;
    auto password = find_password(password_origin);
    if (needs_server) {
      // A fleet's databases come from --databases and its files, not from -d.
      if (config.database.empty() && !m_line.selects_fleet()) {
        throw Error(ExitCode::usage, "no database given: use --database NAME, MONGOWAY_DATABASE, `database = NAME` in "
                                     "mongoway.conf, or name it in the URI (mongodb://host/NAME)");
      }
      if (!config.database.empty()) check_names(config);
      if (password) config.uri = put_password_in_uri(config.uri, *password);
    }
    settings.secrets = uri_secrets(config.uri);
    if (password) settings.secrets.push_back(*password);
    for (auto& value : script::secret_placeholder_values(config.placeholders))
      settings.secrets.push_back(std::move(value));
    show(settings, password_origin);
    return settings;
  }

 private:
  // The value of `key`, one of the words of `choices`; a usage error naming
  // `expected` otherwise.
  template <typename T>
  T choice(const std::string& key, std::initializer_list<std::pair<std::string_view, T>> choices,
           const std::string& expected) const {
    const Raw& value = raw(key);
    for (const auto& [word, result] : choices) {
      if (value.value() == word) return result;
    }
    bad_value(value, key, expected);
  }

  // The lock's and the connection's: whole numbers of seconds (and of retries) within their bounds.
  void read_timings(Config& config) const {
    config.lock_timeout = std::chrono::seconds(
        parse_integer(raw("lock_timeout"), "lock_timeout", 0, kMaxLockTimeout.count(),
                      fmt::format("a whole number of seconds from 0 to {}", kMaxLockTimeout.count())));
    config.lock_ttl = std::chrono::seconds(parse_integer(
        raw("lock_ttl"), "lock_ttl", kMinLockTtl.count(), kMaxLockTtl.count(),
        fmt::format("a whole number of seconds from {} to {}", kMinLockTtl.count(), kMaxLockTtl.count())));
    config.connect_retries = static_cast<int>(
        parse_integer(raw("connect_retries"), "connect_retries", 0, kMaxConnectRetries,
                      fmt::format("a whole number from 0 to {}", kMaxConnectRetries)));
    config.connect_retry_interval = std::chrono::seconds(
        parse_integer(raw("connect_retry_interval"), "connect_retry_interval", 0, kMaxConnectRetryInterval.count(),
                      fmt::format("a whole number of seconds from 0 to {}", kMaxConnectRetryInterval.count())));
    config.server_selection_timeout = std::chrono::seconds(
        parse_integer(raw("connect_timeout"), "connect_timeout", 1, kMaxConnectTimeout.count(),
                      fmt::format("a whole number of seconds from 1 to {}", kMaxConnectTimeout.count())));
  }
  bool writes_config() const { return m_line.command != nullptr && m_line.command->id == CommandId::init; }

  static const KeySpec* find_key(std::string_view key) {
    for (const auto& spec : kKeys) {
      if (spec.key == key) return &spec;
    }
    return nullptr;
  }

  const Raw* find(const std::string& key) const {
    auto it = m_raw.find(key);
    return it == m_raw.end() || !it->second.set() ? nullptr : &it->second;
  }

  // A key with a default, so always set unless a file or variable set it empty.
  const Raw& raw(const std::string& key) const {
    const Raw* value = find(key);
    if (value == nullptr) throw Error(ExitCode::usage, fmt::format("{}: empty value", key));
    return *value;
  }

  // The URI as the driver reads it, first of all: what it cannot read (no
  // scheme) or warns about (an unknown option) is an error.
  static void check_uri(const Raw& uri) {
    std::string why;
    if (mongo::Uri::parse(uri.value(), &why)) return;
    std::string hint;
    if (uri.value().find("://") == std::string::npos) {
      hint = fmt::format("; a connection string starts with mongodb:// or mongodb+srv://, e.g. mongodb://{}",
                         redact_uri(uri.value()));
    }
    // The URI's secrets may show elsewhere than its password's place (as an
    // option's name): masked wherever they are.
    const auto message = fmt::format("{}: invalid connection URI {}: {}{}", given_as(uri, "uri"),
                                     redact_uri(uri.value()), why, hint);
    throw Error(ExitCode::usage, redact_secrets(message, uri_secrets(uri.value())));
  }

  // The names the commands will send, by MongoDB's rules, before connecting.
  void check_names(const Config& config) const {
    const Raw& database = raw("database");
    if (auto problem = script::database_name_problem(config.database)) {
      throw Error(ExitCode::usage, fmt::format("{}: invalid database name \"{}\": {}", given_as(database, "database"),
                                               config.database, *problem));
    }
    const Raw& history = raw("history_collection");
    if (auto problem = script::collection_name_problem(config.history_collection)) {
      throw Error(ExitCode::usage,
                  fmt::format("{}: invalid collection name \"{}\": {}", given_as(history, "history_collection"),
                              config.history_collection, *problem));
    }
    // The lock collection's name is the longer one.
    const std::string lock = port::lock_collection_of(config.history_collection);
    if (auto problem = script::namespace_problem(config.database, lock)) {
      throw Error(ExitCode::usage,
                  fmt::format("{}: invalid collection name \"{}\" in database \"{}\" ({}), for its lock collection: {}",
                              given_as(history, "history_collection"), config.history_collection, config.database,
                              given_as(database, "database"), *problem));
    }
  }

  std::optional<std::string> find_password(std::string& origin) const {
    const Raw* file = find("password_file");
    if (file != nullptr && file->origin.rfind("command line", 0) == 0) {
      origin = file->origin;
      return read_password_file(file->value(), file->origin);
    }
    if (auto password = m_env.get("MONGOWAY_PASSWORD"); password && !password->empty()) {
      origin = "environment MONGOWAY_PASSWORD";
      return password;
    }
    if (file != nullptr) {
      origin = file->origin;
      return read_password_file(file->value(), file->origin);
    }
    return std::nullopt;
  }

  void show(Settings& settings, const std::string& password_origin) const {
    for (const auto& spec : kKeys) {
      const Raw* value = find(std::string(spec.key));
      if (value == nullptr) continue;
      std::string text;
      for (const auto& part : value->values) text += (text.empty() ? "" : ":") + part;
      if (spec.key == "uri") text = redact_uri(text);
      settings.shown.push_back({std::string(spec.key), text, value->origin});
    }
    for (const auto& [name, value] : m_placeholders) {
      const bool secret = script::is_secret_placeholder(name) && !value.value().empty();
      settings.shown.push_back({"placeholder." + name, secret ? "****" : value.value(), value.origin});
    }
    if (!password_origin.empty()) settings.shown.push_back({"password", "****", password_origin});
  }

  const CommandLine& m_line;
  const Environment& m_env;
  std::map<std::string, Raw> m_raw;
  std::map<std::string, Raw> m_placeholders;
  std::string m_config_path;
};

std::string key_comment(const KeySpec& spec) {
  std::string text(spec.about);
  if (text.empty() && !spec.option.empty()) {
    for (const auto& option : global_options()) {
      if (option.name == spec.option) text = option.help;
    }
  }
  // The variable, unless the help already names it.
  const std::string env = env_name(spec.key);
  std::string where = text.find(env) == std::string::npos ? "environment " + env : "";
  if (!spec.option.empty()) where = fmt::format("option --{}{}{}", spec.option, where.empty() ? "" : ", ", where);
  if (spec.is_list && text.find("colon-separated") == std::string::npos) where += "; a colon-separated list";
  return fmt::format("# {}\n# ({})\n", text, where);
}

}  // namespace

std::string default_config_text() {
  std::string out = "# mongoway configuration: `key = value` lines; `#` starts a comment.\n"
                    "# A setting given on the command line or in the environment wins over this file.\n"
                    "# Relative paths are relative to this file's folder. Every key is at its default.\n";
  for (const auto& spec : kKeys) {
    out += "\n" + key_comment(spec);
    // A key without a default stays unset: an empty value would mean something else.
    if (spec.default_value.empty()) out += fmt::format("# {} =\n", spec.key);
    else out += fmt::format("{} = {}\n", spec.key, spec.default_value);
  }
  out += "\n# ${NAME} in the migration files (environment MONGOWAY_PLACEHOLDER_NAME, option --placeholder)\n"
         "# placeholder.NAME = value\n";
  return out;
}

Environment process_environment() {
  Environment env;
  env.get = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.names = [] {
    std::vector<std::string> names;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      names.emplace_back(text.substr(0, text.find('=')));
    }
    return names;
  };
  return env;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : kKeys) keys.emplace_back(spec.key);
  keys.emplace_back("placeholder.NAME");
  return keys;
}

std::vector<std::string> environment_variables_of(std::string_view option) {
  if (option == "config") return {"MONGOWAY_CONFIG"};
  if (option == "placeholder") return {std::string(kPlaceholderVariablePrefix) + "NAME"};
  std::vector<std::string> names;
  for (const auto& spec : kKeys) {
    if (!spec.option.empty() && spec.option == option) names.push_back(env_name(spec.key));
  }
  if (option == "password-file") names.emplace_back("MONGOWAY_PASSWORD");
  return names;
}

Settings resolve_settings(const CommandLine& line, const Environment& env, bool needs_server) {
  Resolver resolver(line, env);
  resolver.read_config();
  resolver.read_environment();
  resolver.read_command_line();
  return resolver.finish(needs_server);
}

}  // namespace mongoway::cli
