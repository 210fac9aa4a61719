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
  return UnknownName(key + "=" + value, "key", key, expected, {},
                     " (expected " + Join(expected, ", ") + ")");
}


bool CheckOneLabel(const std::string& label, const std::string& name, const char* what,
                   std::string* err) {
  if (name.find('.') == std::string::npos) return true;
  *err = label + ": dotted name (" + what + " are one DNS label)";
  return false;
}

bool CheckLength(const std::string& key, const std::string& value, size_t max,
                 std::string* err) {
  // MariaDB counts characters; a UTF-8 character's bytes after its first
  // are 10xxxxxx.
  size_t chars = 0, cut = value.size();
  for (size_t i = 0; i < value.size(); ++i) {
    if ((static_cast<unsigned char>(value[i]) & 0xC0) == 0x80) continue;
    if (chars == 32) cut = i;
    ++chars;
  }
  if (chars <= max) return true;
  *err = key + "=" + value.substr(0, cut) + "...: too long (at most " + std::to_string(max) +
         " characters)";
  return false;
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
