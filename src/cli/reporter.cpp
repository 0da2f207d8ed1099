#include "cli/reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/diagnostic_text.hpp"

namespace mongoway::cli {

void Reporter::warnings(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& diagnostic : diagnostics) {
    m_console.err(diagnostic_line(diagnostic, m_console.err_style()) + "\n");
  }
}

void Reporter::settings(const Settings& settings) {
  size_t width = 0;
  for (const auto& shown : settings.shown) width = std::max(width, shown.origin.size() + 2);
  std::string out = "mongoway settings (command line > environment > configuration file > default):\n";
  for (const auto& shown : settings.shown) {
    out += fmt::format("  {:<{}} {} = {}\n", "(" + shown.origin + ")", width, shown.key, shown.value);
  }
  m_console.err(out);
}

}  // namespace mongoway::cli
