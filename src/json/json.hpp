#pragma once
// A strict JSON reader (RFC 8259 and nothing more) that remembers where every
// value is. mongoway validates migration files with it and reports problems as
// line:column. A Handler turns documentsFile documents into BSON during the
// parse, and a command's parsed value through replay (json/direct_bson.hpp);
// libbson turns the exact byte ranges of what that does not cover.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mongoway::json {

struct Location {
  size_t offset = 0;  // byte offset in the parsed text
  int line = 1;       // 1-based
  int column = 1;     // 1-based, in code points
};

enum class Kind { null, boolean, number, string, array, object };

struct Member;

struct Value {
  Kind kind = Kind::null;
  Location begin;  // first byte of the value
  size_t end = 0;  // one past its last byte
  bool boolean = false;
  std::string text;             // strings: the decoded value; numbers: as written
  std::vector<Value> items;     // arrays
  std::vector<Member> members;  // objects, in the order written

  // The member value named `key`, or nullptr.
  const Value* find(std::string_view key) const;
  const Member* find_member(std::string_view key) const;
  std::string_view slice(std::string_view whole_text) const {
    return whole_text.substr(begin.offset, end - begin.offset);
  }
};

struct Member {
  std::string key;
  Location key_begin;  // the opening quote of the key
  Value value;
};

struct ParseError {
  Location where;
  std::string message;
};

// Receives the values of a parse as they are read, in the order written (see
// ParseOptions::handler). Each call returns false to stop the parse there
// (the handler has what it needs to know why); parse() then returns nullopt.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual bool begin_object() = 0;
  // The key of the member whose value comes next; `key` stays valid until that
  // value has been reported.
  virtual bool key(std::string_view key) = 0;
  virtual bool end_object() = 0;
  virtual bool begin_array() = 0;
  virtual bool end_array() = 0;
  virtual bool string(std::string_view value) = 0;
  // A number written without a fraction or an exponent (it fits in int64).
  virtual bool integer(int64_t value) = 0;
  // Any other number, as strtod reads it; `text` as written.
  virtual bool floating(double value, std::string_view text) = 0;
  virtual bool boolean(bool value) = 0;
  virtual bool null() = 0;
};

// The deepest nesting a file may hold, the root counting as one level: 98,
// the most libbson's Extended JSON reader takes whatever the innermost level
// holds (its JSON tokenizer counts a key or a scalar as one more level and
// stops at 100 with "LEVELS_EXCEEDED"), so that a text the strict parser
// accepts never fails there at an arbitrary position. The levels are counted
// from the file's root: a document written in a command (the file's array and
// the command above it) can be 96 levels deep, one in a documentsFile 98,
// both within the 100 levels a server stores.
inline constexpr int kMaxDepth = 98;

struct ParseOptions {
  int max_depth = kMaxDepth;
  // false: validate only (no items/members/text kept, and values' `begin` is
  // only an offset, with line 0), for streaming large files. Errors still
  // give line and column.
  bool build_dom = true;
  // Where `text` starts in its file: messages that name another position (a
  // duplicate key's first occurrence) give it in the file. The error's own
  // `where` stays relative to `text` (see rebase).
  Location origin{};
  // Told of every value as it is read (with or without build_dom).
  Handler* handler = nullptr;
};

// Parses `text`, which must hold exactly one JSON value (whitespace around it
// allowed). Rejects a BOM, malformed UTF-8, raw control characters, duplicate
// keys, nesting deeper than max_depth, integers outside int64, numbers outside
// the double range, lone surrogates and anything after the value: nullopt,
// with where and why in `err`. Also nullopt when the handler stops the parse
// (`err` then holds only the offset it stopped at; the handler knows why).
std::optional<Value> parse(std::string_view text, const ParseOptions& options, ParseError* err);
inline std::optional<Value> parse(std::string_view text, ParseError* err) { return parse(text, ParseOptions{}, err); }

// Reports `value`, parsed with build_dom, to `handler` as parse() reported it
// while reading the text; false when the handler stopped it.
bool replay(const Value& value, Handler& handler);

// "a string", "an object", … for messages.
std::string_view kind_name(Kind kind);

// Line and column of a byte offset (linear; for error paths).
Location locate(std::string_view text, size_t offset);

// Shifts a location found inside a slice that starts at `base` in a larger text.
Location rebase(const Location& inner, const Location& base);

}  // namespace mongoway::json
