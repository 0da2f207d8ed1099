#pragma once
// `mongoway init`: a new project's migrations folder and configuration file.

#include "cli/reporter.hpp"
#include "cli/settings.hpp"

namespace mongoway::cli {

// Creates the first location and settings.config_file (default_config_text()).
// Throws mongoway::Error: ExitCode::invalid, having created nothing, when
// either exists or cannot be created.
int run_init(const Settings& settings, Reporter& reporter);

}  // namespace mongoway::cli
