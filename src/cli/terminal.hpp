#pragma once
// Terminal facts and colours: colour only on a terminal (or when asked).

#include <string>
#include <string_view>

#include "cli/settings.hpp"

namespace mongoway::cli {

bool is_terminal(int fd);

enum class Color { none, red, green, yellow, blue, magenta, cyan, gray, bold };

class Style {
 public:
  Style() = default;
  explicit Style(bool enabled) : m_enabled(enabled) {}
  // Decides for a stream (1 = stdout, 2 = stderr) from --color, NO_COLOR and TERM.
  static Style for_stream(int fd, ColorMode mode);

  bool enabled() const { return m_enabled; }
  std::string paint(std::string_view text, Color color) const;

 private:
  bool m_enabled = false;
};

}  // namespace mongoway::cli
