// The cluster model over the database: appliances, subnets, hosts and
// their interfaces, aliases, attributes and install events.
//
// Every function that writes does all of its work in one transaction:
// either all of it lands or none does. Errors name the input that caused
// them ("compute-0-9: unknown host", "mac=00:11: invalid MAC address").
#ifndef ROCKS_LIB_CLUSTER_H_
#define ROCKS_LIB_CLUSTER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db.h"

namespace rocks {

struct Appliance {
  int64_t id = 0;
  std::string name;        ///< "compute"
  std::string short_name;  ///< "c": aliases are c<rack>-<rank>
  std::string graph;       ///< "default"
  std::string node;        ///< root node of its kickstart graph; "" = none
  bool is_public = false;  ///< offered to insert-ethers
  bool compute = false;    ///< listed in machines and batch node lists
};

struct Subnet {
  int64_t id = 0;
  std::string name;  ///< "private", "public", ...
  uint32_t network = 0;
  int prefix = 0;
  std::string zone;  ///< DNS zone ("local")
  int64_t mtu = 1500;
  bool dhcp = false;    ///< the frontend's DHCP server answers on it
  bool pxe = false;     ///< nodes network-boot from it
  bool dns = false;     ///< the frontend's DNS serves its zone
  std::string gateway;  ///< dotted quad, "" when none
};

struct Interface {
  int64_t id = 0;
  std::string host;
  std::string device;  ///< "eth0"
  std::string mac;     ///< normalised, "" when unknown
  std::string ip;      ///< dotted quad, "" when none
  std::string subnet;  ///< subnet name, "" when none
  std::string module;  ///< kernel driver
  std::string name;    ///< DNS name on that subnet when not the host's
  int64_t vlan = 0;    ///< 802.1Q VLAN id, 0 when none
  std::string parent;  ///< VLAN: the device it rides on; bond slave: its bond
  std::string options; ///< bond: its options ("mode=802.3ad miimon=100")
};

struct Host {
  int64_t id = 0;
  std::string name;
  std::string appliance;
  int64_t rack = 0;
  int64_t rank = 0;
  int64_t cpus = 1;
  int64_t memory = 0;  ///< MiB, as the installer reported it; 0 = unknown
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string comment;
  std::string boot_action = "os";  ///< "os" or "install"
  std::vector<Interface> interfaces;
};

struct Alias {
  std::string name;
  std::string host;
};

enum class AttrScope { kGlobal, kAppliance, kHost };

struct Attr {
  std::string name;
  std::string value;
  AttrScope scope = AttrScope::kGlobal;
  std::string owner;  ///< appliance or host name; "" for global
};

/// "global", "appliance", "host".
const char* AttrScopeName(AttrScope scope);

struct InstallEvent {
  std::string host;
  int64_t time = 0;  ///< seconds since the epoch
  std::string state; ///< profile-sent, rebooting, installing, installed, failed
  std::string detail;
};

/// What `rocks init` creates.
struct InitOptions {
  std::string frontend = "frontend";
  std::string private_network = "10.0.0.0/8";
  std::string private_address = "10.1.1.1";
  std::string private_mac;
  std::string private_device = "eth0";
  std::string domain = "local";
  std::string public_network = "192.168.1.0/24";
  std::string public_address;  ///< "" = the frontend has no public interface
  std::string public_mac;
  std::string public_device = "eth1";
  std::string public_domain = "example.org";
  std::string cluster_name = "Cluster";
  std::string timezone = "UTC";
  /// The frontend's own interfaces to take (ResolveInitInterfaces); "" =
  /// the one holding the address.
  std::string private_interface;
  std::string public_interface;
  /// Whether the address and networks above were given rather than left
  /// at their defaults (a named interface then gives them).
  bool private_address_set = false;
  bool private_network_set = false;
  bool public_network_set = false;
  /// Kickstart_RootPassword (crypted) and Kickstart_PublicKey; "" = unset.
  std::string root_password;
  std::string public_key;
};

/// Creates the schema, the default appliances, the private and public
/// subnets, the frontend host and its interfaces, and the default global
/// attributes. Fails if the database already holds a cluster.
bool InitCluster(Database* db, const InitOptions& options, std::string* err);

/// Checks that the database holds a cluster and migrates an older schema.
/// Every tool calls this once after opening the database.
bool PrepareCluster(Database* db, std::string* err);

/// The appliances `rocks init` makes, by name.
std::vector<std::string> InitApplianceNames();

bool ListAppliances(Database* db, std::vector<Appliance>* out, std::string* err);
bool FindAppliance(Database* db, const std::string& name, Appliance* out,
                   std::string* err);
bool ListSubnets(Database* db, std::vector<Subnet>* out, std::string* err);
bool FindSubnet(Database* db, const std::string& name, Subnet* out,
                std::string* err);

/// Hosts with their interfaces: the frontend first, then by appliance,
/// rack, rank and name. With `names`, just those (in that order); an
/// unknown name is an error.
bool ListHosts(Database* db, const std::vector<std::string>& names,
               std::vector<Host>* out, std::string* err);

/// The host called `name` (any case); `found` is false, and no error
/// set, when there is none, so a caller can tell "unknown" from a
/// database failure.
bool FindHost(Database* db, const std::string& name, Host* out, bool* found,
              std::string* err);

/// The host with an interface at `ip` or, when none has it, with `mac`
/// (either may be empty); `found` as for FindHost. Two indexed lookups
/// whatever the size of the cluster.
bool FindHostByAddress(Database* db, const std::string& ip,
                       const std::string& mac, Host* out, bool* found,
                       std::string* err);

/// "KEY=VALUE: unknown key (did you mean 'K'?)", or with the list of
/// `expected` keys when none is close.
std::string UnknownKey(const std::string& key, const std::string& value,
                       std::vector<std::string> expected);

/// The network `name`; `label` starts the message when there is none
/// ("network=ibb: unknown network (did you mean 'ib'?)").
bool SubnetByName(Database* db, const std::string& name, Subnet* out,
                  const std::string& label, std::string* err);

/// "globally", "for appliance compute", "for host compute-0-0".
std::string ScopeText(AttrScope scope, const std::string& owner);

/// key=value pairs as typed on a command line.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// Splits "key=value" words; a word without '=' is an error naming it.
bool ParseKeyValues(const std::vector<std::string>& words, KeyValues* out,
                    std::string* err);

/// A new host. Rack defaults to 0 and rank to one more than the highest in
/// use for that appliance and rack.
struct NewHost {
  std::string name;
  std::string appliance;
  /// Taken from a NAME-RACK-RANK name: may be the appliance's short name.
  bool appliance_from_name = false;
  std::optional<int64_t> rack;
  std::optional<int64_t> rank;
  int64_t cpus = 1;
  int64_t memory = 0;  ///< MiB, as the installer reported it; 0 = unknown
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string comment;
  std::string boot_action = "os";
  std::vector<Interface> interfaces;  ///< host field ignored
};

/// Fills `host` from `appliance= rack= rank= cpus= memory= arch= os= comment=
/// action= mac= ip= subnet= device= module=` (the interface keys describe
/// one interface). Rocks 6 spellings: membership= for appliance=, and
/// with neither, appliance, rack and rank from a name APPLIANCE-RACK-RANK.
bool ParseNewHost(const std::string& name, const KeyValues& kv, NewHost* host,
                  std::string* err);

/// Validates and inserts a host with its interfaces (one transaction).
bool AddHost(Database* db, const NewHost& host, std::string* err);
/// AddHost's work inside the caller's transaction; `id` gets the new
/// host's id.
bool InsertHost(Database* db, const NewHost& host, int64_t* id, std::string* err);

/// Changes `appliance rack rank cpus memory arch os comment action name`
/// (one transaction).
bool SetHost(Database* db, const std::string& name, const KeyValues& kv,
             std::string* err);

/// Sets the boot action ("os" or "install") of several hosts in one
/// transaction; an unknown name changes nothing.
bool SetBootAction(Database* db, const std::vector<std::string>& names,
                   const std::string& action, std::string* err);

/// Removes the hosts with their interfaces, aliases, attributes and
/// events; an unknown name removes nothing.
bool RemoveHosts(Database* db, const std::vector<std::string>& names,
                 std::string* err);
/// Deletes a host's rows (interfaces, aliases, attributes, events, VM
/// slice, the host) inside the caller's transaction, checking nothing.
bool DeleteHostRows(Database* db, int64_t id, std::string* err);

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

bool ListAliases(Database* db, std::vector<Alias>* out, std::string* err);
bool AddAlias(Database* db, const std::string& host, const std::string& alias,
              std::string* err);
bool RemoveAlias(Database* db, const std::string& alias, std::string* err);

/// Sets NAME at one scope. `create_only` fails if it is already set there.
/// `owner` is the appliance or host name ("" for global).
bool SetAttr(Database* db, AttrScope scope, const std::string& owner,
             const std::string& name, const std::string& value,
             bool create_only, std::string* err);
bool RemoveAttr(Database* db, AttrScope scope, const std::string& owner,
                const std::string& name, std::string* err);
/// The attributes set at exactly that scope, by name.
bool ListAttrs(Database* db, AttrScope scope, const std::string& owner,
               std::vector<Attr>* out, std::string* err);

/// The attributes in force for a host (host over appliance over global) or,
/// with scope kAppliance, for an appliance (appliance over global), by
/// name; each says where its value came from.
bool ResolveAttrs(Database* db, AttrScope scope, const std::string& owner,
                  std::vector<Attr>* out, std::string* err);

/// Records an install event for a host (one transaction).
bool AddInstallEvent(Database* db, const InstallEvent& event, std::string* err);
/// The id of the newest install event, 0 when there is none: followers
/// start from it so that what was recorded before counts as history.
bool LastInstallEventId(Database* db, int64_t* id, std::string* err);
/// Events after `after_id` (0 = all), oldest first; `last_id` gets the
/// highest id returned.
bool ListInstallEvents(Database* db, int64_t after_id,
                       std::vector<InstallEvent>* out, int64_t* last_id,
                       std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_CLUSTER_H_
