// The strict JSON reader: values, positions, and every strictness rule.

#include <gtest/gtest.h>

#include "json/json.hpp"

namespace mongoway::json {
namespace {

Value parse_ok(std::string_view text, const ParseOptions& options = {}) {
  ParseError error;
  auto value = parse(text, options, &error);
  EXPECT_TRUE(value) << error.where.line << ":" << error.where.column << ": " << error.message;
  return value ? std::move(*value) : Value{};
}

// "line:col: message" of the parse error.
std::string parse_error(std::string_view text, const ParseOptions& options = {}) {
  ParseError error;
  if (parse(text, options, &error)) return "<no error>";
  return std::to_string(error.where.line) + ":" + std::to_string(error.where.column) + ": " + error.message;
}

TEST(JsonParser, ValuesAndDecodedStrings) {
  Value v = parse_ok(R"({"s": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "n": -12.5e3, "t": true, "f": false, "z": null,
                         "a": [1, [], {}]})");
  ASSERT_EQ(v.kind, Kind::object);
  ASSERT_EQ(v.members.size(), 6u);
  EXPECT_EQ(v.find("s")->text, "a\"b\\c/d\n\t\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v.find("n")->kind, Kind::number);
  EXPECT_EQ(v.find("n")->text, "-12.5e3");
  EXPECT_TRUE(v.find("t")->boolean);
  EXPECT_EQ(v.find("f")->kind, Kind::boolean);
  EXPECT_FALSE(v.find("f")->boolean);
  EXPECT_EQ(v.find("z")->kind, Kind::null);
  ASSERT_EQ(v.find("a")->items.size(), 3u);
  EXPECT_EQ(v.find("a")->items[1].kind, Kind::array);
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(JsonParser, PositionsAndByteRanges) {
  const std::string text = "[\n  {\"k\": \"v\"},\r\n\t{\"\xC3\xA9t\xC3\xA9\": 1}\r]";
  Value v = parse_ok(text);
  ASSERT_EQ(v.items.size(), 2u);
  const Value& first = v.items[0];
  EXPECT_EQ(first.begin.line, 2);
  EXPECT_EQ(first.begin.column, 3);
  EXPECT_EQ(first.slice(text), "{\"k\": \"v\"}");
  EXPECT_EQ(first.members[0].key_begin.column, 4);
  EXPECT_EQ(first.members[0].value.begin.column, 9);
  const Value& second = v.items[1];  // after CRLF; a tab counts as one column
  EXPECT_EQ(second.begin.line, 3);
  EXPECT_EQ(second.begin.column, 2);
  // Columns count code points: "été" is 3 columns, 5 bytes.
  EXPECT_EQ(second.members[0].value.begin.column, 10);
  EXPECT_EQ(second.members[0].value.begin.offset, text.find("1}"));
  EXPECT_EQ(v.end, text.size());
}

TEST(JsonParser, LocateAndRebase) {
  const std::string text = "ab\ncd\r\nef\rgh";
  EXPECT_EQ(locate(text, 0).line, 1);
  EXPECT_EQ(locate(text, 4).line, 2);
  EXPECT_EQ(locate(text, 4).column, 2);
  EXPECT_EQ(locate(text, 7).line, 3);
  EXPECT_EQ(locate(text, 10).line, 4);
  Location base{100, 5, 7};
  Location same_line = rebase(Location{2, 1, 3}, base);
  EXPECT_EQ(same_line.line, 5);
  EXPECT_EQ(same_line.column, 9);
  EXPECT_EQ(same_line.offset, 102u);
  Location later = rebase(Location{20, 3, 4}, base);
  EXPECT_EQ(later.line, 7);
  EXPECT_EQ(later.column, 4);
}

TEST(JsonParser, StrictnessRules) {
  EXPECT_EQ(parse_error("\xEF\xBB\xBF{}"),
            "1:1: the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without a BOM");
  EXPECT_EQ(parse_error("{\"a\": \"\xFF\"}"), "1:8: invalid UTF-8 byte 0xFF; save the file as UTF-8");
  EXPECT_EQ(parse_error("{\"a\": \"\xE2\x82\"}"), "1:8: invalid UTF-8 byte 0xE2; save the file as UTF-8");
  EXPECT_EQ(parse_error(std::string("[\"a\0\"]", 6)),
            "1:4: control character U+0000 inside a string; write it as \\u0000");
  EXPECT_EQ(parse_error(std::string("[1]\0", 4)),
            "1:4: expected the end of the file after the JSON value, found control character U+0000");
  EXPECT_EQ(parse_error("{\"a\": 1, \"a\": 2}"), "1:10: duplicate key \"a\" (first at line 1, column 2)");
  EXPECT_EQ(parse_error("{\"a\": 1} x"), "1:10: expected the end of the file after the JSON value, found 'x'");
  EXPECT_EQ(parse_error(""), "1:1: expected a value, found end of file");
  EXPECT_EQ(parse_error("[1,]"), "1:3: trailing comma before ']'");
  EXPECT_EQ(parse_error("{\"a\" 1}"), "1:6: expected ':' after the key \"a\", found '1'");
  EXPECT_EQ(parse_error("[01]"), "1:2: invalid number: leading zeros are not allowed");
  EXPECT_EQ(parse_error("[+1]"), "1:2: expected a value, found '+'");
  EXPECT_EQ(parse_error("[.5]"), "1:2: expected a value, found '.'");
  EXPECT_EQ(parse_error("[9223372036854775808]"),
            "1:2: integer 9223372036854775808 does not fit in 64 bits; write {\"$numberDecimal\": "
            "\"9223372036854775808\"} or a floating-point number");
  EXPECT_EQ(parse_error("[\"\\ud800\\u0041\"]"), "1:3: unpaired surrogate \\uD800 in a string");
  EXPECT_EQ(parse_error("['a']"), "1:2: expected a value, found \"'\" (strings must be in double quotes)");
  EXPECT_EQ(parse_error("[\xC2\xA0]"), "1:2: expected a value, found character U+00A0");
  EXPECT_EQ(parse_error("[\"\\x\"]"), "1:3: invalid escape '\\x' in a string");
  EXPECT_EQ(parse_error("/* c */ []"),
            "1:1: expected a value, found '/' (JSON has no comments; use a \"comment\" field)");
}

TEST(JsonParser, IntegerAndDoubleLimits) {
  parse_ok("[9223372036854775807, -9223372036854775808, 1e308, 1e-400, -0, 0.0]");
  EXPECT_EQ(parse_error("[-9223372036854775809]").substr(0, 14), "1:2: integer -");
  EXPECT_EQ(parse_error("[-1e309]"), "1:2: number -1e309 is outside the range of a double");
}

TEST(JsonParser, DepthLimit) {
  EXPECT_EQ(kMaxDepth, 98);  // what libbson's reader takes (script_validation_test holds them together)
  const std::string ok = std::string(98, '[') + std::string(98, ']');
  parse_ok(ok);
  const std::string deep = std::string(99, '[') + std::string(99, ']');
  EXPECT_EQ(parse_error(deep), "1:99: nesting deeper than 98 levels");
  ParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(parse_error("{\"a\": {\"b\": {}}}", shallow), "1:13: nesting deeper than 2 levels");
}

TEST(JsonParser, DuplicateKeysInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  std::string ok = text + "\"last\": 0}";
  parse_ok(ok);
  std::string dup = text + "\"k3\": 0}";
  EXPECT_EQ(parse_error(dup).find("duplicate key \"k3\" (first at line 1, column "), 7u) << parse_error(dup);
  // Keys compare by value, however they are written, in small and large objects.
  EXPECT_EQ(parse_error(R"({"a": 1, "\u0061": 2})"), "1:10: duplicate key \"a\" (first at line 1, column 2)");
  EXPECT_EQ(parse_error(R"({"\u0061": 1, "a": 2})"), "1:15: duplicate key \"a\" (first at line 1, column 2)");
  EXPECT_EQ(parse_error(text + R"("k\u0033": 0})").find("duplicate key \"k3\" (first at line 1, column 29)"), 7u)
      << parse_error(text + R"("k\u0033": 0})");
  EXPECT_EQ(parse_error(text + R"("\u00e9": 0, "é": 1})").find("duplicate key \"é\""), 7u)
      << parse_error(text + R"("\u00e9": 0, "é": 1})");
  const Value escaped = parse_ok(R"({"\u0061b": 1, "c\n": 2, "plain": 3})");
  ASSERT_EQ(escaped.members.size(), 3u);
  EXPECT_EQ(escaped.members[0].key, "ab");
  EXPECT_EQ(escaped.members[1].key, "c\n");
  EXPECT_EQ(escaped.members[2].key, "plain");
}

TEST(JsonParser, ValidateOnlyModeKeepsNoChildren) {
  ParseOptions options;
  options.build_dom = false;
  Value v = parse_ok(R"({"a": [1, 2], "b": "x"})", options);
  EXPECT_EQ(v.kind, Kind::object);
  EXPECT_TRUE(v.members.empty());
  EXPECT_EQ(parse_error(R"({"a": 1, "a": 2})", options), "1:10: duplicate key \"a\" (first at line 1, column 2)");
}

TEST(JsonParser, ValidateOnlyModeGivesTheSameErrorsAtTheSameLineAndColumn) {
  ParseOptions flat;
  flat.build_dom = false;
  for (const std::string text : {
           "{\"a\": 1,\n \"a\": 2}",
           "{\r\n  \"é\": [1, 2,],\r\n}",
           "{\"x\": \"中文\", \"n\": 01}",
           "{\"x\": \"中文\", \"n\": -}",
           "[\n\n  \"😀\", tru]",
           "{\"a\":\n  {\"b\": \"\\q\"}}",
           "{\"a\": \"\\ud800\"}",
           "{\"é\": 1e999}",
           "{\"a\": [1\r 2]}",
           "{\"a\": \"tab\there\"}",
           "\n\n  {\"a\": 1} x",
           "{\"a\": 99999999999999999999}",
           "{\"a\": {\"b\": {\"c\": {}}}}",
           "[\"é\", 1,\n]",  // reported at the comma, a line before the parser stands
           "{\"é\": 1,\r\n\r\n  }",
       }) {
    SCOPED_TRACE(text);
    ParseError dom_error;
    ParseError flat_error;
    ParseOptions shallow = flat;
    ParseOptions shallow_dom;
    if (text.find("\"c\"") != std::string::npos) shallow.max_depth = shallow_dom.max_depth = 2;
    ASSERT_FALSE(parse(text, shallow_dom, &dom_error).has_value());
    ASSERT_FALSE(parse(text, shallow, &flat_error).has_value());
    EXPECT_EQ(flat_error.message, dom_error.message);
    EXPECT_EQ(flat_error.where.offset, dom_error.where.offset);
    EXPECT_EQ(flat_error.where.line, dom_error.where.line);
    EXPECT_EQ(flat_error.where.column, dom_error.where.column);
  }
}

TEST(JsonParser, KindNames) {
  EXPECT_EQ(kind_name(Kind::object), "an object");
  EXPECT_EQ(kind_name(Kind::array), "an array");
  EXPECT_EQ(kind_name(Kind::null), "null");
}

}  // namespace
}  // namespace mongoway::json
