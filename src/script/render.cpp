#include "script/render.hpp"

#include <fmt/format.h>

#include "script/commands.hpp"
#include "script/placeholders.hpp"

namespace mongoway::script {

std::vector<ServerCommand> render(const Script& script, const Command& command, const RenderContext& context) {
  const CommandSpec* spec = find_command(command.name);
  if (!spec) {
    throw Error(ExitCode::invalid, fmt::format("{}: command {}: unknown command \"{}\"", script.file.path,
                                               command.index, command.name));
  }
  std::string unknown;
  auto substituted = substitute_placeholders(command.spec, context.placeholders, &unknown);
  if (!substituted) {
    Diagnostic d;
    d.file = script.file.path;
    d.line = command.line;
    d.column = command.column;
    d.message = unknown_placeholder_message(command, unknown);
    throw Error(ExitCode::invalid, fmt::format("{}: {}", script.file.path, d.message), {d});
  }
  return spec->build(BuildInput{command, *substituted, context});
}

}  // namespace mongoway::script
