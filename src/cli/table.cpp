#include "cli/table.hpp"

#include <algorithm>

#include "cli/format.hpp"

namespace mongoway::cli {

std::string Table::render(const Style& style) const {
  const size_t n = m_columns.size();
  std::vector<size_t> widths(n, 0);
  std::vector<bool> used(n, false);
  for (const auto& row : m_rows) {
    for (size_t i = 0; i < n && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i].text));
      used[i] = used[i] || !row[i].text.empty();
    }
  }
  std::vector<size_t> shown;
  for (size_t i = 0; i < n; ++i) {
    if (!used[i]) continue;
    widths[i] = std::max(widths[i], display_width(m_columns[i].header));
    shown.push_back(i);
  }
  auto line = [&](const std::vector<Cell>& cells, bool header) {
    std::string out;
    for (size_t k = 0; k < shown.size(); ++k) {
      size_t i = shown[k];
      const Cell cell = i < cells.size() ? cells[i] : Cell{};
      size_t pad = widths[i] - display_width(cell.text);
      bool last = k + 1 == shown.size();
      std::string painted = style.paint(cell.text, header ? Color::bold : cell.color);
      if (m_columns[i].align == Align::right) {
        out += std::string(pad, ' ') + painted;
      } else {
        out += painted;
        if (!last) out += std::string(pad, ' ');
      }
      if (!last) out += "  ";
    }
    return out + "\n";
  };
  std::vector<Cell> header;
  for (const auto& column : m_columns) header.push_back({column.header, Color::none});
  std::string out = line(header, true);
  for (const auto& row : m_rows) out += line(row, false);
  return out;
}

}  // namespace mongoway::cli
