#pragma once
// `mongoway import golang-migrate`: a golang-migrate MongoDB migration
// directory (N_name.up.json / N_name.down.json, each a JSON array of server
// commands that golang-migrate sends one by one with runCommand on the URI's
// database) written as mongoway's V and U files.
//
// Each command becomes mongoway's native command when every one of its fields
// maps onto it with the same meaning, and {"runCommand": <the command as
// written>} otherwise; the server's "comment" becomes "serverComment"; an
// update or delete of several statements becomes one native command per
// statement, in order. Every command written is read back by mongoway's own
// loader and rendered, and must give exactly the server command(s) the
// original sends (field order aside), or the import fails.

#include <cstdint>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "mongoway/error.hpp"
#include "script/script.hpp"

namespace mongoway::script {

// A golang-migrate command kept as runCommand, and why.
struct KeptCommand {
  int index = 0;     // 1-based, in the golang-migrate file
  std::string name;  // the command's first key, e.g. "renameCollection"
  std::string reason;
};

// One mongoway file made from one golang-migrate file.
struct ImportedFile {
  std::string source;  // the golang-migrate file
  std::string path;    // the mongoway file: the location joined with its name
  FileKind kind = FileKind::migrate;
  int64_t version = 0;
  std::string description;  // as in the file name, underscores as spaces
  int source_commands = 0;  // commands in the golang-migrate file
  int commands = 0;         // commands in the mongoway file
  std::string content;
  std::vector<KeptCommand> kept;  // the commands kept as runCommand
};

// How one server command is written in a mongoway file: the native commands
// (or one runCommand), and, for runCommand, why.
struct ConvertedCommand {
  std::vector<bson::Document> commands;
  std::string kept_reason;  // empty when native
};

// Converts one server command (as golang-migrate reads it). Never fails: a
// command that does not map, or whose native form would not render exactly as
// the original, is kept as runCommand.
ConvertedCommand convert_server_command(const bson::Document& server_command);

// The golang-migrate file name rule, ^([0-9]+)_(.*)\.(down|up)\.(.*)$.
struct GolangMigrateName {
  std::string digits;  // the version as written, leading zeros included
  std::string name;    // golang-migrate's identifier
  bool up = true;
};
bool parse_golang_migrate_name(std::string_view file_name, GolangMigrateName* out);

// Converts the text of one golang-migrate file (`file` names it in messages).
// False, with the first problem at its line and column in `err`, when the
// text is not a JSON array of non-empty command objects that mongoway can read.
bool convert_golang_migrate_text(std::string_view text, const std::string& file, ImportedFile* out, Diagnostic* err);

// Reads every golang-migrate file of `directory` and converts it into a file
// of `location` (the first location); `all_locations` are checked for the
// versions it would add. Throws mongoway::Error (ExitCode::invalid) with the
// first problem, naming the file, before anything is written: a file that
// cannot be read or converted, a down file without its up file, two files of
// one version and direction, a version that is zero or above 9223372036854775807,
// a version that the locations already hold, a file that already exists.
std::vector<ImportedFile> plan_golang_migrate_import(const std::string& directory, const std::string& location,
                                                     const std::vector<std::string>& all_locations);

// Writes the planned files (creating `location` if needed), none of which may
// exist; on a failure removes those it wrote and throws mongoway::Error
// (ExitCode::invalid).
void write_imported_files(const std::string& location, const std::vector<ImportedFile>& files);

}  // namespace mongoway::script
