#include "cli/diagnostic_text.hpp"

#include <fmt/format.h>

namespace mongoway::cli {

std::string diagnostic_line(const Diagnostic& diagnostic, const Style& style) {
  std::string where = diagnostic.file;
  if (!where.empty() && diagnostic.line > 0) {
    where += fmt::format(":{}", diagnostic.line);
    if (diagnostic.column > 0) where += fmt::format(":{}", diagnostic.column);
  }
  std::string severity = diagnostic.is_error() ? style.paint("error", Color::red)
                                               : style.paint("warning", Color::yellow);
  if (where.empty()) return fmt::format("{}: {}", severity, diagnostic.message);
  return fmt::format("{}: {}: {}", style.paint(where, Color::bold), severity, diagnostic.message);
}

}  // namespace mongoway::cli
