#include "iso.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "file.h"
#include "strutil.h"

namespace rocks {

namespace {

std::string ArchiveError(const std::string& what, struct archive* a) {
  const char* msg = archive_error_string(a);
  return what + ": " + (msg ? msg : "archive error");
}

bool MakeParents(const std::string& path, std::string* err) {
  std::error_code ec;
  std::filesystem::create_directories(DirName(path), ec);
  if (ec) {
    *err = DirName(path) + ": " + ec.message();
    return false;
  }
  return true;
}

// An ISO9660 image says in its primary volume descriptor how many blocks
// it has; libarchive reads a cut image as far as it goes without noticing
// what is missing, so an image shorter than that is refused here.
bool CheckIsoLength(const std::string& image, std::string* err) {
  int fd = open(image.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // libarchive says why
  unsigned char pvd[136];
  ssize_t n = pread(fd, pvd, sizeof pvd, 16 * 2048);
  struct stat st;
  bool have_stat = fstat(fd, &st) == 0;
  close(fd);
  if (n != static_cast<ssize_t>(sizeof pvd) || !have_stat || pvd[0] != 1 ||
      std::memcmp(pvd + 1, "CD001", 5) != 0)
    return true;  // not ISO9660 (or too short to tell): libarchive decides
  uint64_t blocks = pvd[80] | (pvd[81] << 8) | (pvd[82] << 16) |
                    (static_cast<uint64_t>(pvd[83]) << 24);
  uint64_t block_size = pvd[128] | (pvd[129] << 8);
  uint64_t want = blocks * block_size;
  if (static_cast<uint64_t>(st.st_size) < want) {
    *err = image + ": truncated image (" + std::to_string(st.st_size) +
           " bytes of the " + std::to_string(want) + " its volume descriptor gives)";
    return false;
  }
  return true;
}

}  // namespace

bool ReadImage(const std::string& image,
               const std::function<bool(const ImageMember&, const ImageReader&,
                                        std::string* err)>& visit,
               std::string* err) {
  if (!CheckIsoLength(image, err)) return false;
  struct archive* a = archive_read_new();
  archive_read_support_format_all(a);
  archive_read_support_filter_all(a);
  if (archive_read_open_filename(a, image.c_str(), 1 << 20) != ARCHIVE_OK) {
    *err = ArchiveError(image, a);
    archive_read_free(a);
    return false;
  }
  bool ok = true;
  struct archive_entry* entry;
  for (;;) {
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      *err = ArchiveError(image, a);
      ok = false;
      break;
    }
    ImageMember m;
    m.path = archive_entry_pathname(entry);
    while (m.path.rfind("./", 0) == 0) m.path.erase(0, 2);
    if (m.path.empty() || m.path == ".") continue;
    m.regular = archive_entry_filetype(entry) == AE_IFREG;
    m.size = archive_entry_size(entry);
    m.mtime = archive_entry_mtime(entry);
    bool read_failed = false;
    std::string read_err;
    ImageReader read = [&](void* buf, size_t n) -> ssize_t {
      la_ssize_t got = archive_read_data(a, buf, n);
      if (got < 0) {
        read_failed = true;
        read_err = ArchiveError(image + ": " + m.path, a);
        return -1;
      }
      return static_cast<ssize_t>(got);
    };
    bool visited = visit(m, read, err);
    if (read_failed) *err = read_err;
    if (!visited || read_failed) {
      ok = false;
      break;
    }
  }
  archive_read_free(a);
  return ok;
}

bool ExtractImage(const std::string& image,
                  const std::function<std::string(const std::string&)>& dest_for,
                  std::vector<std::string>* members, std::string* err) {
  auto extract = [&](const ImageMember& m, const ImageReader& read,
                     std::string* err) {
    if (members) members->push_back(m.path);
    if (!m.regular) return true;
    std::string dest = dest_for(m.path);
    if (dest.empty()) return true;
    if (!MakeParents(dest, err)) return false;
    int fd = open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      *err = ErrnoText(dest);
      return false;
    }
    char buf[1 << 16];
    for (;;) {
      ssize_t n = read(buf, sizeof buf);
      if (n < 0) {
        close(fd);
        return false;
      }
      if (n == 0) break;
      if (!WriteAll(fd, std::string_view(buf, static_cast<size_t>(n)))) {
        *err = ErrnoText(dest);
        close(fd);
        return false;
      }
    }
    if (close(fd) != 0) {
      *err = ErrnoText(dest);
      return false;
    }
    struct timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
    utimensat(AT_FDCWD, dest.c_str(), times, 0);
    return true;
  };
  return ReadImage(image, extract, err);
}

namespace {

struct IsoWriter {
  struct archive* a;
  std::string root;
  const std::vector<std::string>* exclude;
  std::string* err;

  bool AddFile(const std::string& rel, const struct stat& st) {
    std::string path = root + "/" + rel;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *err = ErrnoText(path);
      return false;
    }
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, rel.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, st.st_mode & 07777);
    archive_entry_set_size(e, st.st_size);
    archive_entry_set_mtime(e, st.st_mtime, 0);
    bool ok = archive_write_header(a, e) == ARCHIVE_OK;
    archive_entry_free(e);
    if (!ok) {
      *err = ArchiveError(path, a);
      close(fd);
      return false;
    }
    char buf[1 << 16];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *err = ErrnoText(path);
        close(fd);
        return false;
      }
      if (n == 0) break;
      if (archive_write_data(a, buf, static_cast<size_t>(n)) != n) {
        *err = ArchiveError(path, a);
        close(fd);
        return false;
      }
    }
    close(fd);
    return true;
  }

  bool AddDir(const std::string& rel) {
    std::string path = rel.empty() ? root : root + "/" + rel;
    DIR* d = opendir(path.c_str());
    if (!d) {
      *err = ErrnoText(path);
      return false;
    }
    std::vector<std::string> names;
    while (struct dirent* de = readdir(d)) {
      std::string n = de->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      std::string child = rel.empty() ? n : rel + "/" + n;
      if (std::find(exclude->begin(), exclude->end(), child) != exclude->end())
        continue;
      struct stat st;
      if (stat((root + "/" + child).c_str(), &st) != 0) {
        *err = ErrnoText(root + "/" + child);
        return false;
      }
      if (S_ISDIR(st.st_mode)) {
        struct archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, child.c_str());
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        archive_entry_set_mtime(e, st.st_mtime, 0);
        bool ok = archive_write_header(a, e) == ARCHIVE_OK;
        archive_entry_free(e);
        if (!ok) {
          *err = ArchiveError(root + "/" + child, a);
          return false;
        }
        if (!AddDir(child)) return false;
      } else if (S_ISREG(st.st_mode)) {
        if (!AddFile(child, st)) return false;
      }
    }
    return true;
  }
};

}  // namespace

namespace {

// Writes the archive that `configure` sets the format of, of the directory
// `dir`, to a temporary file beside `out`, renamed into place when whole.
bool WriteTree(const std::string& dir, const std::string& out,
               const std::function<bool(struct archive*)>& configure,
               const std::vector<std::string>& exclude, std::string* err) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    *err = ErrnoText(dir);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *err = dir + ": not a directory";
    return false;
  }
  std::string tmp = DirName(out) + "/." + BaseName(out) + "." +
                    std::to_string(getpid()) + ".tmp";
  struct archive* a = archive_write_new();
  if (!configure(a)) {
    *err = ArchiveError(out, a);
    archive_write_free(a);
    return false;
  }
  if (archive_write_open_filename(a, tmp.c_str()) != ARCHIVE_OK) {
    *err = ArchiveError(out, a);
    archive_write_free(a);
    return false;
  }
  IsoWriter w{a, dir, &exclude, err};
  bool ok = w.AddDir("");
  if (archive_write_close(a) != ARCHIVE_OK && ok) {
    *err = ArchiveError(out, a);
    ok = false;
  }
  archive_write_free(a);
  if (ok && rename(tmp.c_str(), out.c_str()) != 0) {
    *err = ErrnoText(out);
    ok = false;
  }
  if (!ok) unlink(tmp.c_str());
  return ok;
}

}  // namespace

bool WriteIsoImage(const std::string& dir, const std::string& out,
                   const std::string& volume_id,
                   const std::vector<std::string>& exclude, std::string* err) {
  bool label_ok = !volume_id.empty() && volume_id.size() <= 32;
  for (char c : volume_id)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      label_ok = false;
  if (!label_ok) {
    *err = "volume label '" + volume_id +
           "': expected 1 to 32 characters of A-Z, 0-9 and _";
    return false;
  }
  return WriteTree(dir, out, [&](struct archive* a) {
    return archive_write_set_format_iso9660(a) == ARCHIVE_OK &&
           archive_write_set_format_option(a, "iso9660", "volume-id",
                                           volume_id.c_str()) == ARCHIVE_OK &&
           archive_write_set_format_option(a, "iso9660", "rockridge", "1") == ARCHIVE_OK &&
           archive_write_set_format_option(a, "iso9660", "joliet", "1") == ARCHIVE_OK;
  }, exclude, err);
}

bool WriteTarXz(const std::string& dir, const std::string& out, std::string* err) {
  return WriteTree(dir, out, [](struct archive* a) {
    return archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
           archive_write_add_filter_xz(a) == ARCHIVE_OK;
  }, {}, err);
}

}  // namespace rocks
