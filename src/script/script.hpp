#pragma once
// Migration files: names, discovery, parsing, strict validation, checksums.
// Pure: reads files, never talks to a server.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "mongoway/error.hpp"

namespace mongoway::script {

enum class FileKind { migrate, undo };  // V file, U file

// What a file name says. `description` has underscores shown as spaces.
struct FileName {
  FileKind kind = FileKind::migrate;
  int64_t version = 0;
  std::string description;
};

// A migration file found in a location.
struct DiscoveredFile {
  std::string path;       // location joined with the file name, as the user would write it
  std::string location;   // the location directory it was found in
  std::string file_name;  // base name
  FileName name;
  // False only when the directory listing said the entry is not a symlink;
  // a symlink's target is then checked to lie inside the location.
  bool maybe_symlink = true;
};

struct Discovery {
  std::vector<DiscoveredFile> files;    // sorted by (version, kind)
  std::vector<Diagnostic> diagnostics;  // errors (duplicates, U without V, bad versions) and warnings
};

// Scans each location (non-recursively, in a stable order).
// A missing or unreadable location is an error diagnostic.
Discovery discover(const std::vector<std::string>& locations);

// Parses a file name: nullopt when it is not a migration file name. When the
// name looks like a mistake (v1__x.json, V1_x.json, V1__x.JSON, V1__x.json.bak),
// a warning is set in `warning`; when it is a migration name with an invalid
// version (zero, not a number, overflows int64), an error is set in `error`.
std::optional<FileName> parse_file_name(const std::string& file_name, std::string* warning, std::string* error);

// A string value of a command that holds ${name} placeholders, and where it
// is in the file: problems that only its rendered value shows are reported there.
struct PlaceholderSite {
  std::vector<std::string> path;  // keys and array indices from the command object
  int line = 0;
  int column = 0;
  std::vector<std::string> names;  // the placeholders it uses, sorted
};

// One command of a file, validated.
struct Command {
  std::string name;  // first key, e.g. "createIndex"
  int index = 0;     // 1-based position in the file's command list
  int line = 0;      // where the command object starts in the file
  int column = 0;
  std::string comment;  // the optional "comment" field (never sent)
  bson::Document spec;  // the command object as written (Extended JSON parsed), without "comment"
  // insertOne/insertMany with "documentsFile": the resolved path of that file
  // (the migration file's directory joined with the relative path).
  std::optional<std::string> documents_file;
  // The number of documents in documents_file, counted while validating it.
  std::optional<uint64_t> documents_count;
  // The number (from 1) of its first document without an _id, found while
  // validating it; 0 when every one has one.
  std::optional<uint64_t> documents_first_without_id;
  // Every string value that uses a placeholder, in the order written.
  std::vector<PlaceholderSite> placeholder_sites;
};

struct Script {
  DiscoveredFile file;
  std::string checksum;             // "sha256:<hex>", line endings normalised; includes documentsFile contents
  std::optional<bool> transaction;  // per-file "transaction" setting, if given
  std::vector<Command> commands;
};

struct LoadOptions {
  uint64_t max_file_size = 64ull * 1024 * 1024;
  // When set (lint), every command is also checked as it would be rendered
  // with these values: a value a placeholder makes invalid is an error, a
  // placeholder without a value a warning (migrate would refuse to run it).
  std::optional<std::map<std::string, std::string>> placeholders{};
  // Lint notes (warnings) on fields the server accepts and ignores, and on
  // batched updates that a resumed run could apply twice to a batch
  // (script/idempotency.hpp): lint shows them; a run, which cannot act on
  // them, leaves them out.
  bool notes = false;
};

// Reads, parses and validates one file. Problems are appended to `diagnostics`
// (all of them, not only the first); returns nullopt when there was an error.
std::optional<Script> load_script(const DiscoveredFile& file, const LoadOptions& options,
                                  std::vector<Diagnostic>& diagnostics);

// A version: its V script and, when present, its U script.
struct Migration {
  Script up;
  std::optional<Script> undo;
  int64_t version() const { return up.file.name.version; }
  const std::string& description() const { return up.file.name.description; }
};

// A migration file with an error (it does not parse, or breaks a rule of
// discovery: defined twice, an undo file without its migration), and its first error.
struct InvalidFile {
  DiscoveredFile file;
  Diagnostic first_error;
};

struct LoadResult {
  std::vector<Migration> migrations;  // ascending by version (only the files without errors)
  std::vector<Diagnostic> diagnostics;
  std::vector<InvalidFile> invalid_files;  // ascending by (version, kind)
  size_t files_read = 0;                   // every V and U file found, valid or not
  size_t migrations_found = 0;             // V files among them
  bool has_errors() const;
};

// load_script on text already in memory (for tests and the fuzzer): `file`
// names it in diagnostics and anchors relative documentsFile paths; `notes`
// as LoadOptions::notes.
std::optional<Script> parse_script(std::string_view content, const DiscoveredFile& file,
                                   std::vector<Diagnostic>& diagnostics, bool notes = true);

// discover + load_script for every file + pairing of V and U files.
LoadResult load_all(const std::vector<std::string>& locations, const LoadOptions& options);

// "sha256:<hex>" of the content with CRLF/CR normalised to LF and one trailing
// newline ignored.
std::string checksum_of_text(std::string_view content);

}  // namespace mongoway::script
