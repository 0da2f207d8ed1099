#include "script/checksum.hpp"

#include <algorithm>
#include <cstring>

#include "script/script.hpp"

namespace mongoway::script {

void ChecksumBuilder::add(std::string_view chunk) {
  // Runs between line breaks are hashed as they are; every line break (LF,
  // CRLF or CR) as one LF, and the last one only once text follows it.
  const char* const data = chunk.data();
  const size_t size = chunk.size();
  if (size == 0) return;
  if (!m_after_cr && std::memchr(data, '\r', size) == nullptr) {
    // No CR (the usual case): the chunk is hashed in one piece, but for a
    // final LF, which waits until text follows it.
    if (m_pending_newline) m_hash.update("\n");
    m_pending_newline = data[size - 1] == '\n';
    m_hash.update(chunk.substr(0, size - (m_pending_newline ? 1 : 0)));
    return;
  }
  const auto find = [&](char c, size_t from) {
    const void* p = from < size ? std::memchr(data + from, c, size - from) : nullptr;
    return p ? static_cast<size_t>(static_cast<const char*>(p) - data) : size;
  };
  size_t next_lf = find('\n', 0);
  size_t next_cr = find('\r', 0);
  size_t i = 0;
  while (i < size) {
    if (next_lf < i) next_lf = find('\n', i);
    if (next_cr < i) next_cr = find('\r', i);
    const size_t stop = std::min(next_lf, next_cr);
    if (stop > i) {
      if (m_pending_newline) {
        m_hash.update("\n");
        m_pending_newline = false;
      }
      m_hash.update(chunk.substr(i, stop - i));
      m_after_cr = false;
      i = stop;
      if (i == size) break;
    }
    const char c = data[i++];
    if (c == '\n' && m_after_cr) {
      m_after_cr = false;  // second half of CRLF
      continue;
    }
    m_after_cr = c == '\r';
    if (m_pending_newline) m_hash.update("\n");
    m_pending_newline = true;
  }
}

void ChecksumBuilder::end_part() {
  m_pending_newline = false;
  m_after_cr = false;
}

void ChecksumBuilder::start_part(std::string_view label) {
  end_part();
  // NUL cannot occur in a valid migration file, so the framing is unambiguous.
  m_hash.update(std::string_view("\0part\0", 6));
  m_hash.update(label);
  m_hash.update(std::string_view("\0", 1));
}

std::string ChecksumBuilder::finish() {
  end_part();
  return "sha256:" + m_hash.hex_digest();
}

std::string checksum_of_text(std::string_view content) {
  ChecksumBuilder builder;
  builder.add(content);
  return builder.finish();
}

}  // namespace mongoway::script
