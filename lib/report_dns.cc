// dbreport's DNS reports: the forward and reverse zones, and named.conf's
// zone statements.

#include "report.h"
#include "report_rows.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "boot.h"
#include "cond.h"
#include "config.h"
#include "file.h"
#include "hostsel.h"
#include "net.h"
#include "strutil.h"

namespace rocks {

using namespace report_detail;

const char kSerialMark[] = "@SERIAL@";

namespace {

// `subnet` and the other networks DNS serves whose reverse zone is
// `reverse`.
bool NetworksOfReverseZone(Database* db, const std::string& subnet,
                           const std::string& reverse, std::vector<std::string>* out,
                           std::string* err) {
  std::vector<Subnet> all;
  if (!ListSubnets(db, &all, err)) return false;
  out->push_back(subnet);
  for (const Subnet& n : all) {
    std::string zone, ignored;
    if (n.name != subnet && n.dns &&
        ReverseZoneName(FormatIPv4(n.network), n.prefix, &zone, &ignored) && zone == reverse)
      out->push_back(n.name);
  }
  return true;
}

bool FindSubnetRow(Database* db, const std::string& name, std::string* network,
                   int* prefix, std::string* zone, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT network, prefix, zone FROM subnets WHERE name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (rows.empty()) {
    std::vector<SqlRow> all;
    std::vector<std::string> names;
    if (db->Query("SELECT name FROM subnets ORDER BY name", {}, &all, err))
      for (auto& r : all) names.push_back(Str(r[0]));
    *err = UnknownName(name, "network", names);
    return false;
  }
  *network = Str(rows[0][0]);
  *prefix = static_cast<int>(Int(rows[0][1]));
  *zone = Str(rows[0][2]);
  return true;
}

// The SOA, NS and TTL lines every zone starts with; the serial is a
// placeholder that FillZoneSerial replaces.
std::string ZoneHead(const char* report, const std::string& zone,
                     const std::string& ns) {
  std::string out = Header(";", report);
  out += "$TTL 1D\n$ORIGIN " + zone + ".\n";
  out += "@\tIN\tSOA\t" + ns + ". root." + ns + ". (\n";
  out += std::string("\t\t") + kSerialMark + "\t; serial\n";
  out += "\t\t8H\t; refresh\n\t\t2H\t; retry\n\t\t4W\t; expire\n\t\t1D )\t; minimum\n";
  out += "\tIN\tNS\t" + ns + ".\n";
  return out;
}

// The zone's name server: the frontend's name on the subnet when it has an
// address there, else its private name (an in-zone NS without an address
// record is an error to named).
std::string NameServer(const Rows& rows, const Attrs& attrs,
                       const std::string& frontend, const std::string& zone) {
  for (const Row& r : rows)
    if (r.host() == frontend && !r.zone.empty()) return r.Fqdn();
  std::string domain = AttrOr(attrs, "Kickstart_PrivateDNSDomain", zone);
  return frontend + "." + domain;
}

// The serial in a zone this file wrote, or -1.
int64_t ZoneSerial(const std::string& zone) {
  size_t mark = zone.find("\t; serial\n");
  if (mark == std::string::npos) return -1;
  size_t start = zone.rfind('\t', mark - 1);
  if (start == std::string::npos) return -1;
  int64_t serial;
  if (!ParseInt(std::string_view(zone).substr(start + 1, mark - start - 1), &serial))
    return -1;
  return serial;
}

std::string ReplaceSerial(const std::string& zone, const std::string& serial) {
  std::string out = zone;
  size_t p = out.find(kSerialMark);
  if (p != std::string::npos) out.replace(p, std::strlen(kSerialMark), serial);
  return out;
}

}  // namespace

bool ReportDns(Database* db, const ReportContext& ctx, const std::string& subnet,
               std::string* out, std::string* err) {
  std::string network, zone;
  int prefix;
  Attrs attrs;
  Rows rows;
  std::vector<SqlRow> aliases;
  std::string frontend;
  if (!FindSubnetRow(db, subnet, &network, &prefix, &zone, err) ||
      !LoadGlobalAttrs(db, &attrs, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateHostname", &frontend, err) ||
      !LoadRows(db, "WHERE s.name = ? AND i.ip IS NOT NULL",
                {SqlParam::Text(subnet)}, &rows, err) ||
      !db->Query("SELECT al.name, al.host FROM aliases al ORDER BY al.name", {},
                 &aliases, err))
    return false;
  if (zone.empty()) {
    *err = subnet + ": subnet has no DNS zone";
    return false;
  }
  std::string text = ZoneHead("dns", zone, NameServer(rows, attrs, frontend, zone));
  std::unordered_set<std::string> names;
  std::unordered_map<int64_t, std::string> target;
  names.reserve(rows.size() * 2);
  target.reserve(rows.size());
  text.reserve(rows.size() * 60);
  for (const Row& r : rows) {
    text += r.Name() + "\tIN\tA\t" + r.ip + "\n";
    names.insert(ToLower(r.Name()));
    target.emplace(r.host_id(), r.Name());
  }
  // A CNAME may not share its name with any other record. Short aliases
  // (c0-0) live where /etc/hosts puts them: on the private subnet.
  for (const Row& r : rows) {
    std::string alias = subnet == "private" ? r.ShortAlias() : "";
    if (alias.empty() || names.count(ToLower(alias))) continue;
    if (target.at(r.host_id()) != r.Name()) continue;
    names.insert(ToLower(alias));
    text += alias + "\tIN\tCNAME\t" + r.Name() + "\n";
  }
  for (auto& a : aliases) {
    auto it = target.find(Int(a[1]));
    std::string name = Str(a[0]);
    if (it == target.end() || names.count(ToLower(name))) continue;
    names.insert(ToLower(name));
    text += name + "\tIN\tCNAME\t" + it->second + "\n";
  }
  if (!ctx.dns_local_dir.empty())
    AppendFileIfPresent(ctx.dns_local_dir + "/" + zone + ".local", &text);
  *out = FillZoneSerial(text, ctx.previous, ctx.now);
  return true;
}

bool ReverseZoneName(const std::string& network, int prefix, std::string* zone,
                     std::string* err) {
  uint32_t net;
  if (!ParseIPv4(network, &net)) {
    *err = network + ": invalid network address";
    return false;
  }
  if (prefix < 8 || prefix > 32) {
    *err = network + "/" + std::to_string(prefix) +
           ": a reverse zone needs a prefix of 8 to 32";
    return false;
  }
  std::vector<std::string> octets = Split(FormatIPv4(net), '.');
  std::string out;
  // Past /24 the zone is still the /24's: a PTR needs an owner name.
  for (int i = std::min(prefix / 8, 3) - 1; i >= 0; --i) out += octets[static_cast<size_t>(i)] + ".";
  *zone = out + "in-addr.arpa";
  return true;
}

bool ReportDnsReverse(Database* db, const ReportContext& ctx,
                      const std::string& subnet, std::string* out,
                      std::string* err) {
  std::string network, zone, reverse, frontend;
  int prefix;
  Attrs attrs;
  Rows rows;
  std::vector<std::string> sharing;
  if (!FindSubnetRow(db, subnet, &network, &prefix, &zone, err) ||
      !ReverseZoneName(network, prefix, &reverse, err) ||
      !NetworksOfReverseZone(db, subnet, reverse, &sharing, err) ||
      !LoadGlobalAttrs(db, &attrs, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateHostname", &frontend, err))
    return false;
  // Networks narrower than /24 (or /16, /8) share a reverse zone: it
  // holds the names of all those DNS serves.
  std::string in;
  std::vector<SqlParam> names;
  for (const std::string& n : sharing) {
    in += in.empty() ? "?" : ", ?";
    names.push_back(SqlParam::Text(n));
  }
  if (!LoadRows(db, "WHERE s.name IN (" + in + ") AND i.ip IS NOT NULL", names, &rows, err))
    return false;
  if (zone.empty()) {
    *err = subnet + ": subnet has no DNS zone";
    return false;
  }
  size_t zone_octets = static_cast<size_t>(std::min(prefix / 8, 3));
  std::string text = ZoneHead("dns-reverse", reverse, NameServer(rows, attrs, frontend, zone));
  for (const Row& r : rows) {
    std::vector<std::string> octets = Split(r.ip, '.');
    if (octets.size() != 4) continue;
    std::string owner;
    for (size_t i = 4; i > zone_octets; --i) {
      if (!owner.empty()) owner += ".";
      owner += octets[i - 1];
    }
    text += owner + "\tIN\tPTR\t" + r.Fqdn() + ".\n";
  }
  if (!ctx.dns_local_dir.empty())
    AppendFileIfPresent(ctx.dns_local_dir + "/" + reverse + ".local", &text);
  *out = FillZoneSerial(text, ctx.previous, ctx.now);
  return true;
}

bool ServedZones(Database* db, std::vector<ServedZone>* out, std::string* err) {
  std::vector<Subnet> all;
  if (!ListSubnets(db, &all, err)) return false;
  std::vector<ServedZone> reverse;
  std::unordered_set<std::string> seen;
  for (const Subnet& n : all) {
    if (!n.dns || n.zone.empty()) continue;
    out->push_back({n.zone, "dns", n.name});
    std::string zone, ignored;
    if (ReverseZoneName(FormatIPv4(n.network), n.prefix, &zone, &ignored) &&
        seen.insert(zone).second)
      reverse.push_back({zone, "dns-reverse", n.name});
  }
  out->insert(out->end(), reverse.begin(), reverse.end());
  return true;
}

bool ReportNamed(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err) {
  std::vector<ServedZone> zones;
  if (!ServedZones(db, &zones, err)) return false;
  std::string text = Header("//", "named");
  for (const ServedZone& z : zones)
    text += "zone " + JsonQuote(z.zone) + " { type master; file " +
            JsonQuote(z.zone + ".zone") + "; };\n";
  *out = std::move(text);
  return true;
}

std::string FillZoneSerial(const std::string& zone, const std::string& previous,
                           int64_t now) {
  int64_t old = ZoneSerial(previous);
  if (old >= 0) {
    std::string same = ReplaceSerial(zone, std::to_string(old));
    if (same == previous) return same;
  }
  time_t t = static_cast<time_t>(now);
  struct tm tm;
  gmtime_r(&t, &tm);
  int64_t day = (static_cast<int64_t>(tm.tm_year) + 1900) * 1000000 +
                (tm.tm_mon + 1) * 10000 + tm.tm_mday * 100;
  return ReplaceSerial(zone, std::to_string(std::max(old + 1, day)));
}

}  // namespace rocks
