#include "network.h"

#include <cctype>
#include <vector>

#include "net.h"
#include "strutil.h"

namespace rocks {
namespace {

const char* const kSubnetColumns =
    "SELECT id, name, network, prefix, zone, mtu, dhcp, pxe, dns, gateway FROM subnets";

Subnet SubnetOfRow(const SqlRow& r) {
  Subnet s;
  s.id = CellInt(r[0]);
  s.name = CellText(r[1]);
  ParseIPv4(CellText(r[2]), &s.network);
  s.prefix = static_cast<int>(CellInt(r[3]));
  s.zone = CellText(r[4]);
  s.mtu = CellInt(r[5]);
  s.dhcp = CellInt(r[6]) != 0;
  s.pxe = CellInt(r[7]) != 0;
  s.dns = CellInt(r[8]) != 0;
  s.gateway = CellText(r[9]);
  return s;
}



bool ValidNetworkName(const std::string& s) {
  if (s.empty() || s.size() > 64 || !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

/// Applies the keys of `kv` to `net`. `address` and `prefix` say which
/// of the two were given.
bool ApplyNetworkKeys(const KeyValues& kv, Subnet* net, bool* address, bool* prefix,
                      std::string* err) {
  for (const auto& [key, value] : kv) {
    const std::string what = key + "=" + value;
    if (key == "address" || key == "subnet") {
      uint32_t ip;
      size_t slash = value.find('/');
      if (slash != std::string::npos) {
        if (!ParseNetwork(value, &net->network, &net->prefix, err)) {
          *err = what + ": " + *err;
          return false;
        }
        *prefix = true;
      } else if (!ParseIPv4(value, &ip)) {
        *err = what + ": invalid IPv4 address";
        return false;
      } else {
        net->network = ip;
      }
      *address = true;
    } else if (key == "prefix" || key == "netmask") {
      int64_t n = -1;
      uint32_t mask;
      if (key == "prefix" && !ParseNumber(what, value, 1, 30, &n, err)) return false;
      if (key == "netmask") {
        if (!ParseIPv4(value, &mask) || MaskToPrefix(mask) < 1 || MaskToPrefix(mask) > 30) {
          *err = what + ": invalid netmask";
          return false;
        }
        n = MaskToPrefix(mask);
      }
      net->prefix = static_cast<int>(n);
      *prefix = true;
    } else if (key == "mtu") {
      int64_t n;
      if (!ParseNumber(what, value, 68, 65535, &n, err)) return false;
      net->mtu = n;
    } else if (key == "zone" || key == "dnszone") {
      if (!ValidHostName(value)) {
        *err = what + ": invalid DNS zone";
        return false;
      }
      net->zone = ToLower(value);
    } else if (key == "dhcp" || key == "pxe" || key == "dns" || key == "servedns") {
      bool b;
      if (!ParseYesNo(value, &b)) {
        *err = what + ": expected yes or no";
        return false;
      }
      (key == "dhcp" ? net->dhcp : key == "pxe" ? net->pxe : net->dns) = b;
    } else if (key == "gateway") {
      uint32_t ip;
      if (value == "none" || value.empty()) {
        net->gateway.clear();
      } else if (!ParseIPv4(value, &ip)) {
        *err = what + ": invalid IPv4 address";
        return false;
      } else {
        net->gateway = FormatIPv4(ip);
      }
    } else {
      *err = key + ": unknown key (expected address, prefix, netmask, mtu, zone, "
                   "dhcp, pxe, dns or gateway)";
      return false;
    }
  }
  return true;
}

/// Checks `net` (named, with its keys applied) against itself and the
/// other networks; `id` is its own row (0 for a new one).
bool CheckNetwork(Database* db, const Subnet& net, std::string* err) {
  std::string where = FormatIPv4(net.network) + "/" + std::to_string(net.prefix);
  if ((net.network & ~PrefixToMask(net.prefix)) != 0) {
    *err = "address=" + where + ": not a network address (expected " +
           FormatIPv4(net.network & PrefixToMask(net.prefix)) + "/" +
           std::to_string(net.prefix) + ")";
    return false;
  }
  if (net.pxe && !net.dhcp) {
    *err = "pxe=yes: network " + net.name + " needs dhcp=yes to boot nodes";
    return false;
  }
  if (!net.gateway.empty()) {
    uint32_t gw;
    ParseIPv4(net.gateway, &gw);
    uint32_t host = gw & ~PrefixToMask(net.prefix);
    if (!InNetwork(gw, net.network, net.prefix) || host == 0 ||
        host == ~PrefixToMask(net.prefix)) {
      *err = "gateway=" + net.gateway + ": not a host address of network " +
             NetworkText(net);
      return false;
    }
  }
  std::vector<Subnet> all;
  if (!ListSubnets(db, &all, err)) return false;
  for (const Subnet& s : all) {
    if (s.id == net.id) continue;
    if (InNetwork(s.network, net.network, net.prefix) ||
        InNetwork(net.network, s.network, s.prefix)) {
      *err = "address=" + where + ": overlaps network " + NetworkText(s);
      return false;
    }
    if (net.dns && s.dns && s.zone == net.zone) {
      *err = "zone=" + net.zone + ": already the DNS zone of network " + s.name;
      return false;
    }
  }
  return true;
}

bool WriteNetwork(Database* db, const Subnet& n, std::string* err) {
  std::vector<SqlParam> p = {SqlParam::Text(FormatIPv4(n.network)), SqlParam::Int(n.prefix),
                             SqlParam::Text(n.zone),  SqlParam::Int(n.mtu),
                             SqlParam::Int(n.dhcp),   SqlParam::Int(n.pxe),
                             SqlParam::Int(n.dns),    SqlParam::TextOrNull(n.gateway),
                             SqlParam::Text(n.name)};
  if (n.id == 0)
    return db->Exec("INSERT INTO subnets (network, prefix, zone, mtu, dhcp, pxe, dns, "
                    "gateway, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p, err);
  return db->Exec("UPDATE subnets SET network = ?, prefix = ?, zone = ?, mtu = ?, "
                  "dhcp = ?, pxe = ?, dns = ?, gateway = ? WHERE name = ?",
                  p, err);
}

/// The global attributes that restate private's or public's address.
bool UpdateAddressAttrs(Database* db, const Subnet& n, std::string* err) {
  std::string side = n.name == "private" ? "Private" : n.name == "public" ? "Public" : "";
  if (side.empty()) return true;
  uint32_t mask = PrefixToMask(n.prefix);
  const std::pair<std::string, std::string> attrs[] = {
      {"Network", FormatIPv4(n.network)},
      {"Netmask", FormatIPv4(mask)},
      {"NetmaskCIDR", std::to_string(n.prefix)},
      {"Broadcast", FormatIPv4(n.network | ~mask)},
      {"DNSDomain", n.zone},
  };
  for (const auto& [name, value] : attrs)
    if (!db->Exec("UPDATE attributes SET value = ? WHERE scope = 'global' AND owner = 0 "
                  "AND name = ?",
                  {SqlParam::Text(value), SqlParam::Text("Kickstart_" + side + name)}, err))
      return false;
  return true;
}

}  // namespace

bool SubnetByName(Database* db, const std::string& name, Subnet* out,
                  const std::string& label, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kSubnetColumns) + " WHERE name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (rows.empty()) {
    *err = label + ": unknown network" + SuggestFrom(db, "SELECT name FROM subnets ORDER BY name", name);
    return false;
  }
  *out = SubnetOfRow(rows[0]);
  return true;
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

std::string NetworkText(const Subnet& s) {
  return s.name + " (" + FormatIPv4(s.network) + "/" + std::to_string(s.prefix) + ")";
}

bool AddNetwork(Database* db, const std::string& name, const KeyValues& kv,
                std::string* err) {
  if (!ValidNetworkName(name)) {
    *err = name + ": invalid network name (a letter, then letters, digits, '-' or '_')";
    return false;
  }
  Subnet net;
  net.name = name;
  net.zone = ToLower(name);
  net.dns = true;
  bool address = false, prefix = false;
  if (!ApplyNetworkKeys(kv, &net, &address, &prefix, err)) return false;
  if (!address || !prefix) {
    *err = name + ": missing " + std::string(address ? "prefix=" : "address=") +
           " (a network needs its address and prefix)";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Subnet existing;
  std::string ignored;
  if (FindSubnet(db, name, &existing, &ignored)) {
    *err = name + ": network already exists";
    return false;
  }
  if (!CheckNetwork(db, net, err) || !WriteNetwork(db, net, err)) return false;
  return tx.Commit(err);
}

bool SetNetwork(Database* db, const std::string& name, const KeyValues& kv,
                std::string* err) {
  if (kv.empty()) {
    *err = "set network " + name + ": nothing to change (give KEY=VALUE)";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Subnet net;
  if (!FindSubnet(db, name, &net, err)) return false;
  uint32_t old_network = net.network;
  int old_prefix = net.prefix;
  bool address = false, prefix = false;
  if (!ApplyNetworkKeys(kv, &net, &address, &prefix, err) || !CheckNetwork(db, net, err))
    return false;
  if (net.network != old_network || net.prefix != old_prefix) {
    std::vector<SqlRow> rows;
    if (!db->Query("SELECT h.name, i.device, i.ip FROM interfaces i "
                   "JOIN hosts h ON h.id = i.host WHERE i.subnet = ? AND i.ip IS NOT NULL "
                   "ORDER BY h.name, i.device",
                   {SqlParam::Int(net.id)}, &rows, err))
      return false;
    for (const SqlRow& r : rows) {
      uint32_t ip;
      ParseIPv4(CellText(r[2]), &ip);
      if (!InNetwork(ip, net.network, net.prefix)) {
        *err = "address=" + FormatIPv4(net.network) + "/" + std::to_string(net.prefix) +
               ": " + CellText(r[0]) + " " + CellText(r[1]) + " (" + CellText(r[2]) +
               ") would be outside network " + name;
        return false;
      }
    }
  }
  if (!WriteNetwork(db, net, err) || !UpdateAddressAttrs(db, net, err)) return false;
  return tx.Commit(err);
}

bool RemoveNetwork(Database* db, const std::string& name, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Subnet net;
  if (!FindSubnet(db, name, &net, err)) return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.name, i.device FROM interfaces i JOIN hosts h ON h.id = i.host "
                 "WHERE i.subnet = ? ORDER BY h.name, i.device",
                 {SqlParam::Int(net.id)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = "network " + name + ": still used by " + std::to_string(rows.size()) +
           (rows.size() == 1 ? " interface (" : " interfaces (first ") +
           CellText(rows[0][0]) + " " + CellText(rows[0][1]) + ")";
    return false;
  }
  for (const char* table : {"routes", "firewall_rules"}) {
    rows.clear();
    if (!db->Query(std::string("SELECT COUNT(*) FROM ") + table + " WHERE subnet = ?",
                   {SqlParam::Int(net.id)}, &rows, err))
      return false;
    if (CellInt(rows[0][0]) > 0) {
      *err = "network " + name + ": still used by " + std::to_string(CellInt(rows[0][0])) +
             (table[0] == 'r' ? " route(s)" : " firewall rule(s)");
      return false;
    }
  }
  if (!db->Exec("DELETE FROM subnets WHERE id = ?", {SqlParam::Int(net.id)}, err))
    return false;
  return tx.Commit(err);
}

}  // namespace rocks
