#pragma once
// Strict validation of one command against the command table: field names,
// BSON types (so {"$numberLong": "5"} is a number), required fields, shapes.

#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "mongoway/error.hpp"
#include "script/commands.hpp"
#include "script/json.hpp"

namespace mongoway::script {

// Where a command came from, to place its problems at a line and column.
struct CommandSite {
  std::string_view file;      // path shown in diagnostics
  const json::Value* object;  // the command object in the file's DOM
  int index = 0;              // 1-based
  std::string_view name;      // command name
};

// Appends every problem of `command` (the command object converted to BSON).
void validate_command(const CommandSpec& spec, const bson::Document& command, const CommandSite& site,
                      std::vector<Diagnostic>& out);

}  // namespace mongoway::script
