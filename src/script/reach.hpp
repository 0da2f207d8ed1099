#pragma once
// The collections a file's commands can change: what a reader that keeps
// what it read of a database (verify's schema fingerprints) must read again
// after the file ran.

#include <optional>
#include <set>
#include <string>

#include "script/script.hpp"

namespace mongoway::script {

// The names of the collections and views the commands of `script` can
// create, drop, rename, index, modify or write to; nullopt when that cannot
// be told from the file: runCommand and adminCommand, an aggregate whose
// pipeline writes with $out or $merge, a name made with a placeholder.
std::optional<std::set<std::string>> collections_changed_by(const Script& script);

}  // namespace mongoway::script
