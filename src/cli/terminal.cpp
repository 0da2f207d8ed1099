#include "cli/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace mongoway::cli {

bool is_terminal(int fd) { return isatty(fd) == 1; }

Style Style::for_stream(int fd, ColorMode mode) {
  if (mode == ColorMode::always) return Style(true);
  if (mode == ColorMode::never) return Style(false);
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return Style(false);
  return Style(is_terminal(fd));
}

std::string Style::paint(std::string_view text, Color color) const {
  if (!m_enabled || color == Color::none) return std::string(text);
  const char* code = "";
  switch (color) {
    case Color::red: code = "31"; break;
    case Color::green: code = "32"; break;
    case Color::yellow: code = "33"; break;
    case Color::blue: code = "34"; break;
    case Color::magenta: code = "35"; break;
    case Color::cyan: code = "36"; break;
    case Color::gray: code = "90"; break;
    case Color::bold: code = "1"; break;
    case Color::none: break;
  }
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace mongoway::cli
