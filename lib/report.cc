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


bool LoadReportContext(const Config& cfg, ReportContext* ctx, std::string* err) {
  ctx->hosts_local = cfg.Get(kConfHostsLocal);
  ctx->dns_local_dir = cfg.Get(kConfDnsLocalDir);
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch && *epoch) {
    if (!ParseNumber(std::string("SOURCE_DATE_EPOCH=") + epoch, epoch, 0, INT64_MAX,
                     &ctx->now, err))
      return false;
  } else {
    ctx->now = static_cast<int64_t>(std::time(nullptr));
  }
  return true;
}

namespace {

// The table's adapters: every report takes the same arguments.
template <bool (*F)(Database*, const ReportContext&, std::string*, std::string*)>
bool Plain(Database* db, const ReportContext& ctx, const std::vector<std::string>&,
           std::string* out, std::string* err) {
  return F(db, ctx, out, err);
}

template <bool (*F)(Database*, const ReportContext&, const std::string&, std::string*,
                    std::string*)>
bool OfSubnet(Database* db, const ReportContext& ctx, const std::vector<std::string>& args,
              std::string* out, std::string* err) {
  return F(db, ctx, args.empty() ? "private" : args[0], out, err);
}

}  // namespace

const std::vector<ReportInfo>& Reports() {
  static const std::vector<ReportInfo> kReports = {
      {"hosts", "", "/etc/hosts: every interface's address and names, aliases",
       Plain<ReportHosts>},
      {"ethers", "", "/etc/ethers: MAC address and name of every interface",
       Plain<ReportEthers>},
      {"dhcpd", "", "/etc/dhcp/dhcpd.conf: ISC dhcpd, the networks DHCP serves", Plain<ReportDhcpd>},
      {"kea", "", "/etc/kea/kea-dhcp4.conf: Kea DHCPv4, the networks DHCP serves", Plain<ReportKea>},
      {"dns", "[NETWORK]", "BIND forward zone of a network (default private)",
       OfSubnet<ReportDns>, ReportArgs::kNetwork},
      {"dns-reverse", "[NETWORK]", "BIND reverse zone of a network (default private)",
       OfSubnet<ReportDnsReverse>, ReportArgs::kNetwork},
      {"named", "", "named.conf zone statements for every zone DNS serves",
       Plain<ReportNamed>},
      {"pxe", "DIR", "pxelinux, GRUB and iPXE boot files per host, written into DIR", nullptr,
       ReportArgs::kDir},
      {"machines", "", "compute hosts by rack and rank (MPI machine file)",
       Plain<ReportMachines>},
      {"slurm-conf", "", "/etc/slurm/slurm.conf: controller, compute nodes, partitions",
       Plain<ReportSlurmConf>},
      {"slurm-nodes", "", "Slurm NodeName lines for the compute hosts",
       Plain<ReportSlurmNodes>},
      {"pbs-nodes", "", "PBS qmgr create node lines for the compute hosts",
       Plain<ReportPbsNodes>},
      {"resolv", "", "/etc/resolv.conf for the nodes", Plain<ReportResolv>},
      {"genders", "", "/etc/genders: groups by appliance, rack and all (pdsh -g)",
       Plain<ReportGenders>},
      {"clustershell", "", "ClusterShell groups.d YAML: groups by appliance, rack and all",
       Plain<ReportClusterShell>},
  };
  return kReports;
}

const ReportInfo* FindReport(const std::string& name) {
  for (const ReportInfo& r : Reports())
    if (name == r.name) return &r;
  return nullptr;
}

bool CheckReport(const std::string& name, const std::vector<std::string>& args,
                 std::string* err) {
  const ReportInfo* info = FindReport(name);
  if (!info) {
    std::vector<std::string> names;
    for (const ReportInfo& r : Reports()) names.push_back(r.name);
    *err = UnknownName(name, "report", names);
    return false;
  }
  if (info->takes == ReportArgs::kDir && args.empty()) {
    *err = name + ": missing " + info->args;
    return false;
  }
  size_t max_args = info->takes == ReportArgs::kNone ? 0 : 1;
  if (args.size() > max_args) {
    *err = name + ": unexpected argument '" + args[max_args] + "'";
    return false;
  }
  return true;
}

bool RunReport(Database* db, const ReportContext& ctx, const std::string& name,
               const std::vector<std::string>& args, std::string* out,
               std::string* err) {
  if (!CheckReport(name, args, err)) return false;
  const ReportInfo* info = FindReport(name);
  if (!info->run) {
    *err = name + ": writes a directory, not one file";
    return false;
  }
  return info->run(db, ctx, args, out, err);
}

bool ReportHosts(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err) {
  Rows rows;
  std::vector<SqlRow> aliases;
  if (!LoadRows(db, "WHERE i.ip IS NOT NULL", {}, &rows, err) ||
      !db->Query("SELECT al.name, al.host FROM aliases al ORDER BY al.name", {},
                 &aliases, err))
    return false;
  std::string text = Header("#", "hosts");
  text.reserve(rows.size() * 80 + aliases.size() * 40);
  text += "127.0.0.1\tlocalhost.localdomain localhost\n";
  // Aliases point at the host's private address, else its first one.
  std::map<int64_t, const Row*> primary;
  for (const Row& r : rows) {
    text += r.ip + "\t";
    if (r.zone.empty()) {
      text += r.Name();
    } else if (r.subnet == "private" || !r.ifname.empty()) {
      text += r.Fqdn() + " " + r.Name();
    } else {
      // The host's short name is its private one: another network's
      // interface is known by its name in that network's zone only.
      text += r.Fqdn();
    }
    auto [it, first] = primary.emplace(r.host_id(), &r);
    if (r.subnet == "private") {
      if (!first && it->second->subnet != "private") it->second = &r;
      std::string alias = r.ShortAlias();
      if (!alias.empty() && alias != r.Name()) text += " " + alias;
    }
    text += "\n";
  }
  for (auto& a : aliases) {
    auto it = primary.find(Int(a[1]));
    if (it == primary.end()) continue;
    const Row& r = *it->second;
    std::string name = Str(a[0]);
    text += r.ip + "\t";
    text += r.zone.empty() ? name : name + "." + r.zone + " " + name;
    text += "\n";
  }
  AppendFileIfPresent(ctx.hosts_local, &text);
  *out = std::move(text);
  return true;
}

bool ReportEthers(Database* db, const ReportContext& ctx, std::string* out,
                  std::string* err) {
  Rows rows;
  if (!LoadRows(db, "WHERE i.mac IS NOT NULL", {}, &rows, err)) return false;
  std::string text = Header("#", "ethers");
  text.reserve(rows.size() * 48);
  for (const Row& r : rows) text += r.mac + "\t" + r.Fqdn() + "\n";
  *out = std::move(text);
  return true;
}

namespace {

// The compute hosts by rack and rank, for the batch-system lists.
bool LoadComputeHosts(Database* db, std::vector<SqlRow>* rows, std::string* err) {
  return db->Query(
      "SELECT h.name, h.cpus FROM hosts h JOIN appliances a ON a.id = h.appliance "
      "WHERE a.compute <> 0 ORDER BY h.rack, h.`rank`, h.name",
      {}, rows, err);
}

}  // namespace

bool ReportMachines(Database* db, const ReportContext& ctx, std::string* out,
                    std::string* err) {
  std::vector<SqlRow> rows;
  if (!LoadComputeHosts(db, &rows, err)) return false;
  std::string text = Header("#", "machines");
  for (auto& r : rows) text += Str(r[0]) + "\n";
  *out = std::move(text);
  return true;
}

namespace {

// A value written bare in slurm.conf, whose parser splits at blanks and
// reads '#' as a comment: printable, no blank, no quote, no '#'.
bool SlurmWord(const std::string& v) {
  if (v.empty()) return false;
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '#' || c == '"' || c == '\'') return false;
  }
  return true;
}

// A partition or cluster name: letters, digits, '-' and '_'.
bool SlurmName(const std::string& v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

// One compute host as slurm.conf describes it.
struct SlurmNode {
  std::string name;
  std::string addr;  // its private address, "" when it has none
  int64_t cpus = 0;
  int64_t memory = 0;  // MiB, 0 = unknown
  std::vector<std::string> partitions;
};

// The compute hosts by rack and rank with their private address, memory
// and the Slurm_Partition and Slurm_RealMemory attributes in force (host
// over appliance over global): two queries for any number of hosts. A host
// whose CPU count is unknown (0) is an error naming every such host.
bool LoadSlurmNodes(Database* db, std::vector<SlurmNode>* out, std::string* err) {
  std::vector<SqlRow> hosts, attrs;
  if (!db->Query(
          "SELECT h.id, h.name, h.cpus, a.id, a.name, i.ip, h.memory "
          "FROM hosts h JOIN appliances a ON a.id = h.appliance "
          "LEFT JOIN interfaces i ON i.host = h.id AND i.ip IS NOT NULL AND "
          "i.subnet = (SELECT id FROM subnets WHERE name = 'private') "
          "WHERE a.compute <> 0 ORDER BY h.rack, h.`rank`, h.name, i.device",
          {}, &hosts, err) ||
      !db->Query("SELECT scope, owner, name, value FROM attributes "
                 "WHERE name IN ('Slurm_Partition', 'Slurm_RealMemory')",
                 {}, &attrs, err))
    return false;
  // scope + owner + name -> value
  std::map<std::tuple<std::string, int64_t, std::string>, std::string> set;
  for (auto& r : attrs) set[{Str(r[0]), Int(r[1]), Str(r[2])}] = Str(r[3]);
  auto resolve = [&](int64_t host, int64_t appliance, const char* name,
                     const std::string& fallback) {
    for (auto key : {std::make_tuple(std::string("host"), host, std::string(name)),
                     std::make_tuple(std::string("appliance"), appliance, std::string(name)),
                     std::make_tuple(std::string("global"), int64_t{0}, std::string(name))}) {
      auto it = set.find(key);
      if (it != set.end() && !it->second.empty()) return it->second;
    }
    return fallback;
  };
  std::vector<std::string> unknown;
  int64_t last = -1;
  for (auto& r : hosts) {
    int64_t id = Int(r[0]);
    if (id == last) continue;
    last = id;
    SlurmNode n;
    n.name = Str(r[1]);
    n.cpus = Int(r[2]);
    n.addr = Str(r[5]);
    int64_t appliance = Int(r[3]);
    if (n.cpus <= 0) unknown.push_back(n.name);
    // Slurm_RealMemory when set (an administrator keeping some back),
    // otherwise what the installer reported.
    std::string memory = resolve(id, appliance, "Slurm_RealMemory", "");
    if (!memory.empty() && (!ParseInt(memory, &n.memory) || n.memory <= 0)) {
      *err = n.name + ": Slurm_RealMemory=" + memory + ": not a whole number of MiB";
      return false;
    }
    if (memory.empty()) n.memory = Int(r[6]);
    std::string parts = resolve(id, appliance, "Slurm_Partition", Str(r[4]));
    n.partitions = ListWords(parts);
    for (const std::string& p : n.partitions) {
      if (!SlurmName(p)) {
        *err = n.name + ": Slurm_Partition=" + parts +
               ": not a partition name (letters, digits, - and _)";
        return false;
      }
    }
    if (!ValidHostName(n.name)) {
      *err = n.name + ": not a host name slurm.conf can hold";
      return false;
    }
    out->push_back(std::move(n));
  }
  if (!unknown.empty()) {
    *err = Join(unknown, ", ") + ": CPU count unknown (set it with 'rocks set host " +
           unknown[0] + " cpus=N')";
    return false;
  }
  return true;
}

std::string SlurmNodeLines(const std::vector<SlurmNode>& nodes) {
  std::string text;
  for (const SlurmNode& n : nodes) {
    text += "NodeName=" + n.name;
    if (!n.addr.empty()) text += " NodeAddr=" + n.addr;
    text += " CPUs=" + std::to_string(n.cpus);
    if (n.memory > 0) text += " RealMemory=" + std::to_string(n.memory);
    text += " State=UNKNOWN\n";
  }
  return text;
}

// The cluster-wide settings of slurm.conf, from the global attributes.
struct SlurmSettings {
  std::string cluster;
  std::string controller;
  std::string controller_addr;
  std::string ctld_port, slurmd_port;
  std::string user;
  std::string munge_socket;
  std::string state_dir, spool_dir, log_dir, run_dir;
};

bool LoadSlurmSettings(const Attrs& attrs, SlurmSettings* s, std::string* err) {
  std::string cluster = AttrOr(attrs, "Slurm_ClusterName", "");
  const char* cluster_attr = "Slurm_ClusterName";
  if (cluster.empty()) {
    cluster_attr = "Info_ClusterName";
    if (!NeedAttr(attrs, cluster_attr, &cluster, err)) return false;
  }
  if (!SlurmName(cluster)) {
    *err = std::string(cluster_attr) + "=" + cluster +
           ": not a Slurm cluster name (letters, digits, - and _; set Slurm_ClusterName)";
    return false;
  }
  // Slurm folds the name to lower case itself, and warns.
  s->cluster = ToLower(cluster);
  uint32_t addr;
  if (!NeedAttr(attrs, "Kickstart_PrivateHostname", &s->controller, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateAddress", &s->controller_addr, err))
    return false;
  if (!ValidHostName(s->controller) || s->controller.find('.') != std::string::npos) {
    *err = "Kickstart_PrivateHostname=" + s->controller + ": not a short host name";
    return false;
  }
  if (!ParseIPv4(s->controller_addr, &addr)) {
    *err = "Kickstart_PrivateAddress=" + s->controller_addr + ": invalid IPv4 address";
    return false;
  }
  auto port = [&](const char* attr, const char* fallback, std::string* out) {
    *out = AttrOr(attrs, attr, fallback);
    int64_t n;
    if (!ParseInt(*out, &n) || n < 1 || n > 65535) {
      *err = std::string(attr) + "=" + *out + ": not a port number";
      return false;
    }
    return true;
  };
  auto path = [&](const char* attr, const char* fallback, std::string* out) {
    *out = AttrOr(attrs, attr, fallback);
    if (out->empty() || (*out)[0] != '/' || !SlurmWord(*out)) {
      *err = std::string(attr) + "=" + *out +
             ": not an absolute path without blanks, quotes or '#'";
      return false;
    }
    return true;
  };
  if (!port("Slurm_SlurmctldPort", "6817", &s->ctld_port) ||
      !port("Slurm_SlurmdPort", "6818", &s->slurmd_port) ||
      !path("Slurm_StateDir", "/var/spool/slurmctld", &s->state_dir) ||
      !path("Slurm_SpoolDir", "/var/spool/slurmd", &s->spool_dir) ||
      !path("Slurm_LogDir", "/var/log/slurm", &s->log_dir) ||
      !path("Slurm_RunDir", "/run", &s->run_dir))
    return false;
  if (AttrOr(attrs, "Slurm_MungeSocket", "") != "" &&
      !path("Slurm_MungeSocket", "", &s->munge_socket))
    return false;
  s->user = AttrOr(attrs, "Slurm_User", "slurm");
  if (!SlurmName(s->user)) {
    *err = "Slurm_User=" + s->user + ": not a user name";
    return false;
  }
  return true;
}

}  // namespace

bool ReportSlurmNodes(Database* db, const ReportContext& ctx, std::string* out,
                      std::string* err) {
  std::vector<SlurmNode> nodes;
  if (!LoadSlurmNodes(db, &nodes, err)) return false;
  *out = Header("#", "slurm-nodes") + SlurmNodeLines(nodes);
  return true;
}

bool ReportSlurmConf(Database* db, const ReportContext& ctx, std::string* out,
                     std::string* err) {
  Attrs attrs;
  SlurmSettings s;
  std::vector<SlurmNode> nodes;
  if (!LoadGlobalAttrs(db, &attrs, err) || !LoadSlurmSettings(attrs, &s, err) ||
      !LoadSlurmNodes(db, &nodes, err))
    return false;
  std::string text = Header("#", "slurm-conf");
  text += "ClusterName=" + s.cluster + "\n";
  text += "SlurmctldHost=" + s.controller + "(" + s.controller_addr + ")\n";
  text += "SlurmctldPort=" + s.ctld_port + "\n";
  text += "SlurmdPort=" + s.slurmd_port + "\n";
  text += "SlurmUser=" + s.user + "\n";
  text += "AuthType=auth/munge\n";
  if (!s.munge_socket.empty()) text += "AuthInfo=socket=" + s.munge_socket + "\n";
  text += "StateSaveLocation=" + s.state_dir + "\n";
  text += "SlurmdSpoolDir=" + s.spool_dir + "\n";
  text += "SlurmctldLogFile=" + s.log_dir + "/slurmctld.log\n";
  text += "SlurmdLogFile=" + s.log_dir + "/slurmd.log\n";
  text += "SlurmctldPidFile=" + s.run_dir + "/slurmctld.pid\n";
  text += "SlurmdPidFile=" + s.run_dir + "/slurmd.pid\n";
  // The nodes fetch this file from slurmctld (slurmd --conf-server), so
  // it lives on the frontend only.
  text += "SlurmctldParameters=enable_configless\n";
  text += "ProctrackType=proctrack/linuxproc\n";
  text += "TaskPlugin=task/none\n";
  text += "SelectType=select/cons_tres\n";
  text += "SelectTypeParameters=CR_CPU\n";
  text += "MpiDefault=none\n";
  text += "ReturnToService=2\n";
  if (Truthy(AttrOr(attrs, "Slurm_Accounting", "no"))) {
    // slurmdbd runs beside slurmctld (the frontend's slurm-server node).
    text += "AccountingStorageType=accounting_storage/slurmdbd\n";
    text += "AccountingStorageHost=" + s.controller + "\n";
  }
  text += "\n# Nodes: the compute hosts.\n";
  text += SlurmNodeLines(nodes);
  // Partitions in the order their first node comes; the first is the default.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> members;
  for (const SlurmNode& n : nodes)
    for (const std::string& p : n.partitions) {
      auto [it, fresh] = members.try_emplace(p);
      if (fresh) order.push_back(p);
      it->second.push_back(n.name);
    }
  text += "\n# Partitions: by appliance, or the Slurm_Partition attribute.\n";
  for (const std::string& p : order)
    text += "PartitionName=" + p + " Nodes=" + FoldHostNames(members[p]) +
            (p == order[0] ? " Default=YES" : "") + " MaxTime=INFINITE State=UP\n";
  *out = std::move(text);
  return true;
}

bool ReportPbsNodes(Database* db, const ReportContext& ctx, std::string* out,
                    std::string* err) {
  std::vector<SqlRow> rows;
  if (!LoadComputeHosts(db, &rows, err)) return false;
  std::string text = Header("#", "pbs-nodes");
  for (auto& r : rows) text += "create node " + Str(r[0]) + " np=" + Str(r[1]) + "\n";
  *out = std::move(text);
  return true;
}

bool ReportResolv(Database* db, const ReportContext& ctx, std::string* out,
                  std::string* err) {
  Attrs attrs;
  std::string domain, address;
  if (!LoadGlobalAttrs(db, &attrs, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateDNSDomain", &domain, err) ||
      !NeedAttr(attrs, "Kickstart_PrivateAddress", &address, err))
    return false;
  std::string text = Header("#", "resolv");
  std::string search = domain;
  std::string pub = AttrOr(attrs, "Kickstart_PublicDNSDomain", "");
  if (!pub.empty() && pub != domain) search += " " + pub;
  text += "search " + search + "\n";
  for (const std::string& ns :
       ListWords(AttrOr(attrs, "Kickstart_PrivateDNSServers", address)))
    text += "nameserver " + ns + "\n";
  *out = std::move(text);
  return true;
}

// The groups of the parallel shells: every host, by appliance, by rack.
namespace {

struct HostGroups {
  std::vector<std::string> all;
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // in order
  std::vector<std::pair<std::string, std::vector<std::string>>> of_host;
};

bool LoadHostGroups(Database* db, HostGroups* out, std::string* err) {
  Rows rows;
  if (!LoadRows(db, "", {}, &rows, err)) return false;
  std::map<std::string, std::vector<std::string>> by_group;
  std::vector<std::string> order;
  int64_t last = -1;
  auto add = [&](const std::string& group, const std::string& host) {
    auto [it, fresh] = by_group.try_emplace(group);
    if (fresh) order.push_back(group);
    it->second.push_back(host);
  };
  for (const Row& r : rows) {
    if (r.host_id() == last) continue;
    last = r.host_id();
    std::string rack = "rack" + std::to_string(r.h->rack);
    out->all.push_back(r.host());
    add(r.appliance(), r.host());
    out->of_host.push_back({r.host(), {r.appliance(), rack}});
  }
  // Racks after appliances, in number order.
  std::vector<std::pair<int64_t, std::string>> racks;
  for (const auto& [host, groups] : out->of_host) {
    int64_t n = 0;
    ParseInt(groups[1].substr(4), &n);
    racks.push_back({n, host});
  }
  std::stable_sort(racks.begin(), racks.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [n, host] : racks) add("rack" + std::to_string(n), host);
  for (const std::string& g : order) out->groups.push_back({g, by_group[g]});
  return true;
}

}  // namespace

bool ReportGenders(Database* db, const ReportContext& ctx, std::string* out,
                   std::string* err) {
  HostGroups g;
  if (!LoadHostGroups(db, &g, err)) return false;
  std::string text = Header("#", "genders");
  for (const auto& [host, groups] : g.of_host)
    text += host + " all," + groups[0] + "," + groups[1] + "\n";
  *out = std::move(text);
  return true;
}

bool ReportClusterShell(Database* db, const ReportContext& ctx, std::string* out,
                        std::string* err) {
  HostGroups g;
  if (!LoadHostGroups(db, &g, err)) return false;
  std::string text = Header("#", "clustershell");
  text += "rocks:\n";
  text += "    all: '" + FoldHostNames(g.all) + "'\n";
  for (const auto& [group, hosts] : g.groups)
    text += "    " + group + ": '" + FoldHostNames(hosts) + "'\n";
  *out = std::move(text);
  return true;
}

}  // namespace rocks
