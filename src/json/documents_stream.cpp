#include "json/documents_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mongoway/error.hpp"
#include "json/direct_bson.hpp"
#include "json/extjson.hpp"
#include "util/files.hpp"
#include "util/utf8.hpp"

namespace mongoway::json {

DocumentStream::DocumentStream(size_t chunk_size) : m_chunk_size(chunk_size == 0 ? 1 : chunk_size) {}

void DocumentStream::open(const std::string& path, const std::string& display_path) {
  m_path = path;
  m_display = display_path.empty() ? path : display_path;
  m_read = 0;
  m_checksummed = 0;
  m_failed_guesses = 0;
  m_buffer.clear();
  m_begin = 0;
  m_eof = false;
  m_where = json::Location{};
  m_after_cr = false;
  m_count = 0;
  m_mode = Mode::start;
  m_size = 0;
  if (auto error = m_file.open(path); !error.empty()) {
    Diagnostic d;
    d.file = m_display;
    d.message = "cannot read documentsFile: " + error;
    throw Error(ExitCode::invalid, d.to_string(), {d});
  }
  m_size = m_file.size();
}

namespace {

[[noreturn]] void throw_at(const std::string& file, const json::Location& where, const std::string& message) {
  Diagnostic d;
  d.file = file;
  d.line = where.line;
  d.column = where.column;
  d.message = message;
  throw Error(ExitCode::invalid, d.to_string(), {d});
}

void check_size(const bson::Document& doc, const json::Location& at, const std::string& display) {
  if (doc.size_bytes() > DocumentStream::kMaxDocumentBson) {
    throw_at(display, at,
             fmt::format("document is {} of BSON, over the server's limit of {} per document",
                         util::human_size(doc.size_bytes()), util::human_size(DocumentStream::kMaxDocumentBson)));
  }
}

}  // namespace

void DocumentStream::fail(const json::Location& where, const std::string& message) const {
  throw_at(m_display, where, message);
}

bool DocumentStream::fill() {
  if (m_eof) return false;
  if (m_begin > 0 && m_begin * 2 >= m_buffer.size()) {
    m_buffer.erase(0, m_begin);
    m_begin = 0;
  }
  const size_t old_size = m_buffer.size();
  m_buffer.resize(old_size + m_chunk_size);
  size_t n = 0;
  try {
    n = m_file.read(m_buffer.data() + old_size, m_chunk_size);
  } catch (const std::runtime_error& e) {
    m_buffer.resize(old_size);
    fail(m_where, std::string("cannot read documentsFile: ") + e.what());
  }
  m_buffer.resize(old_size + n);
  if (n == 0) {
    m_eof = true;
    m_file.close();
    return false;
  }
  if (m_observer && m_read + n > m_checksummed) {
    const size_t skip = static_cast<size_t>(m_checksummed - std::min(m_checksummed, m_read));
    m_observer(std::string_view(m_buffer).substr(old_size + skip, n - skip));
    m_checksummed = m_read + n;
  }
  m_read += n;
  return true;
}

bool DocumentStream::at_end() {
  while (m_begin >= m_buffer.size()) {
    if (!fill()) return true;
  }
  return false;
}

void DocumentStream::advance(size_t count) {
  const char* const first = m_buffer.data() + m_begin;
  const std::string_view chunk(first, count);
  if (std::memchr(first, '\n', count) == nullptr && std::memchr(first, '\r', count) == nullptr) {
    // The usual case, a document (JSON strings hold no raw line breaks): only
    // the column moves, by the number of code points.
    if (count > 0) m_after_cr = false;
    m_where.column += static_cast<int>(util::count_code_points(chunk));
  } else {
    for (const char c : chunk) {
      if (c == '\n' && m_after_cr) {
        m_after_cr = false;
      } else if (c == '\n' || c == '\r') {
        ++m_where.line;
        m_where.column = 1;
        m_after_cr = c == '\r';
      } else {
        m_after_cr = false;
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++m_where.column;
      }
    }
  }
  m_where.offset += count;
  m_begin += count;
}

void DocumentStream::skip_whitespace(bool* saw_newline) {
  while (!at_end()) {
    const char c = static_cast<char>(peek());
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    if (saw_newline && (c == '\n' || c == '\r')) *saw_newline = true;
    advance(1);
  }
}

std::string DocumentStream::found() {
  if (at_end()) return "end of file";
  const unsigned char c = peek();
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02X}", c);
}

void DocumentStream::start() {
  while (m_buffer.size() - m_begin < 3 && fill()) {
  }
  if (std::string_view(m_buffer).substr(m_begin, 3) == "\xEF\xBB\xBF") {
    fail(m_where, "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without a BOM");
  }
  skip_whitespace();
  if (at_end()) {
    m_mode = Mode::finished;
  } else if (peek() == '[') {
    advance(1);
    m_mode = Mode::array;
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      advance(1);
      expect_end();
    }
  } else if (peek() == '{') {
    m_mode = Mode::lines;
  } else {
    fail(m_where, "expected a JSON array of documents or one document per line, found " + found());
  }
}

void DocumentStream::expect_end() {
  skip_whitespace();
  if (!at_end()) fail(m_where, "expected the end of the file after the array of documents, found " + found());
  m_mode = Mode::finished;
}

bool DocumentStream::next(bson::Document& out) {
  return next_text([&](std::string_view text, const json::Location& where) { convert(text, where, m_display, out); });
}

bool DocumentStream::next_text(const TextSink& sink) {
  if (m_mode == Mode::start) start();
  if (m_mode == Mode::finished) return false;
  if (m_mode == Mode::array) {
    skip_whitespace();
    if (at_end()) fail(m_where, "unterminated array of documents (missing ']')");
    if (peek() != '{') fail(m_where, "expected a document (an object), found " + found());
    read_object(sink);
    after_array_element();
    return true;
  }
  bool newline = false;
  skip_whitespace(&newline);
  if (at_end()) {
    m_mode = Mode::finished;
    return false;
  }
  if (m_count > 0 && !newline) fail(m_where, "expected one document per line, found " + found() + " after a document");
  if (peek() != '{') fail(m_where, "expected a document (an object) at the start of a line, found " + found());
  if (m_failed_guesses < kMaxFailedGuesses) {
    const size_t length = line_length();
    const std::string_view line = std::string_view(m_buffer).substr(m_begin, length);
    const size_t last = line.find_last_not_of(" \t\r");
    if (last != std::string_view::npos && line[last] == '}') {
      try {
        sink(line, m_where);
        if (line.find('\r') == std::string_view::npos) {
          // What comes next is a line feed or the end of the file, which sets
          // the column again: only the offset moves.
          m_where.offset += length;
          m_begin += length;
          m_after_cr = false;
        } else {
          advance(length);
        }
        ++m_count;
        return true;
      } catch (const Error&) {
        // Not one whole document: the scan finds where it ends.
        ++m_failed_guesses;
      }
    }
  }
  read_object(sink);
  return true;
}

// Length of the rest of the line from m_begin (without its '\n'), or 0 when
// it is longer than a document can be.
size_t DocumentStream::line_length() {
  size_t searched = 0;
  for (;;) {
    const char* const base = m_buffer.data() + m_begin;
    const size_t available = m_buffer.size() - m_begin;
    if (const void* newline = std::memchr(base + searched, '\n', available - searched)) {
      return static_cast<size_t>(static_cast<const char*>(newline) - base);
    }
    searched = available;
    if (searched > kMaxDocumentText) return 0;
    if (!fill()) return searched;  // the last line
  }
}

void DocumentStream::after_array_element() {
  skip_whitespace();
  if (at_end()) fail(m_where, "unterminated array of documents (missing ']')");
  if (peek() == ']') {
    advance(1);
    expect_end();
    return;
  }
  if (peek() != ',') fail(m_where, "expected ',' or ']' after a document, found " + found());
  const json::Location comma = m_where;
  advance(1);
  skip_whitespace();
  if (!at_end() && peek() == ']') fail(comma, "trailing comma before ']'");
}

namespace {

// How many bytes from `p` are string content with nothing to look at: up to
// the first quote, backslash or raw line break (memchr is far faster than a
// loop over the bytes of a long string).
size_t plain_string_bytes(const char* p, size_t n) {
  for (const char c : {'"', '\\', '\n', '\r'}) {
    if (const void* at = std::memchr(p, c, n)) n = static_cast<size_t>(static_cast<const char*>(at) - p);
  }
  return n;
}

}  // namespace

// Length of the object that starts at m_begin: strings, escapes and depth are
// tracked so that only the top-level braces count. A raw line break inside a
// string ends the scan (the strict parser then reports the unterminated string).
size_t DocumentStream::scan_object() {
  size_t length = 0;
  int depth = 0;
  bool in_string = false;
  bool escape = false;
  for (;;) {
    if (m_begin + length >= m_buffer.size()) {
      if (!fill()) return length;  // unterminated: the parser says where
      continue;
    }
    if (length > kMaxDocumentText) {
      fail(m_where, fmt::format("document larger than {} of JSON text", util::human_size(kMaxDocumentText)));
    }
    // Scan what is buffered (up to the size limit) without further checks.
    const char* const base = m_buffer.data() + m_begin;
    const size_t stop = std::min(m_buffer.size() - m_begin, kMaxDocumentText + 1);
    while (length < stop) {
      if (in_string && !escape) {
        length += plain_string_bytes(base + length, stop - length);
        if (length == stop) break;
      }
      const char c = base[length++];
      if (in_string) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          in_string = false;
        } else if (c == '\n' || c == '\r') {
          return length;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return length;
      }
    }
  }
}

void DocumentStream::read_object(const TextSink& sink) {
  const size_t length = scan_object();
  sink(std::string_view(m_buffer).substr(m_begin, length), m_where);
  advance(length);
  ++m_count;
}

void DocumentStream::convert(std::string_view text, const json::Location& at, const std::string& display,
                             bson::Document& out) {
  json::ParseError error;
  json::ParseOptions options;
  options.build_dom = false;
  options.origin = at;
  switch (convert_direct(text, options, out, error)) {
    case DirectResult::converted: return check_size(out, at, display);
    case DirectResult::invalid: throw_at(display, json::rebase(error.where, at), error.message);
    case DirectResult::unsupported: break;
  }
  // Extended JSON the direct conversion leaves to libbson.
  if (!json::parse(text, error, options)) throw_at(display, json::rebase(error.where, at), error.message);
  std::string message;
  auto doc = bson::Document::from_json_object(text, &message);
  if (!doc) {
    json::Location where = at;
    message = "invalid Extended JSON: " + message;
    if (auto dom = json::parse(text, error)) {
      ConversionError conversion;
      if (!convert_object(text, *dom, conversion)) {
        where = json::rebase(conversion.where, at);
        message = conversion.message;
      }
    }
    throw_at(display, where, message);
  }
  check_size(*doc, at, display);
  out = std::move(*doc);
}

namespace {

// Documents' text on its way from the reading thread to the checking ones.
struct TextBatch {
  uint64_t sequence = 0;  // batches are numbered in file order
  std::string text;
  std::vector<std::pair<size_t, json::Location>> starts;  // offset in `text`, location in the file
};

// A bounded queue of batches from one producer to several consumers.
class BatchQueue {
 public:
  // False when the consumer has stopped (it found a problem).
  bool push(TextBatch batch) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return m_batches.size() < kDepth || m_stopped; });
    if (m_stopped) return false;
    m_batches.push_back(std::move(batch));
    m_wake.notify_all();
    return true;
  }
  // False once the producer has closed the queue and it is empty.
  bool pop(TextBatch& batch) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return !m_batches.empty() || m_closed; });
    if (m_batches.empty()) return false;
    batch = std::move(m_batches.front());
    m_batches.pop_front();
    m_wake.notify_all();
    return true;
  }
  void close() {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_wake.notify_all();
  }
  void stop() {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_wake.notify_all();
  }

 private:
  static constexpr size_t kDepth = 4;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<TextBatch> m_batches;
  bool m_closed = false;
  bool m_stopped = false;
};

}  // namespace

uint64_t DocumentStream::check_one_thread() {
  bson::Document doc;
  while (next(doc)) {
  }
  return m_count;
}

uint64_t DocumentStream::check_all() {
  // A small file, or a single core: one thread does it all.
  if (m_size < kParallelCheckBytes || std::thread::hardware_concurrency() < 2) return check_one_thread();
  constexpr size_t kBatchBytes = 256 * 1024;
  BatchQueue queue;
  // The first document that failed, in file order: the lowest batch number
  // with an error (a checker stops a batch at its first error).
  std::mutex error_mutex;
  uint64_t error_batch = UINT64_MAX;
  std::exception_ptr checker_error;
  const auto check = [&] {
    TextBatch batch;
    bson::Document doc;
    while (queue.pop(batch)) {
      try {
        for (size_t i = 0; i < batch.starts.size(); ++i) {
          const size_t from = batch.starts[i].first;
          const size_t to = i + 1 < batch.starts.size() ? batch.starts[i + 1].first : batch.text.size();
          convert(std::string_view(batch.text).substr(from, to - from), batch.starts[i].second, m_display, doc);
        }
      } catch (...) {
        {
          std::lock_guard lock(error_mutex);
          if (batch.sequence < error_batch) {
            error_batch = batch.sequence;
            checker_error = std::current_exception();
          }
        }
        queue.stop();  // read no further; what is queued (earlier batches too) is still checked
      }
    }
  };
  std::vector<std::thread> checkers;
  const unsigned threads = std::min(4u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) checkers.emplace_back(check);
  // Reading stops at the first problem of any thread. A document a checker
  // refuses comes before anything read since, so its error is the one
  // reported when both find one.
  // In one-document-per-line form, each line is taken to be a document
  // without scanning it (the checkers' strict parse is what tells); after any
  // problem, the file is then checked again on this thread, scanning where a
  // line is not one whole document, so that the error reported is exactly
  // the one-thread check's.
  std::exception_ptr reader_error;
  uint64_t sequence = 0;
  TextBatch batch;
  const auto new_batch = [&] {
    batch = TextBatch{};
    batch.text.reserve(kBatchBytes + 64 * 1024);
  };
  new_batch();
  const auto send = [&] {
    if (batch.starts.empty()) return true;
    batch.sequence = sequence++;
    const bool accepted = queue.push(std::move(batch));
    new_batch();
    return accepted;
  };
  try {
    bool more = true;
    while (more) {
      more = next_text([&](std::string_view text, const json::Location& where) {
        batch.starts.emplace_back(batch.text.size(), where);
        batch.text.append(text);
      });
      if ((batch.text.size() >= kBatchBytes || !more) && !send()) break;
    }
  } catch (...) {
    reader_error = std::current_exception();
    send();  // the documents read before the problem are still checked: one of them may come first
  }
  queue.close();
  for (auto& c : checkers) c.join();
  if (checker_error || reader_error) {
    const uint64_t checksummed = m_checksummed;
    open(m_path, m_display);
    m_checksummed = checksummed;
    return check_one_thread();
  }
  return m_count;
}

}  // namespace mongoway::json
