// dbreport's reports: each prints one service configuration file (hosts,
// ethers, dhcpd.conf, a Kea configuration, DNS zones, PXE boot files,
// machine and batch-system node lists, resolv.conf) from the cluster
// database.
//
// Every report reads the database with a fixed number of joined queries
// (one for the hosts and their interfaces, plus the global attributes or
// the aliases where it needs them), never one query per host, so a report
// on 10,000 hosts costs about what it costs on ten.
#ifndef ROCKS_LIB_REPORT_H_
#define ROCKS_LIB_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "db.h"

namespace rocks {

/// What a report reads besides the database.
struct ReportContext {
  /// Appended to the `hosts` report when it exists ("" = nothing).
  std::string hosts_local;
  /// Directory holding `ZONE.local`, appended to the zone ZONE.
  std::string dns_local_dir;
  /// Seconds since the epoch: zone serials are at least YYYYMMDD00 of it.
  int64_t now = 0;
  /// The output file's current content ("" when there is none): a zone
  /// keeps its serial when nothing else changed and raises it otherwise.
  std::string previous;
};

/// Fills `ctx` from the configuration: `hosts_local` (default
/// $(sysconfdir)/hosts.local), `dns_local_dir` (default
/// $(localstatedir)/named), and the clock from SOURCE_DATE_EPOCH when set
/// (for reproducible output), otherwise the current time.
bool LoadReportContext(const Config& cfg, ReportContext* ctx, std::string* err);

/// Makes one report's file from its arguments (already checked).
using ReportFn = bool (*)(Database* db, const ReportContext& ctx,
                          const std::vector<std::string>& args, std::string* out,
                          std::string* err);

/// What a report takes after its name.
enum class ReportArgs {
  kNone,      ///< nothing
  kNetwork,   ///< an optional NETWORK (or `*`: every zone, in sync.conf)
  kDir,       ///< the DIR it writes into
};

/// One report: its name, what it takes, its line in the list `dbreport`
/// prints without a report, and how it is made.
struct ReportInfo {
  const char* name;         ///< "hosts"
  const char* args;         ///< "" or "[NETWORK]", "DIR": how the list shows it
  const char* description;  ///< "/etc/hosts: ..."
  ReportFn run;             ///< one file's text; nullptr when it writes a directory
  ReportArgs takes = ReportArgs::kNone;

  /// It writes a directory (DIR) rather than one file (pxe).
  bool WritesDir() const { return takes == ReportArgs::kDir; }
  /// A zone of a network, so `*` in sync.conf means one file per zone.
  bool OfZone() const { return takes == ReportArgs::kNetwork; }
};

/// Every report, in the order they are listed.
const std::vector<ReportInfo>& Reports();

/// The report called `name`, or nullptr.
const ReportInfo* FindReport(const std::string& name);

/// Checks a report name and its arguments: an unknown name gets a "did
/// you mean" suggestion; `pxe` needs DIR; the zones take an optional SUBNET.
bool CheckReport(const std::string& name, const std::vector<std::string>& args,
                 std::string* err);

/// Runs the report `name` (any report but `pxe`, which writes a directory)
/// with its arguments and puts the whole file in `out`. An unknown name is
/// an error with a "did you mean" suggestion.
bool RunReport(Database* db, const ReportContext& ctx, const std::string& name,
               const std::vector<std::string>& args, std::string* out,
               std::string* err);

/// /etc/hosts: localhost, one line per interface with an address
/// (`IP<TAB>name.zone name [short alias]`, the short alias being the
/// appliance's short name plus rack-rank on the host's private
/// interface), the aliases, then `ctx.hosts_local`.
bool ReportHosts(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err);

/// /etc/ethers: `MAC<TAB>name.zone` per interface with a MAC.
bool ReportEthers(Database* db, const ReportContext& ctx, std::string* out,
                  std::string* err);

/// ISC dhcpd.conf: the private subnet from the Kickstart_Private*
/// attributes, the boot file by client class (BootSettings: iPXE by its
/// user class, UEFI and BIOS by option 93), the Dhcp_DynamicRange pool
/// for nodes the database does not know yet, and one host block per
/// private interface with a MAC.
bool ReportDhcpd(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err);

/// The same as a kea-dhcp4 JSON configuration with reservations, listening
/// on the frontend's private interface; leases in the Kea_LeaseFile
/// attribute's file when it is set.
bool ReportKea(Database* db, const ReportContext& ctx, std::string* out,
               std::string* err);

/// The BIND forward zone of `subnet`'s DNS zone: SOA, NS, one A record per
/// interface on the subnet, CNAMEs for short and table aliases, then
/// `ZONE.local` from `ctx.dns_local_dir`.
bool ReportDns(Database* db, const ReportContext& ctx, const std::string& subnet,
               std::string* out, std::string* err);

/// The reverse zone of `subnet` (its network rounded down to whole
/// octets, at most three: "10.in-addr.arpa" for 10.0.0.0/8, the /24's zone
/// for a smaller subnet) with one PTR per interface.
bool ReportDnsReverse(Database* db, const ReportContext& ctx,
                      const std::string& subnet, std::string* out,
                      std::string* err);

/// The name of the reverse zone for a network ("10.in-addr.arpa").
/// A zone the frontend's DNS serves: a DNS-served network's forward zone
/// (report "dns") or a reverse zone (report "dns-reverse"), and the
/// network its report is run for.
struct ServedZone {
  std::string zone;     ///< "local", "10.in-addr.arpa"
  std::string report;   ///< "dns" or "dns-reverse"
  std::string network;  ///< the report's argument
};

/// Every zone served, forward zones first, each once, by network name.
bool ServedZones(Database* db, std::vector<ServedZone>* out, std::string* err);

/// named.conf zone statements for ServedZones: each a master zone in the
/// file ZONE.zone (what sync.conf's `dns *` lines write).
bool ReportNamed(Database* db, const ReportContext& ctx, std::string* out,
                 std::string* err);

bool ReverseZoneName(const std::string& network, int prefix, std::string* zone,
                     std::string* err);

/// Compute hosts' names ordered by rack and rank (MPI machine files).
bool ReportMachines(Database* db, const ReportContext& ctx, std::string* out,
                    std::string* err);

/// Slurm `NodeName=NAME NodeAddr=IP CPUs=N [RealMemory=MiB]` lines for the
/// compute hosts: the private address, the hosts table's CPU count and the
/// Slurm_RealMemory attribute (host over appliance over global). A host
/// whose CPU count is unknown (0) is an error naming it, never CPUs=1.
bool ReportSlurmNodes(Database* db, const ReportContext& ctx, std::string* out,
                      std::string* err);

/// slurm.conf: ClusterName (Slurm_ClusterName, else Info_ClusterName),
/// SlurmctldHost (the frontend: Kickstart_PrivateHostname and
/// Kickstart_PrivateAddress), munge authentication, the state, spool, log
/// and PID paths (Slurm_StateDir, Slurm_SpoolDir, Slurm_LogDir,
/// Slurm_RunDir), the ports (Slurm_SlurmctldPort, Slurm_SlurmdPort),
/// SlurmUser (Slurm_User, default slurm), the munge socket (Slurm_MungeSocket),
/// configless nodes, slurmdbd accounting when Slurm_Accounting is true,
/// the NodeName lines of ReportSlurmNodes, and one
/// partition per appliance or per Slurm_Partition value, the first being
/// the default. Every value is checked against slurm.conf's syntax.
bool ReportSlurmConf(Database* db, const ReportContext& ctx, std::string* out,
                     std::string* err);

/// PBS `create node NAME np=N` lines (qmgr input) for the compute hosts.
bool ReportPbsNodes(Database* db, const ReportContext& ctx, std::string* out,
                    std::string* err);

/// /etc/genders (pdsh -g, libgenders): one line per host with the
/// attributes `all`, its appliance and `rackN`.
bool ReportGenders(Database* db, const ReportContext& ctx, std::string* out,
                   std::string* err);

/// A ClusterShell groups.d YAML file: the group source `rocks` with the
/// groups `all`, one per appliance and `rackN`, in nodeset syntax.
bool ReportClusterShell(Database* db, const ReportContext& ctx, std::string* out,
                        std::string* err);

/// /etc/resolv.conf for the nodes: search domains and name servers.
bool ReportResolv(Database* db, const ReportContext& ctx, std::string* out,
                  std::string* err);

/// A zone serial that rises: `previous` zone text's serial when `zone`
/// (rendered with serial placeholder kSerialMark) differs from it only in
/// the serial, else max(old + 1, YYYYMMDD00 of `now`). Returns the text with
/// the serial filled in.
std::string FillZoneSerial(const std::string& zone, const std::string& previous,
                           int64_t now);

/// The placeholder ReportDns and ReportDnsReverse render for the serial.
extern const char kSerialMark[];

}  // namespace rocks

#endif  // ROCKS_LIB_REPORT_H_
