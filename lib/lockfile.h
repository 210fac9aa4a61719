// A PID lock file: one process at a time, stale locks of dead processes
// taken over.
#ifndef ROCKS_LIB_LOCKFILE_H_
#define ROCKS_LIB_LOCKFILE_H_

#include <sys/types.h>

#include <string>

namespace rocks {

struct Config;

/// The lock rocks-dist holds while it builds a distribution, from the
/// `dist_lock` key (default $(localstatedir)/lock/rocks-dist.lock).
/// insert-ethers refuses to run while it is held.
std::string DistLockPath(const Config& cfg);

/// A held lock file that holds the owner's PID (decimal, one line). The lock
/// is created atomically (a complete temporary file hard-linked into place),
/// so a reader never sees it empty. Released by Release() or the destructor.
class LockFile {
 public:
  LockFile() = default;
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  /// Takes the lock at `path` for this process. A lock left by a process
  /// that no longer exists is removed and taken over. When another live
  /// process holds it, `err` is "PATH: locked by process PID".
  bool Acquire(const std::string& path, std::string* err);

  /// Removes the lock file if this object holds it.
  void Release();

  bool held() const { return held_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool held_ = false;
};

/// Whether a live process holds the lock at `path`; `holder` (may be null)
/// gets its PID. A missing lock, or a stale one whose process is gone, is
/// not held. False with `err` set only when the lock cannot be read.
bool LockHeld(const std::string& path, bool* held, pid_t* holder,
              std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_LOCKFILE_H_
