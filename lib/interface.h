// A host's network interfaces (the `interfaces` table): plain ones, VLANs
// riding on another interface, bonds and their slaves; and what an
// installing node reports of its own.
//
// Every function that writes does all of its work in one transaction
// unless it says it works inside the caller's. Errors name the input that
// caused them ("mac=00:11: invalid MAC address").
#ifndef ROCKS_LIB_INTERFACE_H_
#define ROCKS_LIB_INTERFACE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model.h"

namespace rocks {

/// The highest 802.1Q VLAN id (ids are 1 to 4094).
constexpr int64_t kMaxVlanId = 4094;

/// Whether `options` (blank-separated) are bond options as the database
/// keeps them: KEY=VALUE each, the key lower-case letters, digits and
/// '_', the value printable with no blank, quote, shell character or ';'.
/// Otherwise `why` names the option.
bool CheckBondOptions(const std::string& options, std::string* why);

/// Adds an interface: `device= mac= ip= subnet= (network=) module= name=`;
/// a VLAN: `vlan=ID parent=DEV`; a bond: `options=` or its options as keys
/// (mode= miimon= ...) and `slaves=DEV,DEV` (existing interfaces of the
/// host, whose parent becomes it); a bond slave: `parent=BOND` (channel=).
/// One transaction.
bool AddInterface(Database* db, const std::string& host, const KeyValues& kv,
                  std::string* err);

/// Changes interface `device` of `host`: the keys of AddInterface, device=
/// to rename it (its slaves and VLANs follow), and slaves= (the bond's
/// slaves become exactly those). An empty value clears a field. Every
/// change is checked as AddInterface checks (the interface is no duplicate
/// of itself); all or nothing, in one transaction.
bool SetInterface(Database* db, const std::string& host, const std::string& device,
                  const KeyValues& kv, std::string* err);
bool RemoveInterface(Database* db, const std::string& host,
                     const std::string& device, std::string* err);

/// What an installing node says of itself (kickstart.cgi).
struct HostReport {
  int64_t cpus = 0;    ///< online CPUs; 0 = not reported
  int64_t memory = 0;  ///< MiB; 0 = not reported
  /// Its network interfaces: the kernel's name and the MAC.
  std::vector<std::pair<std::string, std::string>> nics;
};

/// Records `report` for host `name`: its CPUs and memory when reported;
/// each NIC whose MAC no interface has becomes an interface of the host
/// without an address (or gives its MAC to the host's interface of that
/// name that has none). A known MAC, the host's or another host's, is
/// never changed, and reports add none past 64 interfaces; `notes` gets
/// a line for each NIC left alone.
/// One transaction.
bool RecordHostReport(Database* db, const std::string& name, const HostReport& report,
                      std::vector<std::string>* notes, std::string* err);

/// The keys AddInterface takes besides slaves= and the bond options,
/// "name" last.
std::vector<std::string> InterfaceKeys();

/// Parses the interface keys of `kv` into `ifc`; other keys go to `rest`.
/// With `allow_clear` (rocks set host interface), an empty value clears
/// the field (ip=, mac=, vlan=, parent=, ...).
bool ParseInterfaceKeys(const KeyValues& kv, Interface* ifc, bool* any,
                        KeyValues* rest, std::string* err, bool allow_clear = false);

/// Checks one interface of host `host_id` (0: a host not yet written)
/// against the database and fills in its subnet. `self_id` is the
/// interface being changed (0 for a new one): its own device, MAC and
/// address are no duplicates.
bool CheckInterface(Database* db, int64_t host_id, Interface* ifc,
                    std::string* err, int64_t self_id = 0);

/// The VLAN and bond relations among one host's interfaces (as they will
/// be): a VLAN rides on an interface of the host that is no VLAN itself; a
/// bond slave's bond is an interface of the host that is neither a slave
/// nor a VLAN, and the slave has no address of its own.
bool CheckTopology(const std::string& host, const std::vector<Interface>& ifcs,
                   std::string* err);

/// Inserts an interface of host `host_id` inside the caller's
/// transaction, checking nothing.
bool InsertInterface(Database* db, int64_t host_id, const Interface& ifc,
                     std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_INTERFACE_H_
