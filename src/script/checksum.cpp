#include "script/checksum.hpp"

#include "script/script.hpp"

namespace mongoway::script {

void ChecksumBuilder::add(std::string_view chunk) {
  size_t run_start = 0;
  const auto flush_run = [&](size_t end) {
    if (end > run_start) {
      if (m_pending_newline) {
        m_hash.update("\n");
        m_pending_newline = false;
      }
      m_hash.update(chunk.substr(run_start, end - run_start));
    }
  };
  for (size_t i = 0; i < chunk.size(); ++i) {
    const char c = chunk[i];
    if (c != '\n' && c != '\r') {
      m_after_cr = false;
      continue;
    }
    flush_run(i);
    run_start = i + 1;
    if (c == '\n' && m_after_cr) {
      m_after_cr = false;  // second half of CRLF
      continue;
    }
    m_after_cr = c == '\r';
    if (m_pending_newline) m_hash.update("\n");
    m_pending_newline = true;
  }
  flush_run(chunk.size());
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
