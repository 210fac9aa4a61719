// rocks-dist.conf: where a distribution's packages come from and where it
// is built.
#ifndef ROCKS_LIB_DISTCONF_H_
#define ROCKS_LIB_DISTCONF_H_

#include <string>
#include <vector>

namespace rocks {

/// The kinds of package source, in the order that breaks a version tie:
/// a later kind beats an earlier one. `force/RPMS` always wins.
enum class SourceKind { kOs, kUpdates, kRoll, kContrib, kLocal, kForce };

/// "os", "updates", "roll", "contrib", "local", "force".
const char* SourceKindName(SourceKind kind);

struct DistSource {
  SourceKind kind;
  /// A directory, or (for a roll) a directory or an ISO image.
  std::string path;
};

/// The settings of rocks-dist.conf. Every list key may repeat; each line
/// adds one entry.
struct DistConfig {
  /// The distribution directory (key `root`).
  std::string root = "/export/rocks/install/rocks-dist";
  std::vector<DistSource> sources;
  /// Profile trees copied into build/, in order (keys `profile`, then
  /// `site_profile`: later files replace earlier ones).
  std::vector<std::string> profiles;
  std::vector<std::string> site_profiles;
  /// Copy packages instead of symlinking them (key `copy`).
  bool copy = false;
  /// Parallel header readers; 0 means one per CPU (key `jobs`).
  int jobs = 0;
  /// Where `mirror URL` puts a copy when no directory is given
  /// (key `mirror_root`): MIRROR_ROOT/HOST/PATH.
  std::string mirror_root = "/export/rocks/install/mirror";
  /// Parallel downloads (key `mirror_jobs`).
  int mirror_jobs = 4;
  /// Further attempts after a failed or corrupt download (key `retries`).
  int retries = 2;
  /// The ISO volume label (key `label`).
  std::string label = "ROCKS";
};

/// The system file, $(sysconfdir)/rocks/rocks-dist.conf.
std::string DefaultDistConfigPath();

/// Parses rocks-dist.conf text into `cfg`: `key = value` lines, blank lines
/// and '#' comments skipped. Errors are "SOURCE:LINE: reason"; an unknown
/// key suggests the closest known one.
bool ParseDistConfig(const std::string& text, const std::string& source,
                     DistConfig* cfg, std::string* err);

/// Reads and parses the file at `path`.
bool LoadDistConfig(const std::string& path, DistConfig* cfg, std::string* err);

/// Parses a whole number from 0 to 1024 for `what` ("jobs", "--jobs");
/// errors are ParseNumber's, "WHAT=VALUE: invalid number (expected 0 to
/// 1024)".
bool ParseCount(const std::string& what, const std::string& value, int* out,
                std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_DISTCONF_H_
