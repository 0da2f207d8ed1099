#pragma once
// Which commands of a V file an undo derived from what the version created
// can take back: a command that only creates (a collection, a view, an
// index, documents whose every `_id` is given, a rename within the database)
// is reversible; one that changes or removes what was there is not, and its
// version needs a U file. Pure: read from the file as written (a
// documentsFile streamed through).

#include <optional>
#include <string>

#include "script/script.hpp"

namespace mongoway::script {

// The first command of a file that a derived undo cannot reverse, and why.
struct Irreversible {
  int index = 0;  // the command's 1-based position in the file
  int line = 0;
  int column = 0;
  std::string name;    // the command ("updateMany")
  std::string reason;  // "updateMany changes documents in place"
};

// Whether a derived undo can reverse `command`; when not, `*why` says why.
// An insert's documentsFile is streamed to see every document's `_id`; a file
// that cannot be read makes the command irreversible.
bool is_reversible(const Command& command, std::string* why);

// The first command of `script` that is not reversible, if any.
std::optional<Irreversible> first_irreversible(const Script& script);

// "V3__x.json:4:3: command 2 (updateMany) is not reversible: updateMany changes
// documents in place": one line naming the command.
std::string describe(const Script& script, const Irreversible& irreversible);

}  // namespace mongoway::script
