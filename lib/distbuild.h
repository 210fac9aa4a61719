// Building a distribution: merging package sources (newest of each
// package wins), the RPMS tree, repodata, the build/ profile tree, swapped
// in whole; with a header cache so a rebuild reads only what changed. A
// build is a plan, made from the sources' metadata without writing
// anything, then applied.
#ifndef ROCKS_LIB_DISTBUILD_H_
#define ROCKS_LIB_DISTBUILD_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "distconf.h"
#include "rpmhdr.h"

namespace rocks {

/// One package file offered by a source.
struct DistCandidate {
  RpmMetadata md;
  SourceKind kind = SourceKind::kOs;
  /// The file to read or link; for a package inside a roll's ISO image,
  /// where the build extracted it into the new tree (empty until then).
  std::string path;
  /// For a package inside a roll's ISO image: the image and the member.
  std::string image;
  std::string member;
  /// The name shown in messages and used in the header cache: `path`, or
  /// "IMAGE!MEMBER" for a package inside a roll's ISO image.
  std::string key;
  /// Whether `path` is a file extracted from an image into the new tree
  /// (moved into place rather than linked).
  bool extracted = false;
  /// The file's (or the image member's) size and modification time when
  /// it was read.
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
  /// Plan only: compute the winners and the changes, write nothing.
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

/// What a build of `options.config.root` would do, decided from the
/// sources' metadata: directory listings, the header cache, package
/// headers (those of a roll's ISO image read in place, the image's member
/// list and the headers only), comps files. Nothing is written to make it.
struct DistPlan {
  DistPlan();
  ~DistPlan();
  DistPlan(DistPlan&&) noexcept;
  DistPlan& operator=(DistPlan&&) noexcept;

  /// What the build reports: the winners, the changes, the counts;
  /// `unchanged` when the tree already is what the build would make.
  DistBuildResult result;
  /// Everything else the build needs: the candidates, the profile trees,
  /// the merged comps, the header cache to write.
  struct Inputs;
  std::unique_ptr<Inputs> inputs;
};

/// Plans a build from the configured sources plus ROOT/force/RPMS. Files
/// that are not RPMs are skipped (options.warn); a missing source, an
/// unreadable image or a malformed comps file fails.
bool PlanDistribution(const DistBuildOptions& options, DistPlan* plan,
                      std::string* err);

/// Carries out `plan`: removes the temporary trees left beside ROOT by a
/// build that was killed, then, unless the tree is unchanged, makes the new
/// tree in a temporary directory beside ROOT (extracting the winners and
/// profile trees of roll images into it) and swaps it in with one rename;
/// on any failure it is removed and ROOT is left exactly as it was. The
/// caller holds the distribution lock.
bool ApplyDistPlan(const DistBuildOptions& options, DistPlan* plan,
                   std::string* err);

/// Plans the build and, unless `options.dry_run`, applies it.
bool BuildDistribution(const DistBuildOptions& options, DistBuildResult* result,
                       std::string* err);

/// The state directory inside a distribution (manifest, header cache),
/// left out of images.
extern const char kDistStateDir[];

}  // namespace rocks

#endif  // ROCKS_LIB_DISTBUILD_H_
