// Following a growing log the way `tail -F` does: a file read from its end
// (or its start), across rotation (the name now points at a new file) and
// truncation (the file shrank), or a pipe on standard input until it ends.
#ifndef ROCKS_LIB_FOLLOW_H_
#define ROCKS_LIB_FOLLOW_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rocks {

/// One line of the log and where it was.
struct LogLine {
  std::string text;    ///< without its newline
  int64_t number = 0;  ///< 1 for the first line read (again 1 after rotation)
};

class LogFollower {
 public:
  LogFollower() = default;
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  /// Opens `path`, or standard input for "-". A file is read from its
  /// current end when `from_end` is set; standard input always from where
  /// it stands. A file that does not exist yet is an error.
  bool Open(const std::string& path, bool from_end, std::string* err);

  /// Appends the complete lines that arrived to `lines`, waiting up to `timeout_ms` when there are none. `eof` is set
  /// when standard input has ended (its last unterminated line is then
  /// returned too); a file never ends. A file that rotated is read to its
  /// end before the new one is opened from its start; a file that was
  /// truncated is read again from its start; one that is missing for a
  /// while is waited for.
  bool Read(int timeout_ms, std::vector<LogLine>* lines, bool* eof,
            std::string* err);

  /// "-" or the path, for messages.
  const std::string& name() const { return path_; }

 private:
  bool ReadAvailable(std::vector<LogLine>* lines, bool* got, std::string* err);
  bool CheckRotation(bool* reopened, std::string* err);
  void TakeLines(std::vector<LogLine>* lines, bool* got);

  std::string path_;
  int fd_ = -1;
  bool stdin_ = false;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  int64_t line_number_ = 0;
  std::string partial_;
};

}  // namespace rocks

#endif  // ROCKS_LIB_FOLLOW_H_
