#include "hostconf.h"

#include <map>
#include <set>

#include "hostrules.h"
#include "ksclient.h"
#include "kstext.h"
#include "net.h"
#include "strutil.h"
#include "xml_tree.h"

namespace rocks {

const char kHostConfigNode[] = "database";

namespace {

// The parts, in the order their output appears. Another kind of host data
// (routes, firewall rules) is one more line here.
const HostKickstartPart kHostKickstartParts[] = {
    HostNetworkConfig,
    HostRulesConfig,
};

// The file the %pre writes the network commands that need the kernel's
// names of devices known by MAC (bond slaves), and main %includes.
const char kNetworkInclude[] = "/tmp/rocks-network.ks";

// The --bondopts value: anaconda splits at ';' when there is one, else at
// ','; an option whose value holds commas (arp_ip_target) needs ';'.
std::string BondOpts(const std::vector<std::string>& opts) {
  bool comma = false;
  for (const std::string& o : opts) comma = comma || o.find(',') != std::string::npos;
  return Join(opts, comma ? ";" : ",");
}

struct Builder {
  const Host& host;
  const HostKickstartContext& ctx;
  HostKickstart* out;
  std::string* err;

  bool Fail(const std::string& why) {
    *err = host.name + ": " + why;
    return false;
  }

  // The addressing words for `ifc`: DHCP on the install network (the
  // frontend's dhcpd gives the address the database has, by MAC), static
  // where the database has an address, DHCP on a network without one,
  // and down at boot with no network at all.
  bool Addressing(const Interface& ifc, bool install, std::vector<std::string>* w) {
    const Subnet* s = ifc.subnet.empty() ? nullptr : ctx.SubnetNamed(ifc.subnet);
    if (!ifc.subnet.empty() && !s) return Fail(ifc.device + ": network " + ifc.subnet + ": unknown");
    if (install || (s && s->pxe) || (s && ifc.ip.empty())) {
      w->push_back("--bootproto=dhcp");
    } else if (!ifc.ip.empty() && s) {
      uint32_t ip;
      if (!ParseIPv4(ifc.ip, &ip)) return Fail(ifc.device + ": ip=" + ifc.ip + ": invalid IPv4 address");
      w->push_back("--bootproto=static");
      w->push_back("--ip=" + FormatIPv4(ip));
      w->push_back("--netmask=" + FormatIPv4(PrefixToMask(s->prefix)));
      if (!s->gateway.empty()) {
        uint32_t gw;
        if (!ParseIPv4(s->gateway, &gw))
          return Fail("network " + s->name + ": gateway=" + s->gateway + ": invalid IPv4 address");
        w->push_back("--gateway=" + FormatIPv4(gw));
      } else {
        w->push_back("--nodefroute");
      }
    } else {
      w->push_back("--bootproto=dhcp");
      w->push_back("--onboot=no");
      return true;
    }
    if (s && s->mtu > 0) w->push_back("--mtu=" + std::to_string(s->mtu));
    w->push_back("--onboot=yes");
    if (install) {
      std::string fqdn = host.name;
      if (s && !s->zone.empty()) fqdn += "." + s->zone;
      if (!ValidHostName(fqdn)) return Fail("hostname " + fqdn + ": invalid host name");
      w->push_back("--hostname=" + fqdn);
      w->push_back("--activate");
    }
    return true;
  }

  bool Mac(const Interface& ifc, std::string* mac) {
    if (!ParseMac(ifc.mac, mac)) return Fail(ifc.device + ": mac=" + ifc.mac + ": invalid MAC address");
    return true;
  }

  bool Device(const std::string& name) {
    if (!ValidDeviceName(name)) return Fail("device=" + name + ": invalid interface name");
    return true;
  }

  bool Run() {
    const std::vector<Interface>& all = host.interfaces;
    std::map<std::string, const Interface*> by_device;
    for (const Interface& i : all) by_device[i.device] = &i;
    // Bonds: devices other interfaces name as their parent without a VLAN id.
    std::map<std::string, std::vector<const Interface*>> slaves;
    for (const Interface& i : all)
      if (i.vlan == 0 && !i.parent.empty()) slaves[i.parent].push_back(&i);
    // The interface the node installs over: the address it fetches its
    // kickstart from (the one kickstart.cgi knows it by).
    const Interface* install = nullptr;
    for (const Interface& i : all)
      if (i.subnet == kInstallSubnet && !i.ip.empty()) {
        install = &i;
        break;
      }
    std::vector<KsCommand> first, rest;
    std::vector<std::string> include, include_vlans;  // bash lines for the %pre
    bool need_resolver = false;
    if (!install) {
      // Nothing to match it by: the link the installer came up on.
      KsCommand c{"network", {"--bootproto=dhcp", "--device=link"}};
      const Subnet* s = ctx.SubnetNamed(kInstallSubnet);
      std::string fqdn = host.name + (s && !s->zone.empty() ? "." + s->zone : "");
      if (ValidHostName(fqdn)) c.words.push_back("--hostname=" + fqdn);
      c.words.push_back("--activate");
      first.push_back(c);
    }
    for (const Interface& i : all) {
      if (!Device(i.device)) return false;
      bool is_install = &i == install;
      if (i.vlan == 0 && !i.parent.empty()) {
        // A bond slave: its bond's command configures it.
        auto p = by_device.find(i.parent);
        if (p == by_device.end())
          return Fail(i.device + ": bond " + i.parent + ": no such interface");
        if (i.mac.empty()) return Fail(i.device + ": slave of " + i.parent + " without a MAC");
        continue;
      }
      KsCommand c{"network", {}};
      if (auto s = slaves.find(i.device); s != slaves.end()) {
        // A bond: its slaves are known by MAC, and anaconda wants their
        // kernel names; a %pre finds them and writes the command.
        std::vector<std::string> macs;
        for (const Interface* sl : s->second) {
          std::string mac;
          if (!Mac(*sl, &mac)) return false;
          macs.push_back(mac);
        }
        std::string why;
        if (!CheckBondOptions(i.options, &why)) return Fail(i.device + ": options: " + why);
        std::vector<std::string> opts = SplitBlanks(i.options);
        std::vector<std::string> head = {"--device=" + i.device};
        std::vector<std::string> tail;
        if (!opts.empty()) tail.push_back("--bondopts=" + BondOpts(opts));
        if (!Addressing(i, is_install, &tail)) return false;
        need_resolver = true;
        std::string line = "s=; for m in";
        for (const std::string& m : macs) line += " " + m;
        line += "; do n=$(rocks_nic \"$m\") && s=${s:+$s,}$n; done";
        include.push_back("# " + i.device + ": its slaves' names, by their MACs");
        include.push_back(line);
        std::string pre_words, post_words;
        for (const std::string& w : head) pre_words += " " + KickstartWord(w);
        for (const std::string& w : tail) post_words += " " + KickstartWord(w);
        include.push_back("[ -n \"$s\" ] && printf '%s\\n' " + ShellWord("network" + pre_words + " ") +
                          "\"--bondslaves=$s\"" + ShellWord(post_words) + " >>" +
                          kNetworkInclude);
        continue;
      }
      if (i.vlan != 0) {
        if (i.vlan < 1 || i.vlan > 4094)
          return Fail(i.device + ": vlan=" + std::to_string(i.vlan) + ": expected 1 to 4094");
        auto p = by_device.find(i.parent);
        if (i.parent.empty() || p == by_device.end())
          return Fail(i.device + ": VLAN without its parent interface" +
                      (i.parent.empty() ? "" : " " + i.parent));
        const Interface& parent = *p->second;
        bool over_bond = slaves.count(parent.device) > 0;
        if (over_bond) {
          c.words.push_back("--device=" + parent.device);
        } else {
          std::string mac;
          if (parent.mac.empty()) return Fail(i.device + ": parent " + parent.device + " without a MAC");
          if (!Mac(parent, &mac)) return false;
          c.words.push_back("--device=" + mac);
        }
        c.words.push_back("--vlanid=" + std::to_string(i.vlan));
        c.words.push_back("--interfacename=" + i.device);
        if (!Addressing(i, is_install, &c.words)) return false;
        if (over_bond) {
          // After its bond, in the file the %pre writes.
          std::string words = "network";
          for (const std::string& w : c.words) words += " " + KickstartWord(w);
          include_vlans.push_back("printf '%s\\n' " + ShellWord(words) + " >>" + kNetworkInclude);
        } else {
          rest.push_back(c);
        }
        continue;
      }
      if (i.mac.empty()) {
        if (!is_install) continue;  // nothing to match it by
        c.words.push_back("--device=link");
      } else {
        std::string mac;
        if (!Mac(i, &mac)) return false;
        c.words.push_back("--device=" + mac);
      }
      if (!Addressing(i, is_install, &c.words)) return false;
      (is_install ? first : rest).push_back(c);
    }
    // The install interface first: anaconda activates the first network
    // command's device.
    for (auto* list : {&first, &rest})
      for (KsCommand& c : *list) out->main.push_back(std::move(c));
    for (std::string& l : include_vlans) include.push_back(std::move(l));
    if (!include.empty()) {
      out->main.push_back({"include", {kNetworkInclude}});
      out->pre.push_back(std::string(": >") + kNetworkInclude);
      if (need_resolver) {
        // A device by its permanent MAC (a bond slave's own address, not
        // the bond's it takes on); only names that are one kickstart word.
        out->pre.push_back("rocks_nic() {");
        out->pre.push_back("  for d in /sys/class/net/*; do");
        out->pre.push_back("    a=$(cat \"$d/bonding_slave/perm_hwaddr\" 2>/dev/null || cat \"$d/address\" 2>/dev/null)");
        out->pre.push_back("    n=${d##*/}");
        out->pre.push_back("    case $n in *[!A-Za-z0-9_.:-]*) continue ;; esac");
        out->pre.push_back("    [ \"$a\" = \"$1\" ] && { echo \"$n\"; return 0; }");
        out->pre.push_back("  done");
        out->pre.push_back("  echo \"rocks: no network interface has MAC $1\" >&2");
        out->pre.push_back("  return 1");
        out->pre.push_back("}");
      }
      for (std::string& l : include) out->pre.push_back(std::move(l));
    }
    return true;
  }
};

}  // namespace

const Subnet* HostKickstartContext::SubnetNamed(const std::string& name) const {
  for (const Subnet& s : subnets)
    if (s.name == name) return &s;
  return nullptr;
}

bool HostNetworkConfig(Database*, const Host& host, const HostKickstartContext& ctx,
                       HostKickstart* out, std::string* err) {
  // Only a node installed over the network takes its network from here.
  if (!ctx.appliance.is_public) return true;
  Builder b{host, ctx, out, err};
  return b.Run();
}

bool HostKickstartConfig(Database* db, const Host& host, HostKickstart* out,
                         std::string* err) {
  *out = HostKickstart();
  HostKickstartContext ctx;
  if (!FindAppliance(db, host.appliance, &ctx.appliance, err) ||
      !ListSubnets(db, &ctx.subnets, err))
    return false;
  for (HostKickstartPart part : kHostKickstartParts)
    if (!part(db, host, ctx, out, err)) return false;
  return true;
}

std::string HostKickstartNodeXml(const HostKickstart& ks) {
  if (ks.empty()) return "";
  return std::string("<node name=\"") + kHostConfigNode +
         "\" file=\"cluster database\" roll=\"\"/>\n";
}

std::string HostKickstartXml(const HostKickstart& ks) {
  if (ks.empty()) return "";
  const std::string origin = std::string(" node=\"") + kHostConfigNode +
                             "\" file=\"cluster database\"";
  std::string o;
  for (const KsCommand& c : ks.main) {
    std::string text;
    for (const std::string& w : c.words) text += (text.empty() ? "" : " ") + KickstartWord(w);
    o += "<main" + origin + " name=\"" + XmlEscapeAttr(c.name) + "\">" + XmlEscape(text) +
         "</main>\n";
  }
  auto script = [&](const char* tag, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    std::string body = "\n";
    for (const std::string& l : lines) body += OneLine(l) + "\n";
    o += std::string("<") + tag + origin + ">" + XmlEscape(body) + "</" + tag + ">\n";
  };
  script("pre", ks.pre);
  script("post", ks.post);
  for (const KsFile& f : ks.files) {
    o += "<post" + origin + "><file name=\"" + XmlEscapeAttr(f.path) + "\" mode=\"create\"";
    if (!f.owner.empty()) o += " owner=\"" + XmlEscapeAttr(f.owner) + "\"";
    if (!f.perms.empty()) o += " perms=\"" + XmlEscapeAttr(f.perms) + "\"";
    // kgen drops one leading newline of a <file>'s text.
    o += " vars=\"literal\">" + XmlEscape("\n" + f.content) + "</file></post>\n";
  }
  return o;
}

}  // namespace rocks
