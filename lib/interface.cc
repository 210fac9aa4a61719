#include "interface.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "host.h"
#include "net.h"
#include "network.h"
#include "strutil.h"

namespace rocks {
namespace {

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

}  // namespace

std::vector<std::string> InterfaceKeys() {
  return std::vector<std::string>(std::begin(kInterfaceKeys), std::end(kInterfaceKeys));
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

bool CheckInterface(Database* db, int64_t host_id, Interface* ifc,
                    std::string* err, int64_t self_id) {
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
  if (!CheckLength("options", ifc->options, kMaxOptionsLength, err)) return false;
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
      *err = "mac=" + ifc->mac + ": already used by " + CellText(rows[0][0]);
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
      *err = "ip=" + ifc->ip + ": not in subnet " + NetworkText(subnet);
      return false;
    }
    uint32_t host_mask = ~PrefixToMask(subnet.prefix);
    if (subnet.prefix < 31 && ((ip & host_mask) == 0 || (ip & host_mask) == host_mask)) {
      *err = "ip=" + ifc->ip + ": is the " +
             ((ip & host_mask) ? "broadcast" : "network") +
             " address of subnet " + NetworkText(subnet);
      return false;
    }
    rows.clear();
    if (!db->Query("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                   "WHERE i.ip = ? AND i.id <> ?",
                   {SqlParam::Text(ifc->ip), SqlParam::Int(self_id)}, &rows, err))
      return false;
    if (!rows.empty()) {
      *err = "ip=" + ifc->ip + ": already used by " + CellText(rows[0][0]);
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
    if (!rows.empty()) subnet = SqlParam::Int(CellInt(rows[0][0]));
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

bool ParseInterfaceKeys(const KeyValues& kv, Interface* ifc, bool* any,
                        KeyValues* rest, std::string* err, bool allow_clear) {
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
      if (!CheckOneLabel("name=" + value, value, "interface names", err)) return false;
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
    if (!rows.empty()) subnet = SqlParam::Int(CellInt(rows[0][0]));
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
  return UnknownName(key + "=" + value, "key", key, all, {},
                     " (expected " + Join(keys, ", ") + " or a bond option: mode, miimon, ...)");
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
    *err = name + ": no interface " + device + DidYouMean(device, devices);
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
      if (CellText(rows[0][0]) != host)
        notes->push_back(host + ": " + device + " " + mac + ": left alone, the MAC is " +
                         CellText(rows[0][0]) + "'s");
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

}  // namespace rocks
