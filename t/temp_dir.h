// A temporary directory for one GoogleTest fixture, the one way the tests
// make and remove theirs.
#ifndef ROCKS_T_TEMP_DIR_H_
#define ROCKS_T_TEMP_DIR_H_

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace rocks::test {

/// A new directory under $TMPDIR (or /tmp) named rocks-WHAT.XXXXXX; ""
/// on failure.
inline std::string MakeTempDir(const char* what) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/rocks-" + what + ".XXXXXX";
  if (!mkdtemp(tmpl.data())) return "";
  return tmpl;
}

/// Owns a directory MakeTempDir made: it goes, with everything in it,
/// when the fixture does.
class ScopedTempDir {
 public:
  ScopedTempDir() = default;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }

  /// Makes the directory; false, with error(), when it cannot.
  bool Make(const char* what) {
    path_ = MakeTempDir(what);
    if (path_.empty()) error_ = std::string("mkdtemp: ") + std::strerror(errno);
    return !path_.empty();
  }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  std::string error_;
};

}  // namespace rocks::test

#endif  // ROCKS_T_TEMP_DIR_H_
