// ISO9660 images through libarchive: reading a roll's image without
// mounting it, and writing a distribution's image (or a tar.xz of a tree).
#ifndef ROCKS_LIB_ISO_H_
#define ROCKS_LIB_ISO_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rocks {

/// A member of an image, as ReadImage visits it.
struct ImageMember {
  /// The member's path, no leading "./".
  std::string path;
  bool regular = false;
  int64_t size = 0;
  /// The modification time, in seconds.
  int64_t mtime = 0;
};

/// Reads the content of the member being visited, from its start: up to
/// `n` bytes into `buf`; the bytes read, 0 at the end, -1 on an error
/// (which ReadImage then returns).
using ImageReader = std::function<ssize_t(void* buf, size_t n)>;

/// Reads the image (or any archive libarchive reads) at `image` member by
/// member, writing nothing: `visit` gets each member in order and may read
/// as much of its content as it needs; returning false (with `err` set)
/// stops the reading.
bool ReadImage(const std::string& image,
               const std::function<bool(const ImageMember&, const ImageReader&,
                                        std::string* err)>& visit,
               std::string* err);

/// Extracts regular files from the image (or any archive libarchive reads)
/// at `image`. `dest_for` gets each member's path (no leading "./") and
/// returns where to write it, or "" to skip it; parent directories are
/// created. `members` (may be null) gets every member path in order.
bool ExtractImage(const std::string& image,
                  const std::function<std::string(const std::string&)>& dest_for,
                  std::vector<std::string>* members, std::string* err);

/// Writes an ISO9660 image (Rock Ridge and Joliet names), labelled
/// `volume_id` (1 to 32 of A-Z, 0-9 and _), of the directory
/// `dir` to `out`, following symlinks so a tree of links becomes the files
/// they name. Entries named in `exclude` (relative paths) are left out. The
/// image is written to a temporary file beside `out` and renamed into
/// place, so a failure leaves any old image as it was.
bool WriteIsoImage(const std::string& dir, const std::string& out,
                   const std::string& volume_id,
                   const std::vector<std::string>& exclude, std::string* err);

/// Writes an xz-compressed tar archive of the directory `dir` to `out`, in
/// the same way: symlinks followed, members in name order, a temporary
/// file beside `out` renamed into place.
bool WriteTarXz(const std::string& dir, const std::string& out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_ISO_H_
