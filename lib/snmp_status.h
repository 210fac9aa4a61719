// What runs on the nodes, and what is installed there, read over SNMP from
// HOST-RESOURCES-MIB (hrSWRunTable, hrSWRunPerfTable, hrSWInstalledTable),
// and how snmp-status lists it.
#ifndef ROCKS_LIB_SNMP_STATUS_H_
#define ROCKS_LIB_SNMP_STATUS_H_

#include <regex.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "snmp_walk.h"
#include "table.h"

namespace rocks {

class Database;

/// A host to query.
struct SnmpHost {
  std::string name;      ///< as shown in the output and in errors
  std::string hostname;  ///< resolved when `address` is empty
  std::string address;   ///< IPv4 dotted quad; with `hostname` also
                         ///< empty the host fails with "no IP address"
  int port = 161;
};

/// Parses a HOST or HOST:PORT argument; `default_port` when no port is
/// given. Errors name the argument ("h:0: invalid port").
bool ParseSnmpHost(const std::string& arg, int default_port, SnmpHost* out,
                   std::string* err);

/// The compute hosts of the cluster database (appliances with the compute
/// flag), in ListHosts order, each at the address of its private
/// interface (or its first address). The database is what /etc/hosts is
/// made from, so a host with no address there gets none (and fails with
/// "no IP address") rather than being looked up elsewhere.
bool ListComputeHosts(Database* db, int port, std::vector<SnmpHost>* out,
                      std::string* err);

/// The hosts a selection (hostsel.h: names, compute-0-[0-3],
/// appliance:login, rack:2, all) names, each at its address as above.
bool SelectSnmpHosts(Database* db, const std::vector<std::string>& selection, int port,
                     std::vector<SnmpHost>* out, std::string* err);

/// The IPv4 address of a host name or dotted quad. Names under the
/// special-use domain "invalid" fail at once, without asking DNS.
bool ResolveHostAddress(const std::string& name, std::string* address,
                        std::string* err);

/// One row of hrSWRunTable with its hrSWRunPerfTable values.
struct ProcessInfo {
  int64_t pid = 0;                ///< hrSWRunIndex
  std::string name;               ///< hrSWRunName
  std::string args;               ///< hrSWRunParameters
  std::optional<int64_t> cpu;     ///< hrSWRunPerfCPU, centiseconds
  std::optional<int64_t> mem_kb;  ///< hrSWRunPerfMem, KiB
};

/// One row of hrSWInstalledTable.
struct SoftwareInfo {
  int64_t index = 0;
  std::string name;           ///< hrSWInstalledName ("bash_5.2-15_amd64")
  std::optional<int64_t> type;  ///< hrSWInstalledType
  std::string date;           ///< hrSWInstalledDate, raw DateAndTime octets
};

/// What one host answered.
struct HostStatus {
  std::string host;  ///< SnmpHost::name
  bool ok = false;
  std::string err;  ///< the reason when !ok
  std::vector<ProcessInfo> processes;
  std::vector<SoftwareInfo> software;
};

/// Which tables to read.
struct StatusQuery {
  bool processes = true;
  bool software = false;
};

/// Queries every host concurrently; `out` gets one status per host, in
/// order, failures included ("timeout after 2 tries of 1 s (no agent, or
/// wrong community)", "unknown host name", "no HOST-RESOURCES-MIB").
/// False only when SNMP cannot be used at all.
bool QueryHostStatus(const std::vector<SnmpHost>& hosts,
                     const SnmpSettings& settings, const StatusQuery& query,
                     std::vector<HostStatus>* out, std::string* err);

/// Row order of the listings.
enum class StatusSort {
  kPid,   ///< host order, then PID (software: host order, then table order)
  kCpu,   ///< most CPU time first
  kMem,   ///< most memory first
  kName,  ///< by process or package name
};

/// "pid", "cpu", "mem" or "name".
bool ParseStatusSort(const std::string& value, StatusSort* out,
                     std::string* err);

/// A POSIX extended regular expression over process and package names.
class NameFilter {
 public:
  NameFilter() = default;
  ~NameFilter();
  NameFilter(const NameFilter&) = delete;
  NameFilter& operator=(const NameFilter&) = delete;

  /// An empty pattern matches everything.
  bool Compile(const std::string& pattern, std::string* err);
  bool Matches(const std::string& name) const;

 private:
  regex_t regex_;
  bool compiled_ = false;
};

/// How to list the answers.
struct StatusView {
  OutputFormat format = OutputFormat::kTsv;
  bool processes = true;
  bool software = false;
  /// A HOST column first: "host:" in table and TSV, the plain name in JSON.
  bool host_column = false;
  /// A header line in TSV too (tables always have one).
  bool tsv_header = false;
  StatusSort sort = StatusSort::kPid;
  const NameFilter* filter = nullptr;  ///< nullptr = every row
};

/// The listing of the hosts that answered: processes, then software. With
/// both in JSON, one object {"processes": [...], "software": [...]}.
std::string RenderHostStatus(const std::vector<HostStatus>& hosts,
                             const StatusView& view);

/// The process table alone (also used by RenderHostStatus).
Table ProcessTable(const std::vector<HostStatus>& hosts, const StatusView& view);
/// The software table alone.
Table SoftwareTable(const std::vector<HostStatus>& hosts, const StatusView& view);

/// Centiseconds as seconds with two decimals: 1234 -> "12.34".
std::string FormatCentiseconds(int64_t centiseconds);

/// A DateAndTime (RFC 2579: 8 or 11 octets) as "2024-05-06T07:08:09" plus
/// "+01:00" when it has a zone; "" when malformed.
std::string FormatDateAndTime(const std::string& octets);

/// hrSWInstalledType as a word: unknown, operatingSystem, deviceDriver,
/// application.
std::string SoftwareTypeName(int64_t type);

}  // namespace rocks

#endif  // ROCKS_LIB_SNMP_STATUS_H_
