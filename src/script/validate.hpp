#pragma once
// Strict validation of one command against the command table: field names,
// BSON types (so {"$numberLong": "5"} is a number), required fields, shapes.

#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "json/json.hpp"
#include "mongoway/error.hpp"
#include "script/commands.hpp"
#include "script/script.hpp"

namespace mongoway::script {

// Where a command came from, to place its problems at a line and column.
struct CommandSite {
  std::string_view file;                // path shown in diagnostics
  const json::Value* object = nullptr;  // the command object in the file's DOM; nullptr once rendered
  int index = 0;                        // 1-based
  std::string_view name;                // command name
  // A rendered command (no DOM): where it starts, and where the values its
  // placeholders produced were written.
  json::Location begin{};
  const std::vector<PlaceholderSite>* placeholders = nullptr;
  bool notes = true;  // give lint notes (as written only: the rendered check would repeat them)
};

// Appends every problem of `command` (the command object converted to BSON).
// As written (site.object set), a value holding a ${name} placeholder is only
// checked for what no placeholder value can change; rendered (site.object
// null, placeholders replaced), every value is checked, and a problem in a
// value a placeholder produced names that placeholder.
void validate_command(const CommandSpec& spec, const bson::Document& command, const CommandSite& site,
                      std::vector<Diagnostic>& out);

}  // namespace mongoway::script
