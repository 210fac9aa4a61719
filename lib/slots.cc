#include "slots.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "strutil.h"

namespace rocks {

SlotLock::~SlotLock() {
  if (fd_ >= 0) close(fd_);
}

bool SlotLock::TryAcquire(const std::string& dir, int slots, bool* got,
                          std::string* err) {
  *got = false;
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *err = ErrnoText(dir);
    return false;
  }
  for (int i = 0; i < slots; ++i) {
    std::string path = dir + "/slot." + std::to_string(i);
    // flock needs no write access: a slot root made stays usable by the
    // web server's user.
    int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      *err = ErrnoText(path);
      return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fd_ = fd;
      *got = true;
      return true;
    }
    int e = errno;
    close(fd);
    if (e != EWOULDBLOCK) {
      *err = ErrnoText(path, e);
      return false;
    }
  }
  return true;
}

int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace rocks
