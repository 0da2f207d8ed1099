#include "script/batching.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "bson/bson_util.hpp"

namespace mongoway::script {

namespace {

// int64's range as doubles: 2^63 is the first value outside it.
constexpr double kInt64Bound = 9223372036854775808.0;

std::optional<int64_t> integral(double value) {
  if (!std::isfinite(value) || std::trunc(value) != value) return std::nullopt;
  if (value >= kInt64Bound || value < -kInt64Bound) return std::nullopt;
  return static_cast<int64_t>(value);
}

// A decimal128 through its text ("10", "1.0E+1", "NaN"): read as a double,
// exact for every integer a batching field may hold.
std::optional<int64_t> decimal_integral(const bson_iter_t& it) {
  const std::string text = bson::number_text(it);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return integral(value);
}

int64_t field_integer(const bson::Document& spec, std::string_view key, int64_t absent) {
  bson_iter_t it;
  if (!bson::find_field(spec, key, &it)) return absent;
  return integer_value(it).value_or(absent);
}

}  // namespace

std::optional<int64_t> integer_value(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_INT32: return bson_iter_int32(&it);
    case BSON_TYPE_INT64: return bson_iter_int64(&it);
    case BSON_TYPE_DOUBLE: return integral(bson_iter_double(&it));
    case BSON_TYPE_DECIMAL128: return decimal_integral(it);
    default: return std::nullopt;
  }
}

std::optional<Batching> batching_of(const Command& command) {
  bson_iter_t it;
  if (!bson::find_field(command.spec, "batchSize", &it)) return std::nullopt;
  return Batching{field_integer(command.spec, "batchSize", 0), field_integer(command.spec, "pauseMs", 0)};
}

std::string batched_command_in(const Script& script) {
  for (const auto& command : script.commands) {
    if (!batching_of(command)) continue;
    return fmt::format("{}:{}:{}: command {} ({}) is batched", script.file.path, command.line, command.column,
                       command.index, command.name);
  }
  return {};
}

}  // namespace mongoway::script
