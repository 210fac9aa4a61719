// rocks' virtual-cluster commands: add, list, create, start, stop and
// remove host vm, and console. rocks.cc hands them the words of the
// command line once the database is open.
#ifndef ROCKS_CMD_COMMON_VM_CMD_H_
#define ROCKS_CMD_COMMON_VM_CMD_H_

#include <string>
#include <vector>

#include "db.h"
#include "table.h"

namespace rocks {

/// Whether `args` (verb, noun, ...) is one of these commands.
bool IsVmCommand(const std::vector<std::string>& args);

/// Runs it; returns the exit status. `force` is --force (stop host vm).
int RunVmCommand(Database* db, const std::vector<std::string>& args,
                 OutputFormat format, bool force);

}  // namespace rocks

#endif  // ROCKS_CMD_COMMON_VM_CMD_H_
