#pragma once
// Streams the documents of a documentsFile: a JSON array of documents, or one
// Extended-JSON document per line (NDJSON). Memory stays bounded by the chunk
// size plus the largest document, whatever the file size.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bson/document.hpp"
#include "json/json.hpp"
#include "mongoway/error.hpp"
#include "util/files.hpp"

namespace mongoway::json {

class DocumentStream {
 public:
  static constexpr size_t kDefaultChunkSize = size_t{256} * 1024;
  // Longest JSON text of one document (BSON documents are at most 16 MiB).
  static constexpr size_t kMaxDocumentText = size_t{64} * 1024 * 1024;
  // Largest BSON document MongoDB stores (maxBsonObjectSize).
  static constexpr size_t kMaxDocumentBson = size_t{16} * 1024 * 1024;
  // From this file size on, check_all() checks on one thread per core.
  static constexpr uint64_t kParallelCheckBytes = uint64_t{1024} * 1024;

  explicit DocumentStream(size_t chunk_size = kDefaultChunkSize);

  // Opens `path`; problems name `display_path` (default: `path`). False, with
  // the problem in `err`, when the file cannot be read.
  bool open(const std::string& path, const std::string& display_path, Diagnostic* err);
  bool open(const std::string& path, Diagnostic* err) { return open(path, {}, err); }

  // Reads the next document into `out` and sets `*found`, false at the end
  // of the file. False, with the problem at file:line:column in `err`, when
  // the content is not valid; the stream then stays at that problem.
  bool next(bson::Document& out, bool* found, Diagnostic* err);

  // Reads every remaining document, checking each as next() does, and
  // returns how many there were; nullopt, with the first problem in the file
  // in `err`, as next() would give it. In a file of kParallelCheckBytes or more, the
  // documents are parsed and converted in batches on one thread per core (at
  // most kMaxCheckThreads) while another reads the file and finds where
  // each document ends.
  std::optional<uint64_t> check_all(Diagnostic* err);
  static constexpr size_t kMaxCheckThreads = 4;

  // What next() does with a document's text: the strict parse and the
  // conversion to BSON into `out` (its buffer is reused). False, with the
  // problem at file:line:column from `at` in `err`, when it fails.
  static bool convert(std::string_view text, const json::Location& at, const std::string& display, bson::Document& out,
                      Diagnostic* err);

  // Documents returned so far.
  uint64_t count() const { return m_count; }
  // The number (from 1) of the first document read, by next() or
  // check_all(), that has no top-level _id; 0 when every one has one.
  uint64_t first_without_id() const { return m_first_without_id; }
  // Bytes held in memory (for tests of the memory bound).
  size_t buffer_capacity() const { return m_buffer.capacity(); }
  // Every byte of the file is also handed to `observer` once, in order, even
  // when the file is read twice (the caller's checksum of the file).
  using ByteObserver = std::function<void(std::string_view bytes)>;
  void set_byte_observer(ByteObserver observer) { m_observer = std::move(observer); }

 private:
  enum class Mode { start, array, lines, finished };

  // The private steps report a problem through fail(), which keeps the
  // first one in m_problem, and then return false (or, where they return a
  // length or whether the file goes on, what stops their caller's loop).
  bool start();
  bool fill();
  bool at_end();
  unsigned char peek() const { return static_cast<unsigned char>(m_buffer[m_begin]); }
  void advance(size_t count);
  void skip_whitespace(bool* saw_newline = nullptr);
  bool scan_object(size_t* length);
  size_t line_length();
  using TextSink = std::function<bool(std::string_view text, const json::Location& where, Diagnostic* err)>;
  // Finds the next document and hands its text to `sink` (valid only during
  // the call), setting `*found` (false at the end of the file); false at a
  // problem. In one-document-per-line form a line that ends with '}' is
  // first taken to be one document (no scan for where the object ends); when
  // `sink` refuses that, the document is found by scanning and handed over
  // again, so outcomes and problems are those of the scan. After
  // kMaxFailedGuesses such failures in a file (documents spread over lines),
  // every document is scanned.
  bool next_text(const TextSink& sink, bool* found);
  bool read_object(const TextSink& sink);
  std::optional<uint64_t> check_one_thread(Diagnostic* err);
  // Documents' text read on one thread, to be checked on another.
  struct TextBatch {
    std::string text;
    std::vector<std::pair<size_t, json::Location>> starts;  // offset in `text`, location in the file
    uint64_t before = 0;                                    // documents of the file before this batch
  };
  class BatchQueue;
  bool read_batches(BatchQueue& queue);
  // `*without_id`: the number of the batch's first document without an _id (0: none).
  bool check_batch(const TextBatch& batch, uint64_t* without_id) const;
  bool after_array_element();
  bool expect_end();
  std::string found_text();
  bool take_line_as_document(const TextSink& sink);
  bool fail(const json::Location& where, const std::string& message);
  bool fail(Diagnostic problem);

  size_t m_chunk_size;
  util::InputFile m_file;
  std::string m_path;
  std::string m_display;
  std::string m_buffer;
  size_t m_begin = 0;  // first unconsumed byte of m_buffer
  bool m_eof = false;
  Mode m_mode = Mode::finished;
  json::Location m_where;  // location of m_buffer[m_begin] in the file
  bool m_after_cr = false;
  uint64_t m_count = 0;
  uint64_t m_first_without_id = 0;
  uint64_t m_size = 0;  // of the file, when known
  ByteObserver m_observer;
  uint64_t m_read = 0;         // bytes read from the file since open()
  uint64_t m_checksummed = 0;  // bytes handed to m_observer (a file read again is fed once)
  static constexpr int kMaxFailedGuesses = 8;
  int m_failed_guesses = 0;  // lines taken for a document that were not one
  bool m_failed = false;     // a problem was found: m_problem
  Diagnostic m_problem;
};

}  // namespace mongoway::json
