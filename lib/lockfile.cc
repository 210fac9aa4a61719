#include "lockfile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "config.h"
#include "file.h"
#include "strutil.h"

namespace rocks {

std::string DistLockPath(const Config& cfg) {
  return cfg.Get(kConfDistLock);
}

namespace {

// Another user who can write the directory could plant a link, replace the
// file, or hold it locked forever.
bool SafeDirectory(const std::string& path, std::string* err) {
  std::string dir = DirName(path);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    // open() below names the lock itself, as the user configured it.
    return true;
  }
  if (!S_ISDIR(st.st_mode)) return true;
  if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
    *err = path + ": other users can write the directory " + dir +
           "; a lock must be in a directory only root can write";
    return false;
  }
  return true;
}

std::string OpenError(const std::string& path) {
  if (errno == ELOOP) return path + ": a symbolic link; a lock must be a regular file";
  return ErrnoText(path);
}

bool OpenLock(const std::string& path, int flags, int* fd, std::string* err) {
  if (!SafeDirectory(path, err)) return false;
  *fd = open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
  if (*fd < 0) {
    *err = OpenError(path);
    return false;
  }
  struct stat st;
  if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *err = path + ": not a regular file";
    close(*fd);
    *fd = -1;
    return false;
  }
  return true;
}

// The PID written in the lock, or 0.
pid_t WrittenPid(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  int64_t v = 0;
  if (!ParseInt(Trim(std::string(buf, static_cast<size_t>(n))), &v) || v <= 0 ||
      v > INT32_MAX)
    return 0;
  return static_cast<pid_t>(v);
}

std::string LockedBy(const std::string& path, pid_t pid) {
  return path + ": locked by " +
         (pid > 0 ? "process " + std::to_string(pid) : std::string("another process"));
}

// Whether `fd` is still the file at `path` (a releasing holder removes it).
bool SameFile(int fd, const std::string& path) {
  struct stat a, b;
  return fstat(fd, &a) == 0 && lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

}  // namespace

LockFile::~LockFile() { Release(); }

bool LockFile::Acquire(const std::string& path, std::string* err) {
  Release();
  // A few rounds: the file may be removed by a holder releasing it between
  // our open and our flock.
  for (int attempt = 0; attempt < 20; ++attempt) {
    int fd;
    if (!OpenLock(path, O_RDWR | O_CREAT, &fd, err)) return false;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int saved = errno;
      if (saved == EWOULDBLOCK) {
        *err = LockedBy(path, WrittenPid(fd));
      } else {
        *err = ErrnoText(path, saved);
      }
      close(fd);
      return false;
    }
    if (!SameFile(fd, path)) {
      close(fd);
      continue;
    }
    std::string content = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) != 0 ||
        pwrite(fd, content.data(), content.size(), 0) !=
            static_cast<ssize_t>(content.size())) {
      *err = ErrnoText(path);
      close(fd);
      return false;
    }
    path_ = path;
    fd_ = fd;
    return true;
  }
  *err = path + ": could not take the lock";
  return false;
}

void LockFile::Release() {
  if (fd_ < 0) return;
  // Removed while still locked, and only if it is still ours.
  if (SameFile(fd_, path_)) unlink(path_.c_str());
  close(fd_);
  fd_ = -1;
}

bool LockHeld(const std::string& path, bool* held, pid_t* holder, std::string* err) {
  *held = false;
  if (holder) *holder = 0;
  if (!SafeDirectory(path, err)) return false;
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return true;
    *err = OpenError(path);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *err = path + ": not a regular file";
    return false;
  }
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      *err = ErrnoText(path);
      close(fd);
      return false;
    }
    *held = true;
    if (holder) *holder = WrittenPid(fd);
  }
  close(fd);
  return true;
}

}  // namespace rocks
