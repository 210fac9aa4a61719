#include "dhcplog.h"

#include "net.h"
#include "strutil.h"

namespace rocks {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Where `word` starts in `line` as a word of its own (at the start, or
// after a blank, ':' or ']'); npos when it does not.
size_t FindWord(std::string_view line, std::string_view word) {
  for (size_t at = line.find(word); at != std::string_view::npos;
       at = line.find(word, at + 1)) {
    char before = at ? line[at - 1] : ' ';
    if (IsBlank(before) || before == ':' || before == ']') return at;
  }
  return std::string_view::npos;
}

// The next blank-separated token from `pos`, which moves past it.
std::string_view Token(std::string_view s, size_t* pos) {
  size_t p = *pos;
  while (p < s.size() && IsBlank(s[p])) ++p;
  size_t start = p;
  while (p < s.size() && !IsBlank(s[p])) ++p;
  *pos = p;
  return s.substr(start, p - start);
}

DhcpLine Malformed(std::string* why, const std::string& text) {
  *why = text;
  return DhcpLine::kMalformed;
}

DhcpLine ReadMac(std::string_view token, const char* server, DhcpRequest* out,
                 std::string* why) {
  if (token.empty()) return Malformed(why, std::string(server) + ": no MAC address");
  if (!ParseMac(token, &out->mac))
    return Malformed(why, std::string(server) + ": unreadable MAC address '" +
                              std::string(token) + "'");
  return DhcpLine::kRequest;
}

// dhcpd: "DHCPDISCOVER from MAC [(NAME)] via IF[: more]".
DhcpLine ParseIsc(std::string_view line, size_t at, DhcpRequest* out,
                  std::string* why) {
  size_t from = line.find(" from ", at) + 5;
  size_t via = line.find(" via ", from);
  if (via == std::string_view::npos) return Malformed(why, "dhcpd: no 'via INTERFACE'");
  size_t pos = from;
  std::string_view mac = Token(line.substr(0, via), &pos);
  pos = via + 5;
  std::string_view dev = Token(line, &pos);
  if (!dev.empty() && dev.back() == ':') dev.remove_suffix(1);
  if (dev.empty()) return Malformed(why, "dhcpd: no interface after 'via'");
  out->server = "dhcpd";
  out->interface = std::string(dev);
  return ReadMac(mac, "dhcpd", out, why);
}

// dnsmasq: "DHCPDISCOVER(IF) [ADDR] MAC [message]".
DhcpLine ParseDnsmasq(std::string_view line, size_t at, DhcpRequest* out,
                      std::string* why) {
  size_t open = at + 12;
  size_t close = line.find(')', open);
  if (close == std::string_view::npos || close == open + 1)
    return Malformed(why, "dnsmasq: no interface in 'DHCPDISCOVER(...)'");
  out->server = "dnsmasq";
  out->interface = std::string(line.substr(open + 1, close - open - 1));
  size_t pos = close + 1;
  std::string_view first = Token(line, &pos);
  uint32_t ignored;
  if (ParseIPv4(first, &ignored)) first = Token(line, &pos);
  return ReadMac(first, "dnsmasq", out, why);
}

// kea: "DHCP4_PACKET_RECEIVED [hwtype=1 MAC], cid=[...], tid=...:
// DHCPDISCOVER (type 1) received from A to B on interface IF".
DhcpLine ParseKea(std::string_view line, size_t at, DhcpRequest* out,
                  std::string* why) {
  if (line.find(" DHCPDISCOVER (type 1) ", at) == std::string_view::npos)
    return DhcpLine::kOther;
  out->server = "kea";
  size_t on = line.rfind(" on interface ");
  if (on == std::string_view::npos)
    return Malformed(why, "kea: no 'on interface INTERFACE'");
  size_t pos = on + 14;
  std::string_view dev = Token(line, &pos);
  if (dev.empty()) return Malformed(why, "kea: no interface after 'on interface'");
  out->interface = std::string(dev);
  size_t hw = line.find("[hwtype=", at);
  if (hw == std::string_view::npos) return Malformed(why, "kea: no '[hwtype=N MAC]'");
  pos = hw + 8;
  std::string_view type = Token(line, &pos);
  if (type != "1")
    return Malformed(why, "kea: hardware type '" + std::string(type) + "' is not Ethernet");
  std::string_view mac = Token(line, &pos);
  if (!mac.empty() && mac.back() == ',') mac.remove_suffix(1);
  if (!mac.empty() && mac.back() == ']') mac.remove_suffix(1);
  return ReadMac(mac, "kea", out, why);
}

}  // namespace

DhcpLine ParseDhcpLogLine(std::string_view line, DhcpRequest* out,
                          std::string* why) {
  *out = DhcpRequest();
  size_t at;
  if ((at = FindWord(line, "DHCPDISCOVER from ")) != std::string_view::npos ||
      (at = FindWord(line, "BOOTREQUEST from ")) != std::string_view::npos)
    return ParseIsc(line, at, out, why);
  if ((at = FindWord(line, "DHCPDISCOVER(")) != std::string_view::npos)
    return ParseDnsmasq(line, at, out, why);
  if ((at = FindWord(line, "DHCP4_PACKET_RECEIVED ")) != std::string_view::npos)
    return ParseKea(line, at, out, why);
  return DhcpLine::kOther;
}

}  // namespace rocks
