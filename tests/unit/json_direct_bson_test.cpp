// The direct JSON → BSON conversion of documentsFile documents (during the
// parse) and of migration files' commands (from the parsed DOM), held against
// libbson's reader: the same bytes for everything it converts, and a hand-over
// to libbson for everything else.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "json/direct_bson.hpp"
#include "json/documents_stream.hpp"
#include "mongoway/error.hpp"

namespace mongoway::json {
namespace {

std::string bytes_of(const bson::Document& doc) {
  return {reinterpret_cast<const char*>(bson_get_data(doc.get())), doc.size_bytes()};
}

// The three outcomes of the direct writer, for the tests' expectations.
enum class DirectResult { converted, invalid, unsupported };

DirectResult direct(const std::string& text, bson::Document& out, json::ParseError& error) {
  bool written = false;
  if (!convert_direct(text, json::ParseOptions{}, out, &written, &error)) return DirectResult::invalid;
  return written ? DirectResult::converted : DirectResult::unsupported;
}

// The same text parsed into a DOM first, then converted from it (the way a
// migration file's commands are).
DirectResult direct_from_dom(const std::string& text, bson::Document& out) {
  json::ParseError error;
  const auto dom = json::parse(text, &error);
  if (!dom) {
    ADD_FAILURE() << error.message;
    return DirectResult::invalid;
  }
  return convert_direct(*dom, out) ? DirectResult::converted : DirectResult::unsupported;
}

// Converted directly, to exactly libbson's bytes.
void expect_same_as_libbson(const std::string& text) {
  SCOPED_TRACE(text);
  bson::Document out;
  json::ParseError error;
  ASSERT_EQ(direct(text, out, error), DirectResult::converted) << error.message;
  std::string message;
  const auto reference = bson::Document::from_json(text, &message);
  ASSERT_TRUE(reference.has_value()) << message;
  EXPECT_EQ(bytes_of(out), bytes_of(*reference))
      << out.to_json(bson::JsonMode::canonical) << "\nlibbson: " << reference->to_json(bson::JsonMode::canonical);
  bson::Document from_dom;
  ASSERT_EQ(direct_from_dom(text, from_dom), DirectResult::converted);
  EXPECT_EQ(bytes_of(from_dom), bytes_of(*reference))
      << "from the DOM: " << from_dom.to_json(bson::JsonMode::canonical);
}

TEST(DirectBson, PlainJsonGivesLibbsonsBytes) {
  for (const std::string text : {
           R"({})",
           R"({"a":1})",
           R"({"":"empty key","a.b":"dotted key"})",
           R"({"i32max":2147483647,"i32min":-2147483648,"over":2147483648,"under":-2147483649})",
           R"({"i64max":9223372036854775807,"i64min":-9223372036854775808,"zero":0,"negzero":-0})",
           R"({"d":1.0,"negd":-0.0,"e":1e2,"E":1E+2,"small":0.1,"neg":-2.5e-3,"max":1.7976931348623157e308})",
           R"({"pi":3.141592653589793,"tiny":2.2250738585072014e-308,"third":0.3333333333333333})",
           R"({"t":true,"f":false,"n":null})",
           R"({"s":"plain","esc":"q\"b\\s\/n\nt\tr\rb\bf\f","u":"\u00e9\u4e2d\ud83d\ude00","raw":"é中😀"})",
           R"({"nested":{"a":{"b":{"c":[1,[2,[3,{}]],{"d":[]}]}}},"after":1})",
           R"({"arr":[{},[],"x",1,2.5,true,null,{"k":"v"}]})",
           R"({"many":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]})",
           R"({"oid":{"$oid":"5f1d7c0e9b1e8a3d4c2b1a09"},"OID":{"$oid":"5F1D7C0E9B1E8A3D4C2B1A09"}})",
           R"({"i":{"$numberInt":"7"},"imin":{"$numberInt":"-2147483648"},"imax":{"$numberInt":"2147483647"}})",
           R"({"l":{"$numberLong":"0"},"lmin":{"$numberLong":"-9223372036854775808"},"l1":{"$numberLong":"-1"}})",
           R"({"lmax":{"$numberLong":"9223372036854775807"},"small":{"$numberLong":"5"}})",
           R"({"d":{"$date":{"$numberLong":"1704067200000"}},"neg":{"$date":{"$numberLong":"-1"}}})",
           R"({"di":{"$date":1704067200000},"dn":{"$date":-5},"d0":{"$date":0}})",
           R"({"in":[{"$oid":"000000000000000000000000"},{"$date":{"$numberLong":"1"}},{"$numberLong":"2"}]})",
           R"({"deep":{"x":[{"y":{"$numberInt":"1"}},{"z":{"$date":3}}]},"tail":"end"})",
           R"({"_id":1,"sku":"SKU-00000001","price":1.75,"tags":["alpha","beta","t1"],
               "created":{"$date":{"$numberLong":"1704067201000"}},"active":true,"payload":"Lorem ipsum"})",
           "{\n  \"spaced\" :\t[ 1 , 2 ]\r\n}",
           // UTF-8 at the edges of each sequence length, raw and escaped.
           "{\"u\":\"\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xEF\xBF\xBD \xEF\xBF\xBE \xEF\xBF\xBF \xF0\x90\x80\x80 "
           "\xF4\x8F\xBF\xBF\"}",
           R"({"e":"\u0080 \u07ff \u0800 \uffff \ud800\udc00 \udbff\udfff \u001f \u007f"})",
           "{\"\xE4\xB8\xAD\xE6\x96\x87\":{\"\xF0\x9F\x98\x80\":[\"\xC3\xA9\"]}}",
       }) {
    expect_same_as_libbson(text);
  }
}

TEST(DirectBson, LeavesOtherExtendedJsonAndEdgeCasesToLibbson) {
  for (const std::string text : {
           R"({"$oid":"5f1d7c0e9b1e8a3d4c2b1a09"})",  // a wrapper as the document itself
           R"({"a":1,"$b":2})",
           R"({"a":{"x":1,"$b":2}})",
           R"({"a":{"$numberDecimal":"1.5"}})",
           R"({"a":{"$numberDouble":"1.5"}})",
           R"({"a":{"$binary":{"base64":"AA==","subType":"00"}}})",
           R"({"a":{"$timestamp":{"t":1,"i":2}}})",
           R"({"a":{"$regularExpression":{"pattern":"x","options":""}}})",
           R"({"a":{"$minKey":1}})",
           R"({"a":{"$unknown":1}})",
           R"({"a":{"$oid":"xyz"}})",
           R"({"a":{"$oid":"5f1d7c0e9b1e8a3d4c2b1a09","b":1}})",
           R"({"a":{"$oid":1}})",
           R"({"a":{"$numberLong":"007"}})",
           R"({"a":{"$numberLong":"+1"}})",
           R"({"a":{"$numberLong":"-0"}})",
           R"({"a":{"$numberLong":"9223372036854775808"}})",
           R"({"a":{"$numberLong":5}})",
           R"({"a":{"$numberInt":"2147483648"}})",
           R"({"a":{"$date":"2024-01-01T00:00:00Z"}})",
           R"({"a":{"$date":1.5}})",
           R"({"a":{"$date":{}}})",
           R"({"a":{"$date":{"$numberLong":"1","x":1}}})",
           R"({"a":{"$date":{"$numberInt":"1"}}})",
           R"({"a":{"$date":[1]}})",
           R"({"a":"nul\u0000inside"})",
           R"({"a\u0000b":1})",
           R"({"tiny":5e-324})",
           R"({"under":1e-400})",
           R"({"q":{"age":{"$gte":2}}})",  // an operator: the DOM path does not even start
           R"({"u":{"$set":{"d":{"$date":1}}}})",
       }) {
    SCOPED_TRACE(text);
    bson::Document out;
    json::ParseError error;
    EXPECT_EQ(direct(text, out, error), DirectResult::unsupported);
    EXPECT_EQ(direct_from_dom(text, out), DirectResult::unsupported);
  }
  // Nesting beyond the direct writer's depth.
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 70; ++i) deep += "}";
  bson::Document out;
  json::ParseError error;
  EXPECT_EQ(direct(deep, out, error), DirectResult::unsupported);
  EXPECT_EQ(direct_from_dom(deep, out), DirectResult::unsupported);
}

TEST(DirectBson, DocumentStreamConvertsWhatItLeavesThroughLibbson) {
  // The stream's conversion gives libbson's document for what the direct
  // writer hands over, and libbson's error for what libbson refuses.
  for (const std::string text : {
           R"({"a":{"$numberDecimal":"1.5"}})",
           R"({"a":{"$date":"2024-01-01T00:00:00Z"}})",
           R"({"a":{"$numberLong":"5"},"b":{"$binary":{"base64":"AA==","subType":"00"}}})",
           R"({"a":"nul\u0000inside"})",
       }) {
    SCOPED_TRACE(text);
    const auto reference = bson::Document::from_json(text);
    ASSERT_TRUE(reference.has_value());
    bson::Document doc;
    Diagnostic problem;
    ASSERT_TRUE(DocumentStream::convert(text, json::Location{}, "seed", doc, &problem)) << problem.to_string();
    EXPECT_EQ(bytes_of(doc), bytes_of(*reference));
  }
  bson::Document doc;
  Diagnostic problem;
  EXPECT_FALSE(DocumentStream::convert(R"({"a":{"$oid":"xyz"}})", json::Location{}, "seed", doc, &problem))
      << "an invalid $oid was accepted";
  EXPECT_NE(problem.message.find("invalid Extended JSON"), std::string::npos) << problem.message;
}

TEST(DirectBson, InvalidJsonIsTheStrictParsersError) {
  for (const std::string text : {
           R"({"a":1,"a":2})",
           R"({"a":[1,]})",
           R"({"a":01})",
           R"({"a":"\x"})",
           R"({"a":{"$oid":"5f1d7c0e9b1e8a3d4c2b1a09",}})",
           R"({"a":99999999999999999999})",
           "{\"a\":\"\xff\"}",
       }) {
    SCOPED_TRACE(text);
    bson::Document out;
    json::ParseError direct_error;
    ASSERT_EQ(direct(text, out, direct_error), DirectResult::invalid);
    json::ParseError strict_error;
    json::ParseOptions options;
    options.build_dom = false;
    ASSERT_FALSE(json::parse(text, options, &strict_error).has_value());
    EXPECT_EQ(direct_error.message, strict_error.message);
    EXPECT_EQ(direct_error.where.offset, strict_error.where.offset);
  }
}

// Random documents of everything the direct writer handles, against libbson.
class RandomDocument {
 public:
  explicit RandomDocument(uint32_t seed) : m_random(seed) {}

  std::string make() {
    std::string out;
    object(out, 0);
    return out;
  }

 private:
  uint32_t next() { return static_cast<uint32_t>(m_random()); }
  uint32_t below(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(m_random); }

  void object(std::string& out, int depth) {
    out += '{';
    const uint32_t members = below(depth < 3 ? 6 : 2);
    for (uint32_t i = 0; i < members; ++i) {
      if (i > 0) out += ',';
      out += "\"k" + std::to_string(i) + (below(4) == 0 ? "\\u00e9" : "") + "\":";
      value(out, depth + 1);
    }
    out += '}';
  }

  void value(std::string& out, int depth) {
    switch (below(depth < 4 ? 14 : 11)) {
      case 0: out += std::to_string(static_cast<int32_t>(next())); break;
      case 1: out += std::to_string(static_cast<int64_t>((uint64_t{next()} << 32) | next())); break;
      case 2: {
        const double d = std::uniform_real_distribution<double>(-1e6, 1e6)(m_random);
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, below(2) ? "%.17g" : "%.3e", d);
        out += buffer;
        if (std::string(buffer).find_first_of(".e") == std::string::npos) out += ".5";
        break;
      }
      case 3: out += below(2) ? "true" : "false"; break;
      case 4: out += "null"; break;
      case 5: out += "\"text " + std::to_string(next()) + " \\\"q\\\" \\n \\ud83d\\ude00 é\""; break;
      case 6: {
        char hex[25];
        std::snprintf(hex, sizeof hex, "%08x%08x%08x", next(), next(), next());
        out += std::string("{\"$oid\":\"") + hex + "\"}";
        break;
      }
      case 7: out += "{\"$numberLong\":\"" + std::to_string(static_cast<int64_t>(next()) * 977) + "\"}"; break;
      case 8: out += "{\"$numberInt\":\"" + std::to_string(static_cast<int32_t>(next())) + "\"}"; break;
      case 9:
        out += below(2) ? "{\"$date\":{\"$numberLong\":\"" + std::to_string(int64_t{next()} * 1000) + "\"}}"
                        : "{\"$date\":" + std::to_string(int64_t{next()} * 1000) + "}";
        break;
      case 10: out += "\"\""; break;
      case 11:
      case 12: object(out, depth); break;
      default: {
        out += '[';
        const uint32_t items = below(5);
        for (uint32_t i = 0; i < items; ++i) {
          if (i > 0) out += ',';
          value(out, depth + 1);
        }
        out += ']';
      }
    }
  }

  std::mt19937 m_random;  // 32-bit values
};

TEST(DirectBson, RandomDocumentsGiveLibbsonsBytes) {
  RandomDocument generator(20261127);
  for (int i = 0; i < 3000; ++i) expect_same_as_libbson(generator.make());
}

}  // namespace
}  // namespace mongoway::json
