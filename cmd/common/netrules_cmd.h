// rocks: the route and firewall nouns (add, list, remove).
#ifndef ROCKS_CMD_COMMON_NETRULES_CMD_H_
#define ROCKS_CMD_COMMON_NETRULES_CMD_H_

#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "table.h"

namespace rocks {

/// `VERB route|firewall WORDS...` at one scope; returns the exit status
/// and prints the error itself.
int NetRulesCommand(Database* db, const std::string& verb, const std::string& noun,
                    AttrScope scope, const std::string& owner, OutputFormat format,
                    const std::vector<std::string>& words);

}  // namespace rocks

#endif  // ROCKS_CMD_COMMON_NETRULES_CMD_H_
