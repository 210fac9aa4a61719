#include "table.h"

#include <algorithm>

#include "strutil.h"

namespace rocks {

static std::string RenderAligned(const Table& t) {
  size_t n = t.columns.size();
  std::vector<size_t> width(n);
  for (size_t c = 0; c < n; ++c) width[c] = t.columns[c].name.size();
  for (const auto& row : t.rows)
    for (size_t c = 0; c < n && c < row.size(); ++c)
      width[c] = std::max(width[c], row[c] ? row[c]->size() : 1);
  std::string out;
  auto line = [&](auto cell) {
    std::string l;
    for (size_t c = 0; c < n; ++c) {
      std::string v = cell(c);
      l += v;
      if (c + 1 < n) l.append(width[c] - v.size() + 1, ' ');
    }
    out += l;
    out += '\n';
  };
  line([&](size_t c) { return t.columns[c].name; });
  for (const auto& row : t.rows)
    line([&](size_t c) { return c < row.size() && row[c] ? *row[c] : std::string("-"); });
  return out;
}

static std::string RenderTsv(const Table& t) {
  std::string out;
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (c) out += '\t';
      // Escaped so that a value cannot split its field or its record.
      if (c < row.size() && row[c]) out += EscapeControl(*row[c]);
    }
    out += '\n';
  }
  return out;
}

static std::string RenderJson(const Table& t) {
  std::string out = "[";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out += r ? ",\n {" : "\n {";
    const auto& row = t.rows[r];
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (c) out += ", ";
      out += JsonQuote(ToLower(t.columns[c].name));
      out += ": ";
      if (c >= row.size() || !row[c])
        out += "null";
      else if (t.columns[c].numeric)
        out += *row[c];
      else
        out += JsonQuote(*row[c]);
    }
    out += "}";
  }
  out += t.rows.empty() ? "]\n" : "\n]\n";
  return out;
}

std::string RenderTable(const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: return RenderAligned(table);
    case OutputFormat::kTsv: return RenderTsv(table);
    case OutputFormat::kJson: return RenderJson(table);
  }
  return "";
}

}  // namespace rocks
