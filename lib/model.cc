#include "model.h"

#include "strutil.h"

namespace rocks {

bool ParseKeyValues(const std::vector<std::string>& words, KeyValues* out,
                    std::string* err) {
  for (const std::string& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      *err = w + ": expected key=value";
      return false;
    }
    out->push_back({w.substr(0, eq), w.substr(eq + 1)});
  }
  return true;
}


std::string UnknownKey(const std::string& key, const std::string& value,
                       std::vector<std::string> expected) {
  std::string s = key + "=" + value + ": unknown key";
  std::string m = ClosestMatch(key, expected);
  if (!m.empty()) return s + " (did you mean '" + m + "'?)";
  return s + " (expected " + Join(expected, ", ") + ")";
}


std::string SuggestFrom(Database* db, const char* sql, const std::string& word) {
  std::vector<SqlRow> rows;
  std::string ignored;
  if (!db->Query(sql, {}, &rows, &ignored)) return "";
  std::vector<std::string> names;
  for (const SqlRow& r : rows) names.push_back(CellText(r[0]));
  return DidYouMean(word, names);
}

}  // namespace rocks
