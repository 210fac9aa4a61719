#include "follow.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "strutil.h"

namespace rocks {

namespace {

int64_t NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void SleepMs(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  // A signal cuts the sleep short, which is what a caller stopping on
  // Ctrl-C wants.
  nanosleep(&ts, nullptr);
}

}  // namespace

LogFollower::~LogFollower() {
  if (fd_ >= 0 && !stdin_) close(fd_);
}

bool LogFollower::Open(const std::string& path, bool from_end, std::string* err) {
  path_ = path;
  if (path == "-") {
    stdin_ = true;
    fd_ = 0;
    return true;
  }
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd_ < 0 || fstat(fd_, &st) != 0) {
    *err = ErrnoText(path);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *err = path + ": is a directory";
    return false;
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = from_end && S_ISREG(st.st_mode) ? st.st_size : 0;
  if (offset_ && lseek(fd_, offset_, SEEK_SET) < 0) {
    *err = ErrnoText(path);
    return false;
  }
  return true;
}

void LogFollower::TakeLines(std::vector<LogLine>* lines, bool* got) {
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines->push_back({partial_.substr(start, nl - start), ++line_number_});
    *got = true;
  }
  partial_.erase(0, start);
}

bool LogFollower::ReadAvailable(std::vector<LogLine>* lines, bool* got,
                                std::string* err) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = ErrnoText(path_);
      return false;
    }
    if (n == 0) break;
    offset_ += n;
    partial_.append(buf, static_cast<size_t>(n));
    TakeLines(lines, got);
    if (static_cast<size_t>(n) < sizeof buf && !stdin_) break;
    if (stdin_) break;
  }
  return true;
}

bool LogFollower::CheckRotation(bool* reopened, std::string* err) {
  *reopened = false;
  struct stat st;
  if (fstat(fd_, &st) == 0 && st.st_size < offset_) {
    // Truncated in place (copytruncate): start over.
    if (lseek(fd_, 0, SEEK_SET) < 0) {
      *err = ErrnoText(path_);
      return false;
    }
    offset_ = 0;
    partial_.clear();
    line_number_ = 0;
    *reopened = true;
    return true;
  }
  if (stat(path_.c_str(), &st) != 0) return true;  // rotated away; wait for the new one
  if (st.st_dev == dev_ && st.st_ino == ino_) return true;
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // raced with another rotation; try again later
  if (fstat(fd, &st) != 0) {
    close(fd);
    return true;
  }
  close(fd_);
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  partial_.clear();
  line_number_ = 0;
  *reopened = true;
  return true;
}

bool LogFollower::Read(int timeout_ms, std::vector<LogLine>* lines, bool* eof,
                       std::string* err) {
  *eof = false;
  bool got = false;
  if (stdin_) {
    struct pollfd p = {fd_, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) return true;
    if (r < 0) {
      *err = ErrnoText(path_);
      return false;
    }
    if (r == 0) return true;
    char buf[65536];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n < 0) {
      *err = ErrnoText(path_);
      return false;
    }
    if (n == 0) {
      *eof = true;
      if (!partial_.empty()) lines->push_back({partial_, ++line_number_});
      partial_.clear();
      return true;
    }
    partial_.append(buf, static_cast<size_t>(n));
    TakeLines(lines, &got);
    return true;
  }
  int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    if (!ReadAvailable(lines, &got, err)) return false;
    bool reopened = false;
    if (!CheckRotation(&reopened, err)) return false;
    if (reopened) {
      if (!ReadAvailable(lines, &got, err)) return false;
    }
    int64_t left = deadline - NowMs();
    if (got || left <= 0) return true;
    SleepMs(static_cast<int>(left < 50 ? left : 50));
  }
}

}  // namespace rocks
