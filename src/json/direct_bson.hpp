#pragma once
// JSON → BSON in the strict parser's own pass, for the documents of a
// documentsFile: no second parse by libbson's reader. It writes the BSON of
// plain JSON and of the common Extended JSON wrappers ({"$oid": hex},
// {"$numberInt": "…"}, {"$numberLong": "…"}, {"$date": {"$numberLong": "…"}},
// {"$date": integer}), byte for byte what libbson's reader makes of them, and
// gives up on anything else (another "$" key, a key or string holding U+0000,
// a number strtod reads only with a range error, deep nesting), which the
// caller then converts through libbson as before.

#include <string_view>

#include "bson/document.hpp"
#include "json/json.hpp"

namespace mongoway::json {

// Parses `text` (one JSON object) strictly with `options` (its handler and
// build_dom are ignored) and writes its BSON into `out`, setting `*written`.
// False, with the strict parser's problem in `err`, when the text is not
// valid JSON. True with `*written` false when the text needs libbson's
// reader: the writer then stopped the parse where it gave up, so the text may
// still hold a problem further on, which the caller's own strict parse finds.
bool convert_direct(std::string_view text, const json::ParseOptions& options, bson::Document& out, bool* written,
                    json::ParseError* err);

// The same for an object already parsed with build_dom (a command of a
// migration file): true when `out` holds its BSON, false when it needs
// libbson's reader (not a failure: the object is valid either way).
bool convert_direct(const json::Value& object, bson::Document& out);

}  // namespace mongoway::json
