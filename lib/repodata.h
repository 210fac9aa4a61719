// Writing a yum/dnf repository's metadata (repodata/) with
// libcreaterepo_c, and merging comps group files.
#ifndef ROCKS_LIB_REPODATA_H_
#define ROCKS_LIB_REPODATA_H_

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

/// Merges comps.xml files into one document: every group, category,
/// environment and langpacks element, the first with a given id winning.
/// Errors name the file ("PATH:LINE: reason" for malformed XML).
bool MergeComps(const std::vector<std::string>& paths, std::string* out,
                std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_REPODATA_H_
