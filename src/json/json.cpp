#include "json/json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <utility>

#include "util/utf8.hpp"

namespace mongoway::json {

const Value* Value::find(std::string_view key) const {
  const Member* m = find_member(key);
  return m ? &m->value : nullptr;
}

const Member* Value::find_member(std::string_view key) const {
  for (const auto& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::string: return "a string";
    case Kind::array: return "an array";
    case Kind::object: return "an object";
  }
  return "a value";
}

Location locate(std::string_view text, size_t offset) {
  Location loc;
  loc.offset = offset;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++loc.line;
      line_start = i + 1;
    }
  }
  loc.column = 1 + static_cast<int>(
                       util::count_code_points(text.substr(line_start, std::min(offset, text.size()) - line_start)));
  return loc;
}

Location rebase(const Location& inner, const Location& base) {
  Location out;
  out.offset = base.offset + inner.offset;
  out.line = base.line + inner.line - 1;
  out.column = inner.line == 1 ? base.column + inner.column - 1 : inner.column;
  return out;
}

namespace {

// Unwinds the recursive descent from the first problem, at any depth, to
// parse(), which returns it as its result: it never leaves this file.
struct Failure {
  ParseError error;
};

// Keys seen in one object: a short array, a hash map once objects get large.
// Keys are held as views (of the parsed text, or of a copy kept here) with the
// offset of their opening quote.
class KeySet {
 public:
  // The offset of an earlier identical key, or nullptr after recording this
  // one. `stable`: `key` stays valid as long as the set (else it is copied).
  const size_t* insert(std::string_view key, bool stable, size_t offset) {
    if (m_map.empty()) {
      for (size_t i = 0; i < m_count; ++i) {
        if (m_small[i].key == key) return &m_small[i].offset;
      }
      if (!stable) key = m_owned.emplace_back(key);
      if (m_count < kSmall) {
        m_small[m_count++] = Entry{key, offset};
        return nullptr;
      }
      for (size_t i = 0; i < m_count; ++i) m_map.emplace(m_small[i].key, m_small[i].offset);
    } else if (!stable && m_map.find(key) == m_map.end()) {
      key = m_owned.emplace_back(key);
    }
    auto [it, inserted] = m_map.emplace(key, offset);
    return inserted ? nullptr : &it->second;
  }

 private:
  static constexpr size_t kSmall = 16;
  struct Entry {
    std::string_view key;
    size_t offset;
  };
  Entry m_small[kSmall];
  size_t m_count = 0;
  std::unordered_map<std::string_view, size_t> m_map;
  std::deque<std::string> m_owned;  // copies of keys that were not stable
};

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : m_text(text), m_options(options) {}

  Value run() {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") {
      fail(here(), "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without a BOM");
    }
    skip_whitespace();
    Value value = parse_value();
    skip_whitespace();
    if (m_pos < m_text.size()) fail_expected("expected the end of the file after the JSON value");
    return value;
  }

 private:
  bool at_end() const { return m_pos >= m_text.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(m_text[m_pos]); }

  // Where m_pos is. Without a DOM only the offset is taken (line 0): fail()
  // works out the line and column, on the error path only.
  Location here() {
    if (!m_options.build_dom) return Location{m_pos, 0, 0};
    m_column += static_cast<int>(util::count_code_points(m_text.substr(m_column_pos, m_pos - m_column_pos)));
    m_column_pos = m_pos;
    return Location{m_pos, m_line, m_column};
  }

  Location resolve(const Location& where) const {
    if (where.line != 0) return where;
    if (where.offset < m_column_pos) return locate(m_text, where.offset);
    const std::string_view run = m_text.substr(m_column_pos, where.offset - m_column_pos);
    return Location{where.offset, m_line, m_column + static_cast<int>(util::count_code_points(run))};
  }

  // A handler's answer: when it stops the parse, the parse ends there, with
  // only the offset (no line, column or message to work out: the handler
  // knows why, and stopping is its common way of handing a text over).
  void handled(bool go_on) {
    if (!go_on) throw Failure{ParseError{Location{m_pos, 0, 0}, {}}};
  }

  [[noreturn]] void fail(const Location& where, std::string message) {
    throw Failure{ParseError{resolve(where), std::move(message)}};
  }

  void check_utf8_here() {
    if (!at_end() && peek() >= 0x80 && util::utf8_sequence(m_text, m_pos) == 0) {
      fail(here(), fmt::format("invalid UTF-8 byte 0x{:02X}; save the file as UTF-8", peek()));
    }
  }

  // What is at the current position, for "expected X, found Y".
  std::string found() {
    if (at_end()) return "end of file";
    const unsigned char c = peek();
    if (c == '/') return "'/' (JSON has no comments; use a \"comment\" field)";
    if (c == '\'') return "\"'\" (strings must be in double quotes)";
    if (c < 0x20 || c == 0x7F) return "control character " + util::code_point_name(c);
    if (c >= 0x80) {
      uint32_t cp = 0;
      util::utf8_sequence(m_text, m_pos, &cp);
      return "character " + util::code_point_name(cp);
    }
    return fmt::format("'{}'", static_cast<char>(c));
  }

  [[noreturn]] void fail_expected(std::string_view expected) {
    check_utf8_here();
    fail(here(), fmt::format("{}, found {}", expected, found()));
  }

  void skip_whitespace() {
    while (!at_end()) {
      const char c = m_text[m_pos];
      if (c == ' ' || c == '\t') {
        ++m_pos;
      } else if (c == '\n' || c == '\r') {
        ++m_pos;
        if (c == '\r' && !at_end() && m_text[m_pos] == '\n') ++m_pos;
        ++m_line;
        m_column = 1;
        m_column_pos = m_pos;
      } else {
        break;
      }
    }
  }

  Value parse_value() {
    if (at_end()) fail_expected("expected a value");
    switch (peek()) {
      case '{': return parse_object();
      case '[': return parse_array();
      case '"': {
        Value v;
        v.kind = Kind::string;
        v.begin = here();
        if (Handler* h = m_options.handler) {
          const std::string_view value = parse_string_view(m_string);
          handled(h->string(value));
          if (m_options.build_dom) v.text = value;
        } else {
          parse_string(v.text, m_options.build_dom);
          if (!m_options.build_dom) v.text.clear();
        }
        v.end = m_pos;
        return v;
      }
      case 't': return parse_literal("true", Kind::boolean, true);
      case 'f': return parse_literal("false", Kind::boolean, false);
      case 'n': return parse_literal("null", Kind::null, false);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        fail_expected("expected a value");
    }
  }

  void enter(const Location& where) {
    if (++m_depth > m_options.max_depth) {
      fail(where, fmt::format("nesting deeper than {} levels", m_options.max_depth));
    }
  }

  Value parse_object() {
    Value v;
    v.kind = Kind::object;
    v.begin = here();
    enter(v.begin);
    if (m_options.handler) handled(m_options.handler->begin_object());
    ++m_pos;
    KeySet keys;
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++m_pos;
    } else {
      for (;;) {
        skip_whitespace();
        if (at_end() || peek() != '"') fail_expected("expected a key in double quotes");
        Member member;
        member.key_begin = here();
        const std::string_view key = parse_string_view(member.key);
        const bool stable = key.data() != member.key.data();  // a view of the text
        if (const size_t* first = keys.insert(key, stable, member.key_begin.offset)) {
          const Location at = rebase(locate(m_text, *first), m_options.origin);
          fail(member.key_begin,
               fmt::format("duplicate key \"{}\" (first at line {}, column {})", key, at.line, at.column));
        }
        skip_whitespace();
        if (at_end() || peek() != ':') fail_expected(fmt::format("expected ':' after the key \"{}\"", key));
        ++m_pos;
        skip_whitespace();
        if (m_options.build_dom && stable) member.key = key;
        if (m_options.handler) handled(m_options.handler->key(key));
        member.value = parse_value();
        skip_whitespace();
        if (m_options.build_dom) v.members.push_back(std::move(member));
        if (!at_end() && peek() == ',') {
          const Location comma = here();
          ++m_pos;
          skip_whitespace();
          if (!at_end() && peek() == '}') fail(comma, "trailing comma before '}'");
          continue;
        }
        if (!at_end() && peek() == '}') {
          ++m_pos;
          break;
        }
        fail_expected("expected ',' or '}' after a value in an object");
      }
    }
    if (m_options.handler) handled(m_options.handler->end_object());
    --m_depth;
    v.end = m_pos;
    return v;
  }

  Value parse_array() {
    Value v;
    v.kind = Kind::array;
    v.begin = here();
    enter(v.begin);
    if (m_options.handler) handled(m_options.handler->begin_array());
    ++m_pos;
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++m_pos;
    } else {
      for (;;) {
        skip_whitespace();
        Value item = parse_value();
        if (m_options.build_dom) v.items.push_back(std::move(item));
        skip_whitespace();
        if (!at_end() && peek() == ',') {
          const Location comma = here();
          ++m_pos;
          skip_whitespace();
          if (!at_end() && peek() == ']') fail(comma, "trailing comma before ']'");
          continue;
        }
        if (!at_end() && peek() == ']') {
          ++m_pos;
          break;
        }
        fail_expected("expected ',' or ']' after an array element");
      }
    }
    if (m_options.handler) handled(m_options.handler->end_array());
    --m_depth;
    v.end = m_pos;
    return v;
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads the 4 hex digits after "\u" at m_pos; -1 if malformed.
  int read_hex4() {
    if (m_pos + 4 > m_text.size()) return -1;
    int value = 0;
    for (size_t i = 0; i < 4; ++i) {
      int h = hex_value(m_text[m_pos + i]);
      if (h < 0) return -1;
      value = value * 16 + h;
    }
    m_pos += 4;
    return value;
  }

  void parse_escape(std::string& out) {
    const Location escape = here();
    ++m_pos;  // backslash
    if (at_end()) fail(escape, "unterminated string (missing closing quote)");
    const char c = m_text[m_pos++];
    switch (c) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: {
        --m_pos;
        const auto uc = static_cast<unsigned char>(c);
        if (uc >= 0x20 && uc < 0x7F) fail(escape, fmt::format("invalid escape '\\{}' in a string", c));
        fail(escape, fmt::format("invalid escape in a string: '\\' followed by {}", found()));
      }
    }
    int unit = read_hex4();
    if (unit < 0) fail(escape, "invalid \\u escape: expected 4 hexadecimal digits");
    uint32_t cp = static_cast<uint32_t>(unit);
    if (cp >= 0xDC00 && cp <= 0xDFFF) fail(escape, fmt::format("unpaired surrogate \\u{:04X} in a string", cp));
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int low = -1;
      if (m_text.substr(m_pos, 2) == "\\u") {
        m_pos += 2;
        low = read_hex4();
      }
      if (low < 0xDC00 || low > 0xDFFF) fail(escape, fmt::format("unpaired surrogate \\u{:04X} in a string", cp));
      cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
    }
    util::append_utf8(out, cp);
  }

  // Whether none of the 8 bytes of `w` ends a plain run of a string: no
  // control character, non-ASCII byte, quote or backslash.
  static bool plain_word(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const auto has_zero = [](uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
    if ((w & highs) != 0) return false;
    if (((w - ones * 0x20) & ~w & highs) != 0) return false;  // a byte below 0x20
    return !has_zero(w ^ (ones * '"')) && !has_zero(w ^ (ones * '\\'));
  }

  // `keep`: append the string's value to `out` (else only check it).
  void parse_string(std::string& out, bool keep = true) {
    read_string(out, keep ? StringMode::keep : StringMode::check);
  }

  // The string's value: a view of the text when it holds no escape, else
  // decoded into `scratch`.
  std::string_view parse_string_view(std::string& scratch) {
    scratch.clear();
    return read_string(scratch, StringMode::view);
  }

  enum class StringMode { check, keep, view };

  // Reads the string at m_pos. `check`: nothing appended to `out` but escapes;
  // `keep`: the value appended to `out`; `view`: nothing appended until an
  // escape, then the whole value. Returns the value for `view`.
  std::string_view read_string(std::string& out, StringMode mode) {
    const Location start = here();
    ++m_pos;
    const size_t content = m_pos;
    for (;;) {
      const size_t run_start = m_pos;
      while (m_pos + 8 <= m_text.size()) {
        uint64_t w;
        std::memcpy(&w, m_text.data() + m_pos, 8);
        if (!plain_word(w)) break;
        m_pos += 8;
      }
      while (!at_end()) {
        const unsigned char c = peek();
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++m_pos;
      }
      if (mode == StringMode::keep) out.append(m_text.data() + run_start, m_pos - run_start);
      if (at_end()) fail(start, "unterminated string (missing closing quote)");
      const unsigned char c = peek();
      if (c == '"') {
        ++m_pos;
        if (mode == StringMode::view) return m_text.substr(content, m_pos - 1 - content);
        return out;
      }
      if (c == '\\') {
        if (mode == StringMode::view) {
          out.assign(m_text.data() + content, m_pos - content);
          mode = StringMode::keep;
        }
        parse_escape(out);
      } else if (c == '\n' || c == '\r') {
        fail(start, "unterminated string (line break before the closing quote)");
      } else if (c < 0x20) {
        fail(here(), fmt::format("control character {} inside a string; write it as {}", util::code_point_name(c),
                                 c == '\t' ? std::string("\\t") : fmt::format("\\u{:04X}", c)));
      } else {
        const size_t length = util::utf8_sequence(m_text, m_pos);
        if (length == 0) check_utf8_here();
        if (mode == StringMode::keep) out.append(m_text.data() + m_pos, length);
        m_pos += length;
      }
    }
  }

  bool digit_here() const { return !at_end() && peek() >= '0' && peek() <= '9'; }

  Value parse_number() {
    Value v;
    v.kind = Kind::number;
    v.begin = here();
    const size_t start = m_pos;
    if (peek() == '-') ++m_pos;
    if (!digit_here()) fail_expected("invalid number: expected a digit after '-'");
    if (peek() == '0') {
      ++m_pos;
      if (digit_here()) fail(v.begin, "invalid number: leading zeros are not allowed");
    } else {
      while (digit_here()) ++m_pos;
    }
    bool integer = true;
    if (!at_end() && peek() == '.') {
      ++m_pos;
      if (!digit_here()) fail_expected("invalid number: expected a digit after '.'");
      while (digit_here()) ++m_pos;
      integer = false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++m_pos;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++m_pos;
      if (!digit_here()) fail_expected("invalid number: expected a digit in the exponent");
      while (digit_here()) ++m_pos;
      integer = false;
    }
    const std::string_view text = m_text.substr(start, m_pos - start);
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (integer) {
      int64_t value = 0;
      if (std::from_chars(first, last, value).ec != std::errc()) {
        fail(v.begin, fmt::format("integer {} does not fit in 64 bits; write {{\"$numberDecimal\": \"{}\"}} "
                                  "or a floating-point number",
                                  text, text));
      }
      if (m_options.handler) handled(m_options.handler->integer(value));
    } else {
      // strtod: from_chars does not tell overflow from harmless underflow.
      const std::string copy(text);
      const double value = std::strtod(copy.c_str(), nullptr);
      if (std::isinf(value)) fail(v.begin, fmt::format("number {} is outside the range of a double", text));
      if (m_options.handler) handled(m_options.handler->floating(value, text));
    }
    if (m_options.build_dom) v.text = text;
    v.end = m_pos;
    return v;
  }

  Value parse_literal(std::string_view word, Kind kind, bool value) {
    Value v;
    v.kind = kind;
    v.begin = here();
    if (m_text.substr(m_pos, word.size()) != word) {
      fail(v.begin, "invalid literal: expected true, false or null (lower case, no quotes)");
    }
    m_pos += word.size();
    if (Handler* h = m_options.handler) handled(kind == Kind::null ? h->null() : h->boolean(value));
    v.boolean = value;
    v.end = m_pos;
    return v;
  }

  std::string_view m_text;
  ParseOptions m_options;
  size_t m_pos = 0;
  int m_line = 1;
  int m_column = 1;
  size_t m_column_pos = 0;
  int m_depth = 0;
  std::string m_string;  // a string value, for the handler
};

}  // namespace

std::optional<Value> parse(std::string_view text, const ParseOptions& options, ParseError* err) {
  try {
    return Parser(text, options).run();
  } catch (const Failure& failure) {
    *err = failure.error;
    return std::nullopt;
  }
}

bool replay(const Value& value, Handler& handler) {
  switch (value.kind) {
    case Kind::null: return handler.null();
    case Kind::boolean: return handler.boolean(value.boolean);
    case Kind::string: return handler.string(value.text);
    case Kind::number: {
      // As parse_number told it: an integer unless written with a fraction
      // or an exponent (the parse checked that it fits in int64).
      const std::string& text = value.text;
      if (text.find_first_of(".eE") == std::string::npos) {
        int64_t n = 0;
        std::from_chars(text.data(), text.data() + text.size(), n);
        return handler.integer(n);
      }
      return handler.floating(std::strtod(text.c_str(), nullptr), text);
    }
    case Kind::array:
      if (!handler.begin_array()) return false;
      for (const auto& item : value.items) {
        if (!replay(item, handler)) return false;
      }
      return handler.end_array();
    case Kind::object:
      if (!handler.begin_object()) return false;
      for (const auto& member : value.members) {
        if (!handler.key(member.key) || !replay(member.value, handler)) return false;
      }
      return handler.end_object();
  }
  return false;
}

}  // namespace mongoway::json
