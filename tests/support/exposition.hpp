#pragma once
// Prometheus' text exposition format 0.0.4, read back strictly, as the tests
// of --metrics-file check what a scraper would see: every line ends with a
// line feed; `# HELP name text` and `# TYPE name type` once per family and
// before its samples; a sample is `name{label="value",...} value`, its label
// values with \\, \" and \n escaped. Anything else is an error of the text.

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mongoway::testing {

struct ExpositionSample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> help;  // by family name
  std::map<std::string, std::string> type;
  std::vector<ExpositionSample> samples;  // in the order of the text
  std::vector<std::string> errors;        // "line N: what"; empty for a valid text

  // The one sample of `name` with exactly these labels; nullopt if none.
  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
};

namespace exposition_detail {

inline bool name_char(char c, bool first) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return letter || (!first && c >= '0' && c <= '9');
}

// A metric or label name at `at`; empty when there is none.
inline std::string read_name(const std::string& line, size_t& at) {
  const size_t start = at;
  while (at < line.size() && name_char(line[at], at == start)) ++at;
  return line.substr(start, at - start);
}

// A quoted label value at `at` (on the opening quote); false when malformed.
inline bool read_label_value(const std::string& line, size_t& at, std::string& value) {
  if (at >= line.size() || line[at] != '"') return false;
  for (++at; at < line.size(); ++at) {
    const char c = line[at];
    if (c == '"') {
      ++at;
      return true;
    }
    if (c != '\\') {
      value += c;
      continue;
    }
    if (++at == line.size()) return false;
    const char e = line[at];
    if (e == '\\') value += '\\';
    else if (e == '"') value += '"';
    else if (e == 'n') value += '\n';
    else return false;
  }
  return false;
}

inline bool read_labels(const std::string& line, size_t& at, std::map<std::string, std::string>& labels) {
  if (at >= line.size() || line[at] != '{') return true;
  ++at;
  while (at < line.size() && line[at] != '}') {
    const std::string name = read_name(line, at);
    if (name.empty() || at >= line.size() || line[at] != '=') return false;
    ++at;
    std::string value;
    if (!read_label_value(line, at, value) || !labels.emplace(name, value).second) return false;
    if (at < line.size() && line[at] == ',') ++at;
  }
  if (at >= line.size()) return false;
  ++at;
  return true;
}

inline std::optional<ExpositionSample> read_sample(const std::string& line) {
  ExpositionSample s;
  size_t at = 0;
  s.name = read_name(line, at);
  if (s.name.empty() || !read_labels(line, at, s.labels)) return std::nullopt;
  if (at >= line.size() || line[at] != ' ') return std::nullopt;
  const std::string value = line.substr(at + 1);
  char* end = nullptr;
  s.value = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size()) return std::nullopt;
  return s;
}

}  // namespace exposition_detail

inline Exposition parse_exposition(const std::string& text) {
  using namespace exposition_detail;
  Exposition out;
  if (!text.empty() && text.back() != '\n') out.errors.emplace_back("the text does not end with a line feed");
  size_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::string where = "line " + std::to_string(++number) + ": ";
    for (const char* kind : {"# HELP ", "# TYPE "}) {
      if (line.rfind(kind, 0) != 0) continue;
      size_t at = 7;
      const std::string name = read_name(line, at);
      auto& seen = kind[2] == 'H' ? out.help : out.type;
      if (name.empty() || at >= line.size() || line[at] != ' ') out.errors.push_back(where + "malformed " + kind);
      else if (!seen.emplace(name, line.substr(at + 1)).second) out.errors.push_back(where + "second " + kind + name);
      for (const auto& s : out.samples) {
        if (s.name == name) out.errors.push_back(where + kind + name + " after its samples");
      }
    }
    if (line.empty() || line[0] == '#') continue;
    if (auto sample = read_sample(line)) out.samples.push_back(std::move(*sample));
    else out.errors.push_back(where + "not a sample: " + line);
  }
  return out;
}

}  // namespace mongoway::testing
