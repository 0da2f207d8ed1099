#pragma once
// `mongoway --help`, `mongoway help <command>`, `--version`.

#include <string>

#include "cli/command_table.hpp"

namespace mongoway::cli {

std::string general_usage();
std::string command_usage(const CommandSpec& command);
// The command table as JSON (`mongoway help --output json`).
std::string usage_json(const CommandSpec* command);
std::string version_json();

}  // namespace mongoway::cli
