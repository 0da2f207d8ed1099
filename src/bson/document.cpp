#include "bson/document.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace mongoway::bson {

Document& Document::operator=(const Document& other) {
  if (this != &other) {
    bson_destroy(&m_doc);
    bson_copy_to(other.get(), &m_doc);
  }
  return *this;
}

Document::Document(Document&& other) noexcept {
  // bson_t may hold an inline buffer, so moving is a copy of the bytes followed
  // by resetting the source; bson_steal does exactly that.
  bson_steal(&m_doc, &other.m_doc);
  bson_init(&other.m_doc);
}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    bson_destroy(&m_doc);
    bson_steal(&m_doc, &other.m_doc);
    bson_init(&other.m_doc);
  }
  return *this;
}

Document Document::adopt(bson_t* heap) {
  Document d;
  bson_destroy(&d.m_doc);
  bson_steal(&d.m_doc, heap);  // frees `heap`
  return d;
}

Document Document::copy_of(const bson_t* src) {
  Document d;
  bson_destroy(&d.m_doc);
  bson_copy_to(src, &d.m_doc);
  return d;
}

Document Document::from_data(const uint8_t* data, uint32_t length) {
  bson_t view;
  if (!bson_init_static(&view, data, length)) return Document{};
  return copy_of(&view);
}

std::optional<Document> Document::from_json(std::string_view json, std::string* error, long* error_offset) {
  Document d;
  bson_error_t err;
  bson_destroy(&d.m_doc);
  if (!bson_init_from_json(&d.m_doc, json.data(), static_cast<ssize_t>(json.size()), &err)) {
    bson_init(&d.m_doc);
    if (error) *error = err.message;
    if (error_offset) {
      *error_offset = -1;
      // libbson reports positions as "... at position N" or "... at offset N".
      std::string_view msg = err.message;
      for (std::string_view marker : {"position ", "offset "}) {
        auto p = msg.rfind(marker);
        if (p != std::string_view::npos) {
          *error_offset = std::strtol(msg.data() + p + marker.size(), nullptr, 10);
          break;
        }
      }
    }
    return std::nullopt;
  }
  return d;
}

namespace {

// Converts a sequence of JSON objects with one libbson reader. bson_init_from_json
// allocates and zeroes a reader (its parser stack: about 100 KB) for every
// document, which was most of the conversion's cost for small documents.
//
// The reader is fed the objects as one stream of concatenated documents, which
// is what it is made to read. It returns a document only once it sees where the
// next one starts, so each object is followed by the '{' that opens the next;
// that byte stays in the reader, and the next object is then fed without its
// own '{'. Any error, or a document that ends before its input does, drops the
// reader (the caller then converts with bson_init_from_json, for its message).
class ObjectConverter {
 public:
  ~ObjectConverter() { reset(); }

  bool convert(std::string_view object, bson_t* out) {
    if (object.empty() || object.front() != '{') return false;
    if (!m_reader) {
      m_reader = bson_json_reader_new(this, &ObjectConverter::produce, nullptr, false, kBufferSize);
      m_primed = false;
    }
    m_data = m_primed ? object.substr(1) : object;
    m_pos = 0;
    m_opened_next = false;
    bson_error_t error;
    const int r = bson_json_reader_read(m_reader, out, &error);
    if (r != 1 || m_pos != m_data.size() || !m_opened_next) {
      reset();
      return false;
    }
    m_primed = true;
    return true;
  }

 private:
  static constexpr size_t kBufferSize = 1 << 14;

  static ssize_t produce(void* self, uint8_t* buf, size_t len) {
    auto& c = *static_cast<ObjectConverter*>(self);
    if (c.m_pos < c.m_data.size()) {
      const size_t n = std::min(len, c.m_data.size() - c.m_pos);
      std::memcpy(buf, c.m_data.data() + c.m_pos, n);
      c.m_pos += n;
      return static_cast<ssize_t>(n);
    }
    if (!c.m_opened_next && len > 0) {
      c.m_opened_next = true;
      buf[0] = '{';
      return 1;
    }
    return 0;
  }

  void reset() {
    if (m_reader) bson_json_reader_destroy(m_reader);
    m_reader = nullptr;
  }

  bson_json_reader_t* m_reader = nullptr;
  bool m_primed = false;    // the reader holds the '{' of the next object
  std::string_view m_data;  // what the reader is fed in this call
  size_t m_pos = 0;
  bool m_opened_next = false;  // the '{' after it was fed
};

}  // namespace

std::optional<Document> Document::from_json_object(std::string_view json, std::string* error) {
  thread_local ObjectConverter converter;
  Document d;
  if (converter.convert(json, &d.m_doc)) return d;
  return from_json(json, error);
}

std::string Document::to_json(JsonMode mode) const {
  size_t len = 0;
  char* s = mode == JsonMode::canonical ? bson_as_canonical_extended_json(&m_doc, &len)
                                        : bson_as_relaxed_extended_json(&m_doc, &len);
  return take_bson_string(s);
}

std::string take_bson_string(char* s) {
  if (!s) return {};
  std::string out(s);
  bson_free(s);
  return out;
}

}  // namespace mongoway::bson
