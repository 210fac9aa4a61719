// JSON read and written by the nlohmann-json library, which escapes every
// string and refuses what is not UTF-8; this header names its types only
// (json_fwd.hpp), so that including it costs little.
#ifndef ROCKS_LIB_JSON_H_
#define ROCKS_LIB_JSON_H_

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rocks {

/// A JSON document in the order its members were added.
using Json = nlohmann::ordered_json;

/// A list too long to hold as a document: WriteJson calls it for each
/// element in turn with the same object to fill (left as the last call
/// left it), until it returns false.
using JsonList = std::function<bool(Json* element)>;

/// Stands, in a document given to WriteJson, for the array that
/// lists[index] makes, one element a line.
Json JsonListAt(size_t index);

/// Appends `doc` to `out` as a JSON text for people to read: an object or
/// array whose members are all numbers, strings, booleans or null, or
/// whose one-line form fits in 100 columns, on one line ("{ "a": 1 }",
/// "[ 1, 2 ]"); any other one member a line, indented by two spaces; a
/// newline at the end. False, with `err` naming the value by its path
/// (Dhcp4.loggers[0].output), when a string is not UTF-8; `out` is then
/// unchanged.
bool WriteJson(const Json& doc, std::string* out, std::string* err,
               const std::vector<JsonList>& lists = {});

/// Reads one JSON object the way `journalctl -o json` writes an entry:
/// each value that is a string, or an array of numbers 0-255 (a field
/// that is not UTF-8, as its bytes), goes in `fields` under its key;
/// numbers, null, true, false and other arrays (a field with several
/// values) are left out. False, with `why`, when `s` is not one JSON
/// object (a string that is not UTF-8 included) or names a key twice.
bool ParseJsonFields(std::string_view s, std::map<std::string, std::string>* fields,
                     std::string* why);

}  // namespace rocks

#endif  // ROCKS_LIB_JSON_H_
