#pragma once
// A diagnostic as one line of text: "file:line:col: error: message".

#include <string>

#include "cli/terminal.hpp"
#include "mongoway/error.hpp"

namespace mongoway::cli {

std::string diagnostic_line(const Diagnostic& diagnostic, const Style& style);

}  // namespace mongoway::cli
