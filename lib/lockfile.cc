#include "lockfile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config.h"
#include "file.h"
#include "strutil.h"

namespace rocks {

std::string DistLockPath(const Config& cfg) {
  return cfg.Get("dist_lock");
}

namespace {

// The PID in the lock at `path`: 0 when the file holds no valid PID (a lock
// being written by a crashed process), -1 when there is no file.
bool ReadHolder(const std::string& path, pid_t* pid, std::string* err) {
  std::string text;
  if (!ReadFile(path, &text, err)) {
    if (!PathExists(path)) {
      *pid = -1;
      return true;
    }
    return false;
  }
  int64_t v = 0;
  *pid = ParseInt(Trim(text), &v) && v > 0 && v <= INT32_MAX
             ? static_cast<pid_t>(v) : 0;
  return true;
}

bool Alive(pid_t pid) {
  if (pid <= 0) return false;
  return kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

LockFile::~LockFile() { Release(); }

bool LockFile::Acquire(const std::string& path, std::string* err) {
  Release();
  std::string tmp = path + "." + std::to_string(getpid()) + ".tmp";
  std::string content = std::to_string(getpid()) + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    // Named by the lock the user configured, not our scratch name.
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = write(fd, content.data(), content.size()) ==
            static_cast<ssize_t>(content.size());
  int saved = errno;
  close(fd);
  if (!ok) {
    unlink(tmp.c_str());
    *err = path + ": " + std::strerror(saved);
    return false;
  }
  // A few rounds: each stale lock removed may race with another taker.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (link(tmp.c_str(), path.c_str()) == 0) {
      unlink(tmp.c_str());
      path_ = path;
      held_ = true;
      return true;
    }
    if (errno != EEXIST) {
      *err = path + ": " + std::strerror(errno);
      unlink(tmp.c_str());
      return false;
    }
    pid_t holder = 0;
    if (!ReadHolder(path, &holder, err)) {
      unlink(tmp.c_str());
      return false;
    }
    if (holder == -1) continue;
    if (Alive(holder)) {
      unlink(tmp.c_str());
      *err = path + ": locked by process " + std::to_string(holder);
      return false;
    }
    // Stale: move it aside under a unique name first, so two processes
    // clearing the same stale lock cannot remove each other's new lock.
    std::string aside = path + "." + std::to_string(getpid()) + ".stale";
    if (rename(path.c_str(), aside.c_str()) == 0) {
      pid_t moved = 0;
      std::string ignored;
      if (ReadHolder(aside, &moved, &ignored) && moved != holder &&
          Alive(moved)) {
        // Someone took the lock between our read and the rename: give it
        // back.
        rename(aside.c_str(), path.c_str());
        unlink(tmp.c_str());
        *err = path + ": locked by process " + std::to_string(moved);
        return false;
      }
      unlink(aside.c_str());
    }
  }
  unlink(tmp.c_str());
  *err = path + ": could not take the lock";
  return false;
}

void LockFile::Release() {
  if (!held_) return;
  pid_t holder = 0;
  std::string ignored;
  if (ReadHolder(path_, &holder, &ignored) && holder == getpid())
    unlink(path_.c_str());
  held_ = false;
}

bool LockHeld(const std::string& path, bool* held, pid_t* holder,
              std::string* err) {
  pid_t pid = 0;
  if (!ReadHolder(path, &pid, err)) return false;
  *held = Alive(pid);
  if (holder) *holder = *held ? pid : 0;
  return true;
}

}  // namespace rocks
