#include <fmt/format.h>

#include "mongoway/error.hpp"

namespace mongoway {

std::string Diagnostic::to_string() const {
  std::string where = file;
  if (!file.empty() && line > 0) {
    where += fmt::format(":{}", line);
    if (column > 0) where += fmt::format(":{}", column);
  }
  const char* sev = severity == Severity::error ? "error" : "warning";
  if (where.empty()) return fmt::format("{}: {}", sev, message);
  return fmt::format("{}: {}: {}", where, sev, message);
}

}  // namespace mongoway
