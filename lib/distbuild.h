// Building a distribution: merging package sources (newest of each
// package wins), the RPMS tree, repodata, the build/ profile tree, swapped
// in whole; with a header cache so a rebuild reads only what changed.
#ifndef ROCKS_LIB_DISTBUILD_H_
#define ROCKS_LIB_DISTBUILD_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "distconf.h"
#include "rpmhdr.h"

namespace rocks {

/// One package file offered by a source.
struct DistCandidate {
  RpmMetadata md;
  SourceKind kind = SourceKind::kOs;
  /// The file to read or link.
  std::string path;
  /// The name shown in messages and used in the header cache: `path`, or
  /// "IMAGE!MEMBER" for a package inside a roll's ISO image.
  std::string key;
  /// Whether `path` is a file extracted from an image into the new tree
  /// (moved into place rather than linked).
  bool extracted = false;
  /// The file's size and modification time when it was read.
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

/// The winner for each (name, arch), sorted by name then arch. A package
/// from force/ beats every other; otherwise the highest epoch, version,
/// release wins; a tie goes to the later source kind (local over contrib
/// over roll over updates over os), then to the first path in byte order.
std::vector<const DistCandidate*> PickWinners(
    const std::vector<DistCandidate>& candidates);

/// What changed for one (name, arch) since the previous build.
struct DistChange {
  enum Kind { kAdded, kUpgraded, kDowngraded, kRemoved };
  Kind kind;
  RpmInfo before;  ///< unset for kAdded
  RpmInfo after;   ///< unset for kRemoved
};

/// One line of the change summary:
///   added NEVRA | upgraded NEVRA -> NEVRA | downgraded NEVRA -> NEVRA |
///   removed NEVRA
std::string FormatChange(const DistChange& change);

/// The changes from `before` to `after` (each sorted by name, arch).
std::vector<DistChange> DiffPackages(const std::vector<RpmInfo>& before,
                                     const std::vector<RpmInfo>& after);

struct DistBuildOptions {
  DistConfig config;
  /// Compute the winners and the changes, change nothing.
  bool dry_run = false;
  /// A skipped input ("PATH: not an RPM"); the build goes on.
  std::function<void(const std::string&)> warn;
  /// Progress of the header reading: files done of total.
  std::function<void(size_t done, size_t total)> progress;
};

struct DistBuildResult {
  std::vector<DistChange> changes;
  /// The winners' identities, sorted by name, arch.
  std::vector<RpmInfo> packages;
  size_t binary_packages = 0;
  size_t source_packages = 0;
  /// Files skipped as unreadable or not RPMs.
  size_t skipped = 0;
  /// Headers taken from the cache / read from the files.
  size_t cached = 0;
  size_t read = 0;
  /// Whether the existing tree already was what this build would make
  /// (same winners, files, profiles and comps), and so was left alone.
  bool unchanged = false;
};

/// Builds the distribution `options.config.root` from the configured
/// sources plus ROOT/force/RPMS. The new tree is made in a temporary
/// directory beside ROOT and swapped in with one rename; on any failure it
/// is removed and ROOT is left exactly as it was. Temporary trees left
/// beside ROOT by a build that was killed are removed first. The caller
/// holds the distribution lock.
bool BuildDistribution(const DistBuildOptions& options, DistBuildResult* result,
                       std::string* err);

/// The state directory inside a distribution (manifest, header cache),
/// left out of images.
extern const char kDistStateDir[];

}  // namespace rocks

#endif  // ROCKS_LIB_DISTBUILD_H_
