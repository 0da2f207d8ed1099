#include "script/extjson.hpp"

#include "script/direct_bson.hpp"

namespace mongoway::script {

namespace {

// libbson's verdict on `value` alone, wrapped in a document.
bool converts(std::string_view text, const json::Value& value, std::string* message) {
  std::string wrapped = "{\"v\":";
  wrapped += value.slice(text);
  wrapped += '}';
  return bson::Document::from_json_object(wrapped, message).has_value();
}

}  // namespace

std::optional<bson::Document> convert_object(std::string_view text, const json::Value& object,
                                             ConversionError& error) {
  if (bson::Document direct; convert_direct(object, direct) == DirectResult::converted) return direct;
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
  error.where = culprit->begin;
  error.message = message;
  return std::nullopt;
}

}  // namespace mongoway::script
