// `rocks sync config`: rewrites every service file listed in the sync
// configuration from its report, validates each new file with the real
// daemon's checker before it replaces the old one, and reloads a service
// only when its file changed.
//
// The sync configuration (sync.conf) has one line per file, four fields
// separated by '|', blanks around them ignored, '#' starting a comment line:
//
//   REPORT [ARG] | OUTPUT | VALIDATE | RELOAD
//
// VALIDATE and RELOAD are shell commands (sh -c) and may be empty. In
// VALIDATE, %f is the new file (shell-quoted) and %% a literal '%'. The
// `pxe` report's OUTPUT is a directory and takes no VALIDATE.
#ifndef ROCKS_LIB_SYNC_H_
#define ROCKS_LIB_SYNC_H_

#include <string>
#include <vector>

#include "config.h"
#include "db.h"

namespace rocks {

/// One line of sync.conf.
struct SyncEntry {
  std::string report;
  std::vector<std::string> args;
  std::string output;
  std::string validate;
  std::string reload;
  std::string where;  ///< "FILE:LINE", for messages
};

/// The sync configuration file: the `sync_conf` key, default
/// $(sysconfdir)/rocks/sync.conf.
std::string SyncConfPath(const Config& cfg);

/// Parses sync.conf text; `source` names it in errors ("FILE:LINE: reason").
/// Unknown reports, missing outputs and a relative OUTPUT are errors.
bool ParseSyncConf(const std::string& text, const std::string& source,
                   std::vector<SyncEntry>* out, std::string* err);

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

/// Expands %f (to `file`, shell-quoted) and %% in a VALIDATE command.
bool ExpandValidate(const std::string& command, const std::string& file,
                    std::string* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SYNC_H_
