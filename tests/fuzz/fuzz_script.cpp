// libFuzzer target over the migration file reader: strict JSON, command
// validation, rendering, checksums, and the documentsFile stream, with
// differential checks between modes that must agree; and over the
// configuration reader: the same bytes as a mongoway.conf, resolved into
// settings (with a password from the environment) and URIs, checking that only
// mongoway::Error comes out and that the password is never shown.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/config_file.hpp"
#include "cli/settings.hpp"
#include "json/direct_bson.hpp"
#include "json/documents_stream.hpp"
#include "json/json.hpp"
#include "mongo/uri.hpp"
#include "script/checksum.hpp"
#include "script/needs.hpp"
#include "script/placeholders.hpp"
#include "script/reach.hpp"
#include "script/render.hpp"
#include "script/script.hpp"
#include "script/server_profile.hpp"

using namespace mongoway;
using namespace mongoway::script;

namespace {

const DiscoveredFile& fuzz_file() {
  static const DiscoveredFile file = [] {
    DiscoveredFile f;
    f.location = "/nonexistent-mongoway-fuzz";
    f.file_name = "V1__fuzz.json";
    f.path = f.location + "/" + f.file_name;
    f.name.version = 1;
    return f;
  }();
  return file;
}

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// Streams `path` and returns "<count>" or the error text.
std::string stream_outcome(const std::string& path, size_t chunk) {
  json::DocumentStream stream(chunk);
  Diagnostic problem;
  if (!stream.open(path, &problem)) return problem.to_string();
  bson::Document doc;
  for (bool found = true;;) {
    if (!stream.next(doc, &found, &problem)) return problem.to_string();
    if (!found) return std::to_string(stream.count());
    check(doc.size_bytes() >= 5);
  }
}

void fuzz_documents_stream(std::string_view text) {
  static const std::string path = "/tmp/mongoway-fuzz-" + std::to_string(getpid()) + ".ndjson";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  } else {
    return;
  }
  // Chunk boundaries must never change the outcome.
  check(stream_outcome(path, 7) == stream_outcome(path, json::DocumentStream::kDefaultChunkSize));
}

constexpr std::string_view kPassword = "fuzz-Secret:pw@";

// The bytes as a configuration file, then as a URI.
void fuzz_config(std::string_view text) {
  static const std::string path = "/tmp/mongoway-fuzz-" + std::to_string(getpid()) + ".conf";
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  } else {
    return;
  }
  try {
    auto file = cli::read_config_file(path);
    int last = 0;
    for (const auto& entry : file.entries) {
      check(!entry.key.empty() && entry.line > last);
      check(entry.key.find('\n') == std::string::npos && entry.value.find('\n') == std::string::npos);
      last = entry.line;
    }
  } catch (const Error& e) {
    check(e.code() == ExitCode::usage);
  }
  // A password_file could name any file (a FIFO would block): not followed here.
  if (text.find("password_file") != std::string_view::npos) return;
  cli::CommandLine line;
  line.values["config"] = {path};
  const cli::Environment env{[](const std::string& name) -> std::optional<std::string> {
                               if (name == "MONGOWAY_PASSWORD") return std::string(kPassword);
                               return std::nullopt;
                             },
                             nullptr};
  for (bool needs_server : {false, true}) {
    try {
      auto settings = cli::resolve_settings(line, env, needs_server);
      if (text.find("fuzz-Secret") == std::string_view::npos) {
        for (const auto& shown : settings.shown) check(shown.value.find("fuzz-Secret") == std::string::npos);
      }
    } catch (const Error& e) {
      check(e.code() == ExitCode::usage);
      if (text.find("fuzz-Secret") == std::string_view::npos)
        check(std::string(e.what()).find("fuzz-Secret") == std::string::npos);
    }
  }
  (void)mongo::database_in_uri(text);
  (void)mongo::uri_with_password(text, kPassword);
  if (auto uri = mongo::Uri::parse(text)) {
    // The password put in is the one the driver reads back (when it takes
    // one at all: MONGODB-X509 refuses a password).
    if (auto edited = uri->with_password(kPassword)) {
      if (auto reread = mongo::Uri::parse(*edited)) {
        check(reread->password() == std::string(kPassword) && reread->username() == uri->username());
      }
    }
  }
}

// What a valid file needs of its server: each need at one of its commands
// (0: the file), a feature the table or the stages name, and a verdict with
// its reason for every profile; the collections it changes named, or none
// known.
void fuzz_needs(const Script& script) {
  static const std::vector<ServerProfile> profiles = [] {
    std::vector<ServerProfile> out;
    for (const char* name : {"mongodb-3.6", "mongodb-4.4", "mongodb-7.0", "ferretdb-1.24", "ferretdb-9.9"}) {
      std::string err;
      out.push_back(*parse_server_profile(name, &err));
    }
    return out;
  }();
  for (const auto& need : needs_of(script)) {
    check(!need.feature.empty() && need.command_index >= 0 &&
          need.command_index <= static_cast<int>(script.commands.size()));
    check(need.command_index == 0 || need.line >= 1);
    check(need.feature[0] == '$' || find_feature(need.feature) != nullptr);
    for (const auto& profile : profiles) {
      const Support verdict = support(profile, need.feature);
      check(verdict.verdict == Verdict::supported || !verdict.reason.empty());
    }
  }
  if (const auto changed = collections_changed_by(script)) {
    for (const auto& name : *changed) check(!name.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // The validate-only parser agrees with the DOM parser.
  json::ParseError dom_error;
  json::ParseError flat_error;
  json::ParseOptions flat;
  flat.build_dom = false;
  const bool dom_ok = json::parse(text, &dom_error).has_value();
  const bool flat_ok = json::parse(text, flat, &flat_error).has_value();
  check(dom_ok == flat_ok);
  if (!dom_ok) {
    check(dom_error.message == flat_error.message && dom_error.where.offset == flat_error.where.offset &&
          dom_error.where.line == flat_error.where.line && dom_error.where.column == flat_error.where.column);
  }

  // The direct JSON → BSON conversion agrees with the strict parser, and with
  // libbson's reader on every document it converts.
  if (!text.empty() && text[0] == '{') {
    bson::Document direct;
    json::ParseError direct_error;
    bool written = false;
    if (!json::convert_direct(text, flat, direct, &written, &direct_error)) {
      check(!flat_ok && direct_error.message == flat_error.message &&
            direct_error.where.offset == flat_error.where.offset && direct_error.where.line == flat_error.where.line &&
            direct_error.where.column == flat_error.where.column);
    } else if (written) {
      check(flat_ok);
      const auto reference = bson::Document::from_json(text);
      check(reference.has_value() && reference->size_bytes() == direct.size_bytes() &&
            std::memcmp(bson_get_data(reference->get()), bson_get_data(direct.get()), direct.size_bytes()) == 0);
    }
    // From the DOM (a command's path): libbson's bytes too.
    if (auto dom = json::parse(text, &dom_error); dom && dom->kind == json::Kind::object) {
      bson::Document from_dom;
      if (json::convert_direct(*dom, from_dom)) {
        const auto reference = bson::Document::from_json(text);
        check(reference.has_value() && reference->size_bytes() == from_dom.size_bytes() &&
              std::memcmp(bson_get_data(reference->get()), bson_get_data(from_dom.get()), from_dom.size_bytes()) == 0);
      }
    }
  }

  // What the strict parser takes, libbson's reader takes as deep: a too deep
  // text is always the parser's own "nesting deeper than" error.
  if (flat_ok && !text.empty() && text[0] == '{') {
    std::string message;
    if (!bson::Document::from_json_object(text, &message)) check(message.find("LEVELS_EXCEEDED") == std::string::npos);
  }

  // Checksums do not depend on how the text is split.
  ChecksumBuilder split;
  split.add(text.substr(0, size / 2));
  split.add(text.substr(size / 2));
  check(split.finish() == checksum_of_text(text));

  std::vector<Diagnostic> diagnostics;
  auto script = parse_script(text, fuzz_file(), diagnostics);
  bool has_error = false;
  for (const auto& d : diagnostics) {
    has_error = has_error || d.is_error();
    check(!d.to_string().empty());
  }
  check(script.has_value() != has_error);
  if (script) {
    check(!script->commands.empty());
    fuzz_needs(*script);
    RenderContext context;
    context.database = "fuzz";
    context.placeholders = {{"a", "b"}};
    for (const auto& command : script->commands) {
      (void)placeholders_used(command);
      try {
        for (const auto& server : render(*script, command, context)) check(!server.database.empty());
      } catch (const Error&) {
        // unknown placeholders
      }
    }
  }
  fuzz_documents_stream(text);
  fuzz_config(text);
  return 0;
}
