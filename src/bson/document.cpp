#include "bson/document.hpp"

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

std::optional<Document> Document::from_json(std::string_view json, std::string* error,
                                            long* error_offset) {
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
