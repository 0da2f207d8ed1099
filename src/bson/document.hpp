#pragma once
// The only owner of raw bson_t in mongoway. Everything else holds a Document.

#include <bson/bson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mongoway::bson {

enum class JsonMode { canonical, relaxed };

// A BSON document with value semantics (copyable, movable). Wraps a bson_t by
// value rather than through a pointer (bson_t is over-aligned).
class Document {
 public:
  Document() { bson_init(&m_doc); }
  ~Document() { bson_destroy(&m_doc); }
  Document(const Document& other) { bson_copy_to(other.get(), &m_doc); }
  Document& operator=(const Document& other);
  Document(Document&& other) noexcept;
  Document& operator=(Document&& other) noexcept;

  // Takes over a heap document (e.g. from BCON_NEW) and frees it.
  static Document adopt(bson_t* heap);
  // Copies the given document; `src` stays owned by the caller.
  static Document copy_of(const bson_t* src);
  // Copies the document that `data` points at (e.g. a document inside another).
  static Document from_data(const uint8_t* data, uint32_t length);
  // Parses MongoDB Extended JSON (canonical or relaxed). On failure returns
  // nullopt and sets `error` to libbson's message and `error_offset` to the
  // byte offset libbson reported (or -1).
  static std::optional<Document> from_json(std::string_view json, std::string* error = nullptr,
                                           long* error_offset = nullptr);
  // The same for text that holds exactly one JSON object, starting with its
  // '{' (e.g. checked by json::parse first). Several times faster on
  // small documents: one libbson reader per thread is reused. Failures are
  // reported exactly as from_json reports them.
  static std::optional<Document> from_json_object(std::string_view json, std::string* error = nullptr);

  const bson_t* get() const { return &m_doc; }
  bson_t* mut() { return &m_doc; }
  bool empty() const { return bson_empty(&m_doc); }
  uint32_t size_bytes() const { return m_doc.len; }
  bool operator==(const Document& other) const { return bson_equal(&m_doc, &other.m_doc); }

  std::string to_json(JsonMode mode = JsonMode::relaxed) const;

 private:
  bson_t m_doc;
};

// A string owned by libbson (bson_as_*_extended_json etc.), freed with bson_free.
std::string take_bson_string(char* s);

}  // namespace mongoway::bson
