#pragma once
// Streaming checksums of migration files: SHA-256 of the content with CRLF and
// CR normalised to LF and one trailing newline ignored, as "sha256:<hex>".

#include <string>
#include <string_view>

#include "util/sha256.hpp"

namespace mongoway::script {

class ChecksumBuilder {
 public:
  // Feeds the next chunk of the current part (any split of the content gives
  // the same result).
  void add(std::string_view chunk);
  // Ends the current part (its trailing newline is dropped) and starts a new
  // one labelled `label` (e.g. a documentsFile path), so that the parts of a
  // migration cannot be confused with each other.
  void start_part(std::string_view label);
  // "sha256:<hex>"; the builder cannot be used afterwards.
  std::string finish();

 private:
  void end_part();

  util::Sha256 m_hash;
  bool m_pending_newline = false;  // a newline not yet hashed: it may be the trailing one
  bool m_after_cr = false;         // the last byte was CR: a following LF belongs to it
};

}  // namespace mongoway::script
