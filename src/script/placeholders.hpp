#pragma once
// ${name} placeholders in string values, replaced at render time.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "mongoway/error.hpp"
#include "script/script.hpp"

namespace mongoway::script {

// Names of the ${name} placeholders in `text` (name: letters, digits, '_', '.', '-').
// "$${" is an escaped "${" (the literal text "${", never a placeholder): it
// sets `*escaped` when given.
void collect_placeholders(std::string_view text, std::set<std::string>& names, bool* escaped = nullptr);

// `text` with every placeholder replaced and every "$${" turned into "${";
// nullopt when a placeholder is not defined
// (its name is then stored in `unknown`).
std::optional<std::string> replace_placeholders(std::string_view text, const std::map<std::string, std::string>& values,
                                                std::string* unknown);

// `doc` with placeholders replaced in every string value (keys are left alone).
std::optional<bson::Document> substitute_placeholders(const bson::Document& doc,
                                                      const std::map<std::string, std::string>& values,
                                                      std::string* unknown);

// Every placeholder used by the commands of `script`, sorted.
std::vector<std::string> placeholders_used(const Script& script);
// The same for one command; `*escaped` is set when one of its strings holds
// an escaped "$${" (the command must then be rendered even without placeholders).
std::vector<std::string> placeholders_used(const Command& command, bool* escaped = nullptr);

// Whether a placeholder's value is a secret, by its name: it holds "pass",
// "pwd", "secret", "token", "credential", "private" or "apikey"/"api_key"/
// "api-key", in any case (db_password, API_TOKEN, s3.secretKey). Its value is
// then masked wherever mongoway prints it or records a message.
bool is_secret_placeholder(std::string_view name);
// The values of the secret placeholders among `values` (the empty ones left out).
std::vector<std::string> secret_placeholder_values(const std::map<std::string, std::string>& values);

// "command N (name): unknown placeholder ${x}; define it with …"
std::string unknown_placeholder_message(const Command& command, const std::string& name);

}  // namespace mongoway::script
