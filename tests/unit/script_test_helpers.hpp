#pragma once
// Shared helpers of the script unit tests: temporary directories, in-memory
// parsing, exact document comparison.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "script/render.hpp"
#include "script/script.hpp"

namespace mongoway::script::testing {

// A fresh directory, removed with its content at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mongoway-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::string str() const { return m_path.string(); }
  // Writes `content` to `relative` (parent directories created); returns the full path.
  std::string write(const std::string& relative, const std::string& content) const {
    const auto full = m_path / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary);
    out << content;
    return full.string();
  }

 private:
  std::filesystem::path m_path;
};

inline DiscoveredFile memory_file(const std::string& location = "migrations",
                                  const std::string& name = "V1__test.json") {
  DiscoveredFile file;
  file.location = location;
  file.file_name = name;
  file.path = location + "/" + name;
  std::string warning, error;
  if (auto parsed = parse_file_name(name, &warning, &error)) file.name = *parsed;
  return file;
}

// "file:line:col: error: message" lines of all diagnostics.
inline std::string diagnostics_text(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// Parses `content` as migrations/V1__test.json; diagnostics go to `diagnostics`.
inline std::optional<Script> parse_text(const std::string& content, std::vector<Diagnostic>& diagnostics,
                                        const DiscoveredFile& file = memory_file()) {
  return parse_script(content, file, diagnostics);
}

// The canonical Extended JSON of `json` parsed by libbson (types made explicit).
inline std::string canonical(const std::string& json) {
  std::string error;
  auto doc = bson::Document::from_json(json, &error);
  if (!doc) return "<invalid expected JSON: " + error + ">";
  return doc->to_json(bson::JsonMode::canonical);
}

// Renders the only command of `commands_json` (a file's content).
inline std::vector<ServerCommand> render_only(const std::string& commands_json, const RenderContext& context) {
  std::vector<Diagnostic> diagnostics;
  auto script = parse_text(commands_json, diagnostics);
  if (!script) {
    ADD_FAILURE() << "does not parse:\n" << diagnostics_text(diagnostics);
    return {};
  }
  EXPECT_EQ(script->commands.size(), 1u);
  return render(*script, script->commands.front(), context);
}

}  // namespace mongoway::script::testing
