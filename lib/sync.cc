#include "sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>

#include "boot.h"
#include "config.h"
#include "file.h"
#include "process.h"
#include "report.h"
#include "strutil.h"
#include "syncconf.h"

extern char** environ;
#ifndef ROCKS_SYSCONFDIR
#define ROCKS_SYSCONFDIR "/etc"
#endif

namespace rocks {
namespace {

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

// A named temporary file holding `content`, removed when this goes away.
class TempFile {
 public:
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  bool Create(const std::string& base, const std::string& content,
              std::string* err) {
    std::string tmpl = TempDir() + "/rocks-sync-" + base + ".XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
      *err = ErrnoText(tmpl);
      return false;
    }
    path_ = name.data();
    if (!WriteAll(fd, content)) {
      *err = ErrnoText(path_);
      close(fd);
      return false;
    }
    if (close(fd) != 0) {
      *err = ErrnoText(path_);
      return false;
    }
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
  return s;
}

// Child output as log lines, indented to set them apart from our own.
std::string Indent(const std::string& output) {
  std::string out;
  for (const std::string& line : Split(output, '\n'))
    if (!Trim(line).empty()) out += "  " + line + "\n";
  return out;
}

std::string StatusText(int status) {
  if (status > 128) return "was killed by signal " + std::to_string(status - 128);
  return "exited with status " + std::to_string(status);
}

// What `diff -u` prints for a file that is all new (or all gone), without
// a process per file: a first dry run over 10,000 nodes has 20,000 new
// PXE files.
std::string WholeFileDiff(const std::string& from, const std::string& to,
                          const std::string& content, bool added) {
  if (content.empty()) return "";
  std::vector<std::string> lines = Split(content, '\n');
  bool newline_at_end = content.back() == '\n';
  if (newline_at_end) lines.pop_back();
  std::string range = lines.size() == 1 ? "1" : "1," + std::to_string(lines.size());
  std::string out = "--- " + from + "\n+++ " + to + "\n@@ " +
                    (added ? "-0,0 +" + range : "-" + range + " +0,0") + " @@\n";
  for (const std::string& line : lines) out += (added ? "+" : "-") + line + "\n";
  if (!newline_at_end) out += "\\ No newline at end of file\n";
  return out;
}

// The unified diff from the file at `path` (or nothing) to `content` (or,
// when `removed`, to nothing).
bool Diff(const std::string& path, bool exists, const std::string& content,
          bool removed, std::string* out, std::string* err) {
  if (!exists) {
    *out += WholeFileDiff("/dev/null", path, content, true);
    return true;
  }
  if (removed) {
    std::string old;
    if (!ReadFile(path, &old, err)) return false;
    *out += WholeFileDiff(path, "/dev/null", old, false);
    return true;
  }
  TempFile tmp;
  if (!tmp.Create(BaseName(path), content, err)) return false;
  ProcessResult r;
  if (!RunProcess({{"diff", "-u", "--label", path, "--label", path, path, tmp.path()}},
                  &r, err))
    return false;
  if (r.status > 1) {
    *err = path + ": diff " + StatusText(r.status) + ": " + Trim(r.output);
    return false;
  }
  *out += r.output;
  return true;
}

struct SyncState {
  Database* db;
  const SyncOptions* options;
  const Config* cfg;
  ReportContext ctx;
  std::string* out;
  std::string* log;
  std::vector<std::string> failures;
};

bool RunShell(const std::string& command, ProcessResult* r, std::string* err) {
  return RunProcess({{"/bin/sh", "-c", command}}, r, err);
}

void Reload(SyncState* s, const SyncEntry& e) {
  if (e.reload.empty() || s->options->dry_run || !s->options->reload) return;
  ProcessResult r;
  std::string err;
  if (!RunShell(e.reload, &r, &err)) {
    s->failures.push_back(e.output + ": reload failed: " + err);
    return;
  }
  if (r.status != 0) {
    std::string why = e.output + ": reload failed: '" + e.reload + "' " + StatusText(r.status);
    *s->log += Indent(r.output);
    s->failures.push_back(why);
    return;
  }
  *s->log += e.output + ": reloaded: " + e.reload + "\n";
}

// The TFTP root: the boot loaders and the installer, then every host's
// boot files (lib/boot.h). A missing loader or installer image writes
// nothing at all.
void SyncPxe(SyncState* s, const SyncEntry& e) {
  std::string err, dist_root;
  std::vector<BootImage> images;
  if (!DistRootFromConfig(*s->cfg, &dist_root, &err) ||
      !FindBootImages(s->cfg->Get(kConfBootSysroot), dist_root, &images, &err)) {
    s->failures.push_back(e.output + ": " + err);
    return;
  }
  struct stat st;
  if (stat(e.output.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    s->failures.push_back(e.output + ": not a directory");
    return;
  }
  if (s->options->dry_run) {
    BootFiles files;
    if (!BootFilesFromDb(s->db, &files, &err)) {
      s->failures.push_back(e.output + ": " + err);
      return;
    }
    size_t changes = 0;
    for (const BootImage& image : images) {
      std::string old, ignored, content;
      if (ReadFile(e.output + "/" + image.name, &old, &ignored) &&
          ReadFile(image.source, &content, &ignored) && old == content)
        continue;
      ++changes;
      *s->out += e.output + "/" + image.name + ": would be copied from " + image.source + "\n";
    }
    for (const auto& [name, content] : files) {
      std::string path = e.output + "/" + name, old, ignored;
      bool exists = ReadFile(path, &old, &ignored);
      if (exists && old == content) continue;
      ++changes;
      if (!Diff(path, exists, content, false, s->out, &err)) {
        s->failures.push_back(err);
        return;
      }
    }
    // Stale host files: a real run removes them.
    std::vector<std::string> stale;
    for (const char* sub : {"pxelinux.cfg", "grub", "ipxe"}) {
      if (DIR* d = opendir((e.output + "/" + sub).c_str())) {
        while (struct dirent* de = readdir(d)) {
          std::string name = std::string(sub) + "/" + de->d_name;
          if (IsHostBootFile(name) && !files.count(name)) stale.push_back(name);
        }
        closedir(d);
      }
    }
    std::sort(stale.begin(), stale.end());
    for (const std::string& name : stale) {
      ++changes;
      if (!Diff(e.output + "/" + name, true, "", true, s->out, &err)) {
        s->failures.push_back(err);
        return;
      }
    }
    *s->log += e.output + (changes ? ": would be written\n" : ": unchanged\n");
    return;
  }
  BootWrite done;
  if (!SyncBootTree(s->db, e.output, &images, &done, &err)) {
    s->failures.push_back(e.output + ": " + err);
    return;
  }
  if (done.written.empty() && done.removed.empty()) {
    *s->log += e.output + ": unchanged\n";
    return;
  }
  *s->log += e.output + ": " + std::to_string(done.written.size()) + " written, " +
             std::to_string(done.removed.size()) + " removed\n";
  Reload(s, e);
}

void SyncFile(SyncState* s, const SyncEntry& e) {
  std::string old, err;
  bool exists = ReadFile(e.output, &old, &err);
  if (!exists && PathExists(e.output)) {
    s->failures.push_back(err);
    return;
  }
  ReportContext ctx = s->ctx;
  ctx.previous = exists ? old : "";
  std::string content;
  if (!RunReport(s->db, ctx, e.report, e.args, &content, &err)) {
    std::string why = e.output + ": " + err;
    s->failures.push_back(why);
    return;
  }
  if (exists && old == content) {
    *s->log += e.output + ": unchanged\n";
    return;
  }
  if (!e.validate.empty()) {
    TempFile tmp;
    std::string command;
    ProcessResult r;
    if (!tmp.Create(BaseName(e.output), content, &err) ||
        !ExpandValidate(e.validate, tmp.path(), &command, &err) ||
        !RunShell(command, &r, &err)) {
      std::string why = e.output + ": " + err;
      s->failures.push_back(why);
      return;
    }
    if (r.status != 0) {
      // The checker names the temporary file; the reader knows the real one.
      std::string output = ReplaceAll(r.output, tmp.path(), e.output);
      std::string why = e.output + ": validation failed: '" + e.validate + "' " +
                        StatusText(r.status);
      *s->log += Indent(output);
      s->failures.push_back(why);
      return;
    }
  }
  if (s->options->dry_run) {
    if (!Diff(e.output, exists, content, false, s->out, &err)) {
      s->failures.push_back(err);
      return;
    }
    *s->log += e.output + ": would be written\n";
    return;
  }
  bool changed = false;
  if (!WriteFileAtomic(e.output, content, &changed, &err)) {
    s->failures.push_back(err);
    return;
  }
  *s->log += e.output + (changed ? ": written\n" : ": unchanged\n");
  if (changed) Reload(s, e);
}

}  // namespace

namespace {

// `dns *` and `dns-reverse *` become one entry per zone DNS serves.
bool ExpandZoneEntries(Database* db, std::vector<SyncEntry>* entries, std::string* err) {
  std::vector<ServedZone> zones;
  bool listed = false;
  std::vector<SyncEntry> out;
  for (SyncEntry& e : *entries) {
    if (!e.each_zone) {
      out.push_back(std::move(e));
      continue;
    }
    if (!listed && !ServedZones(db, &zones, err)) return false;
    listed = true;
    for (const ServedZone& z : zones) {
      if (z.report != e.report) continue;
      SyncEntry one = e;
      one.each_zone = false;
      one.args = {z.network};
      one.output = ExpandZone(e.output, z.zone);
      one.validate = ExpandZone(e.validate, z.zone);
      one.reload = ExpandZone(e.reload, z.zone);
      out.push_back(std::move(one));
    }
  }
  *entries = std::move(out);
  return true;
}

}  // namespace

bool SyncConfig(Database* db, const Config& cfg, const SyncOptions& options,
                std::string* out, std::string* log, std::string* err) {
  std::string path = SyncConfPath(cfg);
  int lock = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (lock < 0) {
    *err = ErrnoText(path);
    return false;
  }
  // One sync at a time: two at once could give two different zones the
  // same serial.
  while (flock(lock, LOCK_EX) != 0) {
    if (errno != EINTR) {
      *err = ErrnoText(path);
      close(lock);
      return false;
    }
  }
  std::string text;
  std::vector<SyncEntry> entries;
  SyncState s{db, &options, &cfg, {}, out, log, {}};
  bool ok = ReadFile(path, &text, err) && ParseSyncConf(text, path, &entries, err) &&
            LoadReportContext(cfg, &s.ctx, err);
  if (ok) ok = ExpandZoneEntries(db, &entries, err);
  if (ok) {
    for (const SyncEntry& e : entries) {
      if (e.writes_dir)
        SyncPxe(&s, e);
      else
        SyncFile(&s, e);
    }
    if (!s.failures.empty()) {
      *err = Join(s.failures, "; ");
      ok = false;
    }
  }
  close(lock);
  return ok;
}

}  // namespace rocks
