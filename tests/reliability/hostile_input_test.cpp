// Scenario 5: hostile input. The invalid-file corpus and a set of generated
// mutations (truncated, bit-flipped, NUL bytes, invalid UTF-8, 10,000-deep
// nesting, 100 MB strings, symlinks out of the location, documentsFile with
// ../, special files) must each end with a clear error and exit 3: no crash,
// no hang, and nothing sent to the server.
//
// Every case is checked with `lint` (it never connects); the corpus, every
// special case and a random sample of the rest also with `migrate -v` against
// the server, comparing a snapshot of the database before and after and
// checking that no history or lock collection appeared and no command was sent.

#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "../support/process.hpp"
#include "reliability.hpp"

namespace mongoway::testing {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string kind;                        // what was done to the files
  std::string location;                    // the directory given with -l
  bool special = false;                    // always also run with migrate
  std::map<std::string, std::string> env;  // e.g. a larger max_file_size
  int expected_exit = 3;
};

std::string random_word(size_t length) {
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
  std::string w;
  for (size_t i = 0; i < length; ++i) w += letters[random_between(0, 25)];
  return w;
}

class Hostile : public Reliability {
 protected:
  void SetUp() override {
    Reliability::SetUp();
    m_root = temp_dir();
    m_outside = m_root + "/outside";
    fs::create_directories(m_outside);
    write_file(m_outside + "/V1__outside.json", R"([{"insertOne": "c", "document": {"x": 1}}])"
                                                "\n");
    write_file(m_outside + "/seed.ndjson", "{\"x\": 1}\n{\"x\": 2}\n");
    for (const auto& dir : {std::string(MONGOWAY_SOURCE_DIR) + "/migrations",
                            std::string(MONGOWAY_SOURCE_DIR) + "/tests/data/valid/shop"}) {
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        auto text = read_file(entry.path().string());
        if (text.find("documentsFile") == std::string::npos) m_bases.push_back(text);
      }
    }
    ASSERT_GE(m_bases.size(), 8u);
  }

  // A new location holding `files` (name -> content).
  Case make(const std::string& kind, const std::map<std::string, std::string>& files, bool special = false) {
    Case c;
    c.kind = kind;
    c.special = special;
    c.location = fmt::format("{}/case{}", m_root, m_next++);
    fs::create_directories(c.location);
    for (const auto& [name, content] : files) write_file(c.location + "/" + name, content);
    return c;
  }

  const std::string& base() { return m_bases[random_between(0, static_cast<int64_t>(m_bases.size()) - 1)]; }

  std::vector<Case> generate(int n_random) {
    std::vector<Case> cases;
    // Byte-level mutations of valid files, each certain to make the file invalid.
    for (int i = 0; i < n_random; ++i) {
      std::string text = base();
      std::string kind;
      switch (i % 8) {
        case 0: {  // truncated before its closing bracket
          const size_t last = text.find_last_not_of(" \n\r\t");
          text.resize(static_cast<size_t>(random_between(0, static_cast<int64_t>(last) - 1)));
          kind = "truncated";
          break;
        }
        case 1:
        case 2: {  // the high bit of an ASCII byte set: never valid UTF-8 there
          std::vector<size_t> ascii;
          for (size_t p = 0; p < text.size(); ++p) {
            if (static_cast<unsigned char>(text[p]) < 0x80) ascii.push_back(p);
          }
          const size_t p = ascii[random_between(0, static_cast<int64_t>(ascii.size()) - 1)];
          text[p] = static_cast<char>(static_cast<unsigned char>(text[p]) | 0x80);
          kind = "bit-flipped";
          break;
        }
        case 3: {  // a NUL byte inserted or overwriting
          const size_t p = random_between(0, static_cast<int64_t>(text.size()) - 1);
          if (random_between(0, 1)) text.insert(p, 1, '\0');
          else text[p] = '\0';
          kind = "NUL byte";
          break;
        }
        case 4: {  // another control character (not whitespace)
          static const char controls[] = {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 20, 27, 31};
          const size_t p = random_between(0, static_cast<int64_t>(text.size()) - 1);
          text.insert(p, 1, controls[random_between(0, sizeof controls - 1)]);
          kind = "control character";
          break;
        }
        case 5: {  // an invalid UTF-8 sequence inside a string value
          static const std::vector<std::string> bad = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                                       "\x80",     "\xBF",         "\xFE",         "\xFF",
                                                       "\xE2\x82", "\xF0\x9F\x98", "\xC3",         "\xC3\x28"};
          std::vector<size_t> quotes;
          for (size_t p = 0; p < text.size(); ++p) {
            if (text[p] == '"') quotes.push_back(p + 1);
          }
          const size_t p = quotes[random_between(0, static_cast<int64_t>(quotes.size()) - 1)];
          text.insert(p, bad[random_between(0, static_cast<int64_t>(bad.size()) - 1)]);
          kind = "invalid UTF-8";
          break;
        }
        case 6: {  // a structural character removed
          std::vector<size_t> structural;
          for (size_t p = 0; p < text.size(); ++p) {
            if (std::string_view("{}[]:\"").find(text[p]) != std::string_view::npos) structural.push_back(p);
          }
          text.erase(structural[random_between(0, static_cast<int64_t>(structural.size()) - 1)], 1);
          kind = "structure broken";
          break;
        }
        default:
          kind = "semantic";
          text = semantic_mutation();
          break;
      }
      cases.push_back(make(kind, {{"V1__m.json", text}}));
    }

    // Deep nesting: 10,000 levels (and more), where values go and at the top.
    const std::string deep_array = std::string(10000, '[') + "1" + std::string(10000, ']');
    std::string deep_object;
    for (int i = 0; i < 10000; ++i) deep_object += "{\"a\": ";
    deep_object += "1" + std::string(10000, '}');
    cases.push_back(make("10,000-deep array in a document",
                         {{"V1__m.json", R"([{"insertOne": "c", "document": {"x": )" + deep_array + "}}]"}}, true));
    cases.push_back(make("10,000-deep object in a filter",
                         {{"V1__m.json", R"([{"deleteMany": "c", "filter": )" + deep_object + "}]"}}, true));
    cases.push_back(make("10,000-deep array at the top", {{"V1__m.json", deep_array}}, true));
    cases.push_back(make("10,000 unclosed brackets", {{"V1__m.json", std::string(10000, '[')}}, true));
    cases.push_back(make("1,000,000 unclosed brackets", {{"V1__m.json", std::string(1000000, '[')}}, true));
    cases.push_back(make("10,000-deep document in a documentsFile",
                         {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"},
                          {"seed.ndjson", "{\"x\": 1}\n{\"x\": " + deep_object + "}\n"}},
                         true));
    cases.push_back(make("10,000-deep array in a runCommand",
                         {{"V1__m.json", R"([{"runCommand": {"ping": )" + deep_array + "}}]"}}, true));

    // documentsFile paths out of the location.
    for (const std::string path : {"../seed.ndjson", "../outside/seed.ndjson", "sub/../../outside/seed.ndjson",
                                   "./../outside/seed.ndjson", "..", "../../../../../../../../etc/passwd",
                                   "sub/..//../outside/seed.ndjson", "/etc/passwd", "", ".", "sub", "missing.ndjson"}) {
      auto c = make("documentsFile \"" + path + "\"",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": ")" + path + R"("}])"}}, true);
      fs::create_directories(c.location + "/sub");
      cases.push_back(c);
    }

    // Symlinks pointing outside the location.
    {
      auto c = make("migration file symlinked outside", {}, true);
      fs::create_symlink(m_outside + "/V1__outside.json", c.location + "/V1__m.json");
      cases.push_back(c);
    }
    {
      auto c = make("documentsFile symlinked outside",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"}}, true);
      fs::create_symlink(m_outside + "/seed.ndjson", c.location + "/seed.ndjson");
      cases.push_back(c);
    }
    {
      auto c = make("documentsFile in a directory symlinked outside",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "data/seed.ndjson"}])"}}, true);
      fs::create_directory_symlink(m_outside, c.location + "/data");
      cases.push_back(c);
    }
    {
      auto c = make("documentsFile symlinked to /etc/passwd",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"}}, true);
      fs::create_symlink("/etc/passwd", c.location + "/seed.ndjson");
      cases.push_back(c);
    }
    {
      auto c = make("dangling migration file symlink", {}, true);
      fs::create_symlink(c.location + "/nowhere.json", c.location + "/V1__m.json");
      cases.push_back(c);
    }
    {
      auto c = make("migration file symlink loop", {}, true);
      fs::create_symlink(c.location + "/V1__m.json", c.location + "/V1__m.json");
      cases.push_back(c);
    }

    // Special files where a migration file is expected.
    {
      auto c = make("migration file is a FIFO", {}, true);
      mkfifo((c.location + "/V1__m.json").c_str(), 0600);
      cases.push_back(c);
    }
    {
      auto c = make("documentsFile is a FIFO",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"}}, true);
      mkfifo((c.location + "/seed.ndjson").c_str(), 0600);
      cases.push_back(c);
    }
    {
      auto c = make("migration file is a directory", {}, true);
      fs::create_directories(c.location + "/V1__m.json");
      cases.push_back(c);
    }
    {
      auto c = make("migration file is /dev/zero", {}, true);
      fs::create_symlink("/dev/zero", c.location + "/V1__m.json");
      cases.push_back(c);
    }
    {
      auto c = make("documentsFile is /dev/zero",
                    {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"}}, true);
      fs::create_symlink("/dev/zero", c.location + "/seed.ndjson");
      cases.push_back(c);
    }
    {
      Case c;
      c.kind = "location is missing";
      c.special = true;
      c.location = m_root + "/no-such-location";
      cases.push_back(c);
    }
    {
      Case c;
      c.kind = "location is a file";
      c.special = true;
      c.location = m_outside + "/seed.ndjson";
      cases.push_back(c);
    }
    cases.push_back(make("UTF-16 file", {{"V1__m.json", std::string("\xFF\xFE[\0]\0", 6)}}, true));
    cases.push_back(make("random binary", {{"V1__m.json", random_bytes(4096)}}, true));

    // documentsFile contents mutated (the migration file itself is valid).
    const std::string seed =
        "{\"_id\": 1, \"name\": \"a\"}\n{\"_id\": 2, \"name\": \"b\"}\n{\"_id\": 3, \"name\": \"c\"}\n";
    const std::string use_seed = R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])";
    for (int i = 0; i < std::max(10, n_random / 20); ++i) {
      std::string text = seed;
      std::string kind;
      switch (i % 4) {
        case 0: {  // cut inside a document, not at a line end
          size_t p;
          do p = random_between(1, static_cast<int64_t>(text.size()) - 2);
          while (text[p - 1] == '\n' || text[p] == '\n');
          text.resize(p);
          kind = "documentsFile truncated";
          break;
        }
        case 1: {
          size_t p;
          do p = random_between(0, static_cast<int64_t>(text.size()) - 1);
          while (text[p] == '\n');
          text[p] = static_cast<char>(static_cast<unsigned char>(text[p]) | 0x80);
          kind = "documentsFile bit-flipped";
          break;
        }
        case 2:
          text.insert(random_between(0, static_cast<int64_t>(text.size()) - 1), 1, '\0');
          kind = "documentsFile NUL byte";
          break;
        default:
          text.insert(text.find("\"a\"") + 2, "\xED\xA0\x80");
          kind = "documentsFile invalid UTF-8";
          break;
      }
      cases.push_back(make(kind, {{"V1__m.json", use_seed}, {"seed.ndjson", text}}));
    }
    return cases;
  }

  // A command that is wrong in a way the validator must catch.
  std::string semantic_mutation() {
    const std::string coll = random_word(random_between(1, 12));
    const int64_t number = random_between(-1000000, 1000000);
    switch (random_between(0, 11)) {
      case 0: return fmt::format(R"([{{"{}Collection": "{}"}}])", random_word(6), coll);
      case 1: return fmt::format(R"([{{"insertOne": "{}"}}])", coll);
      case 2: return fmt::format(R"([{{"insertOne": {}, "document": {{}}}}])", number);
      case 3: return fmt::format(R"([{{"updateMany": "{}", "filter": {{}}, "update": {{}}}}])", coll);
      case 4: return fmt::format(R"([{{"createIndex": "{}", "key": {{}}}}])", coll);
      case 5: return fmt::format(R"([{{"dropCollection": "{}", "{}": {}}}])", coll, random_word(8), number);
      case 6: return fmt::format(R"([{{"insertOne": "{}", "document": {{"a": {}, "a": 2}}}}])", coll, number);
      case 7:
        return fmt::format(R"({{"transaction": "{}", "commands": [{{"dropCollection": "{}"}}]}})", random_word(4),
                           coll);
      case 8:
        return fmt::format(R"([{{"updateOne": "{}", "filter": {{}}, "update": {{"{}": 1}}}}])", coll, random_word(5));
      case 9: return fmt::format(R"([{{"insertMany": "{}", "documents": [{}]}}])", coll, number);
      case 10: return "[]";
      default: return fmt::format(R"([{{"renameCollection": "{}"}}])", coll);
    }
  }

  static std::string random_bytes(size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(random_between(0, 255));
    s[0] = '\x01';  // never a JSON value's first byte
    return s;
  }

  // The 100 MB cases, written one at a time and deleted after use.
  std::vector<std::function<Case()>> huge_cases(const std::string& big) {
    std::vector<std::function<Case()>> out;
    out.push_back([this, &big] {
      return make("100 MB string in a migration file",
                  {{"V1__m.json", R"([{"insertOne": "c", "document": {"s": ")" + big + "\"}}]"}}, true);
    });
    out.push_back([this, &big] {
      auto c = make("100 MB string in a migration file, max_file_size 1GiB",
                    {{"V1__m.json", R"([{"insertOne": "c", "document": {"s": ")" + big + "\"}}]"}}, true);
      c.env = {{"MONGOWAY_MAX_FILE_SIZE", "1GiB"}};
      return c;
    });
    out.push_back([this, &big] {
      return make("100 MB string in a documentsFile",
                  {{"V1__m.json", R"([{"insertMany": "c", "documentsFile": "seed.ndjson"}])"},
                   {"seed.ndjson", "{\"x\": 1}\n{\"s\": \"" + big + "\"}\n"}},
                  true);
    });
    out.push_back([this, &big] {
      return make("100 MB key in a migration file",
                  {{"V1__m.json", R"([{"insertOne": "c", "document": {")" + big + "\": 1}}]"}}, true);
    });
    return out;
  }

  std::string m_root;
  std::string m_outside;
  std::vector<std::string> m_bases;
  int m_next = 0;
};

TEST_F(Hostile, EveryHostileInputIsRefusedWithoutTouchingTheServer) {
  Scenario s("hostile input");
  const std::string database = trial_db();
  auto& c = client();
  // A database with something in it, so that "unchanged" means something.
  c.run_write(database, json(R"({"insert": "sentinel", "documents": [{"_id": 1, "keep": true}]})"));
  const std::string before = snapshot_of(c, database);

  int lints = 0, migrates = 0, corpus = 0, warnings_only = 0;
  double slowest = 0;
  std::string slowest_kind;
  std::map<std::string, int> kinds;

  auto check = [&](const Case& k, bool with_migrate) {
    s.trial();
    ++kinds[k.kind.rfind("documentsFile \"", 0) == 0 ? "documentsFile path" : k.kind];
    auto lint = run_mongoway({"-l", k.location, "lint"}, Seconds(120), k.env);
    ++lints;
    if (lint.seconds > slowest) {
      slowest = lint.seconds;
      slowest_kind = k.kind;
    }
    auto verdict = [&](const Outcome& o, const std::string& command) {
      if (o.timed_out) {
        s.fail(fmt::format("{} ({}): hangs: {}", k.kind, command, o.describe()));
      } else if (o.signalled()) {
        s.fail(fmt::format("{} ({}): crashed: {}", k.kind, command, o.describe()));
      } else if (o.exit_code != k.expected_exit) {
        s.fail(fmt::format("{} ({}): expected exit {}: {} in {}", k.kind, command, k.expected_exit, o.describe(),
                           k.location));
      } else if (k.expected_exit == 3 && ((o.out + o.err).find("error") == std::string::npos ||
                                          (o.out + o.err).find("internal error") != std::string::npos)) {
        s.fail(fmt::format("{} ({}): no clear error: {}", k.kind, command, o.describe()));
      }
    };
    verdict(lint, "lint");
    if (!with_migrate) return;
    auto migrate = run_mongoway({"-u", server_uri(), "-d", database, "-l", k.location, "-v", "migrate"}, Seconds(120),
                                k.env);
    ++migrates;
    verdict(migrate, "migrate");
    // -v says when the server is first used, and shows each command sent.
    if (migrate.err.find("mongoway: connecting to ") != std::string::npos) {
      s.fail(fmt::format("{}: migrate connected to the server: {}", k.kind, migrate.err.substr(0, 2000)));
    }
    const auto after = snapshot_of(c, database);
    if (after != before) {
      s.fail(fmt::format("{}: the database changed: {}", k.kind, after.substr(0, 2000)));
      drop_database(c, database);
      c.run_write(database, json(R"({"insert": "sentinel", "documents": [{"_id": 1, "keep": true}]})"));
    }
  };

  // The invalid corpus: every case, with lint and migrate.
  const std::string corpus_dir = std::string(MONGOWAY_SOURCE_DIR) + "/tests/data/invalid";
  std::set<std::string> with_errors;
  {
    std::ifstream expected(corpus_dir + "/EXPECTED.txt");
    std::string line;
    while (std::getline(expected, line)) {
      auto tab = line.find('\t');
      if (tab != std::string::npos && line.find(": error:", tab) != std::string::npos)
        with_errors.insert(line.substr(0, tab));
    }
  }
  for (const auto& entry : fs::directory_iterator(corpus_dir)) {
    if (!entry.is_directory()) continue;
    Case k;
    k.kind = "corpus " + entry.path().filename().string();
    k.location = entry.path().string();
    ++corpus;
    if (!with_errors.count(entry.path().filename().string())) {
      // Warnings only (e.g. names that look like a mistake): lint passes, and
      // its valid files could be migrated, so migrate is not run.
      k.expected_exit = 0;
      ++warnings_only;
      check(k, false);
      kinds.erase(k.kind);
      continue;
    }
    check(k, true);
    kinds.erase(k.kind);
  }

  // Generated mutations.
  const int n_random = trials(440, 640);
  const double sample = full_mode() ? 0.3 : 0.08;
  auto cases = generate(n_random);
  for (const auto& k : cases) {
    check(k, k.special || std::uniform_real_distribution<double>(0, 1)(rng()) < sample);
    std::error_code ignored;
    if (k.location.rfind(m_root + "/case", 0) == 0) fs::remove_all(k.location, ignored);
  }
  int huge = 0;
  const std::string big(100u << 20, 'x');
  for (auto& make_case : huge_cases(big)) {
    auto k = make_case();
    check(k, true);
    ++huge;
    std::error_code ignored;
    fs::remove_all(k.location, ignored);
  }

  const auto names = collection_names(c, database);
  if (names != std::vector<std::string>{"sentinel"})
    s.fail("collections appeared: " + fmt::format("{}", fmt::join(names, ", ")));
  std::string by_kind;
  for (const auto& [kind, n] : kinds) by_kind += fmt::format("{}{} {}", by_kind.empty() ? "" : ", ", n, kind);
  s.report(fmt::format("{} corpus cases ({} with warnings only, exit 0) and {} generated cases ({} of 100 MB); {} "
                       "lint and {} migrate runs; every invalid case exit 3 with an error, no crash, no hang, database "
                       "unchanged and no command sent; slowest {} ({})",
                       corpus, warnings_only, static_cast<int>(cases.size()) + huge, huge, lints, migrates,
                       format_seconds(slowest), slowest_kind));
  std::printf("  generated: %s\n", by_kind.c_str());
}

}  // namespace
}  // namespace mongoway::testing
