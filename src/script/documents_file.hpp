#pragma once
// The documents of a documentsFile as the engine reads them: the stream of
// json/documents_stream.hpp, its problems raised as mongoway::Error. This is
// the layer's boundary; inside script/ and below, the stream's own results
// are used.

#include <string>

#include "bson/document.hpp"
#include "json/documents_stream.hpp"
#include "mongoway/error.hpp"

namespace mongoway::script {

class DocumentStream {
 public:
  // Opens `path`. Throws mongoway::Error(ExitCode::invalid) when the file
  // cannot be read.
  void open(const std::string& path) {
    if (Diagnostic problem; !m_stream.open(path, &problem)) raise(problem);
  }

  // Reads the next document into `out`; false at the end of the file. Throws
  // mongoway::Error(ExitCode::invalid), with the Diagnostic at
  // file:line:column, when the content is not valid.
  bool next(bson::Document& out) {
    bool found = false;
    if (Diagnostic problem; !m_stream.next(out, &found, &problem)) raise(problem);
    return found;
  }

 private:
  [[noreturn]] static void raise(const Diagnostic& problem) {
    throw Error(ExitCode::invalid, problem.located_message(), {problem});
  }

  json::DocumentStream m_stream;
};

}  // namespace mongoway::script
