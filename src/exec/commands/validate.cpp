// validate: the files against the history, every problem collected, nothing
// written.

#include <algorithm>

#include "exec/commands.hpp"

namespace mongoway::exec {
namespace {

// Every placeholder of every file must be defined.
std::vector<Diagnostic> undefined_placeholders(const Engine& engine) {
  std::vector<Diagnostic> out;
  script::RenderContext ctx{engine.config.database, engine.config.placeholders};
  for (const auto& m : engine.files.migrations) {
    for (const script::Script* s : {&m.up, m.undo ? &*m.undo : nullptr}) {
      if (!s) continue;
      for (const auto& cmd : s->commands) {
        auto problems = script::check_render(*s, cmd, ctx);
        out.insert(out.end(), problems.begin(), problems.end());
      }
    }
  }
  return out;
}

}  // namespace

ValidateResult validate(Engine& engine) {
  engine.check_config();
  ValidateResult out;
  engine.files = script::load_all(engine.config.locations, script::LoadOptions{engine.config.max_file_size});
  out.problems = engine.files.diagnostics;
  if (!engine.files.has_errors()) {
    const auto status = engine.read_status();
    auto more = plan::check_history(status);
    out.problems.insert(out.problems.end(), more.begin(), more.end());
    auto running = plan::check_running(status);
    out.problems.insert(out.problems.end(), running.begin(), running.end());
    auto placeholders = undefined_placeholders(engine);
    out.problems.insert(out.problems.end(), placeholders.begin(), placeholders.end());
  }
  out.ok = std::none_of(out.problems.begin(), out.problems.end(), [](const Diagnostic& p) { return p.is_error(); });
  return out;
}

}  // namespace mongoway::exec
