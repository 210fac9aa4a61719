// dbreport's DHCP server configurations: dhcpd.conf and Kea's DHCPv4.

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

#include <nlohmann/json.hpp>

#include "boot.h"
#include "cond.h"
#include "config.h"
#include "file.h"
#include "hostsel.h"
#include "json.h"
#include "net.h"
#include "strutil.h"

namespace rocks {

using namespace report_detail;

namespace {

// The network settings of the private subnet, from the attributes
// `rocks init` sets.
struct PrivateNet {
  std::string network;
  std::string netmask;
  std::string broadcast;
  std::string address;  // the frontend
  std::string domain;
  std::vector<std::string> routers;
  std::vector<std::string> dns_servers;
  std::string kickstart_url;
  std::string bios_file;
  std::string uefi_file;
  std::string ipxe_file;
  // The addresses a node the database does not know is lent (first, last;
  // empty: none, so only known nodes get an answer).
  std::vector<std::string> range;
  int prefix = 0;
};

bool LoadPrivateNet(const Attrs& attrs, PrivateNet* net, std::string* err) {
  if (!NeedAttr(attrs, "Kickstart_PrivateNetwork", &net->network, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateNetmask", &net->netmask, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateAddress", &net->address, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateDNSDomain", &net->domain, err))
    return false;
  uint32_t network, mask;
  if (!ParseIPv4(net->network, &network)) {
    *err = "Kickstart_PrivateNetwork=" + net->network + ": invalid IPv4 address";
    return false;
  }
  if (!ParseIPv4(net->netmask, &mask) || MaskToPrefix(mask) < 0) {
    *err = "Kickstart_PrivateNetmask=" + net->netmask + ": invalid netmask";
    return false;
  }
  net->prefix = MaskToPrefix(mask);
  net->broadcast = AttrOr(attrs, "Kickstart_PrivateBroadcast",
                          FormatIPv4(network | ~mask));
  net->routers = ListWords(AttrOr(attrs, "Kickstart_PrivateGateway", net->address));
  net->dns_servers =
      ListWords(AttrOr(attrs, "Kickstart_PrivateDNSServers", net->address));
  std::string ks_host = AttrOr(attrs, "Kickstart_PrivateKickstartHost", net->address);
  std::string base = "http://" + ks_host + "/" +
                     AttrOr(attrs, "Kickstart_PrivateKickstartBasedir", "install");
  net->kickstart_url =
      base + "/" + AttrOr(attrs, "Kickstart_PrivateKickstartCGI", "sbin/kickstart.cgi");
  BootSettings boot = BootSettingsFrom(attrs);
  net->bios_file = boot.bios_file;
  net->uefi_file = boot.uefi_file;
  net->ipxe_file = boot.ipxe_file;
  net->range = ListWords(AttrOr(attrs, "Dhcp_DynamicRange", ""));
  if (!net->range.empty()) {
    uint32_t lo, hi;
    if (net->range.size() != 2 || !ParseIPv4(net->range[0], &lo) ||
        !ParseIPv4(net->range[1], &hi) || lo > hi || !InNetwork(lo, network, net->prefix) ||
        !InNetwork(hi, network, net->prefix)) {
      *err = "Dhcp_DynamicRange=" + AttrOr(attrs, "Dhcp_DynamicRange", "") +
             ": expected two addresses of the private network, lowest first";
      return false;
    }
  }
  // These reach dhcpd.conf and the Kea configuration: addresses stand
  // there bare, so each must look like one (whether it is one is left to
  // the servers' own checkers, which say what is wrong); strings are
  // quoted, and no quoting holds a line break or another control character.
  auto address = [&](const char* attr, const std::string& v) {
    if (!v.empty() && v.find_first_not_of("0123456789.") == std::string::npos) return true;
    std::string whole = AttrOr(attrs, attr, v);
    *err = std::string(attr) + "=" + whole + ": invalid IPv4 address";
    if (whole != v) *err += " " + v;
    return false;
  };
  if (!address("Kickstart_PrivateAddress", net->address) ||
      !address("Kickstart_PrivateBroadcast", net->broadcast))
    return false;
  for (const std::string& r : net->routers)
    if (!address("Kickstart_PrivateGateway", r)) return false;
  for (const std::string& d : net->dns_servers)
    if (!address("Kickstart_PrivateDNSServers", d)) return false;
  if (!ValidHostName(net->domain)) {
    *err = "Kickstart_PrivateDNSDomain=" + net->domain + ": invalid domain name";
    return false;
  }
  for (const char* attr :
       {"Kickstart_PrivateKickstartHost", "Kickstart_PrivateKickstartBasedir",
        "Kickstart_PrivateKickstartCGI", "Dhcp_BiosBootFile", "Dhcp_UefiBootFile",
        "Dhcp_IpxeBootFile"}) {
    for (char c : AttrOr(attrs, attr, "")) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        *err = std::string(attr) + ": a control character cannot be written to dhcpd.conf";
        return false;
      }
    }
  }
  return true;
}

// A string literal for dhcpd.conf.
std::string DhcpQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The networks besides private that DHCP serves (private's subnet comes
// from the Kickstart_Private* attributes, as in Rocks).
bool OtherDhcpNetworks(Database* db, std::vector<Subnet>* out, std::string* err) {
  std::vector<Subnet> all;
  if (!ListSubnets(db, &all, err)) return false;
  for (Subnet& n : all)
    if (n.dhcp && n.name != "private") out->push_back(std::move(n));
  return true;
}

}  // namespace

bool ReportDhcpd(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err) {
  Attrs attrs;
  Rows rows;
  PrivateNet net;
  std::vector<Subnet> others;
  if (!LoadGlobalAttrs(db, &attrs, err) || !LoadPrivateNet(attrs, &net, err) ||
      !LoadRows(db, "WHERE i.mac IS NOT NULL AND (s.name = 'private' OR s.dhcp <> 0)", {},
                &rows, err) ||
      !OtherDhcpNetworks(db, &others, err))
    return false;
  std::string text = Header("#", "dhcpd");
  text +=
      "ddns-update-style none;\n"
      "authoritative;\n"
      "default-lease-time 1200;\n"
      "max-lease-time 1200;\n"
      "option arch code 93 = unsigned integer 16;\n"
      // iPXE's own options: no-pxedhcp spares it waiting for a ProxyDHCP
      // offer that never comes.
      "option space ipxe;\n"
      "option ipxe-encap-opts code 175 = encapsulate ipxe;\n"
      "option ipxe.no-pxedhcp code 176 = unsigned integer 8;\n"
      "\n";
  text += "subnet " + net.network + " netmask " + net.netmask + " {\n";
  text += "\toption subnet-mask " + net.netmask + ";\n";
  text += "\toption broadcast-address " + net.broadcast + ";\n";
  text += "\toption domain-name " + DhcpQuote(net.domain) + ";\n";
  text += "\toption domain-name-servers " + Join(net.dns_servers, ", ") + ";\n";
  text += "\toption routers " + Join(net.routers, ", ") + ";\n";
  text += "\tnext-server " + net.address + ";\n";
  if (!net.range.empty()) {
    // A new node boots the installer from the default entries on a lent
    // address; insert-ethers names it from this request meanwhile.
    text += "\tping-check false;\n";
    text += "\trange " + net.range[0] + " " + net.range[1] + ";\n";
  }
  text += "\tif exists user-class and option user-class = \"iPXE\" {\n";
  text += "\t\tfilename " + DhcpQuote(net.ipxe_file) + ";\n";
  text += "\t\toption ipxe.no-pxedhcp 1;\n";
  text += "\t} elsif option arch = 00:07 or option arch = 00:09 {\n";
  text += "\t\tfilename " + DhcpQuote(net.uefi_file) + ";\n";
  text += "\t} elsif option arch = 00:00 {\n";
  text += "\t\tfilename " + DhcpQuote(net.bios_file) + ";\n";
  text += "\t} else {\n";
  text += "\t\tfilename " + DhcpQuote(net.kickstart_url) + ";\n";
  text += "\t}\n}\n";
  for (const Subnet& n : others) {
    uint32_t mask = PrefixToMask(n.prefix);
    text += "\nsubnet " + FormatIPv4(n.network) + " netmask " + FormatIPv4(mask) + " {\n";
    text += "\toption subnet-mask " + FormatIPv4(mask) + ";\n";
    text += "\toption broadcast-address " + FormatIPv4(n.network | ~mask) + ";\n";
    if (!n.zone.empty()) text += "\toption domain-name " + DhcpQuote(n.zone) + ";\n";
    if (!n.gateway.empty()) text += "\toption routers " + n.gateway + ";\n";
    if (n.mtu != 1500) text += "\toption interface-mtu " + std::to_string(n.mtu) + ";\n";
    text += "}\n";
  }
  std::unordered_set<std::string> seen;
  seen.reserve(rows.size());
  text.reserve(text.size() + rows.size() * 160);
  for (const Row& r : rows) {
    std::string id = r.Fqdn();
    // Names and devices are checked on the way in; one put in the
    // database by other means must still not write its own dhcpd.conf.
    std::string mac;
    if (!ValidHostName(id) || !ValidDeviceName(r.device) || !ParseMac(r.mac, &mac) ||
        mac != r.mac) {
      *err = r.host() + ": interface " + r.device + ": not valid in dhcpd.conf";
      return false;
    }
    // A host with two private interfaces needs two distinct declarations.
    if (!seen.insert(id).second) id += "-" + r.device;
    seen.insert(id);
    // Appended piece by piece: no temporary string per piece.
    text += "\nhost ";
    text += id;
    text += " {\n\thardware ethernet ";
    text += r.mac;
    text += ";\n\toption host-name ";
    text += DhcpQuote(r.Fqdn());
    text += ";\n";
    if (!r.ip.empty()) {
      text += "\tfixed-address ";
      text += r.ip;
      text += ";\n";
    }
    text += "}\n";
  }
  *out = std::move(text);
  return true;
}

bool ReportKea(Database* db, const ReportContext& ctx, std::string* out,
               std::string* err) {
  Attrs attrs;
  Rows rows;
  PrivateNet net;
  std::vector<Subnet> others;
  if (!LoadGlobalAttrs(db, &attrs, err) || !LoadPrivateNet(attrs, &net, err) ||
      !LoadRows(db, "WHERE s.name = 'private' OR s.dhcp <> 0", {}, &rows, err) ||
      !OtherDhcpNetworks(db, &others, err))
    return false;
  // Kea listens on the frontend's interfaces on the networks it serves
  // (private, and those with dhcp=yes), never on the public side.
  auto frontend_device = [&](const std::string& subnet) {
    for (const Row& r : rows)
      if (r.appliance() == "frontend" && r.subnet == subnet && !r.device.empty())
        return r.device;
    return std::string();
  };
  std::string devices = frontend_device("private");
  if (devices.empty()) {
    *err = "kea: the frontend has no interface on the private network";
    return false;
  }
  Json doc = Json::object();
  Json& dhcp4 = doc["Dhcp4"];
  dhcp4 = Json::object();
  Json interfaces = Json::array({devices});
  for (const Subnet& n : others) {
    std::string d = frontend_device(n.name);
    if (!d.empty()) interfaces.push_back(d);
  }
  dhcp4["interfaces-config"] = Json{{"interfaces", std::move(interfaces)}};
  Json& leases = dhcp4["lease-database"];
  leases = Json{{"type", "memfile"}, {"persist", true}};
  std::string lease_file = AttrOr(attrs, "Kea_LeaseFile", "");
  if (!lease_file.empty()) leases["name"] = lease_file;
  dhcp4["valid-lifetime"] = 1200;
  dhcp4["authoritative"] = true;
  // insert-ethers finds new nodes in the DHCPDISCOVERs of the packet
  // logger, which Kea writes only at debug level 50.
  Json output = Json::array(
      {Json{{"output", AttrOr(attrs, "Kea_LogFile", "/var/log/kea/kea-dhcp4.log")}}});
  dhcp4["loggers"] = Json::array(
      {Json{{"name", "kea-dhcp4"}, {"severity", "INFO"}, {"output_options", output}},
       Json{{"name", "kea-dhcp4.packets"},
            {"severity", "DEBUG"},
            {"debuglevel", 50},
            {"output_options", output}}});
  // Exactly one class matches, so no precedence rule decides the file.
  dhcp4["option-def"] = Json::array({Json{{"space", "dhcp4"},
                                          {"name", "ipxe-encap-opts"},
                                          {"code", 175},
                                          {"type", "empty"},
                                          {"encapsulate", "ipxe"}},
                                     Json{{"space", "ipxe"},
                                          {"name", "no-pxedhcp"},
                                          {"code", 176},
                                          {"type", "uint8"}}});
  dhcp4["client-classes"] = Json::array(
      {Json{{"name", "rocks-ipxe"},
            {"test", "substring(option[77].hex, 0, 4) == 'iPXE'"},
            {"boot-file-name", net.ipxe_file},
            {"option-data",
             Json::array({Json{{"name", "ipxe-encap-opts"}},
                          Json{{"space", "ipxe"}, {"name", "no-pxedhcp"}, {"data", "1"}}})}},
       Json{{"name", "rocks-uefi"},
            {"test",
             "not member('rocks-ipxe') and (option[93].hex == 0x0007 or option[93].hex == "
             "0x0009)"},
            {"boot-file-name", net.uefi_file}},
       Json{{"name", "rocks-bios"},
            {"test", "not member('rocks-ipxe') and option[93].hex == 0x0000"},
            {"boot-file-name", net.bios_file}},
       Json{{"name", "rocks-other"},
            {"test",
             "not member('rocks-ipxe') and not member('rocks-uefi') and not "
             "member('rocks-bios')"},
            {"boot-file-name", net.kickstart_url}}});
  auto option = [](const char* name, const std::string& data) {
    return Json{{"name", name}, {"data", data}};
  };
  // A subnet's reservations, one small object a host, each written as it
  // is made: 30,000 of them as one document would take longer than the
  // rest of the report.
  std::vector<JsonList> lists;
  auto reservations = [&rows, &lists](const std::string& subnet) {
    lists.push_back([&rows, subnet, i = size_t(0)](Json* one) mutable {
      for (; i < rows.size(); ++i) {
        const Row& r = rows.list[i];
        if (r.mac.empty() || r.subnet != subnet) continue;
        one->clear();
        (*one)["hw-address"] = r.mac;
        if (!r.ip.empty()) (*one)["ip-address"] = r.ip;
        (*one)["hostname"] = r.Fqdn();
        ++i;
        return true;
      }
      return false;
    });
    return JsonListAt(lists.size() - 1);
  };
  Json& subnets = dhcp4["subnet4"];
  subnets = Json::array();
  Json& priv = subnets.emplace_back(Json::object());
  priv["id"] = 1;
  priv["subnet"] = net.network + "/" + std::to_string(net.prefix);
  priv["next-server"] = net.address;
  if (!net.range.empty())
    priv["pools"] = Json::array({Json{{"pool", net.range[0] + " - " + net.range[1]}}});
  priv["option-data"] = Json::array({option("subnet-mask", net.netmask),
                                     option("broadcast-address", net.broadcast),
                                     option("domain-name", net.domain),
                                     option("domain-name-servers", Join(net.dns_servers, ", ")),
                                     option("routers", Join(net.routers, ", "))});
  priv["reservations"] = reservations("private");
  int id = 1;
  for (const Subnet& n : others) {
    uint32_t mask = PrefixToMask(n.prefix);
    Json& s = subnets.emplace_back(Json::object());
    s["id"] = ++id;
    s["subnet"] = FormatIPv4(n.network) + "/" + std::to_string(n.prefix);
    Json& options = s["option-data"];
    options = Json::array({option("subnet-mask", FormatIPv4(mask))});
    if (!n.zone.empty()) options.push_back(option("domain-name", n.zone));
    if (!n.gateway.empty()) options.push_back(option("routers", n.gateway));
    if (n.mtu != 1500) options.push_back(option("interface-mtu", std::to_string(n.mtu)));
    options.push_back(option("broadcast-address", FormatIPv4(n.network | ~mask)));
    s["reservations"] = reservations(n.name);
  }
  std::string text = Header("//", "kea");
  text.reserve(rows.size() * 128 + 4096);
  std::string why;
  if (!WriteJson(doc, &text, &why, lists)) {
    *err = "kea: " + why;
    return false;
  }
  *out = std::move(text);
  return true;
}

}  // namespace rocks
