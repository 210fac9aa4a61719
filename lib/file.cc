#include "file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "strutil.h"

namespace rocks {

bool ReadFile(const std::string& path, std::string* content, std::string* err) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = ErrnoText(path);
    return false;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = ErrnoText(path);
      close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  *content = std::move(out);
  return true;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool WriteTarget(const std::string& path, std::string* target, std::string* err) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
      *target = p;
      return true;
    }
    std::vector<char> buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
    ssize_t n = readlink(p.c_str(), buf.data(), buf.size());
    if (n < 0) {
      *err = ErrnoText(path);
      return false;
    }
    std::string link(buf.data(), static_cast<size_t>(n));
    p = !link.empty() && link[0] == '/' ? link : DirName(p) + "/" + link;
  }
  errno = ELOOP;
  *err = ErrnoText(path);
  return false;
}

bool StageFile(const std::string& path, const std::string& target,
               std::string_view content, mode_t mode, bool sync, std::string* tmp,
               std::string* err) {
  struct stat st;
  bool exists = stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  std::string tmpl = DirName(target) + "/." + BaseName(target) + ".XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    *err = ErrnoText(path);
    return false;
  }
  *tmp = name.data();
  // Owner before mode: fchown may clear the set-id bits. Only root can
  // give a file away; another writer (kickstart.cgi as the web server's
  // user replacing a boot file root wrote) keeps the new file as its own.
  bool ok = WriteAll(fd, content) &&
            (!exists || fchown(fd, st.st_uid, st.st_gid) == 0 ||
             (errno == EPERM && geteuid() != 0)) &&
            fchmod(fd, exists ? st.st_mode & 07777 : mode) == 0 && (!sync || fsync(fd) == 0);
  int saved = errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    unlink(tmp->c_str());
    tmp->clear();
    *err = ErrnoText(path, saved);
    return false;
  }
  return true;
}

bool WriteFileAtomic(const std::string& path, std::string_view content,
                     bool* changed, std::string* err, mode_t mode) {
  if (changed) *changed = false;
  std::string old, ignored;
  if (ReadFile(path, &old, &ignored) && old == content) return true;

  std::string target, tmp;
  if (!WriteTarget(path, &target, err) ||
      !StageFile(path, target, content, mode, true, &tmp, err))
    return false;
  if (rename(tmp.c_str(), target.c_str()) != 0) {
    int saved = errno;
    unlink(tmp.c_str());
    *err = ErrnoText(path, saved);
    return false;
  }
  // The rename is durable only once the directory entry is on disk.
  int dfd = open(DirName(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  if (changed) *changed = true;
  return true;
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool MakeDirs(const std::string& path, std::string* err) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    *err = path + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace rocks
