#include "dump.h"

#include <algorithm>
#include <map>
#include <vector>

#include "cluster.h"
#include "net.h"
#include "strutil.h"
#include "vm.h"

namespace rocks {
namespace {

// One command line: each word shell-quoted when it needs it.
class Lines {
 public:
  void Add(const std::vector<std::string>& words) {
    std::string line;
    for (const std::string& w : words) {
      if (!line.empty()) line += ' ';
      line += Word(w);
    }
    text_ += line + "\n";
  }
  void Comment(const std::string& c) { text_ += "# " + c + "\n"; }
  std::string& text() { return text_; }

 private:
  static std::string Word(const std::string& w) {
    bool plain = !w.empty();
    for (char c : w)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./:=@,+%").find(c) != std::string_view::npos))
        plain = false;
    return plain ? w : ShellQuote(w);
  }
  std::string text_;
};

const char* YesNo(bool b) { return b ? "yes" : "no"; }

void Networks(const std::vector<Subnet>& nets, Lines* out) {
  for (const Subnet& n : nets) {
    bool init = n.name == "private" || n.name == "public";
    out->Add({"rocks", init ? "set" : "add", "network", n.name,
              "address=" + FormatIPv4(n.network) + "/" + std::to_string(n.prefix),
              "mtu=" + std::to_string(n.mtu), "zone=" + n.zone,
              std::string("dhcp=") + YesNo(n.dhcp), std::string("pxe=") + YesNo(n.pxe),
              std::string("dns=") + YesNo(n.dns),
              "gateway=" + (n.gateway.empty() ? std::string("none") : n.gateway)});
  }
}

void Appliances(const std::vector<Appliance>& apps, Lines* out) {
  std::vector<std::string> init = InitApplianceNames();
  for (const Appliance& a : apps) {
    bool made = std::find(init.begin(), init.end(), a.name) != init.end();
    out->Add({"rocks", made ? "set" : "add", "appliance", a.name, "short=" + a.short_name,
              "node=" + a.node, "graph=" + a.graph,
              std::string("public=") + YesNo(a.is_public),
              std::string("compute=") + YesNo(a.compute)});
  }
  for (const std::string& name : init) {
    bool there = std::any_of(apps.begin(), apps.end(),
                             [&](const Appliance& a) { return a.name == name; });
    if (!there) out->Add({"rocks", "remove", "appliance", name});
  }
}

std::vector<std::string> InterfaceWords(const Interface& i) {
  std::vector<std::string> w;
  auto key = [&](const char* k, const std::string& v) {
    if (!v.empty()) w.push_back(std::string(k) + "=" + v);
  };
  key("mac", i.mac);
  key("ip", i.ip);
  key("subnet", i.subnet);
  key("module", i.module);
  key("name", i.name);
  if (i.vlan) key("vlan", std::to_string(i.vlan));
  key("parent", i.parent);
  key("options", i.options);
  return w;
}

std::vector<std::string> HostWords(const Host& h) {
  std::vector<std::string> w = {"rack=" + std::to_string(h.rack),
                                "rank=" + std::to_string(h.rank)};
  // 0 is "not known yet": rocks takes no such count.
  if (h.cpus > 0) w.push_back("cpus=" + std::to_string(h.cpus));
  w.push_back("arch=" + h.arch);
  w.push_back("os=" + h.os);
  w.push_back("comment=" + h.comment);
  w.push_back("action=" + h.boot_action);
  return w;
}

void Hosts(const std::vector<Host>& hosts, Lines* out) {
  for (const Host& h : hosts) {
    std::vector<std::string> w;
    if (h.appliance == "frontend") {
      w = {"rocks", "set", "host", h.name};
    } else {
      w = {"rocks", "add", "host", h.name, "appliance=" + h.appliance};
    }
    for (std::string& k : HostWords(h)) w.push_back(std::move(k));
    out->Add(w);
    for (const Interface& i : h.interfaces) {
      // init makes the frontend's private and public interfaces.
      bool init = h.appliance == "frontend" && (i.subnet == "private" || i.subnet == "public");
      std::vector<std::string> iw =
          init ? std::vector<std::string>{"rocks", "set", "host", "interface", h.name, i.device}
               : std::vector<std::string>{"rocks", "add", "host", "interface", h.name,
                                          "device=" + i.device};
      for (std::string& k : InterfaceWords(i)) iw.push_back(std::move(k));
      out->Add(iw);
    }
  }
}

}  // namespace

bool DumpCluster(Database* db, std::string* out, std::string* err) {
  std::vector<Subnet> nets;
  std::vector<Appliance> apps;
  std::vector<Host> hosts;
  std::vector<Alias> aliases;
  std::vector<SqlRow> attrs;
  if (!ListSubnets(db, &nets, err) || !ListAppliances(db, &apps, err) ||
      !ListHosts(db, {}, &hosts, err) || !ListAliases(db, &aliases, err) ||
      !db->Query("SELECT scope, owner, name, value FROM attributes "
                 "ORDER BY scope = 'host', scope = 'appliance', owner, name",
                 {}, &attrs, err))
    return false;
  std::map<int64_t, std::string> app_name, host_name;
  for (const Appliance& a : apps) app_name[a.id] = a.name;
  for (const Host& h : hosts) host_name[h.id] = h.name;
  std::string frontend;
  for (const Host& h : hosts)
    if (h.appliance == "frontend") frontend = h.name;

  Lines lines;
  lines.Comment("rocks dump: the cluster database as rocks commands.");
  lines.Comment("Run on a new database: rocks init --frontend=" + frontend +
                " (with this cluster's networks), then this file with bash.");
  lines.Comment("Attribute values are all here, secrets too: keep it as safe as the database.");
  Networks(nets, &lines);
  Appliances(apps, &lines);
  Hosts(hosts, &lines);
  // Each VM's slice of its container, once every host is there.
  std::vector<VmSlice> vms;
  if (!ListVms(db, {}, &vms, err)) return false;
  for (const VmSlice& v : vms)
    lines.Add({"rocks", "set", "host", "vm", v.host, "container=" + v.container,
               "slice=" + std::to_string(v.slice), "mem=" + std::to_string(v.mem_mib),
               "cpus=" + std::to_string(v.cpus), "disk=" + std::to_string(v.disk_mib)});
  for (const Alias& a : aliases) lines.Add({"rocks", "add", "alias", a.host, a.name});
  for (const SqlRow& r : attrs) {
    std::string scope = CellText(r[0]);
    std::vector<std::string> w = {"rocks", "set", "attr"};
    if (scope == "appliance") w.push_back("--appliance=" + app_name[CellInt(r[1])]);
    if (scope == "host") w.push_back("--host=" + host_name[CellInt(r[1])]);
    w.push_back("--");
    w.push_back(CellText(r[2]));
    w.push_back(CellText(r[3]));
    lines.Add(w);
  }
  // Routes and firewall rules, by scope as the attributes. init's rule
  // that lets login nodes answer SNMP goes first, so that the cluster's
  // own version of it (or its absence) is what stays.
  std::vector<SqlRow> routes, rules;
  if (!db->Query("SELECT r.scope, r.owner, r.network, r.prefix, r.gateway, s.name "
                 "FROM routes r LEFT JOIN subnets s ON s.id = r.subnet "
                 "ORDER BY r.scope = 'host', r.scope = 'appliance', r.owner, r.network, "
                 "r.prefix",
                 {}, &routes, err) ||
      !db->Query("SELECT f.scope, f.owner, f.name, s.name, f.service, f.port, f.protocol, "
                 "f.action FROM firewall_rules f LEFT JOIN subnets s ON s.id = f.subnet "
                 "ORDER BY f.scope = 'host', f.scope = 'appliance', f.owner, f.name",
                 {}, &rules, err))
    return false;
  auto scoped = [&](const std::string& verb, const char* noun, const SqlRow& r) {
    std::vector<std::string> w = {"rocks", verb, noun};
    std::string scope = CellText(r[0]);
    if (scope == "appliance") w.push_back("--appliance=" + app_name[CellInt(r[1])]);
    if (scope == "host") w.push_back("--host=" + host_name[CellInt(r[1])]);
    return w;
  };
  for (const SqlRow& r : routes) {
    std::vector<std::string> w = scoped("add", "route", r);
    w.push_back(CellText(r[2]) + "/" + CellText(r[3]));
    w.push_back(r[4] ? "gateway=" + CellText(r[4]) : "network=" + CellText(r[5]));
    lines.Add(w);
  }
  if (std::any_of(apps.begin(), apps.end(), [](const Appliance& a) { return a.name == "login"; }))
    lines.Add({"rocks", "remove", "firewall", "--appliance=login", "snmp"});
  for (const SqlRow& r : rules) {
    std::vector<std::string> w = scoped("add", "firewall", r);
    w.push_back(CellText(r[2]));
    if (r[3]) w.push_back("network=" + CellText(r[3]));
    if (r[4]) w.push_back("service=" + CellText(r[4]));
    if (r[5]) w.push_back("port=" + CellText(r[5]));
    if (r[6]) w.push_back("protocol=" + CellText(r[6]));
    w.push_back("action=" + CellText(r[7]));
    lines.Add(w);
  }
  *out = std::move(lines.text());
  return true;
}

}  // namespace rocks
