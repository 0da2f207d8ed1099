#pragma once
// UTF-8 helpers for the strict JSON reader and for text laid out on a terminal.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mongoway::util {

// Length (1-4) of the well-formed UTF-8 sequence starting at text[pos], or 0
// when the bytes there are not well-formed UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are rejected). `code_point` receives the value.
size_t utf8_sequence(std::string_view text, size_t pos, uint32_t* code_point = nullptr);

// Appends the UTF-8 encoding of `code_point` (must be a valid scalar value).
void append_utf8(std::string& out, uint32_t code_point);

// Number of code points in `text`, counting every byte that is not a
// continuation byte (so malformed input still gives a sensible column).
size_t count_code_points(std::string_view text);

// Terminal cells a code point takes: 2 for East Asian wide and fullwidth
// characters (CJK, Hangul, fullwidth forms, most emoji), 0 for combining
// marks and zero-width characters, 1 otherwise.
int cell_width(uint32_t code_point);
// Terminal cells of `text` (a malformed byte counts as one cell).
size_t display_width(std::string_view text);

// `text` as a JSON string literal, quotes included: '"', '\\' and the control
// characters escaped, a byte that is not well-formed UTF-8 written as \ufffd.
std::string json_quote(std::string_view text);

// "U+00E9" style name of a code point.
std::string code_point_name(uint32_t code_point);

}  // namespace mongoway::util
