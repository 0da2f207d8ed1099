#include "script/file_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>

#include "bson/bson_util.hpp"
#include "json/json.hpp"
#include "util/utf8.hpp"

namespace mongoway::script {

namespace {

constexpr size_t kIndent = 2;

void append_escaped(std::string& out, std::string_view text) { out += util::json_quote(text); }

// A string value: "${" is written "$${", which mongoway reads as the literal "${".
void append_string_value(std::string& out, std::string_view text) {
  std::string escaped;
  size_t pos = 0;
  for (size_t found = text.find("${"); found != std::string_view::npos; found = text.find("${", pos)) {
    escaped.append(text.substr(pos, found - pos)).append("$${");
    pos = found + 2;
  }
  escaped.append(text.substr(pos));
  append_escaped(out, escaped);
}

// The shortest text that reads back as the same double, always with a
// fraction or an exponent (an integer would be read as int32 or int64).
std::string double_text(double value) {
  if (std::isnan(value)) return R"({"$numberDouble": "NaN"})";
  if (std::isinf(value)) return value > 0 ? R"({"$numberDouble": "Infinity"})" : R"({"$numberDouble": "-Infinity"})";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string int64_text(int64_t value) {
  // An integer that int32 can hold is read as int32: say it is an int64.
  if (value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max()) {
    return fmt::format(R"({{"$numberLong": "{}"}})", value);
  }
  return std::to_string(value);
}

// ISO 8601 with milliseconds for the years 1970 to 9999 (the relaxed form),
// else the milliseconds themselves.
std::string date_text(int64_t ms) {
  constexpr int64_t kYear10000 = 253402300800000;
  if (ms < 0 || ms >= kYear10000) return fmt::format(R"({{"$date": {{"$numberLong": "{}"}}}})", ms);
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format(R"({{"$date": "{}.{:03}Z"}})", buffer, ms % 1000);
}

// A parsed JSON value on one line, as in `{"$oid": "…"}`.
void append_compact(std::string& out, const json::Value& value, std::string_view whole) {
  switch (value.kind) {
    case json::Kind::object: {
      out += '{';
      for (size_t i = 0; i < value.members.size(); ++i) {
        if (i > 0) out += ", ";
        append_escaped(out, value.members[i].key);
        out += ": ";
        append_compact(out, value.members[i].value, whole);
      }
      out += '}';
      return;
    }
    case json::Kind::array: {
      out += '[';
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += ", ";
        append_compact(out, value.items[i], whole);
      }
      out += ']';
      return;
    }
    case json::Kind::string: append_escaped(out, value.text); return;
    default: out += value.slice(whole);
  }
}

// Any other BSON type in canonical Extended JSON, which keeps every type.
std::string canonical_text(const bson_iter_t& it) {
  bson::Document holder;
  bson::append_value(holder, "v", it);
  const std::string whole = holder.to_json(bson::JsonMode::canonical);
  const auto parsed = json::parse(whole, nullptr);
  std::string out;
  if (parsed && !parsed->members.empty()) append_compact(out, parsed->members.front().value, whole);
  return out;
}

void append_value(std::string& out, const bson_iter_t& it, int depth);

void append_container(std::string& out, const bson_iter_t& it, int depth, bool is_array) {
  bson_iter_t child;
  const char open = is_array ? '[' : '{';
  const char close = is_array ? ']' : '}';
  if (!bson_iter_recurse(&it, &child) || !bson_iter_next(&child)) {
    out += open;
    out += close;
    return;
  }
  out += open;
  const std::string inner(static_cast<size_t>(depth + 1) * kIndent, ' ');
  bool first = true;
  do {
    out += first ? "\n" : ",\n";
    first = false;
    out += inner;
    if (!is_array) {
      append_escaped(out, bson::iter_key(child));
      out += ": ";
    }
    append_value(out, child, depth + 1);
  } while (bson_iter_next(&child));
  out += '\n';
  out.append(static_cast<size_t>(depth) * kIndent, ' ');
  out += close;
}

void append_value(std::string& out, const bson_iter_t& it, int depth) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_UTF8: {
      uint32_t length = 0;
      const char* text = bson_iter_utf8(&it, &length);
      append_string_value(out, std::string_view(text, length));
      return;
    }
    case BSON_TYPE_BOOL: out += bson_iter_bool(&it) ? "true" : "false"; return;
    case BSON_TYPE_NULL: out += "null"; return;
    case BSON_TYPE_INT32: out += std::to_string(bson_iter_int32(&it)); return;
    case BSON_TYPE_INT64: out += int64_text(bson_iter_int64(&it)); return;
    case BSON_TYPE_DOUBLE: out += double_text(bson_iter_double(&it)); return;
    case BSON_TYPE_DATE_TIME: out += date_text(bson_iter_date_time(&it)); return;
    case BSON_TYPE_DOCUMENT: append_container(out, it, depth, false); return;
    case BSON_TYPE_ARRAY: append_container(out, it, depth, true); return;
    default: out += canonical_text(it);
  }
}

}  // namespace

std::string command_text(const bson::Document& command) {
  bson::Document holder;
  bson::append_document(holder, "c", command);
  bson_iter_t it;
  std::string out(kIndent, ' ');
  if (bson_iter_init(&it, holder.get()) && bson_iter_next(&it)) append_value(out, it, 1);
  return out;
}

std::string file_text(const std::vector<std::string>& command_texts) {
  std::string out = "[\n";
  for (size_t i = 0; i < command_texts.size(); ++i) {
    out += command_texts[i];
    out += i + 1 < command_texts.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

}  // namespace mongoway::script
