// A program with the shared libraries it runs on, as one archive that runs
// where none of those libraries are installed (an installer's image).
#ifndef ROCKS_LIB_BUNDLE_H_
#define ROCKS_LIB_BUNDLE_H_

#include <string>
#include <vector>

namespace rocks {

/// The shared objects this process has loaded, as the paths they were
/// loaded from, in load order: every library and the dynamic loader, not
/// the program itself nor the vDSO. `loader` gets the loader's path (the
/// program's PT_INTERP).
bool LoadedObjects(std::vector<std::string>* paths, std::string* loader, std::string* err);

/// Writes `out`, an xz-compressed tar archive of one directory `name`:
/// `name`/bin/`name` (this process's program), `name`/lib/ (every object
/// of LoadedObjects, under its file name) and `name`/run, a sh script
/// that starts the program through the bundled loader on the bundled
/// libraries alone, with the script's arguments. Unpacked anywhere on a
/// Linux of the same architecture, `name`/run works whatever libraries
/// that system has. Missing parent directories of `out` are made; the
/// archive is written beside `out` and renamed into place.
bool WriteSelfBundle(const std::string& name, const std::string& out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_BUNDLE_H_
