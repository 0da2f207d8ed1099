#pragma once
// Extended JSON → BSON of a command in a migration file, with libbson's
// complaints placed at a line and column of the source.

#include <optional>
#include <string>
#include <string_view>

#include "bson/document.hpp"
#include "script/json.hpp"

namespace mongoway::script {

struct ConversionError {
  json::Location where;  // the innermost value libbson rejects
  std::string message;   // libbson's message
};

// Converts `object` (an object parsed from `text`): by the direct writer
// (script/direct_bson.hpp) when it covers the text, else with libbson. On
// failure sets `error` to libbson's message at the innermost object or array
// that libbson still rejects on its own.
std::optional<bson::Document> convert_object(std::string_view text, const json::Value& object,
                                             ConversionError& error);

}  // namespace mongoway::script
