#pragma once
// A migration command as `-v` shows it just before it is sent.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "script/render.hpp"

namespace mongoway::exec {

// How much of a command is shown: an insert's first documents, and the first
// characters of the command and of each document.
inline constexpr size_t kShownDocuments = 3;
inline constexpr size_t kShownChars = 1000;

// The server command in relaxed Extended JSON, each of `secrets` masked as
// ****; an insert's documents after the first kShownDocuments left out
// ("… 4,998 more documents"; a documentsFile's: "… 5,000 documents from
// FILE", with `documents_total`), and any text beyond kShownChars cut
// ("… 1,234 more characters").
std::string sent_text(const script::ServerCommand& command, std::optional<uint64_t> documents_total,
                      const std::vector<std::string>& secrets);

}  // namespace mongoway::exec
