#include "script/placeholders.hpp"

#include <fmt/format.h>

#include <cctype>

#include "bson/bson_util.hpp"

namespace mongoway::script {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// Calls on_text(literal) and on_name(name) for the parts of `text`. "$${"
// is an escaped "${": it stands for the literal text "${" (reported to
// on_escape), and what follows is not a placeholder.
template <typename OnText, typename OnName, typename OnEscape>
bool scan(std::string_view text, OnText on_text, OnName on_name, OnEscape on_escape) {
  size_t pos = 0;
  for (;;) {
    const size_t start = text.find("${", pos);
    if (start == std::string_view::npos) break;
    if (start > pos && text[start - 1] == '$') {
      on_text(text.substr(pos, start - 1 - pos));
      on_text("${");
      on_escape();
      pos = start + 2;
      continue;
    }
    size_t end = start + 2;
    while (end < text.size() && is_name_char(text[end])) ++end;
    if (end == start + 2 || end >= text.size() || text[end] != '}') {
      on_text(text.substr(pos, start + 2 - pos));
      pos = start + 2;
      continue;
    }
    on_text(text.substr(pos, start - pos));
    if (!on_name(std::string(text.substr(start + 2, end - start - 2)))) return false;
    pos = end + 1;
  }
  on_text(text.substr(pos));
  return true;
}

// Walks the document in place (bson_iter_recurse, no copy of a nested one):
// every command is walked, most have no placeholder at all.
void collect_in(bson_iter_t& it, std::set<std::string>& names, bool* escaped) {
  while (bson_iter_next(&it)) {
    const bson_type_t type = bson_iter_type(&it);
    if (type == BSON_TYPE_UTF8) {
      uint32_t length = 0;
      const char* text = bson_iter_utf8(&it, &length);
      const std::string_view value(text, length);
      if (value.find("${") != std::string_view::npos) collect_placeholders(value, names, escaped);
    } else if (type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY) {
      bson_iter_t child;
      if (bson_iter_recurse(&it, &child)) collect_in(child, names, escaped);
    }
  }
}

void collect_in(const bson::Document& doc, std::set<std::string>& names, bool* escaped = nullptr) {
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get())) collect_in(it, names, escaped);
}

}  // namespace

void collect_placeholders(std::string_view text, std::set<std::string>& names, bool* escaped) {
  scan(
      text, [](std::string_view) {},
      [&](const std::string& name) {
        names.insert(name);
        return true;
      },
      [&] {
        if (escaped) *escaped = true;
      });
}

std::optional<std::string> replace_placeholders(std::string_view text, const std::map<std::string, std::string>& values,
                                                std::string* unknown) {
  std::string out;
  const bool ok = scan(
      text, [&](std::string_view literal) { out += literal; },
      [&](const std::string& name) {
        auto it = values.find(name);
        if (it == values.end()) {
          if (unknown) *unknown = name;
          return false;
        }
        out += it->second;
        return true;
      },
      [] {});
  if (!ok) return std::nullopt;
  return out;
}

std::optional<bson::Document> substitute_placeholders(const bson::Document& doc,
                                                      const std::map<std::string, std::string>& values,
                                                      std::string* unknown) {
  bson::Document out;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return out;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    const bson_type_t type = bson_iter_type(&it);
    if (type == BSON_TYPE_UTF8) {
      auto replaced = replace_placeholders(bson::iter_string(it), values, unknown);
      if (!replaced) return std::nullopt;
      bson::append_string(out, key, *replaced);
    } else if (type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY) {
      auto inner = substitute_placeholders(bson::iter_document(it), values, unknown);
      if (!inner) return std::nullopt;
      if (type == BSON_TYPE_DOCUMENT) {
        bson::append_document(out, key, *inner);
      } else {
        bson::append_array_document(out, key, *inner);
      }
    } else {
      bson::append_value(out, key, it);
    }
  }
  return out;
}

std::vector<std::string> placeholders_used(const Command& command, bool* escaped) {
  std::set<std::string> names;
  collect_in(command.spec, names, escaped);
  return {names.begin(), names.end()};
}

std::vector<std::string> placeholders_used(const Script& script) {
  std::set<std::string> names;
  for (const auto& command : script.commands) collect_in(command.spec, names);
  return {names.begin(), names.end()};
}

bool is_secret_placeholder(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* part : {"pass", "pwd", "secret", "token", "credential", "private", "apikey", "api_key", "api-key"}) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> secret_placeholder_values(const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  for (const auto& [name, value] : values) {
    if (!value.empty() && is_secret_placeholder(name)) out.push_back(value);
  }
  return out;
}

std::string unknown_placeholder_message(const Command& command, const std::string& name) {
  return fmt::format(
      "command {} ({}): unknown placeholder ${{{}}}; define it with --placeholder {}=VALUE or placeholder.{} in "
      "the config file",
      command.index, command.name, name, name, name);
}

}  // namespace mongoway::script
