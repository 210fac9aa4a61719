#include "cluster.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "kstext.h"
#include "net.h"
#include "schema.h"
#include "strutil.h"

namespace rocks {
namespace {

const char* const kHostKeys[] = {"appliance", "rack", "rank", "cpus", "memory", "arch",
                                 "os", "comment", "action"};
// "name" last: ParseNewHost offers the others (a host's name is no key).
const char* const kInterfaceKeys[] = {"mac",    "ip",     "subnet",  "network",
                                      "device", "module", "vlan",    "parent",
                                      "channel", "options", "name"};

// The bonding driver's options, which `rocks add/set host interface` also
// take as keys of their own (mode=802.3ad miimon=100).
const char* const kBondOptionKeys[] = {
    "mode",           "miimon",           "lacp_rate",        "xmit_hash_policy",
    "primary",        "primary_reselect", "updelay",          "downdelay",
    "arp_interval",   "arp_ip_target",    "arp_validate",     "arp_all_targets",
    "fail_over_mac",  "ad_select",        "all_slaves_active", "min_links",
    "num_grat_arp",   "num_unsol_na",     "packets_per_slave", "resend_igmp",
    "use_carrier",    "lp_interval",      "tlb_dynamic_lb",   "peer_notif_delay",
    "ad_actor_sys_prio", "ad_user_port_key", "ad_actor_system"};

bool IsBondOptionKey(const std::string& key) {
  for (const char* k : kBondOptionKeys)
    if (key == k) return true;
  return false;
}

// `options` with KEY=VALUE in place of an earlier KEY=, or added.
std::string WithBondOption(const std::string& options, const std::string& key,
                           const std::string& value) {
  std::vector<std::string> out;
  bool replaced = false;
  for (const std::string& o : SplitBlanks(options)) {
    if (o.compare(0, key.size() + 1, key + "=") == 0) {
      if (!replaced) out.push_back(key + "=" + value);
      replaced = true;
    } else {
      out.push_back(o);
    }
  }
  if (!replaced) out.push_back(key + "=" + value);
  return Join(out, " ");
}

std::string Str(const std::optional<std::string>& v) { return v ? *v : ""; }

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) ParseInt(*v, &n);
  return n;
}

std::string Suggest(const std::string& word, const std::vector<std::string>& names) {
  return DidYouMean(word, names);
}

bool Names(Database* db, const char* sql, std::vector<std::string>* out,
           std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(sql, {}, &rows, err)) return false;
  for (auto& r : rows) out->push_back(Str(r[0]));
  return true;
}

bool HostId(Database* db, const std::string& name, int64_t* id,
            std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id FROM hosts WHERE name = ?", {SqlParam::Text(ToLower(name))},
                 &rows, err))
    return false;
  if (rows.empty()) {
    std::vector<std::string> all;
    std::string ignored;
    Names(db, "SELECT name FROM hosts ORDER BY name", &all, &ignored);
    *err = name + ": unknown host" + Suggest(name, all);
    return false;
  }
  *id = Int(rows[0][0]);
  return true;
}

// The host whose appliance is the frontend: its id (0 when there is none)
// and name.
bool FrontendHost(Database* db, int64_t* id, std::string* name, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.id, h.name FROM hosts h JOIN appliances a ON a.id = h.appliance "
                 "WHERE a.name = 'frontend' ORDER BY h.id",
                 {}, &rows, err))
    return false;
  *id = rows.empty() ? 0 : Int(rows[0][0]);
  *name = rows.empty() ? "" : Str(rows[0][1]);
  return true;
}

// One frontend per cluster: a host may be given the frontend appliance
// only while there is none, and the frontend keeps it (`label` names the
// appliance= given).
bool CheckFrontendAppliance(Database* db, int64_t id, const std::string& appliance,
                            const std::string& label, std::string* err) {
  int64_t frontend_id;
  std::string frontend;
  if (!FrontendHost(db, &frontend_id, &frontend, err)) return false;
  bool is_frontend = frontend_id != 0 && frontend_id == id;
  if (is_frontend && appliance != "frontend") {
    *err = label + ": the frontend's appliance cannot be changed";
    return false;
  }
  if (!is_frontend && appliance == "frontend" && frontend_id != 0) {
    *err = label + ": the cluster already has a frontend (" + frontend + ")";
    return false;
  }
  return true;
}

bool ApplianceByName(Database* db, const std::string& name, Appliance* out,
                     const std::string& label, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id, name, short_name, graph, node, public, compute "
                 "FROM appliances WHERE name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (rows.empty()) {
    std::vector<std::string> all;
    std::string ignored;
    Names(db, "SELECT name FROM appliances ORDER BY name", &all, &ignored);
    *err = label + ": unknown appliance" + Suggest(name, all);
    return false;
  }
  const SqlRow& r = rows[0];
  *out = {Int(r[0]), Str(r[1]), Str(r[2]), Str(r[3]), Str(r[4]),
          Int(r[5]) != 0, Int(r[6]) != 0};
  return true;
}

const char* const kSubnetColumns =
    "SELECT id, name, network, prefix, zone, mtu, dhcp, pxe, dns, gateway FROM subnets";

Subnet SubnetOfRow(const SqlRow& r) {
  Subnet s;
  s.id = Int(r[0]);
  s.name = Str(r[1]);
  ParseIPv4(Str(r[2]), &s.network);
  s.prefix = static_cast<int>(Int(r[3]));
  s.zone = Str(r[4]);
  s.mtu = Int(r[5]);
  s.dhcp = Int(r[6]) != 0;
  s.pxe = Int(r[7]) != 0;
  s.dns = Int(r[8]) != 0;
  s.gateway = Str(r[9]);
  return s;
}

}  // namespace

bool SubnetByName(Database* db, const std::string& name, Subnet* out,
                  const std::string& label, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kSubnetColumns) + " WHERE name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (rows.empty()) {
    std::vector<std::string> all;
    std::string ignored;
    Names(db, "SELECT name FROM subnets ORDER BY name", &all, &ignored);
    *err = label + ": unknown network" + Suggest(name, all);
    return false;
  }
  *out = SubnetOfRow(rows[0]);
  return true;
}

namespace {

std::string SubnetText(const Subnet& s) {
  return s.name + " (" + FormatIPv4(s.network) + "/" + std::to_string(s.prefix) + ")";
}

bool ParseCount(const std::string& key, const std::string& value, int64_t* out,
                std::string* err) {
  return ParseNumber(key + "=" + value, value, key == "cpus" ? 1 : 0, INT64_MAX, out, err);
}

bool ParseAction(const std::string& value, std::string* err) {
  if (value == "os" || value == "install") return true;
  *err = "action=" + value + ": unknown boot action (expected os or install)";
  return false;
}

/// Checks one interface against the database and fills in its subnet.
/// `self_id` is the interface being changed (0 for a new one): its own
/// device, MAC and address are no duplicates.
bool CheckInterface(Database* db, int64_t host_id, Interface* ifc,
                    std::string* err, int64_t self_id = 0) {
  if (ifc->device.empty()) {
    *err = "device=: empty device name";
    return false;
  }
  // Both reach dhcpd.conf, the Kea configuration and kickstarts.
  if (!ValidDeviceName(ifc->device)) {
    *err = "device=" + ifc->device + ": invalid interface name";
    return false;
  }
  if (!ifc->module.empty() && !ValidModuleName(ifc->module)) {
    *err = "module=" + ifc->module + ": invalid module name";
    return false;
  }
  if (!ifc->parent.empty() && !ValidDeviceName(ifc->parent)) {
    *err = "parent=" + ifc->parent + ": invalid interface name";
    return false;
  }
  if (ifc->vlan < 0 || ifc->vlan > kMaxVlanId) {
    *err = "vlan=" + std::to_string(ifc->vlan) + ": expected a VLAN id from 1 to 4094";
    return false;
  }
  std::string why;
  if (!CheckBondOptions(ifc->options, &why)) {
    *err = "options=" + ifc->options + ": " + why;
    return false;
  }
  std::vector<SqlRow> rows;
  if (host_id &&
      !db->Query("SELECT 1 FROM interfaces WHERE host = ? AND device = ? AND id <> ?",
                 {SqlParam::Int(host_id), SqlParam::Text(ifc->device),
                  SqlParam::Int(self_id)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    *err = "device=" + ifc->device + ": host already has this interface";
    return false;
  }
  if (!ifc->mac.empty()) {
    rows.clear();
    if (!db->Query("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                   "WHERE i.mac = ? AND i.id <> ?",
                   {SqlParam::Text(ifc->mac), SqlParam::Int(self_id)}, &rows, err))
      return false;
    if (!rows.empty()) {
      *err = "mac=" + ifc->mac + ": already used by " + Str(rows[0][0]);
      return false;
    }
  }
  Subnet subnet;
  bool have_subnet = false;
  if (!ifc->subnet.empty()) {
    if (!SubnetByName(db, ifc->subnet, &subnet, "subnet=" + ifc->subnet, err))
      return false;
    have_subnet = true;
  }
  if (!ifc->ip.empty()) {
    uint32_t ip;
    ParseIPv4(ifc->ip, &ip);
    if (!have_subnet) {
      std::vector<Subnet> all;
      if (!ListSubnets(db, &all, err)) return false;
      for (const Subnet& s : all) {
        if (InNetwork(ip, s.network, s.prefix) &&
            (!have_subnet || s.prefix > subnet.prefix)) {
          subnet = s;
          have_subnet = true;
        }
      }
      if (!have_subnet) {
        *err = "ip=" + ifc->ip + ": not in any subnet";
        return false;
      }
      ifc->subnet = subnet.name;
    } else if (!InNetwork(ip, subnet.network, subnet.prefix)) {
      *err = "ip=" + ifc->ip + ": not in subnet " + SubnetText(subnet);
      return false;
    }
    uint32_t host_mask = ~PrefixToMask(subnet.prefix);
    if (subnet.prefix < 31 && ((ip & host_mask) == 0 || (ip & host_mask) == host_mask)) {
      *err = "ip=" + ifc->ip + ": is the " +
             ((ip & host_mask) ? "broadcast" : "network") +
             " address of subnet " + SubnetText(subnet);
      return false;
    }
    rows.clear();
    if (!db->Query("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                   "WHERE i.ip = ? AND i.id <> ?",
                   {SqlParam::Text(ifc->ip), SqlParam::Int(self_id)}, &rows, err))
      return false;
    if (!rows.empty()) {
      *err = "ip=" + ifc->ip + ": already used by " + Str(rows[0][0]);
      return false;
    }
  }
  return true;
}

bool InsertInterface(Database* db, int64_t host_id, const Interface& ifc,
                     std::string* err) {
  std::vector<SqlRow> rows;
  SqlParam subnet = SqlParam::Null();
  if (!ifc.subnet.empty()) {
    if (!db->Query("SELECT id FROM subnets WHERE name = ?",
                   {SqlParam::Text(ifc.subnet)}, &rows, err))
      return false;
    if (!rows.empty()) subnet = SqlParam::Int(Int(rows[0][0]));
  }
  return db->Exec(
      "INSERT INTO interfaces (host, device, mac, ip, subnet, module, name, vlan, "
      "parent, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {SqlParam::Int(host_id), SqlParam::Text(ifc.device),
       SqlParam::TextOrNull(ifc.mac), SqlParam::TextOrNull(ifc.ip), subnet,
       SqlParam::TextOrNull(ifc.module), SqlParam::TextOrNull(ifc.name),
       ifc.vlan ? SqlParam::Int(ifc.vlan) : SqlParam::Null(),
       SqlParam::TextOrNull(ifc.parent), SqlParam::TextOrNull(ifc.options)},
      err);
}

/// Parses the interface keys of `kv` into `ifc`; other keys go to `rest`.
/// With `allow_clear` (rocks set host interface), an empty value clears
/// the field (ip=, mac=, vlan=, parent=, ...).
bool ParseInterfaceKeys(const KeyValues& kv, Interface* ifc, bool* any,
                        KeyValues* rest, std::string* err, bool allow_clear = false) {
  *any = false;
  for (const auto& [key, value] : kv) {
    if (allow_clear && value.empty() && key != "device" &&
        (IsBondOptionKey(key) ||
         // An init-capture: clang 14 (make fuzz) cannot capture a
         // structured binding.
         std::find_if(std::begin(kInterfaceKeys), std::end(kInterfaceKeys),
                      [&key = key](const char* k) { return key == k; }) !=
             std::end(kInterfaceKeys))) {
      if (key == "mac") ifc->mac.clear();
      else if (key == "ip") ifc->ip.clear();
      else if (key == "subnet" || key == "network") ifc->subnet.clear();
      else if (key == "module") ifc->module.clear();
      else if (key == "name") ifc->name.clear();
      else if (key == "vlan") ifc->vlan = 0;
      else if (key == "parent" || key == "channel") ifc->parent.clear();
      else if (key == "options") ifc->options.clear();
      else {
        std::vector<std::string> keep;
        for (const std::string& o : SplitBlanks(ifc->options))
          if (o.compare(0, key.size() + 1, key + "=") != 0) keep.push_back(o);
        ifc->options = Join(keep, " ");
      }
      *any = true;
      continue;
    }
    if (key == "mac") {
      std::string why;
      if (!ParseHostMac(value, &ifc->mac, &why)) {
        *err = "mac=" + value + ": " + why;
        return false;
      }
    } else if (key == "ip") {
      uint32_t ip;
      if (!ParseIPv4(value, &ip)) {
        *err = "ip=" + value + ": invalid IPv4 address";
        return false;
      }
      ifc->ip = FormatIPv4(ip);
    } else if (key == "subnet" || key == "network") {
      ifc->subnet = value;
    } else if (key == "device") {
      ifc->device = value;
    } else if (key == "module") {
      ifc->module = value;
    } else if (key == "name") {
      if (!ValidHostName(value)) {
        *err = "name=" + value + ": invalid host name";
        return false;
      }
      ifc->name = value;
    } else if (key == "vlan") {
      int64_t n;
      if (!ParseNumber("vlan=" + value, value, 1, kMaxVlanId, &n, err)) return false;
      ifc->vlan = n;
    } else if (key == "parent" || key == "channel") {
      if (!ValidDeviceName(value)) {
        *err = key + "=" + value + ": invalid interface name";
        return false;
      }
      ifc->parent = value;
    } else if (key == "options") {
      std::string why;
      if (!CheckBondOptions(value, &why)) {
        *err = "options=" + value + ": " + why;
        return false;
      }
      ifc->options = Join(SplitBlanks(value), " ");
    } else if (IsBondOptionKey(key)) {
      std::string why;
      if (!CheckBondOptions(key + "=" + value, &why)) {
        *err = key + "=" + value + ": " + why;
        return false;
      }
      ifc->options = WithBondOption(ifc->options, key, value);
    } else {
      rest->push_back({key, value});
      continue;
    }
    *any = true;
  }
  return true;
}

// The VLAN and bond relations among one host's interfaces (as they will
// be): a VLAN rides on an interface of the host that is no VLAN itself; a
// bond slave's bond is an interface of the host that is neither a slave
// nor a VLAN, and the slave has no address of its own.
bool CheckTopology(const std::string& host, const std::vector<Interface>& ifcs,
                   std::string* err) {
  std::map<std::string, const Interface*> by;
  for (const Interface& i : ifcs) by[i.device] = &i;
  std::set<std::string> bonds;
  for (const Interface& i : ifcs)
    if (i.vlan == 0 && !i.parent.empty()) bonds.insert(i.parent);
  for (const Interface& i : ifcs) {
    if (i.parent.empty()) {
      if (i.vlan != 0) {
        *err = i.device + ": vlan=" + std::to_string(i.vlan) +
               ": a VLAN needs parent= (the interface it rides on)";
        return false;
      }
      continue;
    }
    const std::string key = "parent=";
    auto p = by.find(i.parent);
    if (p == by.end()) {
      *err = key + i.parent + ": " + host + " has no interface " + i.parent;
      return false;
    }
    if (i.parent == i.device) {
      *err = key + i.parent + ": " + i.device + " cannot be its own parent";
      return false;
    }
    const Interface& parent = *p->second;
    if (parent.vlan != 0) {
      *err = key + i.parent + ": " + i.parent + " is a VLAN (vlan=" +
             std::to_string(parent.vlan) + ")";
      return false;
    }
    if (i.vlan != 0 && !parent.parent.empty()) {
      *err = key + i.parent + ": " + i.parent + " is a slave of bond " + parent.parent +
             " (a VLAN rides on the bond)";
      return false;
    }
    if (i.vlan == 0) {
      // A bond slave.
      if (!parent.parent.empty()) {
        *err = key + i.parent + ": " + i.parent + " is itself a slave of " + parent.parent;
        return false;
      }
      if (bonds.count(i.device)) {
        *err = key + i.parent + ": " + i.device + " is a bond with slaves of its own";
        return false;
      }
      if (!i.ip.empty()) {
        *err = i.device + ": ip=" + i.ip + ": a slave of bond " + i.parent +
               " has no address of its own (give it to " + i.parent + ")";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

std::string UnknownKey(const std::string& key, const std::string& value,
                       std::vector<std::string> expected) {
  std::string s = key + "=" + value + ": unknown key";
  std::string m = ClosestMatch(key, expected);
  if (!m.empty()) return s + " (did you mean '" + m + "'?)";
  return s + " (expected " + Join(expected, ", ") + ")";
}

namespace {

/// A host may not take a name an alias already answers to.
bool CheckNotAlias(Database* db, const std::string& name, const std::string& label,
                   std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.name FROM aliases a JOIN hosts h ON h.id = a.host "
                 "WHERE a.name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = label + ": already an alias of " + Str(rows[0][0]);
    return false;
  }
  return true;
}

const char* kAttrScopeNames[] = {"global", "appliance", "host"};

bool ValidAttrName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return !(name[0] >= '0' && name[0] <= '9') && name[0] != '-' && name[0] != '.';
}

/// The owner id for a scope, checking that the owner exists.
bool OwnerId(Database* db, AttrScope scope, const std::string& owner,
             int64_t* id, std::string* err) {
  switch (scope) {
    case AttrScope::kGlobal:
      *id = 0;
      return true;
    case AttrScope::kAppliance: {
      Appliance a;
      if (!ApplianceByName(db, owner, &a, owner, err)) return false;
      *id = a.id;
      return true;
    }
    case AttrScope::kHost:
      return HostId(db, owner, id, err);
  }
  return false;
}

}  // namespace

std::string ScopeText(AttrScope scope, const std::string& owner) {
  if (scope == AttrScope::kGlobal) return "globally";
  return std::string("for ") + AttrScopeName(scope) + " " + owner;
}

namespace {

bool LoadAttrs(Database* db, AttrScope scope, int64_t owner_id,
               const std::string& owner, std::map<std::string, Attr>* out,
               std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name, value FROM attributes WHERE scope = ? AND owner = ?",
                 {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id)},
                 &rows, err))
    return false;
  for (auto& r : rows) (*out)[Str(r[0])] = {Str(r[0]), Str(r[1]), scope, owner};
  return true;
}

bool InsertAttr(Database* db, AttrScope scope, int64_t owner,
                const std::string& name, const std::string& value,
                std::string* err) {
  return db->Exec(
      "INSERT INTO attributes (scope, owner, name, value) VALUES (?, ?, ?, ?)",
      {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner),
       SqlParam::Text(name), SqlParam::Text(value)},
      err);
}

}  // namespace

const char* AttrScopeName(AttrScope scope) {
  return kAttrScopeNames[static_cast<int>(scope)];
}

bool ParseKeyValues(const std::vector<std::string>& words, KeyValues* out,
                    std::string* err) {
  for (const std::string& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      *err = w + ": expected key=value";
      return false;
    }
    out->push_back({w.substr(0, eq), w.substr(eq + 1)});
  }
  return true;
}

namespace {
// The appliances `rocks init` makes.
struct InitAppliance {
  const char* name;
  const char* short_name;
  const char* node;
  int is_public;
  int compute;
} const kInitAppliances[] = {
    {"frontend", "fe", "frontend", 0, 0}, {"compute", "c", "compute", 1, 1},
    {"login", "l", "login", 1, 0},        {"nas", "nas", "nas", 1, 0},
    {"network", "net", "", 1, 0},         {"power", "pdu", "", 1, 0},
    {"vm-container", "vmc", "vm-container", 1, 0},
};

bool FillNewCluster(Database* db, const InitOptions& o, bool schema_exists,
                    const Interface& priv, const Interface& pub, uint32_t priv_net,
                    int priv_prefix, uint32_t pub_net, int pub_prefix,
                    uint32_t priv_ip, std::string* err);
}  // namespace

bool InitCluster(Database* db, const InitOptions& o, std::string* err) {
  int version;
  if (!ReadSchemaVersion(db, &version, err)) return false;
  if (version != 0) {
    *err = db->url() + ": already holds a cluster";
    return false;
  }
  if (!ValidHostName(o.frontend) || o.frontend.find('.') != std::string::npos) {
    *err = "--frontend=" + o.frontend + ": invalid host name";
    return false;
  }
  if (ReservedHostName(o.frontend)) {
    *err = "--frontend=" + o.frontend + ": reserved host name";
    return false;
  }
  for (const auto& [flag, device] : {std::pair{"private device ", &o.private_device},
                                      std::pair{"public device ", &o.public_device}}) {
    if (!ValidDeviceName(*device)) {
      *err = flag + *device + ": invalid interface name";
      return false;
    }
  }
  uint32_t priv_net, pub_net, priv_ip, pub_ip = 0;
  int priv_prefix, pub_prefix;
  std::string why;
  if (!ParseNetwork(o.private_network, &priv_net, &priv_prefix, &why)) {
    *err = "--private-network=" + o.private_network + ": " + why;
    return false;
  }
  if (!ParseNetwork(o.public_network, &pub_net, &pub_prefix, &why)) {
    *err = "--public-network=" + o.public_network + ": " + why;
    return false;
  }
  // A /31 or /32 holds no frontend and node; a /0 would be every address.
  for (const auto& [flag, text, prefix] :
       {std::tuple{"--private-network=", &o.private_network, priv_prefix},
        std::tuple{"--public-network=", &o.public_network, pub_prefix}}) {
    if (prefix < 1 || prefix > 30) {
      *err = flag + *text + ": prefix length must be 1-30";
      return false;
    }
  }
  if (InNetwork(priv_net, pub_net, pub_prefix) || InNetwork(pub_net, priv_net, priv_prefix)) {
    *err = "--public-network=" + o.public_network + ": overlaps the private network " +
           o.private_network;
    return false;
  }
  if (!ParseIPv4(o.private_address, &priv_ip)) {
    *err = "--private-address=" + o.private_address + ": invalid IPv4 address";
    return false;
  }
  if (!InNetwork(priv_ip, priv_net, priv_prefix)) {
    *err = "--private-address=" + o.private_address + ": not in " + o.private_network;
    return false;
  }
  if (!o.public_address.empty()) {
    if (!ParseIPv4(o.public_address, &pub_ip)) {
      *err = "--public-address=" + o.public_address + ": invalid IPv4 address";
      return false;
    }
    if (!InNetwork(pub_ip, pub_net, pub_prefix)) {
      *err = "--public-address=" + o.public_address + ": not in " + o.public_network;
      return false;
    }
  }
  Interface priv, pub;
  priv.host = pub.host = o.frontend;
  priv.device = o.private_device;
  priv.ip = FormatIPv4(priv_ip);
  priv.subnet = "private";
  pub.device = o.public_device;
  pub.ip = FormatIPv4(pub_ip);
  pub.subnet = "public";
  if (!o.private_mac.empty() && !ParseHostMac(o.private_mac, &priv.mac, &why)) {
    *err = "--private-mac=" + o.private_mac + ": " + why;
    return false;
  }
  if (!o.public_mac.empty() && !ParseHostMac(o.public_mac, &pub.mac, &why)) {
    *err = "--public-mac=" + o.public_mac + ": " + why;
    return false;
  }
  if (!priv.mac.empty() && priv.mac == pub.mac) {
    *err = "--public-mac=" + o.public_mac + ": the same as --private-mac";
    return false;
  }
  if (!ValidHostName(o.domain)) {
    *err = "--domain=" + o.domain + ": invalid domain name";
    return false;
  }
  if (!ValidHostName(o.public_domain)) {
    *err = "--public-domain=" + o.public_domain + ": invalid domain name";
    return false;
  }

  // On MySQL DDL commits at once: create the schema first, fill it in one
  // transaction, and drop it again if filling fails. On SQLite all of it
  // is one transaction.
  const bool ddl_commits = db->engine() == Engine::kMysql;
  if (ddl_commits && !CreateSchema(db, err)) return false;
  if (!FillNewCluster(db, o, ddl_commits, priv, pub, priv_net, priv_prefix,
                      pub_net, pub_prefix, priv_ip, err)) {
    if (ddl_commits) DropSchema(db);
    return false;
  }
  return true;
}

namespace {

bool FillNewCluster(Database* db, const InitOptions& o, bool schema_exists,
                    const Interface& priv, const Interface& pub, uint32_t priv_net,
                    int priv_prefix, uint32_t pub_net, int pub_prefix,
                    uint32_t priv_ip, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err) || (!schema_exists && !CreateSchema(db, err))) return false;
  for (const auto& a : kInitAppliances) {
    if (!db->Exec("INSERT INTO appliances (name, short_name, graph, node, public, "
                  "compute) VALUES (?, ?, 'default', ?, ?, ?)",
                  {SqlParam::Text(a.name), SqlParam::Text(a.short_name),
                   SqlParam::Text(a.node), SqlParam::Int(a.is_public),
                   SqlParam::Int(a.compute)},
                  err))
      return false;
  }
  const char* subnet_sql =
      "INSERT INTO subnets (name, network, prefix, zone, mtu, dhcp, pxe, dns) "
      "VALUES (?, ?, ?, ?, 1500, ?, ?, ?)";
  // The nodes boot, get their addresses and resolve names on private; the
  // public network belongs to the site.
  if (!db->Exec(subnet_sql,
                {SqlParam::Text("private"), SqlParam::Text(FormatIPv4(priv_net)),
                 SqlParam::Int(priv_prefix), SqlParam::Text(o.domain),
                 SqlParam::Int(1), SqlParam::Int(1), SqlParam::Int(1)},
                err) ||
      !db->Exec(subnet_sql,
                {SqlParam::Text("public"), SqlParam::Text(FormatIPv4(pub_net)),
                 SqlParam::Int(pub_prefix), SqlParam::Text(o.public_domain),
                 SqlParam::Int(0), SqlParam::Int(0), SqlParam::Int(0)},
                err))
    return false;
  int64_t fe_id;
  if (!db->Exec("INSERT INTO hosts (name, appliance, rack, `rank`, cpus, arch, os, "
                "comment, boot_action) SELECT ?, id, 0, 0, 1, 'x86_64', 'linux', "
                "'', 'os' FROM appliances WHERE name = 'frontend'",
                {SqlParam::Text(o.frontend)}, err, &fe_id))
    return false;
  if (!InsertInterface(db, fe_id, priv, err)) return false;
  if (!o.public_address.empty() && !InsertInterface(db, fe_id, pub, err))
    return false;
  // Login nodes run a firewall; the frontend's snmp-status asks them over
  // the private network.
  if (!db->Exec("INSERT INTO firewall_rules (scope, owner, name, subnet, port, protocol, "
                "action) SELECT 'appliance', a.id, 'snmp', s.id, '161', 'udp', 'accept' "
                "FROM appliances a, subnets s WHERE a.name = 'login' AND s.name = 'private'",
                {}, err))
    return false;

  std::string fe_ip = FormatIPv4(priv_ip);
  const std::pair<const char*, std::string> kGlobals[] = {
      {"Info_ClusterName", o.cluster_name},
      {"Kickstart_PrivateHostname", o.frontend},
      {"Kickstart_PrivateAddress", fe_ip},
      {"Kickstart_PrivateNetwork", FormatIPv4(priv_net)},
      {"Kickstart_PrivateNetmask", FormatIPv4(PrefixToMask(priv_prefix))},
      {"Kickstart_PrivateNetmaskCIDR", std::to_string(priv_prefix)},
      {"Kickstart_PrivateBroadcast", FormatIPv4(priv_net | ~PrefixToMask(priv_prefix))},
      {"Kickstart_PrivateDNSDomain", o.domain},
      {"Kickstart_PrivateGateway", fe_ip},
      {"Kickstart_PrivateDNSServers", fe_ip},
      {"Kickstart_PrivateNTPHost", fe_ip},
      {"Kickstart_PrivateSyslogHost", fe_ip},
      {"Kickstart_PrivateKickstartHost", fe_ip},
      {"Kickstart_PrivateKickstartBasedir", "install"},
      {"Kickstart_PrivateKickstartCGI", "sbin/kickstart.cgi"},
      {"Kickstart_PublicHostname", o.frontend + "." + o.public_domain},
      {"Kickstart_PublicAddress", o.public_address},
      {"Kickstart_PublicNetwork", FormatIPv4(pub_net)},
      {"Kickstart_PublicNetmask", FormatIPv4(PrefixToMask(pub_prefix))},
      {"Kickstart_PublicNetmaskCIDR", std::to_string(pub_prefix)},
      {"Kickstart_PublicDNSDomain", o.public_domain},
      {"Kickstart_Timezone", o.timezone},
      {"Kickstart_Lang", "en_US.UTF-8"},
      {"Kickstart_Keyboard", "us"},
      {"Kickstart_PrivateInterface", priv.device},
      {"Kickstart_PrivateMAC", priv.mac},
      {"Kickstart_PublicInterface", pub.device},
      {"Kickstart_PublicMAC", o.public_address.empty() ? "" : pub.mac},
      {"Kickstart_RootPassword", o.root_password},
      {"Kickstart_PublicKey", o.public_key},
  };
  for (const auto& [name, value] : kGlobals) {
    if (value.empty()) continue;
    if (!InsertAttr(db, AttrScope::kGlobal, 0, name, value, err)) return false;
  }
  return tx.Commit(err);
}

}  // namespace

std::vector<std::string> InitApplianceNames() {
  std::vector<std::string> out;
  for (const auto& a : kInitAppliances) out.push_back(a.name);
  return out;
}

bool CheckBondOptions(const std::string& options, std::string* why) {
  for (const std::string& o : SplitBlanks(options)) {
    size_t eq = o.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == o.size()) {
      *why = o + ": expected KEY=VALUE";
      return false;
    }
    for (size_t i = 0; i < eq; ++i)
      if (!(o[i] >= 'a' && o[i] <= 'z') && !(o[i] >= '0' && o[i] <= '9') && o[i] != '_') {
        *why = o + ": invalid option name";
        return false;
      }
    for (size_t i = eq + 1; i < o.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(o[i]);
      // No separator anaconda or NetworkManager splits options at, no
      // quote or shell character: a value stays data wherever it lands.
      if (c < 0x21 || c > 0x7e || std::string_view(";'\"\\`$&|<>(){}[]*?!#~").find(c) !=
                                      std::string_view::npos) {
        *why = o + ": invalid character in the value";
        return false;
      }
    }
  }
  return true;
}

bool PrepareCluster(Database* db, std::string* err) {
  return MigrateSchema(db, err);
}

bool ListAppliances(Database* db, std::vector<Appliance>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id, name, short_name, graph, node, public, compute "
                 "FROM appliances ORDER BY name",
                 {}, &rows, err))
    return false;
  for (auto& r : rows)
    out->push_back({Int(r[0]), Str(r[1]), Str(r[2]), Str(r[3]), Str(r[4]),
                    Int(r[5]) != 0, Int(r[6]) != 0});
  return true;
}

bool FindAppliance(Database* db, const std::string& name, Appliance* out,
                   std::string* err) {
  return ApplianceByName(db, name, out, name, err);
}

bool ListSubnets(Database* db, std::vector<Subnet>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kSubnetColumns) + " ORDER BY name", {}, &rows, err))
    return false;
  for (auto& r : rows) out->push_back(SubnetOfRow(r));
  return true;
}

bool FindSubnet(Database* db, const std::string& name, Subnet* out,
                std::string* err) {
  return SubnetByName(db, name, out, name, err);
}

bool ListHosts(Database* db, const std::vector<std::string>& names,
               std::vector<Host>* out, std::string* err) {
  const std::string host_sql =
      "SELECT h.id, h.name, a.name, h.rack, h.`rank`, h.cpus, h.arch, h.os, "
      "h.comment, h.boot_action, h.memory FROM hosts h "
      "JOIN appliances a ON a.id = h.appliance";
  const std::string ifc_sql =
      "SELECT i.id, h.name, i.device, i.mac, i.ip, s.name, i.module, i.name, i.host, "
      "i.vlan, i.parent, i.options "
      "FROM interfaces i JOIN hosts h ON h.id = i.host "
      "LEFT JOIN subnets s ON s.id = i.subnet";
  std::vector<SqlRow> hrows, irows;
  if (names.empty()) {
    if (!db->Query(host_sql, {}, &hrows, err) ||
        !db->Query(ifc_sql + " ORDER BY i.host, i.device", {}, &irows, err))
      return false;
  } else {
    std::set<std::string> seen;
    for (const std::string& n : names) {
      if (!seen.insert(n).second) continue;
      size_t before = hrows.size();
      if (!db->Query(host_sql + " WHERE h.name = ?", {SqlParam::Text(ToLower(n))}, &hrows, err))
        return false;
      if (hrows.size() == before) {
        int64_t ignored;
        HostId(db, n, &ignored, err);
        return false;
      }
      if (!db->Query(ifc_sql + " WHERE h.name = ? ORDER BY i.device",
                     {SqlParam::Text(ToLower(n))}, &irows, err))
        return false;
    }
  }
  std::map<int64_t, size_t> index;
  std::vector<Host> hosts;
  hosts.reserve(hrows.size());
  for (auto& r : hrows) {
    Host h;
    h.id = Int(r[0]);
    h.name = Str(r[1]);
    h.appliance = Str(r[2]);
    h.rack = Int(r[3]);
    h.rank = Int(r[4]);
    h.cpus = Int(r[5]);
    h.arch = Str(r[6]);
    h.os = Str(r[7]);
    h.comment = Str(r[8]);
    h.boot_action = Str(r[9]);
    h.memory = Int(r[10]);
    index[h.id] = hosts.size();
    hosts.push_back(std::move(h));
  }
  for (auto& r : irows) {
    auto it = index.find(Int(r[8]));
    if (it == index.end()) continue;
    hosts[it->second].interfaces.push_back({Int(r[0]), Str(r[1]), Str(r[2]),
                                            Str(r[3]), Str(r[4]), Str(r[5]),
                                            Str(r[6]), Str(r[7]), Int(r[9]),
                                            Str(r[10]), Str(r[11])});
  }
  if (names.empty()) {
    std::stable_sort(hosts.begin(), hosts.end(), [](const Host& a, const Host& b) {
      bool afe = a.appliance == "frontend", bfe = b.appliance == "frontend";
      if (afe != bfe) return afe;
      if (a.appliance != b.appliance) return a.appliance < b.appliance;
      if (a.rack != b.rack) return a.rack < b.rack;
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.name < b.name;
    });
  }
  for (Host& h : hosts) out->push_back(std::move(h));
  return true;
}

bool FindHost(Database* db, const std::string& name, Host* out, bool* found,
              std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name FROM hosts WHERE name = ?", {SqlParam::Text(ToLower(name))},
                 &rows, err))
    return false;
  *found = !rows.empty();
  if (!*found) return true;
  std::vector<Host> hosts;
  if (!ListHosts(db, {Str(rows[0][0])}, &hosts, err)) return false;
  *out = std::move(hosts.at(0));
  return true;
}

bool FindHostByAddress(Database* db, const std::string& ip,
                       const std::string& mac, Host* out, bool* found,
                       std::string* err) {
  *found = false;
  for (const auto& [column, value] : {std::pair<const char*, std::string>{"ip", ip},
                                      {"mac", mac}}) {
    if (value.empty()) continue;
    std::vector<SqlRow> rows;
    if (!db->Query(std::string("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                               "WHERE i.") + column + " = ?",
                   {SqlParam::Text(value)}, &rows, err))
      return false;
    if (!rows.empty()) return FindHost(db, Str(rows[0][0]), out, found, err);
  }
  return true;
}

bool ParseNewHost(const std::string& name, const KeyValues& kv, NewHost* host,
                  std::string* err) {
  host->name = ToLower(name);
  Interface ifc;
  ifc.device = "eth0";
  bool any_ifc;
  KeyValues rest;
  if (!ParseInterfaceKeys(kv, &ifc, &any_ifc, &rest, err)) return false;
  for (const auto& [key, value] : rest) {
    int64_t n;
    if (key == "appliance" || key == "membership") {
      // Rocks 6 called it membership, capitalised ("Compute").
      host->appliance = key == "membership" ? ToLower(value) : value;
    } else if (key == "rack" || key == "rank" || key == "cpus" || key == "memory") {
      if (!ParseCount(key, value, &n, err)) return false;
      if (key == "rack") host->rack = n;
      else if (key == "rank") host->rank = n;
      else if (key == "memory") host->memory = n;
      else host->cpus = n;
    } else if (key == "arch") {
      host->arch = value;
    } else if (key == "os") {
      host->os = value;
    } else if (key == "comment") {
      host->comment = value;
    } else if (key == "action") {
      if (!ParseAction(value, err)) return false;
      host->boot_action = value;
    } else {
      std::vector<std::string> expected(std::begin(kHostKeys), std::end(kHostKeys));
      expected.insert(expected.end(), std::begin(kInterfaceKeys), std::end(kInterfaceKeys) - 1);
      *err = UnknownKey(key, value, expected);
      return false;
    }
  }
  if (any_ifc) host->interfaces.push_back(ifc);
  // Rocks 6: `add host compute-0-1` is appliance compute, rack 0, rank 1.
  if (host->appliance.empty()) {
    std::vector<std::string> parts = Split(host->name, '-');
    int64_t rack, rank;
    if (parts.size() < 3 || !ParseInt(parts[parts.size() - 2], &rack) ||
        !ParseInt(parts.back(), &rank) || rack < 0 || rank < 0) {
      *err = host->name + ": no appliance= and the name is not APPLIANCE-RACK-RANK";
      return false;
    }
    parts.resize(parts.size() - 2);
    host->appliance = Join(parts, "-");
    host->appliance_from_name = true;
    if (!host->rack) host->rack = rack;
    if (!host->rank) host->rank = rank;
  }
  return true;
}

bool AddHost(Database* db, const NewHost& given, std::string* err) {
  Transaction tx(db);
  int64_t id;
  return tx.Begin(err) && InsertHost(db, given, &id, err) && tx.Commit(err);
}

bool InsertHost(Database* db, const NewHost& given, int64_t* id, std::string* err) {
  // Names are stored in lower case: DNS does not tell compute-0-0 from
  // Compute-0-0, so neither may the database.
  NewHost h = given;
  h.name = ToLower(h.name);
  if (!ValidHostName(h.name)) {
    *err = h.name + ": invalid host name";
    return false;
  }
  if (ReservedHostName(h.name)) {
    *err = h.name + ": reserved host name";
    return false;
  }
  if (h.appliance.empty()) {
    *err = h.name + ": missing appliance=";
    return false;
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 1 FROM hosts WHERE name = ?", {SqlParam::Text(h.name)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    *err = h.name + ": host already exists";
    return false;
  }
  if (!CheckNotAlias(db, h.name, h.name, err)) return false;
  Appliance app;
  if (h.appliance_from_name) {
    // The name's appliance part may be the short name too (c-0-1).
    rows.clear();
    if (!db->Query("SELECT name FROM appliances WHERE name = ? OR short_name = ? "
                   "ORDER BY name = ? DESC",
                   {SqlParam::Text(h.appliance), SqlParam::Text(h.appliance),
                    SqlParam::Text(h.appliance)},
                   &rows, err))
      return false;
    if (rows.empty()) {
      *err = h.name + ": no appliance= and no appliance called " + h.appliance;
      return false;
    }
    h.appliance = Str(rows[0][0]);
  }
  if (!ApplianceByName(db, h.appliance, &app, "appliance=" + h.appliance, err) ||
      !CheckFrontendAppliance(db, 0, app.name, "appliance=" + h.appliance, err))
    return false;
  int64_t rack = h.rack.value_or(0);
  int64_t rank = 0;
  if (h.rank) {
    rank = *h.rank;
  } else {
    rows.clear();
    if (!db->Query("SELECT MAX(`rank`) FROM hosts WHERE appliance = ? AND rack = ?",
                   {SqlParam::Int(app.id), SqlParam::Int(rack)}, &rows, err))
      return false;
    if (!rows.empty() && rows[0][0]) rank = Int(rows[0][0]) + 1;
  }
  std::vector<Interface> ifcs = h.interfaces;
  std::set<std::string> devices, macs, ips;
  for (Interface& ifc : ifcs) {
    if (!devices.insert(ifc.device).second) {
      *err = "device=" + ifc.device + ": given twice";
      return false;
    }
    if (!ifc.mac.empty() && !macs.insert(ifc.mac).second) {
      *err = "mac=" + ifc.mac + ": given twice";
      return false;
    }
    if (!ifc.ip.empty() && !ips.insert(ifc.ip).second) {
      *err = "ip=" + ifc.ip + ": given twice";
      return false;
    }
    if (!CheckInterface(db, 0, &ifc, err)) return false;
  }
  if (!CheckTopology(h.name, ifcs, err)) return false;
  if (!db->Exec("INSERT INTO hosts (name, appliance, rack, `rank`, cpus, memory, arch, os, "
                "comment, boot_action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {SqlParam::Text(h.name), SqlParam::Int(app.id), SqlParam::Int(rack),
                 SqlParam::Int(rank), SqlParam::Int(h.cpus), SqlParam::Int(h.memory),
                 SqlParam::Text(h.arch),
                 SqlParam::Text(h.os), SqlParam::Text(h.comment),
                 SqlParam::Text(h.boot_action)},
                err, id))
    return false;
  for (const Interface& ifc : ifcs)
    if (!InsertInterface(db, *id, ifc, err)) return false;
  return true;
}

bool SetHost(Database* db, const std::string& name, const KeyValues& kv,
             std::string* err) {
  if (kv.empty()) {
    *err = name + ": nothing to set";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, name, &id, err)) return false;
  for (const auto& [key, value] : kv) {
    int64_t n;
    std::string column;
    SqlParam param;
    if (key == "appliance" || key == "membership") {
      Appliance app;
      const std::string name = key == "membership" ? ToLower(value) : value;
      const std::string label = key + "=" + value;
      if (!ApplianceByName(db, name, &app, label, err) ||
          !CheckFrontendAppliance(db, id, app.name, label, err))
        return false;
      column = "appliance";
      param = SqlParam::Int(app.id);
    } else if (key == "rack" || key == "rank" || key == "cpus" || key == "memory") {
      if (!ParseCount(key, value, &n, err)) return false;
      column = key == "rank" ? "`rank`" : key;
      param = SqlParam::Int(n);
    } else if (key == "arch" || key == "os" || key == "comment") {
      column = key;
      param = SqlParam::Text(value);
    } else if (key == "action") {
      if (!ParseAction(value, err)) return false;
      column = "boot_action";
      param = SqlParam::Text(value);
    } else if (key == "name") {
      if (!ValidHostName(value)) {
        *err = "name=" + value + ": invalid host name";
        return false;
      }
      if (ReservedHostName(value)) {
        *err = "name=" + value + ": reserved host name";
        return false;
      }
      std::vector<SqlRow> rows;
      if (!db->Query("SELECT 1 FROM hosts WHERE name = ? AND id <> ?",
                     {SqlParam::Text(ToLower(value)), SqlParam::Int(id)}, &rows, err))
        return false;
      if (!rows.empty()) {
        *err = "name=" + value + ": host already exists";
        return false;
      }
      if (!CheckNotAlias(db, ToLower(value), "name=" + value, err)) return false;
      column = "name";
      param = SqlParam::Text(ToLower(value));
    } else {
      std::vector<std::string> expected(std::begin(kHostKeys), std::end(kHostKeys));
      expected.push_back("name");
      *err = UnknownKey(key, value, expected);
      return false;
    }
    if (!db->Exec("UPDATE hosts SET " + column + " = ? WHERE id = ?",
                  {param, SqlParam::Int(id)}, err))
      return false;
  }
  return tx.Commit(err);
}

bool SetBootAction(Database* db, const std::vector<std::string>& names,
                   const std::string& action, std::string* err) {
  if (!ParseAction(action, err)) return false;
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  for (const std::string& n : names) {
    int64_t id;
    if (!HostId(db, n, &id, err) ||
        !db->Exec("UPDATE hosts SET boot_action = ? WHERE id = ?",
                  {SqlParam::Text(action), SqlParam::Int(id)}, err))
      return false;
  }
  return tx.Commit(err);
}

bool RemoveHosts(Database* db, const std::vector<std::string>& names,
                 std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t frontend_id;
  std::string frontend;
  if (!FrontendHost(db, &frontend_id, &frontend, err)) return false;
  std::vector<int64_t> ids;
  for (const std::string& n : names) {
    int64_t id;
    if (!HostId(db, n, &id, err)) return false;
    if (id == frontend_id) {
      *err = n + ": the frontend cannot be removed";
      return false;
    }
    // A VM goes with its domain, and a container only once its VMs have.
    std::vector<SqlRow> rows;
    if (!db->Query("SELECT v.host, c.name, h.name FROM vm_slices v JOIN hosts c ON "
                   "c.id = v.container JOIN hosts h ON h.id = v.host WHERE v.host = ? "
                   "OR v.container = ? ORDER BY v.slice",
                   {SqlParam::Int(id), SqlParam::Int(id)}, &rows, err))
      return false;
    for (const SqlRow& r : rows) {
      *err = Int(r[0]) == id ? n + ": a VM on " + r[1].value_or("") +
                                   " (it goes with its domain)"
                             : n + ": holds VM " + r[2].value_or("");
      return false;
    }
    ids.push_back(id);
  }
  for (int64_t id : ids)
    if (!DeleteHostRows(db, id, err)) return false;
  return tx.Commit(err);
}

bool DeleteHostRows(Database* db, int64_t id, std::string* err) {
  const std::vector<SqlParam> p = {SqlParam::Int(id)};
  return db->Exec("DELETE FROM attributes WHERE scope = 'host' AND owner = ?", p, err) &&
         db->Exec("DELETE FROM install_events WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM aliases WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM interfaces WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM vm_slices WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM hosts WHERE id = ?", p, err);
}

namespace {

// The interfaces of host `id` as ListHosts gives them.
bool HostInterfaces(Database* db, const std::string& host, std::vector<Interface>* out,
                    std::string* err) {
  std::vector<Host> hosts;
  if (!ListHosts(db, {host}, &hosts, err)) return false;
  *out = hosts.at(0).interfaces;
  return true;
}

// slaves=a,b: the interfaces of the host that become slaves of `bond`.
bool ParseSlaves(const std::string& value, std::vector<std::string>* out, std::string* err) {
  out->clear();
  std::set<std::string> seen;
  for (const std::string& raw : Split(value, ',')) {
    std::string d = Trim(raw);
    if (d.empty()) continue;
    if (!ValidDeviceName(d)) {
      *err = "slaves=" + value + ": " + d + ": invalid interface name";
      return false;
    }
    if (seen.insert(d).second) out->push_back(d);
  }
  if (out->empty()) {
    *err = "slaves=" + value + ": no interface named";
    return false;
  }
  return true;
}

// Makes the interfaces named in `slaves` the slaves of `bond` in `ifcs`
// (and, with `release`, frees the bond's other slaves). A name the host
// has no interface for is an error naming it.
bool Enslave(const std::string& host, const std::string& bond,
             const std::vector<std::string>& slaves, const std::string& given,
             bool release, std::vector<Interface>* ifcs, std::string* err) {
  for (const std::string& d : slaves) {
    bool found = false;
    for (const Interface& i : *ifcs) found = found || i.device == d;
    if (!found) {
      *err = "slaves=" + given + ": " + host + " has no interface " + d;
      return false;
    }
  }
  for (Interface& i : *ifcs) {
    bool listed = std::find(slaves.begin(), slaves.end(), i.device) != slaves.end();
    if (listed) {
      if (i.vlan != 0) {
        *err = "slaves=" + given + ": " + i.device + " is a VLAN (vlan=" +
               std::to_string(i.vlan) + ")";
        return false;
      }
      i.parent = bond;
    } else if (release && i.vlan == 0 && i.parent == bond) {
      i.parent.clear();
    }
  }
  return true;
}

bool UpdateInterface(Database* db, const Interface& ifc, std::string* err) {
  std::vector<SqlRow> rows;
  SqlParam subnet = SqlParam::Null();
  if (!ifc.subnet.empty()) {
    if (!db->Query("SELECT id FROM subnets WHERE name = ?", {SqlParam::Text(ifc.subnet)},
                   &rows, err))
      return false;
    if (!rows.empty()) subnet = SqlParam::Int(Int(rows[0][0]));
  }
  return db->Exec(
      "UPDATE interfaces SET device = ?, mac = ?, ip = ?, subnet = ?, module = ?, name = ?, "
      "vlan = ?, parent = ?, options = ? WHERE id = ?",
      {SqlParam::Text(ifc.device), SqlParam::TextOrNull(ifc.mac), SqlParam::TextOrNull(ifc.ip),
       subnet, SqlParam::TextOrNull(ifc.module), SqlParam::TextOrNull(ifc.name),
       ifc.vlan ? SqlParam::Int(ifc.vlan) : SqlParam::Null(), SqlParam::TextOrNull(ifc.parent),
       SqlParam::TextOrNull(ifc.options), SqlParam::Int(ifc.id)},
      err);
}

// Writes the interfaces of `after` that differ from `before` (by id).
bool WriteChanged(Database* db, const std::vector<Interface>& before,
                  const std::vector<Interface>& after, std::string* err) {
  std::map<int64_t, const Interface*> old;
  for (const Interface& i : before) old[i.id] = &i;
  for (const Interface& i : after) {
    if (i.id == 0) continue;
    auto it = old.find(i.id);
    const Interface* o = it == old.end() ? nullptr : it->second;
    if (o && std::tie(o->device, o->mac, o->ip, o->subnet, o->module, o->name, o->vlan,
                      o->parent, o->options) ==
                 std::tie(i.device, i.mac, i.ip, i.subnet, i.module, i.name, i.vlan,
                          i.parent, i.options))
      continue;
    if (!UpdateInterface(db, i, err)) return false;
  }
  return true;
}

// An unknown key of add/set host interface: the closest interface key or
// bond option, or the list of the keys (the bond options summed up).
std::string UnknownInterfaceKey(const std::string& key, const std::string& value) {
  std::vector<std::string> keys(std::begin(kInterfaceKeys), std::end(kInterfaceKeys));
  keys.push_back("slaves");
  std::vector<std::string> all = keys;
  for (const char* k : kBondOptionKeys) all.push_back(k);
  std::string s = key + "=" + value + ": unknown key";
  std::string m = ClosestMatch(key, all);
  if (!m.empty()) return s + " (did you mean '" + m + "'?)";
  return s + " (expected " + Join(keys, ", ") + " or a bond option: mode, miimon, ...)";
}

}  // namespace

bool AddInterface(Database* db, const std::string& host, const KeyValues& kv,
                  std::string* err) {
  Interface ifc;
  bool any;
  KeyValues rest;
  if (!ParseInterfaceKeys(kv, &ifc, &any, &rest, err)) return false;
  std::vector<std::string> slaves;
  std::string slaves_given;
  for (const auto& [key, value] : rest) {
    if (key == "slaves") {
      slaves_given = value;
      if (!ParseSlaves(value, &slaves, err)) return false;
      continue;
    }
    *err = UnknownInterfaceKey(key, value);
    return false;
  }
  if (ifc.device.empty()) {
    *err = host + ": missing device=";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  std::vector<Interface> before, after;
  if (!HostId(db, host, &id, err) || !CheckInterface(db, id, &ifc, err) ||
      !HostInterfaces(db, host, &before, err))
    return false;
  after = before;
  after.push_back(ifc);
  if (!slaves.empty() &&
      !Enslave(ToLower(host), ifc.device, slaves, slaves_given, false, &after, err))
    return false;
  if (!CheckTopology(ToLower(host), after, err)) return false;
  if (!InsertInterface(db, id, after.back(), err) || !WriteChanged(db, before, after, err))
    return false;
  return tx.Commit(err);
}

bool SetInterface(Database* db, const std::string& host, const std::string& device,
                  const KeyValues& kv, std::string* err) {
  if (kv.empty()) {
    *err = host + " " + device + ": nothing to set";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  std::vector<Interface> before;
  if (!HostId(db, host, &id, err) || !HostInterfaces(db, host, &before, err)) return false;
  const std::string name = ToLower(host);
  std::vector<Interface> after = before;
  Interface* ifc = nullptr;
  for (Interface& i : after)
    if (i.device == device) ifc = &i;
  if (!ifc) {
    std::vector<std::string> devices;
    for (const Interface& i : before) devices.push_back(i.device);
    *err = name + ": no interface " + device + Suggest(device, devices);
    return false;
  }
  bool any;
  KeyValues rest;
  Interface changed = *ifc;
  if (!ParseInterfaceKeys(kv, &changed, &any, &rest, err, true)) return false;
  std::vector<std::string> slaves;
  std::string slaves_given;
  bool set_slaves = false;
  for (const auto& [key, value] : rest) {
    if (key == "slaves") {
      set_slaves = true;
      slaves_given = value;
      if (!value.empty() && !ParseSlaves(value, &slaves, err)) return false;
      continue;
    }
    *err = UnknownInterfaceKey(key, value);
    return false;
  }
  // An address given without a network finds its network again.
  bool ip_given = false, net_given = false;
  for (const auto& [key, value] : kv) {
    ip_given = ip_given || key == "ip";
    net_given = net_given || key == "subnet" || key == "network";
  }
  if (ip_given && !net_given && !changed.ip.empty()) changed.subnet.clear();
  if (!CheckInterface(db, id, &changed, err, changed.id)) return false;
  if (changed.device != device)
    for (Interface& i : after)
      if (i.parent == device) i.parent = changed.device;
  *ifc = changed;
  if (set_slaves &&
      !Enslave(name, changed.device, slaves, slaves_given, true, &after, err))
    return false;
  if (!CheckTopology(name, after, err) || !WriteChanged(db, before, after, err)) return false;
  return tx.Commit(err);
}

bool RemoveInterface(Database* db, const std::string& host,
                     const std::string& device, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id, affected = 0;
  std::vector<Interface> before;
  if (!HostId(db, host, &id, err) || !HostInterfaces(db, host, &before, err)) return false;
  // A bond's slaves are set free; a VLAN keeps its parent.
  std::vector<Interface> after;
  for (const Interface& i : before) {
    if (i.device == device) continue;
    Interface j = i;
    if (j.parent == device) {
      if (j.vlan != 0) {
        *err = ToLower(host) + ": " + device + ": VLAN " + j.device +
               " rides on it (remove that first)";
        return false;
      }
      j.parent.clear();
    }
    after.push_back(j);
  }
  if (!db->Exec("DELETE FROM interfaces WHERE host = ? AND device = ?",
                {SqlParam::Int(id), SqlParam::Text(device)}, err, nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = host + ": no interface " + device;
    return false;
  }
  if (!WriteChanged(db, before, after, err)) return false;
  return tx.Commit(err);
}

// The most interfaces a host's own reports bring it to.
constexpr size_t kMaxReportedInterfaces = 64;

bool RecordHostReport(Database* db, const std::string& name, const HostReport& report,
                      std::vector<std::string>* notes, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  std::vector<Interface> ifcs;
  if (!HostId(db, name, &id, err) || !HostInterfaces(db, name, &ifcs, err)) return false;
  const std::string host = ToLower(name);
  if (report.cpus > 0 &&
      !db->Exec("UPDATE hosts SET cpus = ? WHERE id = ?",
                {SqlParam::Int(report.cpus), SqlParam::Int(id)}, err))
    return false;
  if (report.memory > 0 &&
      !db->Exec("UPDATE hosts SET memory = ? WHERE id = ?",
                {SqlParam::Int(report.memory), SqlParam::Int(id)}, err))
    return false;
  std::set<std::string> bonds;
  for (const Interface& i : ifcs)
    if (i.vlan == 0 && !i.parent.empty()) bonds.insert(i.parent);
  for (const auto& [device, given_mac] : report.nics) {
    std::string mac, why;
    if (!ParseHostMac(given_mac, &mac, &why) || !ValidDeviceName(device)) continue;
    std::vector<SqlRow> rows;
    if (!db->Query("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                   "WHERE i.mac = ?",
                   {SqlParam::Text(mac)}, &rows, err))
      return false;
    if (!rows.empty()) {
      // Known: this host's own, or another's that this node does not speak for.
      if (Str(rows[0][0]) != host)
        notes->push_back(host + ": " + device + " " + mac + ": left alone, the MAC is " +
                         Str(rows[0][0]) + "'s");
      continue;
    }
    Interface* same = nullptr;
    for (Interface& i : ifcs)
      if (i.device == device) same = &i;
    if (same) {
      // The device is known without a MAC: it is this one.
      if (!same->mac.empty() || same->vlan != 0 || bonds.count(device)) {
        notes->push_back(host + ": " + device + " " + mac + ": left alone, " + device +
                         " is " + (same->mac.empty() ? "a bond or VLAN" : same->mac));
        continue;
      }
      same->mac = mac;
      if (!db->Exec("UPDATE interfaces SET mac = ? WHERE id = ?",
                    {SqlParam::Text(mac), SqlParam::Int(same->id)}, err))
        return false;
      continue;
    }
    // A node cannot grow the database without end by making up MACs.
    if (ifcs.size() >= kMaxReportedInterfaces) {
      notes->push_back(host + ": " + device + " " + mac + ": left alone, the host has " +
                       std::to_string(ifcs.size()) + " interfaces");
      continue;
    }
    Interface ifc;
    ifc.device = device;
    ifc.mac = mac;
    if (!InsertInterface(db, id, ifc, err)) return false;
    ifcs.push_back(ifc);
  }
  return tx.Commit(err);
}

bool ListAliases(Database* db, std::vector<Alias>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT a.name, h.name FROM aliases a JOIN hosts h ON h.id = a.host "
                 "ORDER BY a.name",
                 {}, &rows, err))
    return false;
  for (auto& r : rows) out->push_back({Str(r[0]), Str(r[1])});
  return true;
}

bool AddAlias(Database* db, const std::string& host, const std::string& given,
              std::string* err) {
  const std::string alias = ToLower(given);
  if (!ValidHostName(alias)) {
    *err = alias + ": invalid alias name";
    return false;
  }
  if (ReservedHostName(alias)) {
    *err = alias + ": reserved host name";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, host, &id, err)) return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 'alias' FROM aliases WHERE name = ? UNION ALL "
                 "SELECT 'host' FROM hosts WHERE name = ?",
                 {SqlParam::Text(alias), SqlParam::Text(alias)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = alias + ": already " + (Str(rows[0][0]) == "alias" ? "an alias" : "a host") +
           " name";
    return false;
  }
  if (!db->Exec("INSERT INTO aliases (host, name) VALUES (?, ?)",
                {SqlParam::Int(id), SqlParam::Text(alias)}, err))
    return false;
  return tx.Commit(err);
}

bool RemoveAlias(Database* db, const std::string& alias, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t affected = 0;
  if (!db->Exec("DELETE FROM aliases WHERE name = ?", {SqlParam::Text(ToLower(alias))}, err,
                nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = alias + ": unknown alias";
    return false;
  }
  return tx.Commit(err);
}

bool SetAttr(Database* db, AttrScope scope, const std::string& owner,
             const std::string& name, const std::string& value,
             bool create_only, std::string* err) {
  if (!ValidAttrName(name)) {
    *err = name + ": invalid attribute name";
    return false;
  }
  std::string why;
  if (!CheckAttrValue(value, &why)) {
    *err = name + ": " + why;
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t owner_id;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  int64_t affected = 0;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT value FROM attributes WHERE scope = ? AND owner = ? AND name = ?",
                 {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id),
                  SqlParam::Text(name)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    if (create_only) {
      *err = name + ": already set " + ScopeText(scope, owner) +
             " (use 'rocks set attr' to change it)";
      return false;
    }
    if (!db->Exec("UPDATE attributes SET value = ? WHERE scope = ? AND owner = ? "
                  "AND name = ?",
                  {SqlParam::Text(value), SqlParam::Text(AttrScopeName(scope)),
                   SqlParam::Int(owner_id), SqlParam::Text(name)},
                  err, nullptr, &affected))
      return false;
  } else if (!InsertAttr(db, scope, owner_id, name, value, err)) {
    return false;
  }
  return tx.Commit(err);
}

bool RemoveAttr(Database* db, AttrScope scope, const std::string& owner,
                const std::string& name, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t owner_id, affected = 0;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  if (!db->Exec("DELETE FROM attributes WHERE scope = ? AND owner = ? AND name = ?",
                {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id),
                 SqlParam::Text(name)},
                err, nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = name + ": not set " + ScopeText(scope, owner);
    return false;
  }
  return tx.Commit(err);
}

bool ListAttrs(Database* db, AttrScope scope, const std::string& owner,
               std::vector<Attr>* out, std::string* err) {
  int64_t owner_id;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  std::map<std::string, Attr> attrs;
  if (!LoadAttrs(db, scope, owner_id, owner, &attrs, err)) return false;
  for (auto& [n, a] : attrs) out->push_back(std::move(a));
  return true;
}

bool ResolveAttrs(Database* db, AttrScope scope, const std::string& owner,
                  std::vector<Attr>* out, std::string* err) {
  // kpp and kickstart.cgi resolve once per host, in processes of their
  // own: one query for the owners, one for the three scopes at once.
  int64_t host_id = 0, appliance_id = 0;
  std::string appliance;
  if (scope != AttrScope::kGlobal) {
    std::vector<SqlRow> rows;
    if (scope == AttrScope::kHost) {
      if (!db->Query("SELECT h.id, a.id, a.name FROM hosts h "
                     "JOIN appliances a ON a.id = h.appliance WHERE h.name = ?",
                     {SqlParam::Text(ToLower(owner))}, &rows, err))
        return false;
      if (rows.empty()) {
        int64_t ignored;
        HostId(db, owner, &ignored, err);  // the message, with a suggestion
        return false;
      }
      host_id = Int(rows[0][0]);
      appliance_id = Int(rows[0][1]);
      appliance = Str(rows[0][2]);
    } else {
      Appliance app;
      if (!ApplianceByName(db, owner, &app, owner, err)) return false;
      appliance_id = app.id;
      appliance = app.name;
    }
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT scope, name, value FROM attributes WHERE "
                 "(scope = 'global' AND owner = 0) OR "
                 "(scope = 'appliance' AND owner = ?) OR (scope = 'host' AND owner = ?)",
                 {SqlParam::Int(appliance_id), SqlParam::Int(host_id)}, &rows, err))
    return false;
  // The narrower scope wins: global, then appliance, then host.
  std::map<std::string, Attr> attrs;
  for (int pass = 0; pass < 3; ++pass) {
    const AttrScope want = static_cast<AttrScope>(pass);
    for (auto& r : rows) {
      if (Str(r[0]) != AttrScopeName(want)) continue;
      if (want == AttrScope::kAppliance && scope == AttrScope::kGlobal) continue;
      if (want == AttrScope::kHost && scope != AttrScope::kHost) continue;
      std::string o = want == AttrScope::kGlobal      ? ""
                      : want == AttrScope::kAppliance ? appliance
                                                      : ToLower(owner);
      attrs[Str(r[1])] = {Str(r[1]), Str(r[2]), want, o};
    }
  }
  for (auto& [n, a] : attrs) out->push_back(std::move(a));
  return true;
}

bool AddInstallEvent(Database* db, const InstallEvent& e, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, e.host, &id, err)) return false;
  if (!db->Exec("INSERT INTO install_events (host, time, state, detail) "
                "VALUES (?, ?, ?, ?)",
                {SqlParam::Int(id), SqlParam::Int(e.time), SqlParam::Text(e.state),
                 SqlParam::Text(e.detail)},
                err))
    return false;
  return tx.Commit(err);
}

bool LastInstallEventId(Database* db, int64_t* id, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT MAX(id) FROM install_events", {}, &rows, err)) return false;
  *id = rows.empty() ? 0 : Int(rows[0][0]);
  return true;
}

bool ListInstallEvents(Database* db, int64_t after_id,
                       std::vector<InstallEvent>* out, int64_t* last_id,
                       std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT e.id, h.name, e.time, e.state, e.detail FROM install_events e "
                 "JOIN hosts h ON h.id = e.host WHERE e.id > ? ORDER BY e.id",
                 {SqlParam::Int(after_id)}, &rows, err))
    return false;
  if (last_id) *last_id = after_id;
  for (auto& r : rows) {
    out->push_back({Str(r[1]), Int(r[2]), Str(r[3]), Str(r[4])});
    if (last_id) *last_id = Int(r[0]);
  }
  return true;
}

}  // namespace rocks
