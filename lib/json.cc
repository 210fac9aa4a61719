#include "json.h"

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace rocks {

namespace {

// The width a container's one-line form may take, indentation included.
constexpr size_t kWidth = 100;

// A JsonListAt: a binary value, which no text in a document can be.
bool IsList(const Json& v) { return v.is_binary(); }

bool IsContainer(const Json& v) { return v.is_object() || v.is_array() || IsList(v); }

bool AllScalars(const Json& v) {
  for (const Json& m : v)
    if (IsContainer(m)) return false;
  return true;
}

// The message of a library exception without its "[json.exception...] ".
std::string What(const std::exception& e) {
  std::string what = e.what();
  size_t end = what.find("] ");
  if (what.compare(0, 1, "[") == 0 && end != std::string::npos) what.erase(0, end + 2);
  return what;
}

// Writes a document the way WriteJson says; every string, number and key
// is the library's own serialisation.
class Writer {
 public:
  Writer(std::string* out, const std::vector<JsonList>& lists)
      : out_(*out),
        lists_(lists),
        serializer_(nlohmann::detail::output_adapter<char, std::string>(*out), ' ',
                    Json::error_handler_t::strict) {}

  // `v`, its first line starting at `column`, its other lines indented by
  // `indent`.
  bool Value(const Json& v, size_t indent, size_t column) {
    if (!IsContainer(v)) return Scalar(v);
    if (IsList(v)) return List(v.get_binary().subtype(), indent);
    if (v.empty() || AllScalars(v) || column + Width(v, kWidth) <= kWidth) return Line(v);
    bool object = v.is_object();
    out_ += object ? "{\n" : "[\n";
    size_t inner = indent + 2, i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      out_.append(inner, ' ');
      size_t start = out_.size();
      if (object && !Key(it.key())) return false;
      if (!Value(it.value(), inner, inner + out_.size() - start))
        return In(object ? it.key() : "[" + std::to_string(i) + "]");
      out_ += i + 1 < v.size() ? ",\n" : "\n";
    }
    out_.append(indent, ' ');
    out_ += object ? '}' : ']';
    return true;
  }

  // Where the value was that could not be written, and why.
  std::string Error() const {
    std::string path;
    for (auto it = where_.rbegin(); it != where_.rend(); ++it) {
      if (!path.empty() && (*it)[0] != '[') path += '.';
      path += *it;
    }
    return path.empty() ? why_ : path + " " + why_;
  }

 private:
  bool Scalar(const Json& v) {
    try {
      // The library's serializer, appending to out_ (dump() would make a
      // string of each value).
      serializer_.dump(v, false, false, 0);
      return true;
    } catch (const std::exception& e) {
      // Shown in ASCII, a byte that is not UTF-8 as U+FFFD, on one line.
      why_ = v.dump(-1, ' ', true, Json::error_handler_t::replace) + ": " + What(e);
      return false;
    }
  }
  bool List(uint64_t index, size_t indent) {
    if (index >= lists_.size()) {
      why_ = "no list " + std::to_string(index);
      return false;
    }
    out_ += '[';
    size_t i = 0;
    for (; lists_[index](&element_); ++i) {
      out_ += i ? ",\n" : "\n";
      out_.append(indent + 2, ' ');
      if (!Line(element_)) return In("[" + std::to_string(i) + "]");
    }
    if (i) {
      out_ += '\n';
      out_.append(indent, ' ');
      out_ += ']';
    } else {
      out_ += " ]";
    }
    return true;
  }
  bool Key(const std::string& key) {
    key_ = key;
    if (!Scalar(key_)) return false;
    out_ += ": ";
    return true;
  }
  bool Line(const Json& v) {
    if (!IsContainer(v)) return Scalar(v);
    bool object = v.is_object();
    if (v.empty()) {
      out_ += object ? "{ }" : "[ ]";
      return true;
    }
    out_ += object ? "{ " : "[ ";
    size_t i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      if (i) out_ += ", ";
      if (object && !Key(it.key())) return false;
      if (!Line(it.value())) return In(object ? it.key() : "[" + std::to_string(i) + "]");
    }
    out_ += object ? " }" : " ]";
    return true;
  }
  // The length of the one-line form of `v` (a string's before escaping),
  // or a length over `limit` as soon as it passes it.
  static size_t Width(const Json& v, size_t limit) {
    if (v.is_string()) return v.get_ref<const std::string&>().size() + 2;
    if (IsList(v)) return limit + 1;
    if (!IsContainer(v)) return v.dump().size();
    if (v.empty()) return 3;
    size_t w = 2;
    for (auto it = v.begin(); it != v.end() && w <= limit; ++it) {
      w += 2;
      if (v.is_object()) w += it.key().size() + 4;
      w += Width(it.value(), limit);
    }
    return w;
  }
  bool In(std::string where) {
    where_.push_back(std::move(where));
    return false;
  }

  std::string& out_;
  const std::vector<JsonList>& lists_;
  Json element_ = Json::object();
  nlohmann::detail::serializer<Json> serializer_;
  Json key_ = "";  // a key as a JSON string, its buffer reused
  std::vector<std::string> where_;  // innermost first
  std::string why_;
};

// The SAX reader of ParseJsonFields: keeps the strings and byte arrays of
// the top-level object, refuses a key given twice.
class JournalReader {
 public:
  explicit JournalReader(std::map<std::string, std::string>* fields) : fields_(*fields) {}

  bool null() { return Scalar(); }
  bool boolean(bool) { return Scalar(); }
  bool binary(Json::binary_t&) { return Scalar(); }
  bool number_integer(Json::number_integer_t) { return Number(false, 0); }
  bool number_unsigned(Json::number_unsigned_t n) { return Number(n <= 255, n); }
  bool number_float(Json::number_float_t, const std::string&) { return Number(false, 0); }
  bool string(std::string& s) {
    if (depth_ == 1) {
      value_ = std::move(s);
      return Field(true);
    }
    if (depth_ == 2) bytes_ = false;
    return true;
  }
  bool start_object(std::size_t) {
    if (!started_) {
      started_ = true;
      depth_ = 1;
      return true;
    }
    if (depth_ >= 2) bytes_ = false;
    ++depth_;
    return true;
  }
  bool key(std::string& k) {
    if (depth_ == 1) key_ = std::move(k);
    return true;
  }
  bool end_object() {
    if (--depth_ == 0) done_ = true;
    return depth_ != 1 || Field(false);
  }
  bool start_array(std::size_t) {
    if (!started_) {
      why_ = "not a JSON object";
      return false;
    }
    if (depth_ == 1) {
      bytes_ = true;
      any_ = false;
      value_.clear();
    } else if (depth_ >= 2) {
      bytes_ = false;
    }
    ++depth_;
    return true;
  }
  bool end_array() { return --depth_ != 1 || Field(bytes_ && any_); }
  // The library names what it expected in its message ("while parsing
  // object key"); that and where the reader is say what was wrong.
  bool parse_error(std::size_t, const std::string&, const Json::exception& e) {
    std::string what = e.what();
    auto says = [&what](const char* context) { return what.find(context) != std::string::npos; };
    if (!started_)
      why_ = "not a JSON object";
    else if (done_)
      why_ = "text after the JSON object";
    else if (depth_ == 1 && says("while parsing object key "))
      why_ = "expected a JSON string as key";
    else if (depth_ == 1 && says("while parsing object separator "))
      why_ = "expected ':' after a JSON key";
    else if (depth_ == 1 && says("while parsing object - "))
      why_ = "expected ',' or '}' in a JSON object";
    else
      why_ = "unreadable JSON value of '" + key_ + "'";
    return false;
  }

  const std::string& why() const { return why_; }

 private:
  bool Scalar() {
    if (depth_ == 2) bytes_ = false;
    return depth_ != 1 || Field(false);
  }
  bool Number(bool byte, uint64_t n) {
    if (depth_ == 2) {
      any_ = true;
      if (byte)
        value_ += static_cast<char>(n);
      else
        bytes_ = false;
    }
    return depth_ != 1 || Field(false);
  }
  // The value of key_ is read; `keep` it (in value_) or not.
  bool Field(bool keep) {
    if (!seen_.insert(key_).second) {
      why_ = "JSON key '" + key_ + "' given twice";
      return false;
    }
    if (keep) fields_[key_] = value_;
    return true;
  }

  std::map<std::string, std::string>& fields_;
  bool started_ = false, done_ = false;
  int depth_ = 0;  // containers open, the entry's own object included
  std::string key_, value_;
  bool bytes_ = false, any_ = false;  // the array being read: all bytes, not empty
  std::set<std::string> seen_;
  std::string why_;
};

}  // namespace

Json JsonListAt(size_t index) { return Json::binary({}, index); }

bool WriteJson(const Json& doc, std::string* out, std::string* err,
               const std::vector<JsonList>& lists) {
  size_t size = out->size();
  Writer writer(out, lists);
  try {
    if (writer.Value(doc, 0, 0)) {
      *out += '\n';
      return true;
    }
    *err = writer.Error();
  } catch (const std::exception& e) {
    *err = What(e);
  }
  out->resize(size);
  return false;
}

bool ParseJsonFields(std::string_view s, std::map<std::string, std::string>* fields,
                     std::string* why) {
  fields->clear();
  JournalReader reader(fields);
  bool ok = false;
  try {
    ok = Json::sax_parse(s, &reader);
  } catch (const std::exception&) {
    ok = false;
  }
  if (ok) return true;
  *why = reader.why().empty() ? "not a JSON object" : reader.why();
  fields->clear();
  return false;
}

}  // namespace rocks
