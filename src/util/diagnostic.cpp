#include <fmt/format.h>

#include "mongoway/error.hpp"

namespace mongoway {

namespace {

std::string location(const Diagnostic& d) {
  std::string where = d.file;
  if (!d.file.empty() && d.line > 0) {
    where += fmt::format(":{}", d.line);
    if (d.column > 0) where += fmt::format(":{}", d.column);
  }
  return where;
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string where = location(*this);
  const char* sev = severity == Severity::error ? "error" : "warning";
  if (where.empty()) return fmt::format("{}: {}", sev, message);
  return fmt::format("{}: {}: {}", where, sev, message);
}

std::string Diagnostic::located_message() const {
  const std::string where = location(*this);
  return where.empty() ? message : fmt::format("{}: {}", where, message);
}

}  // namespace mongoway
