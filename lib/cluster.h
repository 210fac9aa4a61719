// The cluster model over the database, all of it: appliances, networks,
// hosts and their interfaces, aliases, attributes and install events (one
// unit each, included here for the tools), and `rocks init`, which makes
// a cluster.
//
// Every function that writes does all of its work in one transaction:
// either all of it lands or none does. Errors name the input that caused
// them ("compute-0-9: unknown host", "mac=00:11: invalid MAC address").
#ifndef ROCKS_LIB_CLUSTER_H_
#define ROCKS_LIB_CLUSTER_H_

#include <string>
#include <vector>

#include "appliance.h"
#include "attr.h"
#include "db.h"
#include "host.h"
#include "interface.h"
#include "model.h"
#include "network.h"

namespace rocks {

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

/// Checks `options` (nothing is written when one is wrong), then creates
/// the schema, the default appliances, the private and public
/// subnets, the frontend host and its interfaces, and the default global
/// attributes. Fails if the database already holds a cluster.
bool InitCluster(Database* db, const InitOptions& options, std::string* err);

/// Checks that the database holds a cluster and migrates an older schema.
/// Every tool calls this once after opening the database.
bool PrepareCluster(Database* db, std::string* err);

/// The appliances `rocks init` makes, by name.
std::vector<std::string> InitApplianceNames();

}  // namespace rocks

#endif  // ROCKS_LIB_CLUSTER_H_
