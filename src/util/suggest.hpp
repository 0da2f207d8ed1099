#pragma once
// "Did you mean …?" for misspelt names.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mongoway::util {

// Edit distance, case-sensitive: insertions, deletions, substitutions and
// swaps of two neighbours ("tsl" is one edit from "tls", as it is one slip of
// the fingers), each edit of a character counted once (the optimal string
// alignment distance).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a likely typo
// (distance at most a third of the longer name, at least 1; a difference of
// case alone is closest). nullopt otherwise.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

// `; did you mean "x"?` or empty when there is no good suggestion.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mongoway::util
