// Listings: rows of columns rendered as an aligned table, TSV or JSON.
#ifndef ROCKS_LIB_TABLE_H_
#define ROCKS_LIB_TABLE_H_

#include <optional>
#include <string>
#include <vector>

namespace rocks {

enum class OutputFormat { kTable, kTsv, kJson };

struct Table {
  struct Column {
    std::string name;     ///< Header in table form, key in JSON (lower-cased).
    bool numeric = false; ///< A JSON number rather than a string.
  };
  std::vector<Column> columns;
  /// Empty optionals are absent values: "-" in a table, "" in TSV, null in
  /// JSON.
  std::vector<std::vector<std::optional<std::string>>> rows;
};

/// table: a header line and space-aligned columns. tsv: one record per
/// line, fields separated by tabs, no header, values escaped as by
/// EscapeControl (tab \t, newline \n, backslash \\). json: an array of
/// objects.
std::string RenderTable(const Table& table, OutputFormat format);

}  // namespace rocks

#endif  // ROCKS_LIB_TABLE_H_
