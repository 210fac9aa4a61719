#include "batch_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "file.h"
#include "strutil.h"

namespace rocks {

BatchWriter::~BatchWriter() {
  for (const Staged& s : staged_) unlink(s.tmp.c_str());
}

bool BatchWriter::Add(const std::string& path, std::string_view content,
                      bool* changed, std::string* err) {
  *changed = false;
  std::string old, ignored;
  if (ReadFile(path, &old, &ignored) && old == content) return true;
  std::string target, tmp;
  if (!WriteTarget(path, &target, err) ||
      !StageFile(path, target, content, 0644, false, &tmp, err))
    return false;
  staged_.push_back({tmp, path, target});
  *changed = true;
  return true;
}

bool BatchWriter::Commit(std::string* err) {
  if (staged_.empty()) return true;
  int fd = open(DirName(staged_[0].path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || syncfs(fd) != 0) {
    *err = ErrnoText(DirName(staged_[0].path));
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  std::set<std::string> dirs;
  bool ok = true;
  size_t done = 0;
  for (; done < staged_.size(); ++done) {
    const Staged& s = staged_[done];
    if (rename(s.tmp.c_str(), s.target.c_str()) != 0) {
      *err = ErrnoText(s.path);
      ok = false;
      break;
    }
    dirs.insert(DirName(s.target));
  }
  staged_.erase(staged_.begin(), staged_.begin() + static_cast<long>(done));
  for (const std::string& d : dirs) {
    int dfd = open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
      if (ok) *err = ErrnoText(d);
      ok = false;
    }
    if (dfd >= 0) close(dfd);
  }
  return ok;
}

}  // namespace rocks
