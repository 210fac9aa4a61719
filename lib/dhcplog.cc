#include "dhcplog.h"

#include <map>

#include "json.h"
#include "net.h"
#include "strutil.h"

namespace rocks {

namespace {

enum class Server { kDhcpd, kDnsmasq, kKea };

// Accounts below this are the system's own (login.defs' SYS_UID_MAX + 1):
// the daemons run as root or as one of them, a local user never does.
constexpr int64_t kFirstUserUid = 1000;

// The program of a server: its process name (_COMM) and the last part of
// its executable's path (_EXE).
std::string_view Program(Server s) {
  switch (s) {
    case Server::kDhcpd: return "dhcpd";
    case Server::kDnsmasq: return "dnsmasq";
    case Server::kKea: return "kea-dhcp4";
  }
  return "";
}

// Whether a syslog tag (without its "[PID]") is the one the server logs
// its requests under.
bool TagIs(Server s, std::string_view tag) {
  switch (s) {
    case Server::kDhcpd: return tag == "dhcpd";
    case Server::kDnsmasq: return tag == "dnsmasq-dhcp" || tag == "dnsmasq";
    case Server::kKea: return tag == "kea-dhcp4";
  }
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

DhcpLine Malformed(std::string* why, const std::string& text) {
  *why = text;
  return DhcpLine::kMalformed;
}

DhcpLine ReadMac(std::string_view token, const char* server, DhcpRequest* out,
                 std::string* why) {
  if (token.empty()) return Malformed(why, std::string(server) + ": no MAC address");
  std::string mac, problem;
  if (!ParseMac(token, &mac))
    return Malformed(why, std::string(server) + ": unreadable MAC address '" +
                              EscapeControl(token) + "'");
  if (!ParseHostMac(token, &out->mac, &problem))
    return Malformed(why, std::string(server) + ": " + mac + ": " + problem);
  return DhcpLine::kRequest;
}

bool ValidWhere(std::string_view where) {
  uint32_t ignored;
  return ValidDeviceName(where) || ParseIPv4(where, &ignored);
}

// dhcpd, after "DHCPDISCOVER from " or "BOOTREQUEST from ":
// "MAC [(NAME) ]via IF[: more]". IF is an interface or a relay's address.
// NAME is the host name the client sent, any text at all, " via eth0"
// included: the interface is the one after the last ") via ", which
// dhcpd itself wrote after the name.
DhcpLine ParseIsc(std::string_view rest, DhcpRequest* out, std::string* why) {
  out->server = "dhcpd";
  size_t blank = rest.find(' ');
  std::string_view mac = rest.substr(0, blank);
  std::string_view tail = blank == std::string_view::npos ? "" : rest.substr(blank);
  size_t via;
  if (StartsWith(tail, " via ")) {
    via = 5;
  } else if (StartsWith(tail, " (") && tail.rfind(") via ") != std::string_view::npos) {
    via = tail.rfind(") via ") + 6;
  } else {
    return Malformed(why, "dhcpd: no 'via INTERFACE'");
  }
  std::string_view where = tail.substr(via);
  size_t end = where.find(' ');
  std::string_view more = end == std::string_view::npos ? "" : where.substr(end);
  where = where.substr(0, end);
  if (!where.empty() && where.back() == ':') {
    where.remove_suffix(1);
  } else if (!more.empty()) {
    return Malformed(why, "dhcpd: text after the interface '" + EscapeControl(where) + "'");
  }
  if (where.empty()) return Malformed(why, "dhcpd: no interface after 'via'");
  if (!ValidWhere(where))
    return Malformed(why, "dhcpd: unreadable interface '" + EscapeControl(where) + "'");
  out->interface = std::string(where);
  return ReadMac(mac, "dhcpd", out, why);
}

// dnsmasq, from "DHCPDISCOVER(": "DHCPDISCOVER(IF) [ADDR] MAC [message]".
DhcpLine ParseDnsmasq(std::string_view msg, DhcpRequest* out, std::string* why) {
  out->server = "dnsmasq";
  size_t open = 12;
  size_t close = msg.find(')', open);
  if (close == std::string_view::npos || close == open + 1)
    return Malformed(why, "dnsmasq: no interface in 'DHCPDISCOVER(...)'");
  std::string_view where = msg.substr(open + 1, close - open - 1);
  if (!ValidDeviceName(where))
    return Malformed(why, "dnsmasq: unreadable interface '" + EscapeControl(where) + "'");
  std::string_view rest = msg.substr(close + 1);
  if (!rest.empty() && rest[0] != ' ')
    return Malformed(why, "dnsmasq: no interface in 'DHCPDISCOVER(...)'");
  out->interface = std::string(where);
  std::vector<std::string> words = SplitBlanks(rest);
  size_t i = 0;
  uint32_t ignored;
  if (i < words.size() && ParseIPv4(words[i], &ignored)) ++i;
  return ReadMac(i < words.size() ? words[i] : "", "dnsmasq", out, why);
}

// kea, from "DHCP4_PACKET_RECEIVED ": "[hwtype=1 MAC], cid=[...],
// tid=...: DHCPDISCOVER (type 1) received from A to B on interface IF".
// Everything before "on interface" is hexadecimal or an address.
DhcpLine ParseKea(std::string_view body, DhcpRequest* out, std::string* why) {
  size_t colon = body.find(": ");
  if (colon == std::string_view::npos) return DhcpLine::kOther;
  std::string_view label = body.substr(0, colon);
  std::string_view what = body.substr(colon + 2);
  if (!StartsWith(what, "DHCPDISCOVER (type 1) received from ")) return DhcpLine::kOther;
  out->server = "kea";
  size_t on = what.rfind(" on interface ");
  if (on == std::string_view::npos)
    return Malformed(why, "kea: no 'on interface INTERFACE'");
  std::string_view where = what.substr(on + 14);
  if (where.empty()) return Malformed(why, "kea: no interface after 'on interface'");
  if (!ValidDeviceName(where))
    return Malformed(why, "kea: unreadable interface '" + EscapeControl(where) + "'");
  out->interface = std::string(where);
  if (!StartsWith(label, "[hwtype=")) return Malformed(why, "kea: no '[hwtype=N MAC]'");
  std::string_view hw = label.substr(8);
  size_t blank = hw.find(' ');
  std::string_view type = hw.substr(0, blank);
  if (type != "1")
    return Malformed(why, "kea: hardware type '" + EscapeControl(type) + "' is not Ethernet");
  std::string_view mac = blank == std::string_view::npos ? "" : hw.substr(blank + 1);
  size_t close = mac.find(']');
  if (close == std::string_view::npos) return Malformed(why, "kea: no '[hwtype=N MAC]'");
  return ReadMac(mac.substr(0, close), "kea", out, why);
}

// Where a kea-dhcp4 packet line's message starts after Kea's own layout:
// "[DATE TIME ]DEBUG [kea-dhcp4.packets...] "; npos when it is not one.
size_t KeaBody(std::string_view msg) {
  size_t p = 0;
  if (!msg.empty() && IsDigit(msg[0])) {
    for (int word = 0; word < 2; ++word) {
      while (p < msg.size() && (IsDigit(msg[p]) || msg[p] == '-' || msg[p] == ':' ||
                                msg[p] == '.'))
        ++p;
      if (p >= msg.size() || msg[p] != ' ') return std::string_view::npos;
      ++p;
    }
  }
  if (msg.substr(p, 5) != "DEBUG") return std::string_view::npos;
  p += 5;
  while (p < msg.size() && msg[p] == ' ') ++p;
  if (!StartsWith(msg.substr(p), "[kea-dhcp4.packets")) return std::string_view::npos;
  size_t close = msg.find("] ", p);
  if (close == std::string_view::npos) return std::string_view::npos;
  p = close + 2;
  if (!StartsWith(msg.substr(p), "DHCP4_PACKET_RECEIVED ")) return std::string_view::npos;
  return p + 22;
}

// One server's message, read from its first character: `server` says
// whose format it has unless it is kOther.
DhcpLine ParseMessage(std::string_view msg, Server* server, DhcpRequest* out,
                      std::string* why) {
  if (StartsWith(msg, "DHCPDISCOVER from ") || StartsWith(msg, "BOOTREQUEST from ")) {
    *server = Server::kDhcpd;
    return ParseIsc(msg.substr(msg.find(" from ") + 6), out, why);
  }
  // dnsmasq --log-dhcp puts the transaction's serial number first.
  size_t p = 0;
  while (p < msg.size() && IsDigit(msg[p])) ++p;
  if (p > 0 && p < msg.size() && msg[p] == ' ') ++p;
  else p = 0;
  if (StartsWith(msg.substr(p), "DHCPDISCOVER(")) {
    *server = Server::kDnsmasq;
    return ParseDnsmasq(msg.substr(p), out, why);
  }
  size_t body = KeaBody(msg);
  if (body != std::string_view::npos) {
    *server = Server::kKea;
    return ParseKea(msg.substr(body), out, why);
  }
  return DhcpLine::kOther;
}

// A line of a log file: the server's own ("DHCPDISCOVER from ..."), or
// syslog's ("Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER from ..."),
// where the message must come from the server's tag.
DhcpLine ParseText(std::string_view line, DhcpRequest* out, std::string* why) {
  Server server;
  DhcpLine got = ParseMessage(line, &server, out, why);
  if (got != DhcpLine::kOther) return got;
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos) return DhcpLine::kOther;
  size_t start = line.rfind(' ', colon);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view tag = line.substr(start, colon - start);
  if (!tag.empty() && tag.back() == ']') {
    size_t open = tag.rfind('[');
    if (open == std::string_view::npos || open + 2 > tag.size() - 1) return DhcpLine::kOther;
    for (size_t i = open + 1; i + 1 < tag.size(); ++i)
      if (!IsDigit(tag[i])) return DhcpLine::kOther;
    tag = tag.substr(0, open);
  }
  got = ParseMessage(line.substr(colon + 2), &server, out, why);
  if (got == DhcpLine::kOther || TagIs(server, tag)) return got;
  *out = DhcpRequest();
  return DhcpLine::kOther;
}

std::string FieldOf(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

// A journal entry (journalctl -o json): the message counts only when the
// fields journald itself filled in, which no client can set, say that the
// server's own program, run by a system account, logged it.
DhcpLine ParseJournal(const std::map<std::string, std::string>& fields, DhcpRequest* out,
                      std::string* why) {
  auto message = fields.find("MESSAGE");
  if (message == fields.end()) return DhcpLine::kOther;
  Server server;
  DhcpLine got = ParseMessage(message->second, &server, out, why);
  if (got == DhcpLine::kOther) return got;
  std::string comm = FieldOf(fields, "_COMM");
  std::string exe = FieldOf(fields, "_EXE");
  std::string uid = FieldOf(fields, "_UID");
  std::string_view program = Program(server);
  int64_t n = -1;
  size_t slash = exe.rfind('/');
  bool trusted = comm == program && StartsWith(exe, "/") &&
                 std::string_view(exe).substr(slash + 1) == program && ParseInt(uid, &n) &&
                 n >= 0 && n < kFirstUserUid;
  if (trusted) return got;
  *out = DhcpRequest();
  return Malformed(why, "journal: not logged by " + std::string(program) +
                            " (_COMM=" + EscapeControl(comm) + " _EXE=" + EscapeControl(exe) +
                            " _UID=" + EscapeControl(uid) + ")");
}

}  // namespace

DhcpLine ParseDhcpLogLine(std::string_view line, DhcpRequest* out,
                          std::string* why) {
  *out = DhcpRequest();
  // No server or syslog line starts with '{': it is a journal entry, or
  // nothing this reads.
  if (StartsWith(line, "{")) {
    std::map<std::string, std::string> fields;
    std::string ignored;
    if (!ParseJsonFields(line, &fields, &ignored)) return DhcpLine::kOther;
    return ParseJournal(fields, out, why);
  }
  return ParseText(line, out, why);
}

}  // namespace rocks
