// rocks: the route and firewall nouns (add, list, remove).
#ifndef ROCKS_CMD_COMMON_NETRULES_CMD_H_
#define ROCKS_CMD_COMMON_NETRULES_CMD_H_

#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "table.h"

namespace rocks {

// `VERB route|firewall WORDS...` at one scope: each returns the exit
// status and prints the error itself.
int AddRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                    const std::vector<std::string>& words);
int RemoveRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                       const std::vector<std::string>& words);
int ListRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                     OutputFormat format, const std::vector<std::string>& words);
int AddFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                       const std::vector<std::string>& words);
int RemoveFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                          const std::vector<std::string>& words);
int ListFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                        OutputFormat format, const std::vector<std::string>& words);

}  // namespace rocks

#endif  // ROCKS_CMD_COMMON_NETRULES_CMD_H_
