#include "netrules.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "net.h"
#include "strutil.h"
#include "xml_tree.h"

namespace rocks {
namespace {

std::string Str(const std::optional<std::string>& v) { return v ? *v : ""; }

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) ParseInt(*v, &n);
  return n;
}

/// The words without '=' and the key=value words, apart.
bool SplitWords(const std::vector<std::string>& words, std::vector<std::string>* plain,
                KeyValues* kv, std::string* err) {
  std::vector<std::string> pairs;
  for (const std::string& w : words)
    (w.find('=') == std::string::npos ? plain : &pairs)->push_back(w);
  return ParseKeyValues(pairs, kv, err);
}

/// The owner's id, and for a host its appliance's id and name.
struct Owner {
  int64_t id = 0;
  int64_t appliance_id = 0;
  std::string appliance;
};

bool FindOwner(Database* db, AttrScope scope, const std::string& owner, Owner* out,
               std::string* err) {
  if (scope == AttrScope::kGlobal) return true;
  std::string appliance = owner;
  if (scope == AttrScope::kHost) {
    std::vector<Host> hosts;
    if (!ListHosts(db, {owner}, &hosts, err)) return false;
    out->id = hosts[0].id;
    appliance = hosts[0].appliance;
  }
  Appliance app;
  if (!FindAppliance(db, appliance, &app, err)) return false;
  out->appliance_id = app.id;
  out->appliance = app.name;
  if (scope == AttrScope::kAppliance) out->id = app.id;
  return true;
}

/// The rows of `table` at the three scopes that apply to `owner`'s scope,
/// narrowest last, as (scope, row) pairs.
bool ScopedRows(Database* db, const std::string& select, AttrScope scope,
                const Owner& o, std::vector<std::pair<AttrScope, SqlRow>>* out,
                std::string* err) {
  const int64_t appliance_id = scope == AttrScope::kGlobal ? 0 : o.appliance_id;
  const int64_t host_id = scope == AttrScope::kHost ? o.id : 0;
  std::vector<SqlRow> rows;
  if (!db->Query(select +
                     " WHERE (t.scope = 'global' AND t.owner = 0) OR"
                     " (t.scope = 'appliance' AND t.owner = ?) OR"
                     " (t.scope = 'host' AND t.owner = ?)",
                 {SqlParam::Int(appliance_id), SqlParam::Int(host_id)}, &rows, err))
    return false;
  for (int pass = 0; pass < 3; ++pass) {
    const AttrScope want = static_cast<AttrScope>(pass);
    for (const SqlRow& r : rows)
      if (Str(r[0]) == AttrScopeName(want)) out->push_back({want, r});
  }
  return true;
}

std::string OwnerName(AttrScope scope, const std::string& owner,
                      const std::string& appliance) {
  return scope == AttrScope::kGlobal      ? ""
         : scope == AttrScope::kAppliance ? appliance
                                          : ToLower(owner);
}

bool ParseDestination(const std::vector<std::string>& plain, const KeyValues& kv,
                      Route* out, std::string* err) {
  std::string address, netmask;
  bool have_address = false, have_netmask = false;
  for (const auto& [key, value] : kv) {
    if (key == "address") address = value, have_address = true;
    if (key == "netmask") netmask = value, have_netmask = true;
  }
  if (plain.size() > 1) {
    *err = plain[1] + ": unexpected argument";
    return false;
  }
  if (!plain.empty() && have_address) {
    *err = "address=" + address + ": the destination is already " + plain[0];
    return false;
  }
  if (have_netmask && !have_address) {
    *err = "netmask=" + netmask + ": goes with address=";
    return false;
  }
  std::string text, label;
  if (!plain.empty()) {
    text = label = plain[0];
  } else if (have_address) {
    // Rocks 6: no netmask is a route to one host.
    text = address + "/" + (have_netmask ? netmask : "32");
    label = "address=" + address + (have_netmask ? " netmask=" + netmask : "");
  } else {
    *err = "missing destination (DEST/PREFIX, or address= and netmask=)";
    return false;
  }
  std::string why;
  if (!ParseNetwork(text, &out->network, &out->prefix, &why)) {
    *err = label + ": " + why;
    return false;
  }
  return true;
}

const char* const kRouteKeys[] = {"gateway", "network", "address", "netmask"};

bool ParseRouteWords(const std::vector<std::string>& words, bool want_via, Route* out,
                     std::string* err) {
  std::vector<std::string> plain;
  KeyValues kv;
  if (!SplitWords(words, &plain, &kv, err)) return false;
  std::vector<std::string> expected(std::begin(kRouteKeys), std::end(kRouteKeys));
  if (!want_via) expected = {"address", "netmask"};
  for (const auto& [key, value] : kv)
    if (std::find(expected.begin(), expected.end(), key) == expected.end()) {
      *err = UnknownKey(key, value, expected);
      return false;
    }
  if (!ParseDestination(plain, kv, out, err)) return false;
  if (!want_via) return true;
  std::string gateway, network;
  for (const auto& [key, value] : kv) {
    if (key == "gateway") gateway = value;
    if (key == "network") network = value;
  }
  if (!gateway.empty() && !network.empty()) {
    *err = "gateway=" + gateway + " network=" + network + ": give one, not both";
    return false;
  }
  if (gateway.empty() && network.empty()) {
    *err = RouteDestination(*out) + ": missing gateway= or network=";
    return false;
  }
  uint32_t ip;
  if (!gateway.empty() && ParseIPv4(gateway, &ip)) {
    out->gateway = FormatIPv4(ip);
  } else if (!gateway.empty()) {
    // Rocks 6 took a network name for the gateway: the route leaves by
    // that network's interface.
    bool digits = gateway.find_first_not_of("0123456789.") == std::string::npos;
    if (digits) {
      *err = "gateway=" + gateway + ": invalid IPv4 address";
      return false;
    }
    out->subnet = gateway;
  } else {
    out->subnet = network;
  }
  return true;
}

bool ValidRuleName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return name[0] != '-' && name[0] != '.';
}

/// firewalld service names: /usr/lib/firewalld/services/NAME.xml.
bool ValidServiceName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return name[0] != '-' && name[0] != '.';
}

bool IsPortText(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789-") == std::string::npos &&
         s[0] != '-';
}

/// "P" or "P-Q", 1-65535, P <= Q; `label` ("port=x") starts the message.
bool CheckPort(const std::string& text, const std::string& label, std::string* err) {
  std::vector<std::string> parts = Split(text, '-');
  if (parts.size() > 2 || parts[0].empty()) {
    *err = label + ": invalid port (expected P or P-Q)";
    return false;
  }
  int64_t n[2] = {0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!ParseInt(parts[i], &n[i]) || parts[i].find_first_not_of("0123456789") !=
                                          std::string::npos) {
      *err = label + ": invalid port (expected P or P-Q)";
      return false;
    }
    if (n[i] < 1 || n[i] > 65535) {
      *err = label + ": port " + parts[i] + " out of range (1-65535)";
      return false;
    }
  }
  if (parts.size() == 2 && n[0] > n[1]) {
    *err = label + ": reversed range (" + parts[0] + " is above " + parts[1] + ")";
    return false;
  }
  return true;
}

const char* const kRuleKeys[] = {"network", "service", "port", "protocol",
                                 "action", "rulename", "chain"};

const Subnet* SubnetNamed(const std::vector<Subnet>& subnets, const std::string& name) {
  for (const Subnet& s : subnets)
    if (s.name == name) return &s;
  return nullptr;
}

std::string CidrText(const Subnet& s) {
  return FormatIPv4(s.network) + "/" + std::to_string(s.prefix);
}

}  // namespace

std::string RouteDestination(const Route& route) {
  return FormatIPv4(route.network) + "/" + std::to_string(route.prefix);
}

bool ParseRoute(const std::vector<std::string>& words, Route* out, std::string* err) {
  return ParseRouteWords(words, true, out, err);
}

bool ParseRouteDestination(const std::vector<std::string>& words, Route* out,
                           std::string* err) {
  return ParseRouteWords(words, false, out, err);
}

bool AddRoute(Database* db, const Route& route, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Owner o;
  if (!FindOwner(db, route.scope, route.owner, &o, err)) return false;
  SqlParam subnet = SqlParam::Null();
  if (!route.subnet.empty()) {
    Subnet s;
    if (!SubnetByName(db, route.subnet, &s, "network=" + route.subnet, err))
      return false;
    subnet = SqlParam::Int(s.id);
  }
  if (!route.gateway.empty()) {
    std::vector<Subnet> all;
    if (!ListSubnets(db, &all, err)) return false;
    uint32_t gw;
    ParseIPv4(route.gateway, &gw);
    bool reachable = std::any_of(all.begin(), all.end(), [&](const Subnet& s) {
      return InNetwork(gw, s.network, s.prefix);
    });
    if (!reachable) {
      *err = "gateway=" + route.gateway + ": not in any network";
      return false;
    }
  }
  const std::string dest = RouteDestination(route);
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 1 FROM routes WHERE scope = ? AND owner = ? AND network = ? "
                 "AND prefix = ?",
                 {SqlParam::Text(AttrScopeName(route.scope)), SqlParam::Int(o.id),
                  SqlParam::Text(FormatIPv4(route.network)), SqlParam::Int(route.prefix)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    *err = dest + ": already a route " + ScopeText(route.scope, route.owner);
    return false;
  }
  if (!db->Exec("INSERT INTO routes (scope, owner, network, prefix, gateway, subnet) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                {SqlParam::Text(AttrScopeName(route.scope)), SqlParam::Int(o.id),
                 SqlParam::Text(FormatIPv4(route.network)), SqlParam::Int(route.prefix),
                 SqlParam::TextOrNull(route.gateway), subnet},
                err))
    return false;
  return tx.Commit(err);
}

bool RemoveRoute(Database* db, const Route& route, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Owner o;
  if (!FindOwner(db, route.scope, route.owner, &o, err)) return false;
  int64_t affected = 0;
  if (!db->Exec("DELETE FROM routes WHERE scope = ? AND owner = ? AND network = ? "
                "AND prefix = ?",
                {SqlParam::Text(AttrScopeName(route.scope)), SqlParam::Int(o.id),
                 SqlParam::Text(FormatIPv4(route.network)), SqlParam::Int(route.prefix)},
                err, nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = RouteDestination(route) + ": no route " + ScopeText(route.scope, route.owner);
    return false;
  }
  return tx.Commit(err);
}

bool ResolveRoutes(Database* db, AttrScope scope, const std::string& owner,
                   std::vector<Route>* out, std::string* err) {
  Owner o;
  if (!FindOwner(db, scope, owner, &o, err)) return false;
  std::vector<std::pair<AttrScope, SqlRow>> rows;
  if (!ScopedRows(db,
                  "SELECT t.scope, t.network, t.prefix, t.gateway, s.name FROM routes t "
                  "LEFT JOIN subnets s ON s.id = t.subnet",
                  scope, o, &rows, err))
    return false;
  std::map<std::pair<uint32_t, int>, Route> routes;
  for (auto& [s, r] : rows) {
    Route route;
    route.scope = s;
    route.owner = OwnerName(s, owner, o.appliance);
    ParseIPv4(Str(r[1]), &route.network);
    route.prefix = static_cast<int>(Int(r[2]));
    route.gateway = Str(r[3]);
    route.subnet = Str(r[4]);
    routes[{route.network, route.prefix}] = route;
  }
  for (auto& [key, route] : routes) out->push_back(std::move(route));
  return true;
}

bool ParseFirewallRule(const std::vector<std::string>& words, FirewallRule* out,
                       std::string* err) {
  std::vector<std::string> plain;
  KeyValues kv;
  if (!SplitWords(words, &plain, &kv, err)) return false;
  if (plain.size() > 1) {
    *err = plain[1] + ": unexpected argument";
    return false;
  }
  std::map<std::string, std::string> v;
  const std::vector<std::string> expected(std::begin(kRuleKeys), std::end(kRuleKeys));
  for (const auto& [key, value] : kv) {
    if (std::find(expected.begin(), expected.end(), key) == expected.end()) {
      *err = UnknownKey(key, value, expected);
      return false;
    }
    v[key] = value;
  }
  FirewallRule& r = *out;
  if (!plain.empty() && v.count("rulename") && v["rulename"] != plain[0]) {
    *err = "rulename=" + v["rulename"] + ": the rule is already named " + plain[0];
    return false;
  }
  r.name = !plain.empty() ? plain[0] : v["rulename"];
  if (r.name.empty()) {
    *err = "missing rule NAME (or rulename=)";
    return false;
  }
  if (!ValidRuleName(r.name)) {
    *err = r.name + ": invalid rule name (letters, digits, '-', '_' and '.')";
    return false;
  }
  // Rocks 6 rules named an iptables chain; firewalld policies filter what
  // comes in to the host, INPUT's job.
  if (v.count("chain") && ToLower(v["chain"]) != "input") {
    *err = "chain=" + v["chain"] + ": only INPUT rules become firewalld rules";
    return false;
  }
  if (v.count("network") && ToLower(v["network"]) != "all") r.subnet = v["network"];
  if (!v.count("action")) {
    *err = r.name + ": missing action= (accept, reject or drop)";
    return false;
  }
  r.action = ToLower(v["action"]);
  if (r.action != "accept" && r.action != "reject" && r.action != "drop") {
    *err = "action=" + v["action"] + ": unknown action (expected accept, reject or drop)";
    return false;
  }
  const bool has_port = v.count("port") != 0;
  if (v.count("service") && has_port) {
    *err = "service=" + v["service"] + " port=" + v["port"] + ": give one, not both";
    return false;
  }
  std::string service = v["service"], port = v["port"];
  std::string port_label = "port=" + port;
  // Rocks 6 gave ports as service=.
  if (IsPortText(service)) {
    port_label = "service=" + service;
    port.swap(service);
  }
  const bool has_protocol = v.count("protocol") != 0;
  const std::string protocol = ToLower(v["protocol"]);
  if (!port.empty() || has_port) {
    if (!CheckPort(port, port_label, err)) return false;
    if (!has_protocol) {
      *err = port_label + ": missing protocol= (tcp or udp)";
      return false;
    }
    if (protocol != "tcp" && protocol != "udp") {
      *err = "protocol=" + v["protocol"] + ": unknown protocol (expected tcp or udp)";
      return false;
    }
    r.port = port;
    r.protocol = protocol;
    return true;
  }
  if (service.empty()) {
    *err = r.name + ": missing service= or port=";
    return false;
  }
  if (ToLower(service) == "all") {
    r.service = "all";
  } else if (!ValidServiceName(service)) {
    *err = "service=" + service +
           ": invalid service name (letters, digits, '-', '_', '.' and '+')";
    return false;
  } else {
    r.service = service;
  }
  // A firewalld service names its own protocols; Rocks 6 rules gave one
  // anyway.
  if (has_protocol && protocol != "tcp" && protocol != "udp" && protocol != "all") {
    *err = "protocol=" + v["protocol"] + ": unknown protocol (expected tcp or udp)";
    return false;
  }
  return true;
}

bool AddFirewallRule(Database* db, const FirewallRule& rule, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Owner o;
  if (!FindOwner(db, rule.scope, rule.owner, &o, err)) return false;
  SqlParam subnet = SqlParam::Null();
  if (!rule.subnet.empty()) {
    Subnet s;
    if (!SubnetByName(db, rule.subnet, &s, "network=" + rule.subnet, err)) return false;
    subnet = SqlParam::Int(s.id);
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 1 FROM firewall_rules WHERE scope = ? AND owner = ? AND name = ?",
                 {SqlParam::Text(AttrScopeName(rule.scope)), SqlParam::Int(o.id),
                  SqlParam::Text(rule.name)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    *err = rule.name + ": already a firewall rule " + ScopeText(rule.scope, rule.owner);
    return false;
  }
  if (!db->Exec("INSERT INTO firewall_rules (scope, owner, name, subnet, service, port, "
                "protocol, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {SqlParam::Text(AttrScopeName(rule.scope)), SqlParam::Int(o.id),
                 SqlParam::Text(rule.name), subnet, SqlParam::TextOrNull(rule.service),
                 SqlParam::TextOrNull(rule.port), SqlParam::TextOrNull(rule.protocol),
                 SqlParam::Text(rule.action)},
                err))
    return false;
  return tx.Commit(err);
}

bool RemoveFirewallRule(Database* db, AttrScope scope, const std::string& owner,
                        const std::string& name, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Owner o;
  if (!FindOwner(db, scope, owner, &o, err)) return false;
  int64_t affected = 0;
  if (!db->Exec("DELETE FROM firewall_rules WHERE scope = ? AND owner = ? AND name = ?",
                {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(o.id),
                 SqlParam::Text(name)},
                err, nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = name + ": no firewall rule " + ScopeText(scope, owner);
    return false;
  }
  return tx.Commit(err);
}

bool ResolveFirewallRules(Database* db, AttrScope scope, const std::string& owner,
                          std::vector<FirewallRule>* out, std::string* err) {
  Owner o;
  if (!FindOwner(db, scope, owner, &o, err)) return false;
  std::vector<std::pair<AttrScope, SqlRow>> rows;
  if (!ScopedRows(db,
                  "SELECT t.scope, t.name, s.name, t.service, t.port, t.protocol, "
                  "t.action FROM firewall_rules t LEFT JOIN subnets s ON s.id = t.subnet",
                  scope, o, &rows, err))
    return false;
  std::map<std::string, FirewallRule> rules;
  for (auto& [s, r] : rows) {
    FirewallRule rule;
    rule.scope = s;
    rule.owner = OwnerName(s, owner, o.appliance);
    rule.name = Str(r[1]);
    rule.subnet = Str(r[2]);
    rule.service = Str(r[3]);
    rule.port = Str(r[4]);
    rule.protocol = Str(r[5]);
    rule.action = Str(r[6]);
    rules[rule.name] = rule;
  }
  for (auto& [name, rule] : rules) out->push_back(std::move(rule));
  return true;
}

std::string RenderRoutes(const std::vector<Route>& routes,
                         const std::vector<Interface>& interfaces,
                         const std::vector<Subnet>& subnets) {
  std::string out =
      "# Generated by rocks from the cluster database: do not edit.\n"
      "# DEST/PREFIX GATEWAY MAC DEVICE (- for none); rocks-routes makes them the\n"
      "# NetworkManager route settings of the connection on that interface.\n";
  for (const Route& r : routes) {
    const Interface* via = nullptr;
    uint32_t gw = 0;
    ParseIPv4(r.gateway, &gw);
    for (const Interface& i : interfaces) {
      if (i.subnet.empty() || i.ip.empty()) continue;
      const Subnet* s = SubnetNamed(subnets, i.subnet);
      bool match = r.gateway.empty() ? i.subnet == r.subnet
                                     : s && InNetwork(gw, s->network, s->prefix);
      if (match) {
        via = &i;
        break;
      }
    }
    const std::string dest = RouteDestination(r);
    if (!via) {
      out += "# " + dest + ": no interface on " +
             (r.gateway.empty() ? "network " + r.subnet
                                : "a network holding " + r.gateway) +
             "\n";
      continue;
    }
    // A plain NIC is found by its MAC, whatever the kernel named it; a
    // VLAN or bond shares its MAC with other devices, so it goes by name.
    bool by_mac = !via->mac.empty() && via->vlan == 0 && via->parent.empty() &&
                  via->options.empty();
    out += dest + " " + (r.gateway.empty() ? "-" : r.gateway) + " " +
           (by_mac ? via->mac : "-") + " " + via->device + "\n";
  }
  return out;
}

std::string RenderFirewallPolicy(const std::vector<FirewallRule>& rules,
                                 const std::vector<Subnet>& subnets) {
  // A policy from every zone to the host, with a priority below zero,
  // applies before the zones' own settings: it adds to what the kickstart
  // firewall command and the node files put in the zones, and its
  // reject and drop rules win over their accepts.
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<!-- Generated by rocks from the cluster database: do not edit. -->\n"
      "<policy target=\"CONTINUE\" priority=\"-100\">\n"
      "  <short>rocks</short>\n"
      "  <description>The cluster's firewall rules (rocks list firewall).</description>\n"
      "  <ingress-zone name=\"ANY\"/>\n"
      "  <egress-zone name=\"HOST\"/>\n";
  for (const FirewallRule& r : rules) {
    const Subnet* s = r.subnet.empty() ? nullptr : SubnetNamed(subnets, r.subnet);
    if (!r.subnet.empty() && !s) {
      out += "  <!-- " + XmlEscape(r.name) + ": no network " + XmlEscape(r.subnet) +
             " -->\n";
      continue;
    }
    out += "  <!-- " + XmlEscape(r.name) + " -->\n";
    // Every rich rule needs a family once it names a source; one that
    // takes everything names all of IPv4.
    std::string source = s ? CidrText(*s) : r.service == "all" ? "0.0.0.0/0" : "";
    out += source.empty() ? "  <rule>\n" : "  <rule family=\"ipv4\">\n";
    if (!source.empty())
      out += "    <source address=\"" + XmlEscapeAttr(source) + "\"/>\n";
    if (!r.port.empty())
      out += "    <port port=\"" + XmlEscapeAttr(r.port) + "\" protocol=\"" +
             XmlEscapeAttr(r.protocol) + "\"/>\n";
    else if (r.service != "all")
      out += "    <service name=\"" + XmlEscapeAttr(r.service) + "\"/>\n";
    out += "    <" + r.action + "/>\n  </rule>\n";
  }
  return out + "</policy>\n";
}

std::string RenderMasqueradePolicy() {
  // The frontend trusts the private network (frontend-services puts it in
  // the trusted zone); the public interface is in the default zone, public.
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<!-- Generated by rocks: the frontend is the nodes' gateway. -->\n"
         "<policy target=\"ACCEPT\">\n"
         "  <short>rocks-masquerade</short>\n"
         "  <description>The private network reaches the public one through the "
         "frontend, masqueraded.</description>\n"
         "  <ingress-zone name=\"trusted\"/>\n"
         "  <egress-zone name=\"public\"/>\n"
         "  <masquerade/>\n"
         "</policy>\n";
}

}  // namespace rocks
