#include "kstext.h"

#include <cstdint>
#include <cstdio>

#include "strutil.h"

namespace rocks {
namespace {

// Python's str.isspace() for the characters str.lstrip() removes.
bool PySpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool Control(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string Hex4(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

}  // namespace

bool CheckAttrValue(std::string_view value, std::string* why) {
  for (size_t i = 0; i < value.size();) {
    uint32_t cp;
    size_t len = Utf8At(value, i, &cp);
    if (len == 0) {
      *why = "value is not valid UTF-8 (byte " + std::to_string(i + 1) + ")";
      return false;
    }
    if ((Control(cp) && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF) {
      *why = "value has the control character " + Hex4(cp) + " (byte " +
             std::to_string(i + 1) + ")";
      return false;
    }
    i += len;
  }
  return true;
}

bool IsSecretAttr(std::string_view name) {
  std::string n = ToLower(name);
  for (const char* word : {"password", "passwd", "secret", "community"})
    if (n.find(word) != std::string::npos) return true;
  return EndsWith(n, "key") && !EndsWith(n, "publickey") && !EndsWith(n, "public_key");
}

size_t LineBreakAt(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  if (c == '\r') return pos + 1 < s.size() && s[pos + 1] == '\n' ? 2 : 1;
  if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) return 1;
  if (c == 0xC2 && s.compare(pos, 2, "\xC2\x85") == 0) return 2;
  if (c == 0xE2 && (s.compare(pos, 3, "\xE2\x80\xA8") == 0 ||
                    s.compare(pos, 3, "\xE2\x80\xA9") == 0))
    return 3;
  return 0;
}

std::string OneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t br = LineBreakAt(s, i);
    if (br > 0) {
      out += ' ';
      i += br;
    } else {
      unsigned char c = static_cast<unsigned char>(s[i]);
      out += c < 0x20 || c == 0x7F ? ' ' : s[i];
      ++i;
    }
  }
  return out;
}

bool IsDirectiveLine(std::string_view line) {
  for (size_t i = 0; i < line.size();) {
    uint32_t cp;
    size_t len = Utf8At(line, i, &cp);
    if (len == 0) return false;
    if (!PySpace(cp)) return cp == '%';
    i += len;
  }
  return false;
}

bool SafeSectionBody(std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size()) {
      size_t br = LineBreakAt(text, i);
      if (br == 0) continue;
      if (text[i] != '\n') return false;
    }
    if (IsDirectiveLine(text.substr(start, i - start))) return false;
    start = i + 1;
  }
  return true;
}

std::string ShellWord(std::string_view s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || std::string_view("_./:=,+@%-").find(c) !=
                                                    std::string_view::npos);
  if (plain) return std::string(s);
  std::string out;
  bool open = false;
  for (size_t i = 0; i < s.size();) {
    size_t br = LineBreakAt(s, i);
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = br > 0 ? br : (c < 0x20 && c != '\t') || c == 0x7F ? 1 : 0;
    if (n > 0) {
      if (open) out += '\'';
      open = false;
      out += "$'" + OctalEscapes(s.substr(i, n)) + "'";
      i += n;
      continue;
    }
    if (!open) out += '\'';
    open = true;
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += s[i];
    }
    ++i;
  }
  if (open) out += '\'';
  return out.empty() ? "''" : out;
}

std::string KickstartWord(std::string_view s) {
  std::string flat = OneLine(s);
  bool plain = !flat.empty();
  for (char c : flat)
    if (c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\' || c == '#') plain = false;
  if (plain) return flat;
  std::string out = "'";
  for (char c : flat) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string HereDocLiteral(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

std::string OctalEscapes(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\%03o", c);
    out += buf;
  }
  return out;
}

std::string Base64Lines(std::string_view s) {
  static const char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t col = 0;
  for (size_t i = 0; i < s.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < s.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kDigits[n & 63] : '=';
    col += 4;
    if (col == 76) {
      out += '\n';
      col = 0;
    }
  }
  if (col > 0) out += '\n';
  return out;
}

}  // namespace rocks
