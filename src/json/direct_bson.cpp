#include "json/direct_bson.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace mongoway::json {

namespace {

// Whether `text` is an integer written the canonical way (no sign but '-', no
// leading zero, not "-0") that fits in T; its value in `value`.
template <typename T>
bool canonical_integer(std::string_view text, T& value) {
  const size_t digits = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == digits || text[digits] < '0' || text[digits] > '9') return false;
  if (text[digits] == '0' && text.size() > digits + 1) return false;
  if (text == "-0") return false;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  return ec == std::errc() && end == last;
}

// A number strtod reads with a range error (underflow to zero or to a
// subnormal): libbson's reader has its own view of those.
bool range_error(double value, std::string_view text) {
  if (std::fpclassify(value) == FP_SUBNORMAL) return true;
  if (value != 0) return false;
  for (const char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

class BsonWriter final : public json::Handler {
 public:
  // Nesting this deep goes to libbson, whose reader takes all the parser does
  // (json::kMaxDepth); the frames stay small for the common shallow documents.
  static constexpr int kMaxDepth = 64;

  explicit BsonWriter(bson_t* root) : m_root(root) {}

  // Each call returns false when the text needs libbson's reader (the parse
  // then stops).

  // Whether a call returned false: the parse stopped for the writer's sake.
  bool gave_up() const { return m_gave_up; }

  // Closes what an abandoned parse left open, so that the root can be freed.
  void abandon() {
    while (m_depth > 1) close();
    m_depth = 0;
  }

  bool begin_object() override {
    if (m_wrap == Wrap::date) {
      m_wrap = Wrap::date_object;
      return true;
    }
    if (m_wrap != Wrap::none) return give_up();
    if (m_depth == 0) {
      m_frames[0] = Frame{m_root, false, 0};
      m_depth = 1;
      return true;
    }
    // Whether this is a document or an Extended JSON value depends on its first key.
    m_pending_key = element_key(m_pending_buffer);
    m_pending = true;
    return true;
  }

  bool key(std::string_view key) override {
    if (key.find('\0') != std::string_view::npos) return give_up();
    if (m_pending) {
      m_pending = false;
      if (!key.empty() && key[0] == '$') {
        m_wrap = wrapper(key);
        if (m_wrap == Wrap::none) return give_up();
        return true;
      }
      if (!open(false, m_pending_key)) return give_up();
    } else if (m_wrap == Wrap::date_object) {
      if (key != "$numberLong") return give_up();
      m_wrap = Wrap::date_number_long;
      return true;
    } else if (m_wrap != Wrap::none) {
      return give_up();  // a second key beside an Extended JSON one
    }
    if (!key.empty() && key[0] == '$') return give_up();
    m_key = key;
    return true;
  }

  bool end_object() override {
    if (m_pending) {  // {}
      m_pending = false;
      bson_t empty;
      bson_append_document_begin(top().doc, m_pending_key.data(), static_cast<int>(m_pending_key.size()), &empty);
      bson_append_document_end(top().doc, &empty);
      return true;
    }
    switch (m_wrap) {
      case Wrap::none: close(); return true;
      case Wrap::end_inner: m_wrap = Wrap::end; return true;
      case Wrap::end: m_wrap = Wrap::none; return true;
      default: return give_up();  // ended before its value
    }
  }

  bool begin_array() override {
    if (m_wrap != Wrap::none || m_depth == 0) return give_up();
    char buffer[16];
    return open(true, element_key(buffer));
  }

  bool end_array() override {
    close();
    return true;
  }

  bool string(std::string_view value) override {
    switch (m_wrap) {
      case Wrap::none: {
        if (std::memchr(value.data(), '\0', value.size()) != nullptr) return give_up();
        char buffer[16];
        const std::string_view key = element_key(buffer);
        bson_append_utf8(top().doc, key.data(), static_cast<int>(key.size()), value.data(),
                         static_cast<int>(value.size()));
        return true;
      }
      case Wrap::oid: {
        // 24 hexadecimal digits (bson_oid_is_valid alone also takes a 25th byte, NUL).
        if (value.size() != 24 || !bson_oid_is_valid(value.data(), value.size())) return give_up();
        bson_oid_t oid;
        bson_oid_init_from_string(&oid, value.data());  // reads exactly 24 characters
        bson_append_oid(top().doc, m_pending_key.data(), static_cast<int>(m_pending_key.size()), &oid);
        m_wrap = Wrap::end;
        return true;
      }
      case Wrap::number_int: {
        int32_t number = 0;
        if (!canonical_integer(value, number)) return give_up();
        bson_append_int32(top().doc, m_pending_key.data(), static_cast<int>(m_pending_key.size()), number);
        m_wrap = Wrap::end;
        return true;
      }
      case Wrap::number_long:
      case Wrap::date_number_long: {
        int64_t number = 0;
        if (!canonical_integer(value, number)) return give_up();
        const auto length = static_cast<int>(m_pending_key.size());
        if (m_wrap == Wrap::number_long) {
          bson_append_int64(top().doc, m_pending_key.data(), length, number);
          m_wrap = Wrap::end;
        } else {
          bson_append_date_time(top().doc, m_pending_key.data(), length, number);
          m_wrap = Wrap::end_inner;
        }
        return true;
      }
      default: return give_up();
    }
  }

  bool integer(int64_t value) override {
    if (m_wrap == Wrap::date) {
      bson_append_date_time(top().doc, m_pending_key.data(), static_cast<int>(m_pending_key.size()), value);
      m_wrap = Wrap::end;
      return true;
    }
    if (m_wrap != Wrap::none) return give_up();
    char buffer[16];
    const std::string_view key = element_key(buffer);
    if (value >= INT32_MIN && value <= INT32_MAX) {
      bson_append_int32(top().doc, key.data(), static_cast<int>(key.size()), static_cast<int32_t>(value));
    } else {
      bson_append_int64(top().doc, key.data(), static_cast<int>(key.size()), value);
    }
    return true;
  }

  bool floating(double value, std::string_view text) override {
    if (m_wrap != Wrap::none || range_error(value, text)) return give_up();
    char buffer[16];
    const std::string_view key = element_key(buffer);
    bson_append_double(top().doc, key.data(), static_cast<int>(key.size()), value);
    return true;
  }

  bool boolean(bool value) override {
    if (m_wrap != Wrap::none) return give_up();
    char buffer[16];
    const std::string_view key = element_key(buffer);
    bson_append_bool(top().doc, key.data(), static_cast<int>(key.size()), value);
    return true;
  }

  bool null() override {
    if (m_wrap != Wrap::none) return give_up();
    char buffer[16];
    const std::string_view key = element_key(buffer);
    bson_append_null(top().doc, key.data(), static_cast<int>(key.size()));
    return true;
  }

  // A key the writer can meet: not a "$" key, or the key of a wrapper it writes.
  static bool writes_key(std::string_view key) { return key.empty() || key[0] != '$' || wrapper(key) != Wrap::none; }

 private:
  // Where an Extended JSON value stands: which wrapper, and what comes next.
  enum class Wrap {
    none,
    oid,               // {"$oid": …
    number_int,        // {"$numberInt": …
    number_long,       // {"$numberLong": …
    date,              // {"$date": …
    date_object,       // {"$date": { … expecting "$numberLong"
    date_number_long,  // {"$date": {"$numberLong": …
    end_inner,         // expecting the '}' of {"$numberLong": "…"} inside $date
    end,               // expecting the wrapper's '}'
  };

  struct Frame {
    bson_t* doc = nullptr;
    bool array = false;
    uint32_t index = 0;  // of the next array element
  };

  // The wrapper a "$" key opens; none for a key the writer leaves to libbson.
  static Wrap wrapper(std::string_view key) {
    if (key == "$oid") return Wrap::oid;
    if (key == "$numberInt") return Wrap::number_int;
    if (key == "$numberLong") return Wrap::number_long;
    if (key == "$date") return Wrap::date;
    return Wrap::none;
  }

  Frame& top() { return m_frames[m_depth - 1]; }

  bool give_up() {
    m_gave_up = true;
    return false;
  }

  // The key of the value that comes next in the innermost document or array
  // (an array's index is written into `buffer`).
  std::string_view element_key(char (&buffer)[16]) {
    Frame& frame = top();
    if (!frame.array) return m_key;
    const char* key = nullptr;
    const size_t length = bson_uint32_to_string(frame.index++, &key, buffer, sizeof buffer);
    return {key, length};
  }

  bool open(bool array, std::string_view key) {
    if (m_depth >= kMaxDepth) return give_up();
    bson_t* child = &m_children[m_depth];
    bson_t* parent = top().doc;
    const auto length = static_cast<int>(key.size());
    if (array) {
      bson_append_array_begin(parent, key.data(), length, child);
    } else {
      bson_append_document_begin(parent, key.data(), length, child);
    }
    m_frames[m_depth++] = Frame{child, array, 0};
    return true;
  }

  void close() {
    if (m_depth == 1) {
      m_depth = 0;  // the root is complete
      return;
    }
    const Frame child = m_frames[--m_depth];
    if (child.array) {
      bson_append_array_end(top().doc, child.doc);
    } else {
      bson_append_document_end(top().doc, child.doc);
    }
  }

  bson_t* m_root;
  Frame m_frames[kMaxDepth];
  bson_t m_children[kMaxDepth];
  int m_depth = 0;
  std::string_view m_key;          // of the next value in the innermost document
  bool m_pending = false;          // an object has begun whose first key is still to come
  std::string_view m_pending_key;  // the key that object (or Extended JSON value) goes under
  char m_pending_buffer[16] = {};
  Wrap m_wrap = Wrap::none;
  bool m_gave_up = false;
};

// Whether `value` holds a key the writer would give up on: a "$" key other
// than the wrappers it writes. Commands often hold query and update operators
// ("$set", "$gte", …); for those libbson's reader is used directly instead of
// after a conversion abandoned half-way.
bool has_foreign_dollar_key(const json::Value& value) {
  for (const auto& member : value.members) {
    if (!BsonWriter::writes_key(member.key) || has_foreign_dollar_key(member.value)) return true;
  }
  for (const auto& item : value.items) {
    if (has_foreign_dollar_key(item)) return true;
  }
  return false;
}

}  // namespace

bool convert_direct(const json::Value& object, bson::Document& out) {
  if (has_foreign_dollar_key(object)) return false;
  bson_reinit(out.mut());
  BsonWriter writer(out.mut());
  if (json::replay(object, writer)) return true;
  writer.abandon();
  return false;
}

bool convert_direct(std::string_view text, const json::ParseOptions& options, bson::Document& out, bool* written,
                    json::ParseError* err) {
  bson_reinit(out.mut());
  BsonWriter writer(out.mut());
  json::ParseOptions direct = options;
  direct.build_dom = false;
  direct.handler = &writer;
  *written = json::parse(text, direct, err).has_value();
  if (*written) return true;
  writer.abandon();
  return writer.gave_up();  // the writer stopped the parse: not a problem of the text
}

}  // namespace mongoway::json
