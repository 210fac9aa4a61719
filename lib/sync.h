// `rocks sync config`: rewrites every service file listed in the sync
// configuration (see syncconf.h) from its report, validates each new file
// with the real daemon's checker before it replaces the old one, and
// reloads a service only when its file changed.
#ifndef ROCKS_LIB_SYNC_H_
#define ROCKS_LIB_SYNC_H_

#include <string>
#include <vector>

#include "config.h"
#include "db.h"
#include "syncconf.h"

namespace rocks {

struct SyncOptions {
  bool dry_run = false;
  /// Run the RELOAD command of each changed file (insert-ethers
  /// --norestart clears it: files are rewritten, services left alone).
  bool reload = true;
};

/// Rewrites every file listed in the sync configuration; `out` gets what
/// belongs on stdout (the unified diff with dry_run), `log` one line per
/// file for stderr (written, unchanged, reloaded, validation output), `err`
/// the failure. Returns false if any file failed (its old file stays); the
/// others are still processed.
bool SyncConfig(Database* db, const Config& cfg, const SyncOptions& options,
                std::string* out, std::string* log, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SYNC_H_
