#pragma once
// Extended JSON → BSON of a command in a migration file, with libbson's
// complaints placed at a line and column of the source.

#include <optional>
#include <string>
#include <string_view>

#include "bson/document.hpp"
#include "json/json.hpp"

namespace mongoway::json {

struct ConversionError {
  json::Location where;  // the innermost value libbson rejects, or the key it cannot take
  std::string message;   // what is wrong: "invalid Extended JSON: " and libbson's message, or about the key
};

// Converts `object` (an object parsed from `text`): by the direct writer
// (json/direct_bson.hpp) when it covers the text, else with libbson. On
// failure sets `err` to libbson's message at the innermost object or array
// that libbson still rejects on its own, or, when that object has a key
// holding U+0000 (which no BSON key can), to that key.
std::optional<bson::Document> convert_object(std::string_view text, const json::Value& object, ConversionError* err);

}  // namespace mongoway::json
