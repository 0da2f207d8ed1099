#include "script/render.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "script/commands.hpp"
#include "script/placeholders.hpp"
#include "script/validate.hpp"
#include "util/redact.hpp"

namespace mongoway::script {

namespace {

Diagnostic diagnostic_at(const Script& script, int line, int column, std::string message,
                         Diagnostic::Severity severity = Diagnostic::Severity::error) {
  Diagnostic d;
  d.severity = severity;
  d.file = script.file.path;
  d.line = line;
  d.column = column;
  d.message = std::move(message);
  return d;
}

// One diagnostic per placeholder of `command` without a value, at the first
// value that uses it.
std::vector<Diagnostic> missing_placeholders(const Script& script, const Command& command,
                                             const std::vector<std::string>& used,
                                             const std::map<std::string, std::string>& values,
                                             Diagnostic::Severity severity) {
  std::vector<Diagnostic> out;
  for (const auto& name : used) {
    if (values.count(name)) continue;
    const auto& sites = command.placeholder_sites;
    auto site = std::find_if(sites.begin(), sites.end(), [&](const PlaceholderSite& s) {
      return std::find(s.names.begin(), s.names.end(), name) != s.names.end();
    });
    const int line = site != sites.end() ? site->line : command.line;
    const int column = site != sites.end() ? site->column : command.column;
    out.push_back(diagnostic_at(script, line, column, unknown_placeholder_message(command, name), severity));
  }
  return out;
}

// `command` with its placeholders replaced, checked again as the server will
// get it: the values the placeholders gave were not known when the file was
// read. Problems go to `out` (nullopt when there is one).
std::optional<bson::Document> substitute_checked(const Script& script, const Command& command, const CommandSpec& spec,
                                                 const RenderContext& context, Diagnostic::Severity missing,
                                                 std::vector<Diagnostic>& out) {
  bool escaped = false;
  const auto used = placeholders_used(command, &escaped);
  if (used.empty() && !escaped) return command.spec;  // rendered as written, and validated as read
  if (auto unknown = missing_placeholders(script, command, used, context.placeholders, missing); !unknown.empty()) {
    out.insert(out.end(), unknown.begin(), unknown.end());
    return std::nullopt;
  }
  auto substituted = substitute_placeholders(command.spec, context.placeholders, nullptr);
  if (!substituted) return std::nullopt;  // not reached: every placeholder has a value
  CommandSite site{
      script.file.path,          nullptr, command.index, spec.name, json::Location{0, command.line, command.column},
      &command.placeholder_sites};
  const size_t before = out.size();
  validate_command(spec, *substituted, site, out);
  if (out.size() == before) return substituted;
  // A message may quote the rendered value: a secret one is masked.
  const auto secrets = secret_placeholder_values(context.placeholders);
  for (size_t i = before; i < out.size(); ++i) out[i].message = redact_secrets(out[i].message, secrets);
  return std::nullopt;
}

}  // namespace

std::string_view field_refused_in_transaction(const Command& command) {
  for (std::string_view field : {"writeConcern", "readConcern"}) {
    if (bson_has_field(command.spec.get(), std::string(field).c_str())) return field;
  }
  return {};
}

std::vector<Diagnostic> check_render(const Script& script, const Command& command, const RenderContext& context,
                                     Diagnostic::Severity missing) {
  std::vector<Diagnostic> out;
  if (const CommandSpec* spec = find_command(command.name)) {
    substitute_checked(script, command, *spec, context, missing, out);
  } else {
    out.push_back(diagnostic_at(script, command.line, command.column,
                                fmt::format("command {}: unknown command \"{}\"", command.index, command.name)));
  }
  return out;
}

std::vector<ServerCommand> render(const Script& script, const Command& command, const RenderContext& context) {
  const CommandSpec* spec = find_command(command.name);
  if (!spec) {
    throw Error(ExitCode::invalid,
                fmt::format("{}: command {}: unknown command \"{}\"", script.file.path, command.index, command.name));
  }
  std::vector<Diagnostic> problems;
  auto substituted = substitute_checked(script, command, *spec, context, Diagnostic::Severity::error, problems);
  if (!problems.empty()) {
    // One line saying where and what; the other problems travel with it.
    const Diagnostic& first = problems.front();
    throw Error(ExitCode::invalid, fmt::format("{}:{}:{}: {}", first.file, first.line, first.column, first.message),
                std::move(problems));
  }
  return spec->build(BuildInput{command, *substituted, context});
}

}  // namespace mongoway::script
