#include "strutil.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

namespace rocks {

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string> SplitBlanks(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  bool neg = s[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i == s.size()) return false;
  // Accumulate downwards: the negative range is one larger than the
  // positive one, so INT64_MIN parses too.
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    int d = s[i] - '0';
    if (v < (std::numeric_limits<int64_t>::min() + d) / 10) return false;
    v = v * 10 - d;
  }
  if (!neg) {
    if (v == std::numeric_limits<int64_t>::min()) return false;
    v = -v;
  }
  *out = v;
  return true;
}

int EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of two neighbours ("hots" for "host")
  // is one edit, as people mistype.
  const size_t w = b.size() + 1;
  std::vector<int> d((a.size() + 1) * w);
  for (size_t i = 0; i <= a.size(); ++i) d[i * w] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                        d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  }
  return d[a.size() * w + b.size()];
}

std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates) {
  // A third of the word's length, at least one edit, is the most a typo
  // plausibly changes.
  int limit = std::max<int>(1, static_cast<int>(word.size()) / 3);
  std::string best;
  int best_distance = limit + 1;
  for (const std::string& c : candidates) {
    int d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string m = ClosestMatch(word, candidates);
  return m.empty() ? "" : " (did you mean '" + m + "'?)";
}

bool ParseYesNo(std::string_view s, bool* out) {
  std::string l = ToLower(s);
  if (l == "yes" || l == "true" || l == "on" || l == "1") {
    *out = true;
    return true;
  }
  if (l == "no" || l == "false" || l == "off" || l == "0") {
    *out = false;
    return true;
  }
  return false;
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

namespace {

// A reader of one JSON text, for ParseJsonFields.
class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  bool Object(std::map<std::string, std::string>* fields, std::string* why) {
    Blank();
    if (!Take('{')) return Fail(why, "not a JSON object");
    Blank();
    if (Take('}')) return End(why);
    for (;;) {
      std::string key, value;
      bool keep = false;
      Blank();
      if (!String(&key)) return Fail(why, "expected a JSON string as key");
      Blank();
      if (!Take(':')) return Fail(why, "expected ':' after a JSON key");
      Blank();
      if (!Value(&value, &keep)) return Fail(why, "unreadable JSON value of '" + key + "'");
      if (seen_.count(key)) return Fail(why, "JSON key '" + key + "' given twice");
      seen_.insert(key);
      if (keep) (*fields)[key] = value;
      Blank();
      if (Take(',')) continue;
      if (Take('}')) return End(why);
      return Fail(why, "expected ',' or '}' in a JSON object");
    }
  }

 private:
  bool End(std::string* why) {
    Blank();
    return pos_ == s_.size() || Fail(why, "text after the JSON object");
  }
  static bool Fail(std::string* why, const std::string& text) {
    *why = text;
    return false;
  }
  void Blank() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' ||
                                s_[pos_] == '\r'))
      ++pos_;
  }
  bool Take(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Hex4(uint32_t* out) {
    if (s_.size() - pos_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    *out = v;
    return true;
  }
  static void Utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xc0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xe0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      *out += static_cast<char>(0xf0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  bool String(std::string* out) {
    if (!Take('"')) return false;
    while (pos_ < s_.size()) {
      unsigned char c = s_[pos_++];
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') {
        *out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      switch (s_[pos_++]) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xdc00 && cp <= 0xdfff) return false;
          if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t low;
            if (!Take('\\') || !Take('u') || !Hex4(&low) || low < 0xdc00 || low > 0xdfff)
              return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          Utf8(cp, out);
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool Word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  bool Number(int64_t* out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && std::string_view("0123456789.eE+-").find(s_[pos_]) !=
                                   std::string_view::npos)
      ++pos_;
    if (pos_ == start) return false;
    if (!ParseInt(s_.substr(start, pos_ - start), out)) *out = -1;
    return true;
  }
  // One value; `keep` when it is a string or an array of bytes.
  bool Value(std::string* out, bool* keep, int depth = 0) {
    if (depth > 64 || pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') return *keep = String(out);
    if (c == 'n') return Word("null");
    if (c == 't') return Word("true");
    if (c == 'f') return Word("false");
    if (c == '[') {
      ++pos_;
      bool bytes = true;
      Blank();
      if (Take(']')) return true;
      for (;;) {
        Blank();
        int64_t n;
        if (pos_ < s_.size() && (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9'))) {
          if (!Number(&n)) return false;
          if (n < 0 || n > 255) bytes = false;
          else *out += static_cast<char>(n);
        } else {
          std::string ignored;
          bool ignored_keep = false;
          if (!Value(&ignored, &ignored_keep, depth + 1)) return false;
          bytes = false;
        }
        Blank();
        if (Take(',')) continue;
        if (!Take(']')) return false;
        *keep = bytes;
        return true;
      }
    }
    if (c == '{') {
      ++pos_;
      Blank();
      if (Take('}')) return true;
      for (;;) {
        std::string key, ignored;
        bool ignored_keep = false;
        Blank();
        if (!String(&key)) return false;
        Blank();
        if (!Take(':')) return false;
        Blank();
        if (!Value(&ignored, &ignored_keep, depth + 1)) return false;
        Blank();
        if (Take(',')) continue;
        return Take('}');
      }
    }
    int64_t n;
    return Number(&n);
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::set<std::string> seen_;
};

}  // namespace

bool ParseJsonFields(std::string_view s, std::map<std::string, std::string>* fields,
                     std::string* why) {
  fields->clear();
  JsonReader reader(s);
  if (reader.Object(fields, why)) return true;
  fields->clear();
  return false;
}

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

std::string EscapeControl(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

size_t Utf8At(std::string_view s, size_t pos, uint32_t* cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b = byte(pos);
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  size_t len;
  uint32_t min;
  if ((b & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = b & 0x07;
  } else {
    return 0;
  }
  if (pos + len > s.size()) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(pos + i) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

namespace {

// The length of the maximal subpart of an ill-formed sequence at s[pos]:
// the lead byte and the continuation bytes that could still have followed
// it in a well-formed character (Unicode 15, table 3-7), at least 1.
size_t IllFormedAt(std::string_view s, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b = byte(pos);
  size_t len = b >= 0xC2 && b <= 0xDF   ? 2
               : b >= 0xE0 && b <= 0xEF ? 3
               : b >= 0xF0 && b <= 0xF4 ? 4
                                        : 1;
  unsigned char lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
  size_t n = 1;
  while (n < len && pos + n < s.size() && byte(pos + n) >= lo && byte(pos + n) <= hi) {
    ++n;
    lo = 0x80, hi = 0xBF;
  }
  return n;
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t len = Utf8At(s, i, &cp);
    if (len) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += IllFormedAt(s, i);
    }
  }
  return out;
}

bool ParseDuration(std::string_view text, double* seconds) {
  std::string s(text);
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit = end;
  if (end == s.c_str() || !std::isfinite(v) || v <= 0) return false;
  if (unit == "m") {
    v *= 60;
  } else if (unit == "h") {
    v *= 3600;
  } else if (!unit.empty() && unit != "s") {
    return false;
  }
  if (v > 7 * 24 * 3600) return false;
  *seconds = v;
  return true;
}

bool ParseNumber(std::string_view what, std::string_view text, int64_t min, int64_t max,
                 int64_t* out, std::string* err) {
  int64_t v;
  if (ParseInt(text, &v) && v >= min && v <= max) {
    *out = v;
    return true;
  }
  *err = std::string(what) + ": invalid number (expected " + std::to_string(min) +
         (max == INT64_MAX ? " or more)" : " to " + std::to_string(max) + ")");
  return false;
}

bool ParseTime(std::string_view what, std::string_view text, double max_seconds,
               double* out, std::string* err) {
  double v;
  if (ParseDuration(text, &v) && v <= max_seconds) {
    *out = v;
    return true;
  }
  *err = std::string(what) + ": invalid time (expected seconds, or a number with s, m or h)";
  return false;
}

std::string ErrnoText(std::string_view what) { return ErrnoText(what, errno); }

std::string ErrnoText(std::string_view what, int errnum) {
  std::string out(what);
  out += ": ";
  out += std::strerror(errnum);
  return out;
}

}  // namespace rocks
