// A host's routes and firewall rules (lib/netrules), and the frontend's
// masquerading, as a part of the host's kickstart (lib/hostconf).
#ifndef ROCKS_LIB_HOSTRULES_H_
#define ROCKS_LIB_HOSTRULES_H_

#include <string>

#include "cluster.h"
#include "db.h"
#include "hostconf.h"

namespace rocks {

/// The HostKickstartPart of routes and firewall rules: the routes file,
/// the rocks-routes script and unit (wanted by multi-user.target), the
/// firewalld policy of the rules and, for a node with rules, `firewall
/// --enabled --service=ssh`; on the frontend, the masquerading policy and
/// IPv4 forwarding. See rocks(8), ROUTES AND FIREWALL.
bool HostRulesConfig(Database* db, const Host& host, const HostKickstartContext& ctx,
                     HostKickstart* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_HOSTRULES_H_
