// The invalid corpus: every directory under tests/data/invalid/ is a migration
// location holding broken files, and tests/data/invalid/EXPECTED.txt lists,
// one line per diagnostic, "<case><TAB><exact diagnostic>" with file paths
// relative to the case directory. Adding a case: a directory plus its lines.
// MONGOWAY_PRINT_CORPUS=1 prints what each case produces, in that format.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "script/script.hpp"

namespace mongoway::script {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(MONGOWAY_SOURCE_DIR) / "tests" / "data" / "invalid";

struct Manifest {
  std::vector<std::string> order;  // cases in the order of the file
  std::map<std::string, std::vector<std::string>> expected;
};

Manifest read_manifest() {
  Manifest manifest;
  std::ifstream in(kCorpus / "EXPECTED.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      ADD_FAILURE() << "EXPECTED.txt: line without a tab: " << line;
      continue;
    }
    const std::string name = line.substr(0, tab);
    if (!manifest.expected.count(name)) manifest.order.push_back(name);
    manifest.expected[name].push_back(line.substr(tab + 1));
  }
  return manifest;
}

// The diagnostics of one case, with the case directory removed from paths.
std::vector<std::string> run_case(const std::string& name) {
  const std::string location = (kCorpus / name).string();
  LoadOptions options;
  options.notes = true;  // what lint prints
  LoadResult result = load_all({location}, options);
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) {
    std::string text = d.to_string();
    const std::string prefix = location + "/";
    for (size_t pos; (pos = text.find(prefix)) != std::string::npos;) text.erase(pos, prefix.size());
    out.push_back(text);
  }
  return out;
}

std::vector<std::string> case_directories() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ScriptInvalidCorpus, EveryCaseGivesExactlyItsExpectedDiagnostics) {
  if (std::getenv("MONGOWAY_PRINT_CORPUS")) {
    for (const auto& name : case_directories()) {
      for (const auto& line : run_case(name)) std::cout << name << '\t' << line << '\n';
    }
  }
  const Manifest manifest = read_manifest();
  EXPECT_GE(manifest.order.size(), 60u);
  for (const auto& name : manifest.order) {
    SCOPED_TRACE("case " + name);
    ASSERT_TRUE(fs::is_directory(kCorpus / name)) << "no directory for case " << name;
    EXPECT_EQ(run_case(name), manifest.expected.at(name));
  }
}

TEST(ScriptInvalidCorpus, EveryDirectoryIsListedAndHasAnError) {
  const Manifest manifest = read_manifest();
  for (const auto& name : case_directories()) {
    SCOPED_TRACE("case " + name);
    EXPECT_TRUE(manifest.expected.count(name)) << "case directory without expectations in EXPECTED.txt";
    const auto diagnostics = run_case(name);
    const bool has_problem = std::any_of(diagnostics.begin(), diagnostics.end(), [](const std::string& d) {
      return d.find(": error: ") != std::string::npos || d.find(": warning: ") != std::string::npos;
    });
    EXPECT_TRUE(has_problem);
  }
}

}  // namespace
}  // namespace mongoway::script
