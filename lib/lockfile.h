// A lock file: one process at a time, held with flock(2) so that a process
// that dies, however it dies, holds nothing.
#ifndef ROCKS_LIB_LOCKFILE_H_
#define ROCKS_LIB_LOCKFILE_H_

#include <sys/types.h>

#include <string>

namespace rocks {

struct Config;

/// The lock rocks-dist holds while it builds a distribution, from the
/// `dist_lock` key (default $(localstatedir)/lib/rocks/rocks-dist.lock).
/// insert-ethers refuses to run while it is held.
std::string DistLockPath(const Config& cfg);

/// A held lock: an flock(2) on a regular file, which also holds the owner's
/// PID (decimal, one line) for messages. The file must sit in a directory
/// that no other user can write (its owner is this user or root, with no
/// group or other write bit) and must not be a symbolic link, so nobody
/// else can plant, replace or hold it. What the file says never decides
/// whether the lock is held: a file left by a killed process, or written by
/// hand, is simply taken over. Released by Release() or the destructor.
class LockFile {
 public:
  LockFile() = default;
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  /// Takes the lock at `path` for this process, creating the file when
  /// needed. When another process holds it, `err` is "PATH: locked by
  /// process PID" (or "by another process" when it left no PID).
  bool Acquire(const std::string& path, std::string* err);

  /// Removes the lock file and releases the lock, if this object holds it.
  void Release();

  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// Whether another process holds the lock at `path`; `holder` (may be null)
/// gets the PID it wrote, or 0. A missing lock file is not held. False with
/// `err` set only when the lock cannot be checked (including a lock that
/// fails the checks of LockFile::Acquire).
bool LockHeld(const std::string& path, bool* held, pid_t* holder,
              std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_LOCKFILE_H_
