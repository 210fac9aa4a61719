#include "net.h"

#include <cstdio>

#include "strutil.h"

namespace rocks {

bool ParseIPv4(std::string_view s, uint32_t* out) {
  uint32_t ip = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    ip = (ip << 8) | v;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  if (i != s.size()) return false;
  *out = ip;
  return true;
}

std::string FormatIPv4(uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
                (ip >> 8) & 255, ip & 255);
  return buf;
}

uint32_t PrefixToMask(int prefix) {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffffffffu;
  return ~((1u << (32 - prefix)) - 1);
}

int MaskToPrefix(uint32_t mask) {
  int prefix = 0;
  while (prefix < 32 && (mask & (0x80000000u >> prefix))) ++prefix;
  return PrefixToMask(prefix) == mask ? prefix : -1;
}

bool ParseNetwork(std::string_view s, uint32_t* network, int* prefix,
                  std::string* err) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    *err = "expected NETWORK/PREFIX";
    return false;
  }
  uint32_t net;
  if (!ParseIPv4(s.substr(0, slash), &net)) {
    *err = "invalid network address";
    return false;
  }
  std::string_view tail = s.substr(slash + 1);
  int64_t p;
  uint32_t mask;
  if (ParseInt(tail, &p)) {
    if (p < 0 || p > 32) {
      *err = "prefix length must be 0-32";
      return false;
    }
  } else if (ParseIPv4(tail, &mask)) {
    p = MaskToPrefix(mask);
    if (p < 0) {
      *err = "netmask is not contiguous";
      return false;
    }
  } else {
    *err = "invalid prefix length or netmask";
    return false;
  }
  if (net & ~PrefixToMask(static_cast<int>(p))) {
    *err = "host bits set in network address";
    return false;
  }
  *network = net;
  *prefix = static_cast<int>(p);
  return true;
}

bool InNetwork(uint32_t ip, uint32_t network, int prefix) {
  return (ip & PrefixToMask(prefix)) == network;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseMac(std::string_view s, std::string* normalized) {
  std::string hex;
  if (s.size() == 17) {
    char sep = s[2];
    if (sep != ':' && sep != '-') return false;
    for (size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (s[i] != sep) return false;
      } else {
        hex += s[i];
      }
    }
  } else if (s.size() == 14) {
    for (size_t i = 0; i < 14; ++i) {
      if (i == 4 || i == 9) {
        if (s[i] != '.') return false;
      } else {
        hex += s[i];
      }
    }
  } else if (s.size() == 12) {
    hex = s;
  } else {
    return false;
  }
  std::string out;
  for (size_t i = 0; i < 12; ++i) {
    int v = HexValue(hex[i]);
    if (v < 0) return false;
    if (i && i % 2 == 0) out += ':';
    out += "0123456789abcdef"[v];
  }
  *normalized = out;
  return true;
}

bool ParseHostMac(std::string_view s, std::string* normalized, std::string* why) {
  std::string mac;
  if (!ParseMac(s, &mac)) {
    *why = "invalid MAC address";
    return false;
  }
  if (mac == "00:00:00:00:00:00") {
    *why = "the all-zero MAC address is no interface's";
    return false;
  }
  if (mac == "ff:ff:ff:ff:ff:ff") {
    *why = "the broadcast MAC address is no interface's";
    return false;
  }
  *normalized = mac;
  return true;
}

bool ReservedHostName(std::string_view name) {
  std::string n = ToLower(name);
  for (const char* r : {"localhost", "localhost.localdomain", "localhost4",
                        "localhost4.localdomain4", "localhost6", "localhost6.localdomain6",
                        "ip6-localhost", "ip6-loopback", "broadcasthost"})
    if (n == r) return true;
  return EndsWith(n, ".localhost");
}

bool ValidHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (const std::string& label : Split(s, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
  }
  return true;
}

namespace {

bool AlnumOr(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}

}  // namespace

bool ValidDeviceName(std::string_view s) {
  if (s.empty() || s.size() > 15 || s == "." || s == "..") return false;
  for (char c : s)
    if (!AlnumOr(c, "_-.:")) return false;
  return true;
}

bool ValidModuleName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!AlnumOr(c, "_-")) return false;
  return true;
}

}  // namespace rocks
