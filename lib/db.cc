#include "db.h"

#include "strutil.h"

namespace rocks {

std::string CellText(const std::optional<std::string>& cell) { return cell.value_or(""); }

int64_t CellInt(const std::optional<std::string>& cell) {
  int64_t n = 0;
  if (cell) ParseInt(*cell, &n);
  return n;
}

int64_t SqlCells::Int(size_t i) const {
  int64_t n = 0;
  if (cells_[i]) ParseInt(*cells_[i], &n);
  return n;
}

bool Database::Query(std::string_view sql, const std::vector<SqlParam>& params,
                     std::vector<SqlRow>* rows, std::string* err) {
  return QueryEach(
      sql, params,
      [rows](const SqlCells& c) {
        SqlRow& row = rows->emplace_back();
        row.reserve(c.size());
        for (size_t i = 0; i < c.size(); ++i) row.push_back(c.cell(i));
      },
      err);
}

bool OpenDatabase(const std::string& url, const DbOptions& options,
                  std::unique_ptr<Database>* db, std::string* err) {
  if (StartsWith(url, "sqlite:")) {
    std::string path = url.substr(7);
    if (StartsWith(path, "//")) path = path.substr(2);
    if (path.empty()) {
      *err = url + ": missing database file path";
      return false;
    }
    return OpenSqlite(url, path, options, db, err);
  }
  if (StartsWith(url, "mysql:")) return OpenMysql(url, options, db, err);
  *err = RedactDbUrl(url) + ": unknown database URL (expected sqlite:PATH or mysql://...)";
  return false;
}

std::string RedactDbUrl(const std::string& url) {
  // A SQLite path is a file name, whatever it holds.
  size_t colon = url.find(':');
  if (StartsWith(url, "sqlite:") || colon == std::string::npos) return url;
  const std::string scheme = url.substr(0, colon + 1);
  std::string rest = url.substr(colon + 1);
  std::string query;
  bool has_query = false;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    has_query = true;
  }
  if (StartsWith(rest, "//")) {
    if (size_t at = rest.rfind('@'); at != std::string::npos) {
      std::string user = rest.substr(2, at - 2);
      user = user.substr(0, user.find(':'));
      rest = "//" + user + (user.empty() ? "" : "@") + rest.substr(at + 1);
    }
  }
  if (!has_query) return scheme + rest;
  std::vector<std::string> kept;
  for (const std::string& kv : Split(query, '&'))
    if (kv.substr(0, kv.find('=')) != "password") kept.push_back(kv);
  return scheme + rest + (kept.empty() ? "" : "?" + Join(kept, "&"));
}

}  // namespace rocks
