#include "table.h"

#include <libsmartcols.h>
#include <locale.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <string_view>

#include "strutil.h"

namespace rocks {
namespace {

// libsmartcols measures and encodes cells by the thread's LC_CTYPE; the
// listings are UTF-8 whatever the caller's locale, so that a listing
// looks the same from a terminal, a pipe and a test.
class Utf8Ctype {
 public:
  Utf8Ctype() : utf8_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (utf8_) old_ = uselocale(utf8_);
  }
  ~Utf8Ctype() {
    if (!utf8_) return;
    uselocale(old_);
    freelocale(utf8_);
  }
  Utf8Ctype(const Utf8Ctype&) = delete;
  Utf8Ctype& operator=(const Utf8Ctype&) = delete;

 private:
  locale_t utf8_;
  locale_t old_ = static_cast<locale_t>(0);
};

struct UnrefTable {
  void operator()(libscols_table* tb) const { scols_unref_table(tb); }
};

// libsmartcols fails only when memory runs out; that ends the program as
// any other allocation would.
template <typename T>
T* Made(T* p) {
  if (!p) throw std::bad_alloc();
  return p;
}

void Check(int rc) {
  if (rc != 0) throw std::bad_alloc();
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool AllNumbers(const Table& t, size_t c) {
  for (const auto& row : t.rows)
    if (c < row.size() && row[c] && !row[c]->empty() && !IsJsonNumber(*row[c])) return false;
  return true;
}

std::string RenderSmartcols(const Table& t, bool json) {
  size_t n = t.columns.size();
  if (!json && t.rows.empty()) {
    // libsmartcols prints nothing for a table without lines; the header
    // alone has each column as wide as its name.
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    return Join(names, " ") + "\n";
  }
  Utf8Ctype ctype;
  std::unique_ptr<libscols_table, UnrefTable> tb(Made(scols_new_table()));
  // Never a terminal: no width to fit, nothing truncated or wrapped,
  // whatever COLUMNS says.
  Check(scols_table_set_termforce(tb.get(), SCOLS_TERMFORCE_NEVER));
  if (json) {
    Check(scols_table_enable_json(tb.get(), 1));
    Check(scols_table_set_name(tb.get(), t.name.c_str()));
  }
  for (size_t c = 0; c < n; ++c) {
    // A width hint of 1: as wide as the header or the widest cell.
    libscols_column* cl = Made(scols_table_new_column(tb.get(), t.columns[c].name.c_str(), 1, 0));
    if (json && t.columns[c].numeric && AllNumbers(t, c))
      Check(scols_column_set_json_type(cl, SCOLS_JSON_NUMBER));
  }
  for (const auto& row : t.rows) {
    libscols_line* ln = Made(scols_table_new_line(tb.get(), nullptr));
    for (size_t c = 0; c < n; ++c) {
      bool absent = c >= row.size() || !row[c];
      if (json && absent) continue;  // no data: null
      // libsmartcols passes the bytes of a JSON string through as they
      // are, and encodes them in a table itself.
      std::string value = absent ? "-" : json ? ValidUtf8(*row[c]) : *row[c];
      Check(scols_line_set_data(ln, c, value.c_str()));
    }
  }
  char* data = nullptr;
  Check(scols_print_table_to_string(tb.get(), &data));
  std::string out = data ? data : "";
  std::free(data);
  // The table form ends without a newline; JSON ends with one.
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::string RenderTsv(const Table& t) {
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

}  // namespace

std::string RenderTable(const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: return RenderSmartcols(table, false);
    case OutputFormat::kTsv: return RenderTsv(table);
    case OutputFormat::kJson: return RenderSmartcols(table, true);
  }
  return "";
}

std::string RenderJsonTables(const std::vector<Table>& tables) {
  // libsmartcols writes each table as an object of one member; the
  // members, as it indents them, go into one object.
  std::string out = "{";
  for (size_t i = 0; i < tables.size(); ++i) {
    std::string one = RenderTable(tables[i], OutputFormat::kJson);
    size_t open = one.find('{'), close = one.rfind('}');
    std::string_view member = std::string_view(one).substr(open + 1, close - open - 1);
    while (!member.empty() && member.front() == '\n') member.remove_prefix(1);
    while (!member.empty() && member.back() == '\n') member.remove_suffix(1);
    out += i ? ",\n" : "\n";
    out += member;
  }
  out += tables.empty() ? "}\n" : "\n}\n";
  return out;
}

}  // namespace rocks
