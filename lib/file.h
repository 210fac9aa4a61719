// Reading files, and writing them atomically.
#ifndef ROCKS_LIB_FILE_H_
#define ROCKS_LIB_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

namespace rocks {

/// Reads a whole file. On failure `err` is "PATH: strerror".
bool ReadFile(const std::string& path, std::string* content, std::string* err);

/// Whether `path` exists (any kind of file).
bool PathExists(const std::string& path);

/// Replaces `path` with `content` so that a reader, or a crash at any
/// moment, sees either the old file or the whole new one: a temporary file
/// in the same directory is written, fsynced and renamed over `path`, and
/// the directory is fsynced. Nothing is written when the file already holds
/// exactly `content`; `changed` (may be null) tells which happened.
/// A file that exists keeps its mode and owner; a new one gets `mode`.
/// When `path` is a symbolic link, the file it points to is replaced and
/// the link is kept (see WriteTarget).
bool WriteFileAtomic(const std::string& path, std::string_view content,
                     bool* changed, std::string* err, mode_t mode = 0644);

/// The file that writing `path` replaces: `path` itself or, when it is a
/// symbolic link (or a chain of them), the file the last link names, which
/// need not exist yet. Errors are named by `path`.
bool WriteTarget(const std::string& path, std::string* target, std::string* err);

/// Writes `content` into a new temporary file beside `target`, with the
/// mode and owner of `target` when it exists (else `mode`), fsynced when
/// `sync`; `tmp` gets its name. The caller renames it over `target` or
/// removes it. Errors are named by `path`, the name the caller was given.
bool StageFile(const std::string& path, const std::string& target,
               std::string_view content, mode_t mode, bool sync, std::string* tmp,
               std::string* err);

/// Writes all of `data` to `fd`, through short writes and EINTR; false
/// with errno set on failure.
bool WriteAll(int fd, std::string_view data);

/// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);

/// The final component of `path`.
std::string BaseName(const std::string& path);

/// `path` made absolute and lexically normal, without a trailing '/';
/// `path` itself when the current directory cannot be had.
std::string AbsolutePath(const std::string& path);

/// Creates the directory `path` and its missing parents. On failure `err`
/// is "PATH: reason".
bool MakeDirs(const std::string& path, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_FILE_H_
