#pragma once
// A small streaming JSON writer: pretty-printed, strings escaped, invalid
// UTF-8 replaced, so the output always parses.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mongoway::cli {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Text that is already JSON (e.g. Extended JSON from libbson), inserted as is.
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // The document, with a final newline.
  std::string str() const { return m_out + "\n"; }

 private:
  void before_value();
  void newline();

  struct Level {
    bool is_object = false;
    bool empty = true;
  };
  std::string m_out;
  std::vector<Level> m_levels;
  bool m_after_key = false;
};

// The version of the shape of mongoway's JSON documents (their "format"),
// raised when a field changes meaning or goes away; new fields come without it.
inline constexpr int kJsonFormat = 1;

}  // namespace mongoway::cli
