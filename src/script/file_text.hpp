#pragma once
// Commands (BSON) written as the text of a migration file: plain JSON where it
// reads back as the same BSON type, Extended JSON where it would not (int64
// that int32 could hold, doubles without a fraction, dates, ObjectIds,
// Decimal128, …), and every "${" of a string written "$${" so that no value
// is read as a placeholder.

#include <string>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::script {

// One command as a JSON object, indented for its place in a file's array.
std::string command_text(const bson::Document& command);

// A migration file: the commands as one JSON array, with a final newline.
std::string file_text(const std::vector<std::string>& command_texts);

}  // namespace mongoway::script
