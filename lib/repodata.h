// Reading and writing a yum/dnf repository's metadata (repodata/) with
// libcreaterepo_c, checking files against it, and merging comps group
// files.
#ifndef ROCKS_LIB_REPODATA_H_
#define ROCKS_LIB_REPODATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rpmhdr.h"

struct _xmlDoc;

namespace rocks {

/// Parses the XML file at `path` (no network access). On failure `err` is
/// "NAME:LINE: message" for the first problem found, NAME being `name`.
/// The caller frees `*doc` with xmlFreeDoc.
bool ReadXmlDocument(const std::string& path, const std::string& name,
                     _xmlDoc** doc, std::string* err);

/// Writes the metadata of `packages` (in the given order) into the
/// directory `repodata`, which must not exist yet: primary, filelists and
/// other (gzip), with `comps` as the group file (plain and gzip) when it is
/// not empty, and repomd.xml. File names carry their checksum, as
/// createrepo_c writes them by default.
bool WriteRepodata(const std::string& repodata,
                   const std::vector<const RpmMetadata*>& packages,
                   const std::string& comps, std::string* err);

/// One file a repository's metadata lists: a package of primary.xml or a
/// metadata file of repomd.xml.
struct RepoFile {
  /// The location, relative to the repository (checked by SafeHref).
  std::string href;
  /// A location base (xml:base) given for it, else empty.
  std::string base;
  std::string checksum_type;  ///< "sha256", ...
  std::string checksum;       ///< hex
  uint64_t size = 0;          ///< 0 when not given
  std::string name;           ///< the package name; empty for metadata
};

/// A <data> record of repomd.xml.
struct RepomdRecord {
  std::string type;  ///< "primary", "filelists", ...
  RepoFile file;
};

/// Whether `href` is a relative location that stays inside the repository
/// (no leading '/', no empty, "." or ".." part).
bool SafeHref(const std::string& href);

/// Reads the repomd.xml file at `path`; errors start with `name`
/// ("NAME:LINE: ...").
bool ParseRepomd(const std::string& path, const std::string& name,
                 std::vector<RepomdRecord>* out, std::string* err);

/// Reads the packages of the primary.xml(.gz) file at `path`, in file
/// order, with libcreaterepo_c. Errors start with `repo`, the repository's
/// URL or directory ending in '/'.
bool ParsePrimary(const std::string& path, const std::string& repo,
                  std::vector<RepoFile>* out, std::string* err);

/// The checksum (hex) of the file at `path` by the repository's name for
/// the algorithm; "" with `err` set when it cannot be computed.
std::string FileChecksum(const std::string& path, const std::string& type,
                         std::string* err);

/// Merges comps.xml files into one document: every group, category,
/// environment and langpacks element, the first with a given id winning.
/// Errors name the file ("PATH:LINE: reason" for malformed XML).
bool MergeComps(const std::vector<std::string>& paths, std::string* out,
                std::string* err);

/// A comps file already read: its name for messages, and its content.
struct CompsText {
  std::string name;
  std::string text;
};

/// As MergeComps, on files already read; errors name each by its `name`.
bool MergeCompsTexts(const std::vector<CompsText>& files, std::string* out,
                     std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_REPODATA_H_
