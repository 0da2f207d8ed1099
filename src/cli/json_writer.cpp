#include "cli/json_writer.hpp"

#include <fmt/format.h>

namespace mongoway::cli {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
size_t utf8_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  uint32_t code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < length; ++k) code = (code << 6) | (byte(i + k) & 0x3F);
  static const uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          size_t length = utf8_length(text, i);
          if (length == 0) {
            out += "\\ufffd";
            ++i;
          } else {
            out.append(text.substr(i, length));
            i += length;
          }
          continue;
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

void JsonWriter::newline() {
  m_out += '\n';
  m_out.append(m_levels.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (m_levels.empty()) return;
  if (!m_levels.back().empty) m_out += ',';
  m_levels.back().empty = false;
  newline();
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  m_out += json_quote(name);
  m_out += ": ";
  m_after_key = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out += '{';
  m_levels.push_back({true, true});
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out += '[';
  m_levels.push_back({false, true});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool empty = m_levels.back().empty;
  m_levels.pop_back();
  if (!empty) newline();
  m_out += '}';
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool empty = m_levels.back().empty;
  m_levels.pop_back();
  if (!empty) newline();
  m_out += ']';
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  m_out += json_quote(text);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  m_out += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  m_out += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  m_out += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  m_out.append(json);
  return *this;
}

}  // namespace mongoway::cli
