#include "cluster.h"

#include <tuple>

#include "net.h"
#include "schema.h"
#include "strutil.h"

namespace rocks {
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

// What `rocks init` writes, its options checked and parsed.
struct InitPlan {
  Interface priv, pub;  ///< the frontend's interfaces
  uint32_t priv_net = 0, pub_net = 0, priv_ip = 0;
  int priv_prefix = 0, pub_prefix = 0;
};

// Checks `o` without touching the database.
bool PlanInit(const InitOptions& o, InitPlan* plan, std::string* err) {
  InitPlan& p = *plan;
  if (!ValidHostName(o.frontend) || o.frontend.find('.') != std::string::npos) {
    *err = "frontend=" + o.frontend + ": invalid host name";
    return false;
  }
  if (ReservedHostName(o.frontend)) {
    *err = "frontend=" + o.frontend + ": reserved host name";
    return false;
  }
  for (const auto& [flag, device] : {std::pair{"private device ", &o.private_device},
                                      std::pair{"public device ", &o.public_device}}) {
    if (!ValidDeviceName(*device)) {
      *err = flag + *device + ": invalid interface name";
      return false;
    }
  }
  uint32_t pub_ip = 0;
  std::string why;
  if (!ParseNetwork(o.private_network, &p.priv_net, &p.priv_prefix, &why)) {
    *err = "private-network=" + o.private_network + ": " + why;
    return false;
  }
  if (!ParseNetwork(o.public_network, &p.pub_net, &p.pub_prefix, &why)) {
    *err = "public-network=" + o.public_network + ": " + why;
    return false;
  }
  // A /31 or /32 holds no frontend and node; a /0 would be every address.
  for (const auto& [flag, text, prefix] :
       {std::tuple{"private-network=", &o.private_network, p.priv_prefix},
        std::tuple{"public-network=", &o.public_network, p.pub_prefix}}) {
    if (prefix < 1 || prefix > 30) {
      *err = flag + *text + ": prefix length must be 1-30";
      return false;
    }
  }
  if (InNetwork(p.priv_net, p.pub_net, p.pub_prefix) ||
      InNetwork(p.pub_net, p.priv_net, p.priv_prefix)) {
    *err = "public-network=" + o.public_network + ": overlaps the private network " +
           o.private_network;
    return false;
  }
  if (!ParseIPv4(o.private_address, &p.priv_ip)) {
    *err = "private-address=" + o.private_address + ": invalid IPv4 address";
    return false;
  }
  if (!InNetwork(p.priv_ip, p.priv_net, p.priv_prefix)) {
    *err = "private-address=" + o.private_address + ": not in " + o.private_network;
    return false;
  }
  if (!o.public_address.empty()) {
    if (!ParseIPv4(o.public_address, &pub_ip)) {
      *err = "public-address=" + o.public_address + ": invalid IPv4 address";
      return false;
    }
    if (!InNetwork(pub_ip, p.pub_net, p.pub_prefix)) {
      *err = "public-address=" + o.public_address + ": not in " + o.public_network;
      return false;
    }
  }
  Interface& priv = p.priv;
  Interface& pub = p.pub;
  priv.host = pub.host = o.frontend;
  priv.device = o.private_device;
  priv.ip = FormatIPv4(p.priv_ip);
  priv.subnet = "private";
  pub.device = o.public_device;
  pub.ip = FormatIPv4(pub_ip);
  pub.subnet = "public";
  if (!o.private_mac.empty() && !ParseHostMac(o.private_mac, &priv.mac, &why)) {
    *err = "private-mac=" + o.private_mac + ": " + why;
    return false;
  }
  if (!o.public_mac.empty() && !ParseHostMac(o.public_mac, &pub.mac, &why)) {
    *err = "public-mac=" + o.public_mac + ": " + why;
    return false;
  }
  if (!priv.mac.empty() && priv.mac == pub.mac) {
    *err = "public-mac=" + o.public_mac + ": the same as the private MAC";
    return false;
  }
  if (!ValidHostName(o.domain)) {
    *err = "domain=" + o.domain + ": invalid domain name";
    return false;
  }
  if (!ValidHostName(o.public_domain)) {
    *err = "public-domain=" + o.public_domain + ": invalid domain name";
    return false;
  }
  return true;
}

// Writes the planned cluster in one transaction; `schema_exists` when the
// caller created the tables already.
bool WriteCluster(Database* db, const InitOptions& o, const InitPlan& p, bool schema_exists,
                  std::string* err) {
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
                {SqlParam::Text("private"), SqlParam::Text(FormatIPv4(p.priv_net)),
                 SqlParam::Int(p.priv_prefix), SqlParam::Text(o.domain),
                 SqlParam::Int(1), SqlParam::Int(1), SqlParam::Int(1)},
                err) ||
      !db->Exec(subnet_sql,
                {SqlParam::Text("public"), SqlParam::Text(FormatIPv4(p.pub_net)),
                 SqlParam::Int(p.pub_prefix), SqlParam::Text(o.public_domain),
                 SqlParam::Int(0), SqlParam::Int(0), SqlParam::Int(0)},
                err))
    return false;
  int64_t fe_id;
  if (!db->Exec("INSERT INTO hosts (name, appliance, rack, `rank`, cpus, arch, os, "
                "comment, boot_action) SELECT ?, id, 0, 0, 1, 'x86_64', 'linux', "
                "'', 'os' FROM appliances WHERE name = 'frontend'",
                {SqlParam::Text(o.frontend)}, err, &fe_id))
    return false;
  if (!InsertInterface(db, fe_id, p.priv, err)) return false;
  if (!o.public_address.empty() && !InsertInterface(db, fe_id, p.pub, err))
    return false;
  // Login nodes run a firewall; the frontend's snmp-status asks them over
  // the private network.
  if (!db->Exec("INSERT INTO firewall_rules (scope, owner, name, subnet, port, protocol, "
                "action) SELECT 'appliance', a.id, 'snmp', s.id, '161', 'udp', 'accept' "
                "FROM appliances a, subnets s WHERE a.name = 'login' AND s.name = 'private'",
                {}, err))
    return false;

  std::string fe_ip = FormatIPv4(p.priv_ip);
  const std::pair<const char*, std::string> kGlobals[] = {
      {"Info_ClusterName", o.cluster_name},
      {"Kickstart_PrivateHostname", o.frontend},
      {"Kickstart_PrivateAddress", fe_ip},
      {"Kickstart_PrivateNetwork", FormatIPv4(p.priv_net)},
      {"Kickstart_PrivateNetmask", FormatIPv4(PrefixToMask(p.priv_prefix))},
      {"Kickstart_PrivateNetmaskCIDR", std::to_string(p.priv_prefix)},
      {"Kickstart_PrivateBroadcast", FormatIPv4(p.priv_net | ~PrefixToMask(p.priv_prefix))},
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
      {"Kickstart_PublicNetwork", FormatIPv4(p.pub_net)},
      {"Kickstart_PublicNetmask", FormatIPv4(PrefixToMask(p.pub_prefix))},
      {"Kickstart_PublicNetmaskCIDR", std::to_string(p.pub_prefix)},
      {"Kickstart_PublicDNSDomain", o.public_domain},
      {"Kickstart_Timezone", o.timezone},
      {"Kickstart_Lang", "en_US.UTF-8"},
      {"Kickstart_Keyboard", "us"},
      {"Kickstart_PrivateInterface", p.priv.device},
      {"Kickstart_PrivateMAC", p.priv.mac},
      {"Kickstart_PublicInterface", p.pub.device},
      {"Kickstart_PublicMAC", o.public_address.empty() ? "" : p.pub.mac},
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

bool InitCluster(Database* db, const InitOptions& o, std::string* err) {
  int version;
  if (!ReadSchemaVersion(db, &version, err)) return false;
  if (version != 0) {
    *err = db->url() + ": already holds a cluster";
    return false;
  }
  InitPlan plan;
  if (!PlanInit(o, &plan, err)) return false;
  // On MySQL DDL commits at once: create the schema first, fill it in one
  // transaction, and drop it again if filling fails. On SQLite all of it
  // is one transaction.
  const bool ddl_commits = db->engine() == Engine::kMysql;
  if (ddl_commits && !CreateSchema(db, err)) return false;
  if (!WriteCluster(db, o, plan, ddl_commits, err)) {
    if (ddl_commits) DropSchema(db);
    return false;
  }
  return true;
}

bool PrepareCluster(Database* db, std::string* err) {
  return MigrateSchema(db, err);
}

std::vector<std::string> InitApplianceNames() {
  std::vector<std::string> out;
  for (const auto& a : kInitAppliances) out.push_back(a.name);
  return out;
}

}  // namespace rocks
