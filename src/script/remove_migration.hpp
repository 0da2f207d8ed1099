#pragma once
// `mongoway remove`: deleting the files of versions that never ran.

#include <cstdint>
#include <string>
#include <vector>

#include "script/script.hpp"

namespace mongoway::script {

// The files of `version` found by `discovery`: its V file, then its U file if any.
std::vector<std::string> files_of_version(const Discovery& discovery, int64_t version);

// Deletes each of `paths` in order. Throws mongoway::Error (ExitCode::invalid)
// naming the file and the system's reason at the first one it cannot delete;
// the files before it are gone.
void delete_migration_files(const std::vector<std::string>& paths);

}  // namespace mongoway::script
