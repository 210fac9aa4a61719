#include "db.h"

#include "strutil.h"

namespace rocks {

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
  *err = url + ": unknown database URL (expected sqlite:PATH or mysql://...)";
  return false;
}

}  // namespace rocks
