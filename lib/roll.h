// Rolls: bundles of packages plus graph and node files for one purpose
// (HPC, a batch system, a site's own software). Making a roll image from a
// roll source directory, reading one back into the roll store, and the
// rolls table of the cluster database that says which rolls rocks-dist
// merges into the distribution.
//
// A roll source directory holds
//   roll-NAME.xml     the roll description (see ParseRollDescription)
//   RPMS/             its packages (*.rpm, at any depth; may be empty)
//   graphs/GRAPH/     its graph files (edges hanging its nodes off others)
//   nodes/            its node files
// A roll image (NAME-VERSION-RELEASE.ARCH.disk1.iso) and an added roll in
// the store hold
//   roll-NAME.xml     the description
//   RedHat/RPMS/      the packages
//   repodata/         their metadata, so the image is a dnf repository
//   build/graphs/GRAPH/, build/nodes/
//                     the profile tree rocks-dist copies into build/
#ifndef ROCKS_LIB_ROLL_H_
#define ROCKS_LIB_ROLL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "db.h"

namespace rocks {

/// What roll-NAME.xml says:
///   <roll name="hpc">
///     <info version="9.0" release="1" arch="x86_64" os="linux"/>
///     <description>...</description>
///   </roll>
/// Other elements (Rocks' <color>, <iso>, <rpm>) are allowed and ignored.
struct RollInfo {
  std::string name;     ///< [a-z0-9][a-z0-9_+-]*
  std::string version;  ///< letters, digits and . _ +
  std::string release = "1";
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string description;

  /// NAME-VERSION-RELEASE.ARCH.disk1.iso
  std::string ImageName() const;
};

/// Parses the text of roll-NAME.xml; `source` names it in errors
/// ("SOURCE:LINE: reason").
bool ParseRollDescription(const std::string& text, const std::string& source,
                          RollInfo* info, std::string* err);

/// Finds and parses the roll description at the top of `dir`: exactly one
/// roll-NAME.xml whose NAME is its name=. `*path` (may be null) gets its
/// path.
bool ReadRollDescription(const std::string& dir, RollInfo* info,
                         std::string* path, std::string* err);

/// Checks the profile tree at `dir` (graphs/GRAPH/*.xml, nodes/): every
/// node an edge of any graph leads to must have its file in nodes/. An
/// edge may start anywhere (an appliance or a node of another roll); what
/// it brings in must be shipped. Errors name the graph file and line.
bool CheckRollGraph(const std::string& dir, std::string* err);

struct CreateRollOptions {
  /// Where the image is written (the current directory when empty).
  std::string output_dir;
  /// Header readers at once; 0 means one per CPU.
  int jobs = 0;
};

struct CreateRollResult {
  RollInfo info;
  std::string image;  ///< the path of the image written
  size_t packages = 0;
};

/// Builds OUTPUT_DIR/NAME-VERSION-RELEASE.ARCH.disk1.iso from the roll
/// source directory `rolldir`. Node files whose <kickstart> carries no
/// roll= get roll="NAME" in the image, so drawings of the merged graph
/// know whose node each is. The image is written beside its final name and
/// renamed into place: on failure an older image is left as it was.
bool CreateRoll(const std::string& rolldir, const CreateRollOptions& options,
                CreateRollResult* result, std::string* err);

/// One row of the rolls table.
struct Roll {
  int64_t id = 0;
  std::string name, version, release, arch, os;
  /// Where its tree is: inside the roll store for a roll added from an
  /// image, the directory given for one added from a directory.
  std::string path;
  bool stored = false;  ///< `path` belongs to the roll store
  bool enabled = false;
};

/// The roll store used when rocks.conf sets no `roll_store`:
/// $(localstatedir)/lib/rocks/rolls.
std::string DefaultRollStore();

/// Adds a roll from an image (unpacked into STORE/NAME/VERSION/ARCH) or a
/// directory (recorded where it is) laid out as a roll image is. The roll
/// starts disabled. A non-roll or damaged image, a roll already added with
/// the same name and version, or a graph leading to a node file the roll
/// does not ship is refused, and the database and the store are left as
/// they were.
bool AddRoll(Database* db, const std::string& store, const std::string& source,
             Roll* added, std::string* err);

/// The rolls by name, then version, then arch.
bool ListRolls(Database* db, std::vector<Roll>* out, std::string* err);

/// Enables or disables the rolls called `name` (only the one of that
/// `version` when it is not empty); one transaction. An unknown roll is an
/// error.
bool SetRollEnabled(Database* db, const std::string& name,
                    const std::string& version, bool enabled, std::string* err);

/// Removes the rolls called `name` (of `version` when not empty) from the
/// database and their unpacked trees from the store. An enabled roll is
/// refused ("disable it first"), and nothing is removed.
bool RemoveRoll(Database* db, const std::string& name,
                const std::string& version, std::string* err);

/// The trees of the enabled rolls, in ListRolls order, for rocks-dist.
bool EnabledRollPaths(Database* db, std::vector<std::string>* out,
                      std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_ROLL_H_
