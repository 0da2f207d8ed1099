#include "json/documents_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "json/direct_bson.hpp"
#include "json/extjson.hpp"
#include "mongoway/error.hpp"
#include "util/files.hpp"
#include "util/parallel.hpp"
#include "util/utf8.hpp"

namespace mongoway::json {

DocumentStream::DocumentStream(size_t chunk_size) : m_chunk_size(chunk_size == 0 ? 1 : chunk_size) {}

bool DocumentStream::open(const std::string& path, const std::string& display_path, Diagnostic* err) {
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
  m_first_without_id = 0;
  m_mode = Mode::start;
  m_size = 0;
  m_failed = false;
  m_problem = Diagnostic{};
  if (std::string reason; !m_file.open(path, &reason)) {
    m_mode = Mode::finished;
    err->file = m_display;
    err->message = "cannot read documentsFile: " + reason;
    return false;
  }
  m_size = m_file.size();
  return true;
}

namespace {

bool problem_at(const std::string& file, const json::Location& where, const std::string& message, Diagnostic* err) {
  err->file = file;
  err->line = where.line;
  err->column = where.column;
  err->message = message;
  return false;
}

bool check_size(const bson::Document& doc, const json::Location& at, const std::string& display, Diagnostic* err) {
  if (doc.size_bytes() <= DocumentStream::kMaxDocumentBson) return true;
  return problem_at(display, at,
                    fmt::format("document is {} of BSON, over the server's limit of {} per document",
                                util::human_size(doc.size_bytes()), util::human_size(DocumentStream::kMaxDocumentBson)),
                    err);
}

}  // namespace

bool DocumentStream::fail(const json::Location& where, const std::string& message) {
  Diagnostic problem;
  problem_at(m_display, where, message, &problem);
  return fail(std::move(problem));
}

bool DocumentStream::fail(Diagnostic problem) {
  if (!m_failed) m_problem = std::move(problem);  // the first problem is the one reported
  m_failed = true;
  m_mode = Mode::finished;
  m_eof = true;
  return false;
}

bool DocumentStream::fill() {
  if (m_eof) return false;
  if (m_begin > 0 && m_begin * 2 >= m_buffer.size()) {
    m_buffer.erase(0, m_begin);
    m_begin = 0;
  }
  const size_t old_size = m_buffer.size();
  m_buffer.resize(old_size + m_chunk_size);
  std::string reason;
  const std::optional<size_t> read = m_file.read(m_buffer.data() + old_size, m_chunk_size, &reason);
  if (!read) {
    m_buffer.resize(old_size);
    return fail(m_where, "cannot read documentsFile: " + reason);
  }
  const size_t n = *read;
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

std::string DocumentStream::found_text() {
  if (at_end()) return "end of file";
  const unsigned char c = peek();
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02X}", c);
}

bool DocumentStream::start() {
  while (m_buffer.size() - m_begin < 3 && fill()) {
  }
  if (std::string_view(m_buffer).substr(m_begin, 3) == "\xEF\xBB\xBF") {
    return fail(m_where, "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without a BOM");
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
      return expect_end();
    }
  } else if (peek() == '{') {
    m_mode = Mode::lines;
  } else {
    return fail(m_where, "expected a JSON array of documents or one document per line, found " + found_text());
  }
  return !m_failed;
}

bool DocumentStream::expect_end() {
  skip_whitespace();
  if (!at_end())
    return fail(m_where, "expected the end of the file after the array of documents, found " + found_text());
  m_mode = Mode::finished;
  return !m_failed;
}

namespace {
bool has_id(const bson::Document& document) {
  bson_iter_t it;
  return bson_iter_init_find(&it, document.get(), "_id");
}
}  // namespace

bool DocumentStream::next(bson::Document& out, bool* found, Diagnostic* err) {
  const bool ok = next_text([&](std::string_view text, const json::Location& where,
                                Diagnostic* problem) { return convert(text, where, m_display, out, problem); },
                            found);
  if (!ok) *err = m_problem;
  if (ok && *found && m_first_without_id == 0 && !has_id(out)) m_first_without_id = m_count;
  return ok;
}

bool DocumentStream::next_text(const TextSink& sink, bool* found) {
  *found = false;
  if (m_mode == Mode::start && !start()) return false;
  if (m_mode == Mode::finished) return !m_failed;
  if (m_mode == Mode::array) {
    skip_whitespace();
    if (at_end()) return fail(m_where, "unterminated array of documents (missing ']')");
    if (peek() != '{') return fail(m_where, "expected a document (an object), found " + found_text());
    if (!read_object(sink) || !after_array_element()) return false;
    *found = true;
    return true;
  }
  bool newline = false;
  skip_whitespace(&newline);
  if (at_end()) {
    m_mode = Mode::finished;
    return !m_failed;
  }
  if (m_count > 0 && !newline) {
    return fail(m_where, "expected one document per line, found " + found_text() + " after a document");
  }
  if (peek() != '{')
    return fail(m_where, "expected a document (an object) at the start of a line, found " + found_text());
  *found = true;
  if (m_failed_guesses < kMaxFailedGuesses && take_line_as_document(sink)) return !m_failed;
  return read_object(sink);
}

// The guess of one-document-per-line form: the rest of the line, when it ends
// with '}', handed to `sink` as one document. False when it was not taken
// (not such a line, or `sink` refused it: the scan then finds where the
// document ends).
bool DocumentStream::take_line_as_document(const TextSink& sink) {
  const size_t length = line_length();
  if (m_failed) return true;  // reading failed: the problem is m_problem
  const std::string_view line = std::string_view(m_buffer).substr(m_begin, length);
  const size_t last = line.find_last_not_of(" \t\r");
  if (last == std::string_view::npos || line[last] != '}') return false;
  if (Diagnostic refused; !sink(line, m_where, &refused)) {
    ++m_failed_guesses;  // not one whole document, or not a valid one: the scan tells which
    return false;
  }
  if (line.find('\r') == std::string_view::npos) {
    // What comes next is a line feed or the end of the file, which sets the
    // column again: only the offset moves.
    m_where.offset += length;
    m_begin += length;
    m_after_cr = false;
  } else {
    advance(length);
  }
  ++m_count;
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

bool DocumentStream::after_array_element() {
  skip_whitespace();
  if (at_end()) return fail(m_where, "unterminated array of documents (missing ']')");
  if (peek() == ']') {
    advance(1);
    return expect_end();
  }
  if (peek() != ',') return fail(m_where, "expected ',' or ']' after a document, found " + found_text());
  const json::Location comma = m_where;
  advance(1);
  skip_whitespace();
  if (!at_end() && peek() == ']') return fail(comma, "trailing comma before ']'");
  return !m_failed;
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
// NOLINTNEXTLINE(readability-non-const-parameter): written through `length`, its alias
bool DocumentStream::scan_object(size_t* found_length) {
  size_t& length = *found_length;
  length = 0;
  int depth = 0;
  bool in_string = false;
  bool escape = false;
  for (;;) {
    if (m_begin + length >= m_buffer.size()) {
      if (!fill()) return !m_failed;  // unterminated: the parser says where
      continue;
    }
    if (length > kMaxDocumentText) {
      return fail(m_where, fmt::format("document larger than {} of JSON text", util::human_size(kMaxDocumentText)));
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
          return true;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
  }
}

bool DocumentStream::read_object(const TextSink& sink) {
  size_t length = 0;
  if (!scan_object(&length)) return false;
  if (Diagnostic problem; !sink(std::string_view(m_buffer).substr(m_begin, length), m_where, &problem)) {
    return fail(std::move(problem));
  }
  advance(length);
  ++m_count;
  return true;
}

bool DocumentStream::convert(std::string_view text, const json::Location& at, const std::string& display,
                             bson::Document& out, Diagnostic* err) {
  json::ParseError error;
  json::ParseOptions options;
  options.build_dom = false;
  options.origin = at;
  bool written = false;
  if (!convert_direct(text, options, out, &written, &error)) {
    return problem_at(display, json::rebase(error.where, at), error.message, err);
  }
  if (written) return check_size(out, at, display, err);
  // Extended JSON the direct conversion leaves to libbson.
  if (!json::parse(text, options, &error))
    return problem_at(display, json::rebase(error.where, at), error.message, err);
  std::string message;
  auto doc = bson::Document::from_json_object(text, &message);
  if (!doc) {
    json::Location where = at;
    message = "invalid Extended JSON: " + message;
    if (auto dom = json::parse(text, &error)) {
      ConversionError conversion;
      if (!convert_object(text, *dom, &conversion)) {
        where = json::rebase(conversion.where, at);
        message = conversion.message;
      }
    }
    return problem_at(display, where, message, err);
  }
  if (!check_size(*doc, at, display, err)) return false;
  out = std::move(*doc);
  return true;
}

std::optional<uint64_t> DocumentStream::check_one_thread(Diagnostic* err) {
  bson::Document doc;
  for (bool found = true; found;) {
    if (!next(doc, &found, err)) return std::nullopt;
  }
  return m_count;
}

// Documents' text on its way from the reading thread to the checking ones:
// a bounded queue from one producer to several consumers.
class DocumentStream::BatchQueue {
 public:
  // False when a consumer has stopped (it found a problem).
  bool push(TextBatch batch) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return m_batches.size() < kDepth || m_stopped; });
    if (m_stopped) return false;
    m_batches.push_back(std::move(batch));
    m_wake.notify_all();
    return true;
  }
  // False once the producer has closed the queue and it is empty, or a
  // consumer has stopped it.
  bool pop(TextBatch& batch) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return !m_batches.empty() || m_closed || m_stopped; });
    if (m_batches.empty() || m_stopped) return false;
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

// Reads the text of the documents into batches of about kBatchBytes
// (finding where each document ends, without parsing it) and queues them.
// False at a problem in the file's form, which the one-thread check then
// reports; true also when a checker stopped the queue (it found a problem).
bool DocumentStream::read_batches(BatchQueue& queue) {
  constexpr size_t kBatchBytes = size_t{256} * 1024;
  TextBatch batch;
  const TextSink append = [&](std::string_view text, const json::Location& where, Diagnostic*) {
    batch.starts.emplace_back(batch.text.size(), where);
    batch.text.append(text);
    return true;
  };
  for (bool found = true; found;) {
    batch = TextBatch{};
    batch.before = m_count;
    batch.text.reserve(kBatchBytes + size_t{64} * 1024);
    while (found && batch.text.size() < kBatchBytes) {
      if (!next_text(append, &found)) return false;
    }
    if (!batch.starts.empty() && !queue.push(std::move(batch))) return true;
  }
  return true;
}

// Whether every document of `batch` passes the check next() makes.
bool DocumentStream::check_batch(const TextBatch& batch, uint64_t* without_id) const {
  bson::Document doc;
  Diagnostic problem;
  *without_id = 0;
  for (size_t i = 0; i < batch.starts.size(); ++i) {
    const size_t from = batch.starts[i].first;
    const size_t to = i + 1 < batch.starts.size() ? batch.starts[i + 1].first : batch.text.size();
    if (!convert(std::string_view(batch.text).substr(from, to - from), batch.starts[i].second, m_display, doc,
                 &problem)) {
      return false;
    }
    if (*without_id == 0 && !has_id(doc)) *without_id = batch.before + i + 1;
  }
  return true;
}

std::optional<uint64_t> DocumentStream::check_all(Diagnostic* err) {
  // A small file, or a single core: one thread does it all.
  if (m_size < kParallelCheckBytes || std::thread::hardware_concurrency() < 2) return check_one_thread(err);
  const size_t checkers = util::threads_for(kMaxCheckThreads);
  // Index 0 reads the file into the queue; every other index is a checker
  // taking batches from it. Index 0 is handed out first, so the reader is
  // running before any checker waits for it.
  // In one-document-per-line form each line is taken to be a document
  // without scanning it (the strict parse is what tells). After any problem,
  // the file is checked again on this thread, scanning where a line is not
  // one whole document, so that the problem reported is exactly the
  // one-thread check's, whichever thread found one first.
  BatchQueue queue;
  std::atomic<bool> failed{false};
  std::mutex first_mutex;  // the first document without an _id, whichever checker finds it
  uint64_t first_without_id = 0;
  util::parallel_for(checkers + 1, checkers + 1, [&](size_t index) {
    if (index == 0) {
      // Closed however the reading ends, so that no checker waits forever.
      const std::unique_ptr<BatchQueue, void (*)(BatchQueue*)> closer(&queue, [](BatchQueue* q) { q->close(); });
      if (!read_batches(queue)) failed = true;
      return;
    }
    // Stopped however the checking ends, so that the reader never waits for
    // room a checker will not make.
    const std::unique_ptr<BatchQueue, void (*)(BatchQueue*)> stopper(&queue, [](BatchQueue* q) { q->stop(); });
    TextBatch batch;
    uint64_t without_id = 0;
    while (!failed && queue.pop(batch)) {
      if (!check_batch(batch, &without_id)) failed = true;
      if (without_id == 0) continue;
      const std::lock_guard lock(first_mutex);
      if (first_without_id == 0 || without_id < first_without_id) first_without_id = without_id;
    }
  });
  if (!failed) {
    m_first_without_id = first_without_id;
    return m_count;
  }
  const uint64_t observed = m_checksummed;
  if (!open(m_path, m_display, err)) return std::nullopt;
  m_checksummed = observed;
  return check_one_thread(err);
}

}  // namespace mongoway::json
