#include "json/extjson.hpp"

#include <fmt/format.h>

#include "json/direct_bson.hpp"

namespace mongoway::json {

namespace {

// libbson's verdict on `value` alone, wrapped in a document.
bool converts(std::string_view text, const json::Value& value, std::string* message) {
  std::string wrapped = "{\"v\":";
  wrapped += value.slice(text);
  wrapped += '}';
  return bson::Document::from_json_object(wrapped, message).has_value();
}

// A key as a message shows it, U+0000 written as the escape that produced it.
std::string shown_key(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '\0') {
      out += "\\u0000";
    } else {
      out += c;
    }
  }
  return out;
}

// The member of `object` whose key holds U+0000, or nullptr: libbson's reader
// refuses such a key ("invalid bytes in UTF8 string") at the object's start.
const json::Member* nul_key(const json::Value& object) {
  for (const auto& member : object.members) {
    if (member.key.find('\0') != std::string::npos) return &member;
  }
  return nullptr;
}

}  // namespace

std::optional<bson::Document> convert_object(std::string_view text, const json::Value& object, ConversionError* err) {
  if (bson::Document direct; convert_direct(object, direct)) return direct;
  std::string message;
  auto doc = bson::Document::from_json_object(object.slice(text), &message);
  if (doc) return doc;
  const json::Value* culprit = &object;
  for (bool descended = true; descended;) {
    descended = false;
    const auto try_child = [&](const json::Value& child) {
      if (descended || (child.kind != json::Kind::object && child.kind != json::Kind::array)) return;
      std::string child_message;
      if (!converts(text, child, &child_message)) {
        culprit = &child;
        message = std::move(child_message);
        descended = true;
      }
    };
    const json::Value& current = *culprit;
    for (const auto& member : current.members) try_child(member.value);
    for (const auto& item : current.items) try_child(item);
  }
  if (const json::Member* member = nul_key(*culprit)) {
    err->where = member->key_begin;
    err->message = fmt::format("key \"{}\" holds U+0000 (NUL), which a BSON key cannot hold; remove it from the key",
                               shown_key(member->key));
    return std::nullopt;
  }
  err->where = culprit->begin;
  err->message = "invalid Extended JSON: " + message;
  return std::nullopt;
}

}  // namespace mongoway::json
