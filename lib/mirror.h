// Mirroring a yum/dnf repository (a parent distribution) over HTTP with
// libcurl: repomd.xml, the metadata it lists, then only the packages that
// are missing or changed, several at a time, each checked against its
// checksum, retried, and resumed where an earlier transfer stopped.
#ifndef ROCKS_LIB_MIRROR_H_
#define ROCKS_LIB_MIRROR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rocks {

struct MirrorProgress {
  size_t files_done = 0;
  size_t files_total = 0;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
};

struct MirrorOptions {
  /// The repository: the directory that holds repodata/.
  std::string url;
  /// The local copy.
  std::string dest;
  /// Transfers at once.
  int jobs = 4;
  /// Further attempts after a failed or corrupt download.
  int retries = 2;
  /// Give up on a transfer that moves no data for this long.
  long stall_seconds = 30;
  /// A retried or resumed transfer ("URL: reason, retrying").
  std::function<void(const std::string&)> warn;
  std::function<void(const MirrorProgress&)> progress;
};

struct MirrorResult {
  /// Package locations (relative to the repository) downloaded, in order.
  std::vector<std::string> fetched;
  /// Packages already present with the right checksum.
  size_t unchanged = 0;
  /// Transfers that continued a partial file.
  size_t resumed = 0;
  /// One "URL: reason" per package that could not be fetched.
  std::vector<std::string> failed;
};

/// Mirrors `options.url` into `options.dest`. The metadata is staged and
/// moved into dest/repodata only when every package arrived, so the copy
/// is always a consistent repository. False with `err` when the metadata
/// cannot be fetched or some package failed (listed in `result->failed`).
bool MirrorRepository(const MirrorOptions& options, MirrorResult* result,
                      std::string* err);

/// MIRROR_ROOT/HOST/PATH for a URL ("http://host/a/b/" -> ROOT/host/a/b).
/// False with `err` for a URL that is not scheme://host/...
bool DefaultMirrorDir(const std::string& mirror_root, const std::string& url,
                      std::string* dir, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_MIRROR_H_
