// Who may ask kickstart.cgi for what: a node is known by the address its
// request comes from, on a network that serves installs; the MAC header
// anaconda sends only confirms it. Its install state callbacks follow the
// order of an install, and each host keeps a bounded number of events.
#ifndef ROCKS_LIB_KSCLIENT_H_
#define ROCKS_LIB_KSCLIENT_H_

#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"

namespace rocks {

/// The subnet whose hosts are installed over the network (the one dhcpd,
/// kea and the PXE files serve).
extern const char kInstallSubnet[];

/// The most install events kept per host; older ones are dropped.
constexpr int kMaxEventsPerHost = 64;

/// Finds the host a request from `remote` is for. `mac_headers` are the
/// X-RHN-Provisioning-MAC-0, -1, ... values ("eth0 52:54:00:..."; anaconda
/// sends one per NIC with inst.ks.sendmac), none when not sent.
/// The host is the one with `remote` on the install subnet, of an
/// appliance that is installed over the network (not the frontend);
/// headers none of which names one of its MACs refuse it (a node's other
/// NICs may not be known yet). When the request is refused `refusal` says
/// why in one line (naming the address) and `host` is not set; false only
/// on a database error.
bool IdentifyClient(Database* db, const std::string& remote,
                    const std::vector<std::string>& mac_headers, Host* host,
                    std::string* refusal, std::string* err);

/// A request's query string, read: form=kickstart|xml, state=STATE, and
/// what the node says of itself (np= or cpus=, mem= or memory= in MiB,
/// nic=DEV,MAC once per NIC).
struct KickstartQuery {
  std::string form = "kickstart";
  std::string state;  ///< "" when not a state callback
  HostReport report;
};

/// Parses QUERY_STRING (`a=b&c=d`, URL-encoded). An empty np=, cpus=,
/// mem= or memory= is a figure the node could not find; NICs beyond 64 are
/// dropped. False, with `err` quoting what the client sent, on an unknown
/// field, a bad number, a bad nic=, a form other than kickstart or xml, or
/// a state other than installing, installed or failed.
bool ParseKickstartQuery(const std::string& query, KickstartQuery* out, std::string* err);

/// Adds to `report` the NICs of the X-RHN-Provisioning-MAC-N values that
/// read as "DEVICE MAC" with a valid device name and a host MAC; the
/// others are ignored.
void AddHeaderNics(const std::vector<std::string>& mac_headers, HostReport* report);

/// The most NICs a node may report of itself, in its query or its headers.
constexpr size_t kMaxReportedNics = 64;

/// The NIC an X-RHN-Provisioning-MAC-N value names: "DEVICE MAC"; false
/// when it is not that form.
bool ParseMacHeader(const std::string& value, std::string* device, std::string* mac);

/// Whether `state` (installing, installed, failed) may be recorded now
/// for `host`, by its last event: installing after a kickstart was sent,
/// installed after installing, failed after either. The same state again
/// (a retried callback) is answered but not recorded (`record` false).
/// Otherwise `refusal` says why.
bool CheckInstallState(Database* db, const std::string& host, const std::string& state,
                       bool* record, std::string* refusal, std::string* err);

/// Records an event and drops the host's oldest beyond kMaxEventsPerHost,
/// in one transaction.
bool RecordInstallEvent(Database* db, const InstallEvent& event, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_KSCLIENT_H_
