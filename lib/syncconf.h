// The sync configuration (sync.conf): which report writes which service
// file, how the file is checked and how its service is reloaded. Read by
// `rocks sync config` (sync.h) and by the boot unit, which finds the TFTP
// root in the `pxe` line.
//
// One line per file, four fields separated by '|', blanks around them
// ignored, '#' starting a comment line:
//
//   REPORT [ARG] | OUTPUT | VALIDATE | RELOAD
//
// The zone reports take `*` for ARG: every zone DNS serves, one file
// each, named by %z in OUTPUT (and %z in VALIDATE and RELOAD).
//
// VALIDATE and RELOAD are shell commands (sh -c) and may be empty. In
// VALIDATE, %f is the new file (shell-quoted) and %% a literal '%'. The
// `pxe` report's OUTPUT is a directory and takes no VALIDATE.
#ifndef ROCKS_LIB_SYNCCONF_H_
#define ROCKS_LIB_SYNCCONF_H_

#include <string>
#include <vector>

#include "config.h"

namespace rocks {

/// One line of sync.conf.
struct SyncEntry {
  std::string report;
  std::vector<std::string> args;
  std::string output;
  std::string validate;
  std::string reload;
  std::string where;  ///< "FILE:LINE", for messages
  /// `dns *` or `dns-reverse *`: one file per zone DNS serves, %z in
  /// OUTPUT, VALIDATE and RELOAD standing for the zone's name.
  bool each_zone = false;
  /// The report writes a directory, OUTPUT (pxe), not one file.
  bool writes_dir = false;
};

/// `s` with every %z replaced by `zone` (a DNS name: no shell quoting
/// needed).
std::string ExpandZone(const std::string& s, const std::string& zone);

/// The sync configuration file: the `sync_conf` key, default
/// $(sysconfdir)/rocks/sync.conf.
std::string SyncConfPath(const Config& cfg);

/// Parses sync.conf text; `source` names it in errors ("FILE:LINE: reason").
/// Unknown reports, missing outputs and a relative OUTPUT are errors.
bool ParseSyncConf(const std::string& text, const std::string& source,
                   std::vector<SyncEntry>* out, std::string* err);

/// Expands %f (to `file`, shell-quoted) and %% in a VALIDATE command.
bool ExpandValidate(const std::string& command, const std::string& file,
                    std::string* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SYNCCONF_H_
