#include "script/reach.hpp"

#include <bson/bson.h>

#include "script/commands.hpp"

namespace mongoway::script {
namespace {

// A string field's value; nullopt when it is missing, not a string, or made
// with a placeholder (its value is known only once rendered).
std::optional<std::string> literal_name(const bson::Document& spec, const char* field) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, spec.get(), field) || !BSON_ITER_HOLDS_UTF8(&it)) return std::nullopt;
  std::string name = bson_iter_utf8(&it, nullptr);
  if (name.find("${") != std::string::npos) return std::nullopt;
  return name;
}

// Whether a pipeline has a stage that writes to a collection of its choice.
bool pipeline_writes(const bson::Document& spec) {
  bson_iter_t it, stages;
  if (!bson_iter_init_find(&it, spec.get(), "pipeline") || !BSON_ITER_HOLDS_ARRAY(&it)) return false;
  if (!bson_iter_recurse(&it, &stages)) return false;
  while (bson_iter_next(&stages)) {
    bson_iter_t stage;
    if (BSON_ITER_HOLDS_DOCUMENT(&stages) && bson_iter_recurse(&stages, &stage) && bson_iter_next(&stage)) {
      const std::string_view name = bson_iter_key(&stage);
      if (name == "$out" || name == "$merge") return true;
    }
  }
  return false;
}

// Adds what `command` can change to `out`; false when that is not known.
bool add_changed(const Command& command, std::set<std::string>& out) {
  const CommandSpec* spec = find_command(command.name);
  if (spec == nullptr || spec->target == "command") return false;
  if (command.name == "aggregate" && pipeline_writes(command.spec)) return false;
  const auto target = literal_name(command.spec, command.name.c_str());
  if (!target) return false;
  out.insert(*target);
  if (command.name == "renameCollection") {
    const auto to = literal_name(command.spec, "to");
    if (!to) return false;
    out.insert(*to);
  }
  return true;
}

}  // namespace

std::optional<std::set<std::string>> collections_changed_by(const Script& script) {
  std::set<std::string> out;
  for (const auto& command : script.commands) {
    if (!add_changed(command, out)) return std::nullopt;
  }
  return out;
}

}  // namespace mongoway::script
