// The cluster's networks (the `subnets` table): adding, changing and
// removing them. `private` and `public` are ordinary networks that
// `rocks init` makes; a cluster adds its BMC, InfiniBand or storage
// networks beside them.
//
// Keys (`rocks add network NAME KEY=VALUE...`, and Rocks 6's spellings):
//   address=A.B.C.D[/P]   the network address (Rocks 6: subnet=)
//   prefix=P              its length (or netmask=M.M.M.M)
//   mtu=N                 68 to 65535 (default 1500)
//   zone=DOMAIN           its DNS zone (default: the network's name; Rocks
//                         6: dnszone=)
//   dhcp=yes|no           the frontend's DHCP server answers on it (no)
//   pxe=yes|no            nodes network-boot from it; needs dhcp (no)
//   dns=yes|no            the frontend's DNS serves its zone (yes; Rocks
//                         6: servedns=)
//   gateway=IP|none       its router, an address inside it
//
// Every write is one transaction; a bad value is an error naming it
// ("mtu=70000: out of range (68-65535)") and nothing changes.
#ifndef ROCKS_LIB_NETWORK_H_
#define ROCKS_LIB_NETWORK_H_

#include <string>
#include <vector>

#include "model.h"

namespace rocks {

/// The networks, by name.
bool ListSubnets(Database* db, std::vector<Subnet>* out, std::string* err);
bool FindSubnet(Database* db, const std::string& name, Subnet* out,
                std::string* err);

/// The network `name`; `label` starts the message when there is none
/// ("network=ibb: unknown network (did you mean 'ib'?)").
bool SubnetByName(Database* db, const std::string& name, Subnet* out,
                  const std::string& label, std::string* err);

bool AddNetwork(Database* db, const std::string& name, const KeyValues& kv,
                std::string* err);

/// Changes the keys given. A new address or prefix must still hold every
/// interface on the network; for `private` the Kickstart_Private* address
/// attributes follow.
bool SetNetwork(Database* db, const std::string& name, const KeyValues& kv,
                std::string* err);

/// Refused while an interface, a route or a firewall rule uses it.
bool RemoveNetwork(Database* db, const std::string& name, std::string* err);

/// "private (10.0.0.0/8)".
std::string NetworkText(const Subnet& s);

}  // namespace rocks

#endif  // ROCKS_LIB_NETWORK_H_
