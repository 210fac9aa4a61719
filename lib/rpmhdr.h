// Reading RPM package headers with librpm, comparing versions by RPM's
// rules, and turning a package into repodata XML with libcreaterepo_c.
#ifndef ROCKS_LIB_RPMHDR_H_
#define ROCKS_LIB_RPMHDR_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

namespace rocks {

/// What identifies a package: name, epoch, version, release, arch.
struct RpmInfo {
  std::string name;
  /// The epoch; 0 when the header has none (RPM treats both alike).
  uint32_t epoch = 0;
  bool has_epoch = false;
  std::string version;
  std::string release;
  /// The build arch; "src" for a source package.
  std::string arch;
  bool source = false;

  /// "[EPOCH:]VERSION-RELEASE", the epoch shown only when set.
  std::string Evr() const;
  /// "NAME-[EPOCH:]VERSION-RELEASE.ARCH".
  std::string Nevra() const;
  /// "NAME-VERSION-RELEASE.ARCH.rpm", the canonical file name.
  std::string FileName() const;
};

/// Compares two version or release strings with rpmvercmp: <0, 0, >0.
int CompareVersions(const std::string& a, const std::string& b);

/// Compares (epoch, version, release) as rpm does: the epoch first (a
/// missing epoch is 0), then the version, then the release.
int CompareEvr(const RpmInfo& a, const RpmInfo& b);

/// A package as repodata describes it: its identity plus the three XML
/// chunks of primary.xml, filelists.xml and other.xml.
struct RpmMetadata {
  RpmInfo info;
  std::string primary;
  std::string filelists;
  std::string other;
};

/// Reads the header of the package at `path`. `err` is "PATH: not an RPM"
/// for anything librpm cannot read as a package, "PATH: strerror" when
/// the file cannot be opened.
bool ReadRpmHeader(const std::string& path, RpmInfo* info, std::string* err);

/// Reads the header of a package from `read`, which gives the package's
/// bytes from its start (up to n bytes into buf: the count, 0 at the end,
/// -1 on an error), reading nothing past the header: for a package inside
/// an archive, read in place. `err` is "NAME: not an RPM" for anything that
/// is not a package header (a reader that fails included).
bool ReadRpmHeaderFrom(const std::function<ssize_t(void* buf, size_t n)>& read,
                       const std::string& name, RpmInfo* info, std::string* err);

/// Reads the header once and, for binary packages, also the SHA-256 of the
/// file and the repodata chunks, the package's location being
/// `location_dir`/FileName(). Source packages get only `info` (they are
/// not in repodata). Safe to call from several threads at once.
bool ReadRpmMetadata(const std::string& path, const std::string& location_dir,
                     RpmMetadata* md, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_RPMHDR_H_
