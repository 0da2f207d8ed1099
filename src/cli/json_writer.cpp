#include "cli/json_writer.hpp"

#include <fmt/format.h>

#include "util/utf8.hpp"

namespace mongoway::cli {
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
  m_out += util::json_quote(name);
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
  m_out += util::json_quote(text);
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
