#include "exec/sent_text.hpp"

#include <fmt/format.h>

#include "util/redact.hpp"

namespace mongoway::exec {
namespace {

// 4998 -> "4,998"
std::string grouped(uint64_t number) {
  const std::string digits = std::to_string(number);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The first kShownChars bytes, not splitting a UTF-8 sequence, and how many were left out.
std::string cut(std::string text) {
  if (text.size() <= kShownChars) return text;
  size_t end = kShownChars;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  const size_t left_out = text.size() - end;
  text.resize(end);
  return fmt::format("{} … {} more characters", text, grouped(left_out));
}

// Masked before it is cut, so that no part of a secret is left.
std::string shown(const bson::Document& doc, const std::vector<std::string>& secrets) {
  return cut(redact_secrets(doc.to_json(bson::JsonMode::relaxed), secrets));
}

std::string documents_text(const script::ServerCommand& command, std::optional<uint64_t> total,
                           const std::vector<std::string>& secrets) {
  if (command.documents_file) {
    return fmt::format("[ … {} documents from {} ]", total ? grouped(*total) : std::string("the"),
                       *command.documents_file);
  }
  std::string out = "[ ";
  const size_t count = command.documents.size();
  for (size_t i = 0; i < count && i < kShownDocuments; ++i) {
    out += (i > 0 ? ", " : "") + shown(command.documents[i], secrets);
  }
  if (count > kShownDocuments) out += fmt::format(", … {} more documents", grouped(count - kShownDocuments));
  return out + " ]";
}

}  // namespace

std::string sent_text(const script::ServerCommand& command, std::optional<uint64_t> documents_total,
                      const std::vector<std::string>& secrets) {
  std::string text = shown(command.command, secrets);
  if (!command.is_insert) return text;
  // An insert's documents go in batches beside the command: shown as its
  // "documents" field, as the server reads them.
  const std::string documents = "\"documents\" : " + documents_text(command, documents_total, secrets);
  const size_t close = text.rfind('}');
  if (close == std::string::npos) return text + " " + documents;
  std::string head = text.substr(0, close);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head + (head == "{" ? " " : ", ") + documents + " }";
}

}  // namespace mongoway::exec
