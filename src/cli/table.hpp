#pragma once
// An aligned text table; colours do not disturb the alignment.

#include <string>
#include <vector>

#include "cli/terminal.hpp"

namespace mongoway::cli {

struct Cell {
  std::string text;
  Color color = Color::none;
};

class Table {
 public:
  enum class Align { left, right };
  struct Column {
    std::string header;
    Align align = Align::left;
  };

  explicit Table(std::vector<Column> columns) : m_columns(std::move(columns)) {}
  void add_row(std::vector<Cell> cells) { m_rows.push_back(std::move(cells)); }
  // Columns empty in every row are left out.
  std::string render(const Style& style) const;

 private:
  std::vector<Column> m_columns;
  std::vector<std::vector<Cell>> m_rows;
};

}  // namespace mongoway::cli
