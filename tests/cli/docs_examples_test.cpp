// The README's first session and the man page's EXAMPLES, run as written.
//
// The commands are read from the docs: README.md's code block after "A first
// session", and every .EX block of the man page's EXAMPLES whose commands carry
// a "$ " prompt (the blocks without one are scripts for another machine). They
// run one by one with sh, in a copy of migrations/, against the test server and
// a database of the test's own:
//   - `export NAME=VALUE` sets the variable for the commands after it; a
//     mongodb:// URI becomes the test server's, with the test's database;
//   - `$EDITOR FILE...` writes each file with the content README.md shows for it
//     (the ```json block after the line naming the file);
//   - every other command must succeed and print every line the docs show after
//     it, in that order (other lines may come between them); only durations,
//     URIs and the database's name may differ. README.md shows no output: what
//     a command's comment names (a file such as V7__x.json, a version such as
//     U7) must be in what it prints.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "../support/test_server.hpp"
#include "runner.hpp"

namespace mongoway::cli_test {
namespace {

namespace fs = std::filesystem;

// A command of the docs and what they show it printing.
struct Step {
  std::string command{};
  std::vector<std::string> shown_lines{};  // the man page: its output, line by line
  std::vector<std::string> named{};        // README.md: the files and versions its comment names
};

std::string source_file(const std::string& relative) {
  return read_file(std::string(MONGOWAY_SOURCE_DIR) + "/" + relative);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// ---------------------------------------------------------------- README.md

// The lines of the fenced block that starts at the first line beginning with
// `fence` at or after `from`; empty when there is none.
std::vector<std::string> fenced_block(const std::vector<std::string>& lines, size_t from, const std::string& fence) {
  std::vector<std::string> block;
  while (from < lines.size() && !starts_with(lines[from], fence)) ++from;
  for (size_t i = from + 1; i < lines.size() && !starts_with(lines[i], "```"); ++i) block.push_back(lines[i]);
  return block;
}

std::vector<Step> readme_first_session(const std::string& readme) {
  const auto lines = lines_of(readme);
  size_t start = 0;
  while (start < lines.size() && lines[start].find("A first session") == std::string::npos) ++start;
  std::vector<Step> steps;
  const std::regex name("\\b[VU][0-9]+(__[A-Za-z0-9_]+\\.json)?\\b");
  for (const auto& line : fenced_block(lines, start, "```sh")) {
    const auto comment = line.find(" #");
    Step step{.command = trimmed(line.substr(0, comment))};
    if (step.command.empty()) continue;
    const std::string said = comment == std::string::npos ? "" : line.substr(comment);
    for (std::sregex_iterator it(said.begin(), said.end(), name), end; it != end; ++it) step.named.push_back(it->str());
    steps.push_back(step);
  }
  return steps;
}

// What README.md shows as the content of `file`: the ```json block after the
// first line naming it in backquotes (the session names it without them).
std::string readme_file_content(const std::string& readme, const std::string& file) {
  const auto lines = lines_of(readme);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("`" + file + "`") == std::string::npos) continue;
    std::string content;
    for (const auto& line : fenced_block(lines, i + 1, "```json")) content += line + "\n";
    return content;
  }
  return "";
}

// ---------------------------------------------------------------- man page

std::string roff_to_text(std::string line) {
  static const std::vector<std::pair<std::string, std::string>> escapes{{"\\-", "-"}, {"\\(aq", "'"}, {"\\(dq", "\""},
                                                                        {"\\%", ""},  {"\\&", ""},    {"\\e", "\\"}};
  for (const auto& [escape, text] : escapes) {
    for (auto at = line.find(escape); at != std::string::npos; at = line.find(escape, at + text.size())) {
      line.replace(at, escape.size(), text);
    }
  }
  return line;
}

// The steps of one .EX block: a "$ " line is a command (a trailing backslash
// continues it on the next line), the lines after it its output.
void add_example_steps(const std::vector<std::string>& block, std::vector<Step>& steps) {
  for (size_t i = 0; i < block.size(); ++i) {
    if (!starts_with(block[i], "$ ")) {
      steps.back().shown_lines.push_back(block[i]);
      continue;
    }
    std::string command = block[i].substr(2);
    while (!command.empty() && command.back() == '\\' && i + 1 < block.size()) {
      command.pop_back();
      command += block[++i];
    }
    steps.push_back({.command = trimmed(command)});
  }
}

std::vector<Step> man_page_examples(const std::string& man) {
  const auto begin = man.find("\n.SH EXAMPLES\n");
  const auto end = man.find("\n.SH ", begin + 1);
  if (begin == std::string::npos) return {};
  std::vector<Step> steps;
  std::vector<std::string> block;
  bool in_block = false;
  for (const auto& line : lines_of(man.substr(begin, end - begin))) {
    if (line == ".EX" || line == ".EE") {
      if (line == ".EE" && !block.empty() && starts_with(block.front(), "$ ")) add_example_steps(block, steps);
      in_block = line == ".EX";
      block.clear();
    } else if (in_block) {
      block.push_back(roff_to_text(line));
    }
  }
  return steps;
}

// ---------------------------------------------------------------- running them

class DocsExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    m_uri = mongoway::testing::test_server_uri();
    static int counter = 0;
    m_database = "mongoway_docs_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    fs::copy(std::string(MONGOWAY_SOURCE_DIR) + "/migrations", m_dir / "migrations", fs::copy_options::recursive);
    const std::string binary_dir = fs::path(MONGOWAY_BINARY).parent_path().string();
    const char* path = std::getenv("PATH");
    m_env["PATH"] = binary_dir + ":" + (path != nullptr ? path : "/usr/bin:/bin");
  }

  void TearDown() override {
    if (m_docs_database.empty()) return;
    auto env = m_env;
    env["MONGOWAY_CLEAN_ENABLED"] = "true";
    auto run = mongoway({"clean", "--yes"}, {.env = env, .cwd = m_dir.path()});
    if (run.exit_code != 0) std::cout << "could not clean " << m_database << ": " << run.err;
  }

  void run_all(const std::vector<Step>& steps) {
    ASSERT_FALSE(steps.empty()) << "no commands found in the docs";
    for (const auto& step : steps) {
      SCOPED_TRACE("$ " + step.command);
      if (starts_with(step.command, "export ")) {
        export_variable(step.command.substr(7));
      } else if (starts_with(step.command, "$EDITOR ")) {
        ASSERT_NO_FATAL_FAILURE(edit(step.command.substr(8)));
      } else {
        ASSERT_NO_FATAL_FAILURE(run(step));
      }
    }
  }

 private:
  // The docs' URI (mongodb://127.0.0.1:27017/shop) becomes the test server's,
  // with the test's database as its path.
  void export_variable(const std::string& assignment) {
    const auto equals = assignment.find('=');
    ASSERT_NE(equals, std::string::npos) << assignment;
    std::string value = assignment.substr(equals + 1);
    if (starts_with(value, "mongodb://")) {
      const auto path = value.find('/', 10);
      m_docs_database = path == std::string::npos ? "" : value.substr(path + 1, value.find('?', path) - path - 1);
      ASSERT_FALSE(m_docs_database.empty()) << "the docs' URI names no database: " << value;
      value = test_uri();
    }
    m_env[assignment.substr(0, equals)] = value;
  }

  std::string test_uri() const {
    const auto query = m_uri.find('?');
    std::string base = m_uri.substr(0, query);
    if (base.back() != '/') base += '/';
    return base + m_database + (query == std::string::npos ? "" : m_uri.substr(query));
  }

  void edit(const std::string& files) {
    std::istringstream in(files);
    for (std::string file; in >> file;) {
      const std::string content = readme_file_content(source_file("README.md"), file);
      ASSERT_FALSE(content.empty()) << "README.md shows no ```json content for " << file;
      m_dir.write(file, content);
    }
  }

  void run(const Step& step) {
    auto printed = program({"sh", "-c", step.command},
                           {.env = m_env, .cwd = m_dir.path(), .timeout = std::chrono::seconds(120)});
    ASSERT_EQ(printed.exit_code, 0) << printed.out << printed.err;
    const std::string all = printed.out + printed.err;
    for (const auto& name : step.named) {
      EXPECT_TRUE(all.find(name) != std::string::npos) << "its comment names " << name << ", not printed:\n" << all;
    }
    std::vector<std::string> actual;
    for (const auto& line : lines_of(all)) actual.push_back(normalised(line));
    size_t next = 0;
    for (const auto& shown : step.shown_lines) {
      const auto found = std::find(actual.begin() + static_cast<std::ptrdiff_t>(next), actual.end(), normalised(shown));
      ASSERT_TRUE(found != actual.end()) << "the docs show this line, not printed (or not in this order):\n  " << shown
                                         << "\nprinted:\n"
                                         << all;
      next = static_cast<size_t>(found - actual.begin()) + 1;
    }
  }

  // Durations and URIs as placeholders, the test's database under the docs' name.
  std::string normalised(std::string line) const {
    static const std::regex duration("\\b[0-9]+(\\.[0-9]+)? ?(ms|s|min)\\b");
    static const std::regex uri("mongodb(\\+srv)?://[^ ]*");
    for (auto at = line.find(m_database); at != std::string::npos; at = line.find(m_database, at)) {
      line.replace(at, m_database.size(), m_docs_database);
    }
    line = std::regex_replace(line, duration, "<duration>");
    return trimmed(std::regex_replace(line, uri, "<uri>"));
  }

  std::string m_uri;
  std::string m_database;
  std::string m_docs_database;  // the database of the docs' URI ("shop")
  std::map<std::string, std::string> m_env;
  TempDir m_dir;
};

TEST_F(DocsExamples, ReadmeFirstSessionRunsAsWritten) {
  const auto steps = readme_first_session(source_file("README.md"));
  ASSERT_GE(steps.size(), 5u) << "README.md: no first session found";
  run_all(steps);
}

TEST_F(DocsExamples, ManPageExamplesRunAsWritten) {
  const auto steps = man_page_examples(source_file("man/mongoway.1"));
  ASSERT_GE(steps.size(), 5u) << "man/mongoway.1: no EXAMPLES found";
  run_all(steps);
}

}  // namespace
}  // namespace mongoway::cli_test
