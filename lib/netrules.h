// Static routes and firewall rules at global, appliance and host scope,
// and the files they become on a node (the routes file, the firewalld
// policies); lib/hostrules puts those in the host's kickstart.
//
// Scopes and owners follow the attributes' convention (AttrScope): a host
// has the routes and rules of its own, of its appliance and the global
// ones, the narrower scope winning for the same destination (routes) or
// name (rules).
#ifndef ROCKS_LIB_NETRULES_H_
#define ROCKS_LIB_NETRULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"

namespace rocks {

struct Route {
  AttrScope scope = AttrScope::kGlobal;
  std::string owner;     ///< appliance or host name; "" for global
  uint32_t network = 0;  ///< destination
  int prefix = 0;
  std::string gateway;   ///< next hop (dotted quad), "" for a route via `subnet`
  std::string subnet;    ///< route straight out of this network's interface
};

/// "10.2.0.0/16".
std::string RouteDestination(const Route& route);

/// Parses a route as typed after the noun: `DEST/PREFIX gateway=IP` or
/// `DEST/PREFIX network=NAME`, or the Rocks 6 keys `address=IP
/// [netmask=MASK] gateway=IP|NETWORK` (no netmask: a host route). Scope
/// and owner are left as they are.
bool ParseRoute(const std::vector<std::string>& words, Route* out,
                std::string* err);
/// Parses the destination alone (`DEST/PREFIX`, or `address= [netmask=]`),
/// as `remove route` takes it.
bool ParseRouteDestination(const std::vector<std::string>& words, Route* out,
                           std::string* err);

/// Adds a route at its scope (one transaction): its network must exist,
/// its gateway lie in one of the cluster's networks, and the scope may
/// not have a route to that destination yet.
bool AddRoute(Database* db, const Route& route, std::string* err);
/// Removes the route to `route`'s destination at its scope.
bool RemoveRoute(Database* db, const Route& route, std::string* err);
/// The routes in force for a host (host over appliance over global), an
/// appliance (appliance over global) or globally, by destination; each
/// says where it came from.
bool ResolveRoutes(Database* db, AttrScope scope, const std::string& owner,
                   std::vector<Route>* out, std::string* err);

struct FirewallRule {
  AttrScope scope = AttrScope::kGlobal;
  std::string owner;
  std::string name;      ///< unique in its scope
  std::string subnet;    ///< traffic from this network only; "" = from anywhere
  std::string service;   ///< a firewalld service name, or "all"; "" with a port
  std::string port;      ///< "161" or "6000-6010"; "" with a service
  std::string protocol;  ///< "tcp" or "udp" with a port; "" with a service
  std::string action;    ///< "accept", "reject" or "drop"
};

/// Parses a rule as typed after the noun: `NAME [network=NET]
/// (service=NAME | port=P[-Q] protocol=tcp|udp) action=accept|reject|drop`,
/// or the Rocks 6 keys `rulename= service= protocol= network= action=
/// chain=` (service a name, a port number or "all"; network "all" or a
/// name; action in any case; chain INPUT only).
bool ParseFirewallRule(const std::vector<std::string>& words, FirewallRule* out,
                       std::string* err);

bool AddFirewallRule(Database* db, const FirewallRule& rule, std::string* err);
/// Removes the rule `name` at a scope.
bool RemoveFirewallRule(Database* db, AttrScope scope, const std::string& owner,
                        const std::string& name, std::string* err);
/// The rules in force for a scope, as ResolveRoutes, by name.
bool ResolveFirewallRules(Database* db, AttrScope scope, const std::string& owner,
                          std::vector<FirewallRule>* out, std::string* err);

/// The routes file a node's rocks-routes service reads: one line per
/// route, `DEST/PREFIX GATEWAY|- MAC|- DEVICE`, on the host's interface
/// in the network of the gateway (or the route's network). A route none
/// of the interfaces reaches stays a comment saying so.
std::string RenderRoutes(const std::vector<Route>& routes,
                         const std::vector<Interface>& interfaces,
                         const std::vector<Subnet>& subnets);

/// The firewalld policy (XML) that holds the rules: from any zone to the
/// host itself, one rich rule per rule.
std::string RenderFirewallPolicy(const std::vector<FirewallRule>& rules,
                                 const std::vector<Subnet>& subnets);

/// The frontend's policy: what comes from the private network (the
/// trusted zone) and leaves by the public zone is forwarded and
/// masqueraded.
std::string RenderMasqueradePolicy();

}  // namespace rocks

#endif  // ROCKS_LIB_NETRULES_H_
