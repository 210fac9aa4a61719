// rocks' virtual-cluster commands: add, list, create, start, stop and
// remove host vm, and console. rocks.cc's command table runs them once
// the database is open.
#ifndef ROCKS_CMD_COMMON_VM_CMD_H_
#define ROCKS_CMD_COMMON_VM_CMD_H_

#include <string>
#include <vector>

#include "db.h"
#include "table.h"

namespace rocks {

// Each takes the words after its command (`add host vm`, `console`, ...)
// and returns the exit status, printing the error itself.
int AddHostVmCommand(Database* db, const std::vector<std::string>& words);
int ListHostVmCommand(Database* db, OutputFormat format,
                      const std::vector<std::string>& words);
int SetHostVmCommand(Database* db, const std::vector<std::string>& words);
int CreateHostVmCommand(Database* db, const std::vector<std::string>& words);
int StartHostVmCommand(Database* db, const std::vector<std::string>& words);
/// `force` is --force: pull the plug, no shutdown.
int StopHostVmCommand(Database* db, const std::vector<std::string>& words, bool force);
int RemoveHostVmCommand(Database* db, const std::vector<std::string>& words);
int ConsoleCommand(Database* db, const std::vector<std::string>& words);

}  // namespace rocks

#endif  // ROCKS_CMD_COMMON_VM_CMD_H_
