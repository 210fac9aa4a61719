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
  /// The key of the array of rows in JSON ("hosts").
  std::string name;
  std::vector<Column> columns;
  /// Empty optionals are absent values: "-" in a table, "" in TSV, null in
  /// JSON.
  std::vector<std::vector<std::optional<std::string>>> rows;
};

/// table: a header line and columns aligned by display width (libsmartcols),
/// whatever the terminal and the locale: values are read as UTF-8, and
/// control characters and bytes that are not UTF-8 show as \xHH. tsv: one
/// record per line, fields separated by tabs, no header, values escaped as
/// by EscapeControl (tab \t, newline \n, backslash \\). json (libsmartcols):
/// an object whose one member, under the table's name, is an array of
/// objects; values that are not UTF-8 have U+FFFD for each ill-formed
/// sequence, and an empty value is null, like an absent one. A numeric
/// column with a value that is not a JSON number is a column of strings.
std::string RenderTable(const Table& table, OutputFormat format);

/// The JSON of several tables in one object: each table's array under its
/// name, in order.
std::string RenderJsonTables(const std::vector<Table>& tables);

}  // namespace rocks

#endif  // ROCKS_LIB_TABLE_H_
