// Walking SNMP tables on many agents at once with net-snmp's asynchronous
// API: every agent gets its own session, all requests are in flight
// together, and one select loop serves them, so the wall time is that of
// the slowest agent, not the sum.
#ifndef ROCKS_LIB_SNMP_WALK_H_
#define ROCKS_LIB_SNMP_WALK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rocks {

/// A numeric object identifier, e.g. {1,3,6,1,2,1,25,4,2,1,2}.
using Oid = std::vector<uint32_t>;

/// Parses "1.3.6.1" (a leading '.' is allowed); false on anything else.
bool ParseOid(const std::string& text, Oid* out);
/// "1.3.6.1".
std::string FormatOid(const Oid& oid);

/// How to talk to the agents.
struct SnmpSettings {
  std::string community = "public";
  int version = 2;              ///< 1 (SNMPv1, GETNEXT) or 2 (SNMPv2c, GETBULK)
  double timeout_seconds = 1.0; ///< per try
  int retries = 1;              ///< tries after the first
  /// GETBULK asks for about this many values per request (split between
  /// the columns still being walked).
  int values_per_request = 48;
  /// Sessions open at once; further agents wait for a free one.
  int max_sessions = 512;
};

/// One agent to walk.
struct SnmpAgent {
  std::string address;  ///< IPv4 dotted quad
  int port = 161;
};

/// What to walk on every agent.
struct SnmpWalkSpec {
  /// A subtree the agent must implement (say, the MIB the columns belong
  /// to); when it has nothing under it the result is `missing_subtree`.
  /// Empty: no check.
  Oid required;
  /// Table columns; each is walked to its end.
  std::vector<Oid> columns;
};

/// One value as the agent sent it.
struct SnmpValue {
  bool is_number = false;  ///< INTEGER, Counter, Gauge, TimeTicks
  int64_t number = 0;
  std::string bytes;  ///< OCTET STRING (raw), or the text of other types
};

/// The outcome for one agent.
struct SnmpWalkResult {
  bool ok = false;
  /// Why not ok: "timeout", an SNMP error ("agent error: tooBig (...)"),
  /// or a local failure.
  std::string err;
  bool timed_out = false;        ///< err is a timeout
  bool missing_subtree = false;  ///< ok, but `required` is not implemented
  /// Rows keyed by their index (the OID after the column), one cell per
  /// column in the order of the spec; a cell is empty when that column
  /// had no value for the row.
  std::map<Oid, std::vector<std::optional<SnmpValue>>> rows;
};

/// Walks `spec` on every agent concurrently; `out` gets one result per
/// agent, in order. Per-agent failures are in the results; false (with
/// `err`) only when the SNMP library cannot start at all. net-snmp is
/// initialised quietly: no MIB files, configuration files or persistent
/// state are read or written and nothing is logged.
bool WalkSnmpAgents(const std::vector<SnmpAgent>& agents,
                    const SnmpSettings& settings, const SnmpWalkSpec& spec,
                    std::vector<SnmpWalkResult>* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SNMP_WALK_H_
