#include "distbuild.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "file.h"
#include "iso.h"
#include "repodata.h"
#include "strutil.h"

#ifndef ROCKS_DATADIR
#define ROCKS_DATADIR "/usr/share/rocks"
#endif

namespace rocks {

const char kDistStateDir[] = ".rocks-dist";

namespace fs = std::filesystem;

namespace {

int KindRank(SourceKind k) { return static_cast<int>(k); }

// ---- the header cache ------------------------------------------------------

// Keyed by the file's path, size and modification time: a file that keeps
// all three is taken to be the same package.
struct CacheEntry {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string error;
  RpmMetadata md;
};

using HeaderCache = std::unordered_map<std::string, CacheEntry>;

const char kCacheMagic[] = "rocks-dist header cache 1\n";

void PutField(std::string* out, const std::string& s) {
  out->append(std::to_string(s.size()));
  out->push_back(':');
  out->append(s);
}

bool GetField(const std::string& in, size_t* pos, std::string* s) {
  size_t colon = in.find(':', *pos);
  if (colon == std::string::npos || colon == *pos || colon - *pos > 12)
    return false;
  size_t n = 0;
  for (size_t i = *pos; i < colon; ++i) {
    if (in[i] < '0' || in[i] > '9') return false;
    n = n * 10 + static_cast<size_t>(in[i] - '0');
  }
  if (colon + 1 + n > in.size()) return false;
  s->assign(in, colon + 1, n);
  *pos = colon + 1 + n;
  return true;
}

std::string SerializeCache(const HeaderCache& cache) {
  std::vector<const std::string*> keys;
  for (const auto& [k, v] : cache) keys.push_back(&k);
  std::sort(keys.begin(), keys.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  std::string out = kCacheMagic;
  for (const std::string* k : keys) {
    const CacheEntry& e = cache.at(*k);
    const RpmInfo& i = e.md.info;
    PutField(&out, *k);
    PutField(&out, std::to_string(e.size));
    PutField(&out, std::to_string(e.mtime_ns));
    PutField(&out, e.error);
    PutField(&out, i.name);
    PutField(&out, i.has_epoch ? std::to_string(i.epoch) : "");
    PutField(&out, i.version);
    PutField(&out, i.release);
    PutField(&out, i.arch);
    PutField(&out, i.source ? "1" : "0");
    PutField(&out, e.md.primary);
    PutField(&out, e.md.filelists);
    PutField(&out, e.md.other);
  }
  return out;
}

// A damaged cache is only a slower build: whatever cannot be parsed is
// dropped and read again from the packages.
HeaderCache ParseCache(const std::string& in) {
  HeaderCache cache;
  if (!StartsWith(in, kCacheMagic)) return cache;
  size_t pos = sizeof kCacheMagic - 1;
  while (pos < in.size()) {
    std::string f[13];
    for (std::string& s : f)
      if (!GetField(in, &pos, &s)) return cache;
    CacheEntry e;
    int64_t v = 0;
    if (!ParseInt(f[1], &e.size) || !ParseInt(f[2], &e.mtime_ns)) return cache;
    e.error = f[3];
    e.md.info.name = f[4];
    e.md.info.has_epoch = !f[5].empty();
    if (e.md.info.has_epoch) {
      if (!ParseInt(f[5], &v)) return cache;
      e.md.info.epoch = static_cast<uint32_t>(v);
    }
    e.md.info.version = f[6];
    e.md.info.release = f[7];
    e.md.info.arch = f[8];
    e.md.info.source = f[9] == "1";
    e.md.primary = std::move(f[10]);
    e.md.filelists = std::move(f[11]);
    e.md.other = std::move(f[12]);
    cache[f[0]] = std::move(e);
  }
  return cache;
}

// ---- the manifest: the winners of the last build ---------------------------

std::string FormatManifest(const std::vector<RpmInfo>& packages) {
  std::string out;
  for (const RpmInfo& i : packages) {
    out += i.name + "\t" + i.arch + "\t" +
           (i.has_epoch ? std::to_string(i.epoch) : "") + "\t" + i.version +
           "\t" + i.release + "\n";
  }
  return out;
}

std::vector<RpmInfo> ParseManifest(const std::string& text) {
  std::vector<RpmInfo> out;
  for (const std::string& line : Split(text, '\n')) {
    std::vector<std::string> f = Split(line, '\t');
    if (f.size() != 5) continue;
    RpmInfo i;
    i.name = f[0];
    i.arch = f[1];
    i.source = i.arch == "src";
    int64_t v = 0;
    i.has_epoch = !f[2].empty() && ParseInt(f[2], &v);
    i.epoch = i.has_epoch ? static_cast<uint32_t>(v) : 0;
    i.version = f[3];
    i.release = f[4];
    out.push_back(i);
  }
  return out;
}

// ---- scanning sources ------------------------------------------------------

struct ScanState {
  std::vector<DistCandidate> candidates;
  std::vector<std::string> comps;
  /// Profile trees found in rolls (their build/ directories).
  std::vector<std::string> roll_profiles;
  std::string images;
  /// Directories already scanned, by device and inode: a symlink loop, or
  /// two links to one directory, is read once.
  std::set<std::pair<dev_t, ino_t>> seen_dirs;
};

bool IsCompsName(const std::string& name) {
  return name == "comps.xml" ||
         (name.find("comps") != std::string::npos && EndsWith(name, ".xml"));
}

bool ListDir(const std::string& dir, std::vector<std::string>* names,
             std::string* err) {
  DIR* d = opendir(dir.c_str());
  if (!d) {
    *err = ErrnoText(dir);
    return false;
  }
  while (struct dirent* de = readdir(d)) {
    std::string n = de->d_name;
    if (n != "." && n != "..") names->push_back(n);
  }
  closedir(d);
  std::sort(names->begin(), names->end());
  return true;
}

bool ScanDir(const std::string& dir, SourceKind kind, bool top,
             ScanState* state, std::string* err) {
  struct stat dst;
  if (stat(dir.c_str(), &dst) != 0) {
    *err = ErrnoText(dir);
    return false;
  }
  if (!state->seen_dirs.insert({dst.st_dev, dst.st_ino}).second) return true;
  std::vector<std::string> names;
  if (!ListDir(dir, &names, err)) return false;
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;  // a dangling link
    if (S_ISDIR(st.st_mode)) {
      if (kind == SourceKind::kRoll && n == "build") {
        state->roll_profiles.push_back(path);
        continue;
      }
      if (top && n == "images" && kind == SourceKind::kOs &&
          state->images.empty()) {
        state->images = path;
        continue;
      }
      if (!ScanDir(path, kind, false, state, err)) return false;
    } else if (S_ISREG(st.st_mode)) {
      if (EndsWith(n, ".rpm")) {
        DistCandidate c;
        c.kind = kind;
        c.path = path;
        c.key = path;
        state->candidates.push_back(std::move(c));
      } else if (IsCompsName(n)) {
        state->comps.push_back(path);
      }
    }
  }
  return true;
}

// A roll image is unpacked into the new tree: its packages must outlive the
// image being read, and a build must not depend on mounting anything.
bool ScanImage(const std::string& image, const std::string& staging,
               ScanState* state, std::string* err) {
  std::vector<std::string> rpms;
  std::vector<std::string> profile_dirs;
  auto dest_for = [&](const std::string& member) -> std::string {
    std::string base = BaseName(member);
    std::vector<std::string> parts = Split(member, '/');
    bool in_build = std::find(parts.begin(), parts.end() - 1, "build") !=
                    parts.end() - 1;
    if (EndsWith(base, ".rpm") && !in_build) {
      rpms.push_back(member);
      return staging + "/" + member;
    }
    if (in_build || IsCompsName(base)) return staging + "/" + member;
    return "";
  };
  if (!ExtractImage(image, dest_for, nullptr, err)) return false;
  for (const std::string& member : rpms) {
    DistCandidate c;
    c.kind = SourceKind::kRoll;
    c.path = staging + "/" + member;
    c.key = image + "!" + member;
    c.extracted = true;
    state->candidates.push_back(std::move(c));
  }
  // Comps files and build/ trees from the image, found on disk now.
  std::error_code ec;
  if (fs::is_directory(staging, ec)) {
    std::vector<std::string> builds;
    for (auto it = fs::recursive_directory_iterator(staging, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string p = it->path().string();
      if (it->is_directory() && BaseName(p) == "build") {
        builds.push_back(p);
        it.disable_recursion_pending();
      } else if (it->is_regular_file() && IsCompsName(BaseName(p))) {
        state->comps.push_back(p);
      }
    }
    std::sort(builds.begin(), builds.end());
    for (const std::string& b : builds) state->roll_profiles.push_back(b);
  }
  return true;
}

// ---- reading headers -------------------------------------------------------

void ReadAll(std::vector<DistCandidate>* candidates, const HeaderCache& old,
             HeaderCache* fresh, int jobs, const DistBuildOptions& options,
             DistBuildResult* result) {
  std::vector<std::string> errors(candidates->size());
  // Not vector<bool>: workers set entries side by side.
  std::vector<char> failed(candidates->size(), 0);
  std::vector<size_t> todo_index;
  for (size_t i = 0; i < candidates->size(); ++i) {
    DistCandidate& c = (*candidates)[i];
    struct stat st;
    if (stat(c.path.c_str(), &st) != 0) {
      failed[i] = true;
      errors[i] = ErrnoText(c.key);
      continue;
    }
    int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                       st.st_mtim.tv_nsec;
    c.size = st.st_size;
    c.mtime_ns = mtime_ns;
    auto it = old.find(c.key);
    if (it != old.end() && it->second.size == st.st_size &&
        it->second.mtime_ns == mtime_ns) {
      (*fresh)[c.key] = it->second;
      if (!it->second.error.empty()) {
        failed[i] = true;
        errors[i] = it->second.error;
      } else {
        c.md = it->second.md;
      }
      ++result->cached;
      continue;
    }
    CacheEntry e;
    e.size = st.st_size;
    e.mtime_ns = mtime_ns;
    (*fresh)[c.key] = std::move(e);
    todo_index.push_back(i);
  }
  result->read = todo_index.size();
  size_t total = todo_index.size();
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      size_t k = next.fetch_add(1);
      if (k >= total) return;
      size_t i = todo_index[k];
      DistCandidate& c = (*candidates)[i];
      std::string err;
      RpmMetadata md;
      // Read as the final location will name it: the cache entry is then
      // valid for every later build.
      bool ok = ReadRpmMetadata(c.path, "RedHat/RPMS", &md, &err);
      if (!ok) {
        // Name the file by its key, the name the user gave.
        if (StartsWith(err, c.path)) err = c.key + err.substr(c.path.size());
        failed[i] = true;
        errors[i] = err;
      } else {
        c.md = std::move(md);
      }
      std::lock_guard<std::mutex> lock(mu);
      CacheEntry& e = (*fresh)[c.key];
      if (ok) {
        e.md = c.md;
      } else {
        e.error = err;
      }
      size_t n = ++done;
      if (options.progress) options.progress(n, total);
    }
  };
  int n = jobs > 0 ? jobs : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  if (static_cast<size_t>(n) > total) n = static_cast<int>(std::max<size_t>(total, 1));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  std::vector<DistCandidate> kept;
  kept.reserve(candidates->size());
  for (size_t i = 0; i < candidates->size(); ++i) {
    if (failed[i]) {
      ++result->skipped;
      if (options.warn) options.warn(errors[i]);
      continue;
    }
    kept.push_back(std::move((*candidates)[i]));
  }
  *candidates = std::move(kept);
}

// ---- writing the tree ------------------------------------------------------

bool CopyFile(const std::string& from, const std::string& to, std::string* err) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    *err = to + ": " + ec.message();
    return false;
  }
  return true;
}

bool CopyTree(const std::string& from, const std::string& to, std::string* err) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) {
    *err = to + ": " + ec.message();
    return false;
  }
  fs::copy(from, to,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing,
           ec);
  if (ec) {
    *err = from + ": " + ec.message();
    return false;
  }
  return true;
}

// force/ is an input that lives inside the distribution: the new tree gets
// the same files (hard links, so nothing is copied twice).
bool LinkTree(const std::string& from, const std::string& to, std::string* err) {
  std::error_code ec;
  fs::copy(from, to,
           fs::copy_options::recursive | fs::copy_options::create_hard_links |
               fs::copy_options::copy_symlinks,
           ec);
  if (ec) {
    ec.clear();
    fs::copy(from, to,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                 fs::copy_options::copy_symlinks,
             ec);
  }
  if (ec) {
    *err = from + ": " + ec.message();
    return false;
  }
  return true;
}

// Removes the temporary tree unless the build got to swap it in.
struct TempTree {
  std::string path;
  ~TempTree() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  }
};

// `old` is where the previous tree has the same package.
bool PlacePackage(const DistCandidate& c, const std::string& dest,
                  const std::string& old, bool copy, std::string* err) {
  if (c.extracted) {
    if (rename(c.path.c_str(), dest.c_str()) != 0) {
      *err = ErrnoText(dest);
      return false;
    }
    return true;
  }
  if (copy) return CopyFile(c.path, dest, err);
  // A symlink is never changed once made, so the new tree can share the
  // previous tree's (a hard link to the link): far cheaper than a new
  // inode on a busy filesystem.
  char target[PATH_MAX];
  ssize_t n = readlink(old.c_str(), target, sizeof target);
  if (n > 0 && static_cast<size_t>(n) == c.path.size() &&
      c.path.compare(0, c.path.size(), target, static_cast<size_t>(n)) == 0 &&
      linkat(AT_FDCWD, old.c_str(), AT_FDCWD, dest.c_str(), 0) == 0)
    return true;
  if (symlink(c.path.c_str(), dest.c_str()) != 0) {
    *err = ErrnoText(dest);
    return false;
  }
  return true;
}

// Every file of a profile tree, by path relative to the tree, with size
// and modification time.
void FingerprintTree(const std::string& dir, std::string* out) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    struct stat st;
    if (lstat(f.c_str(), &st) != 0) continue;
    // A directory's own times change as it is made (an unpacked image's
    // always do); only what it holds matters.
    if (S_ISDIR(st.st_mode)) {
      *out += "  " + f.substr(dir.size()) + "/\n";
      continue;
    }
    *out += "  " + f.substr(dir.size()) + " " + std::to_string(st.st_mode) +
            " " + std::to_string(st.st_size) + " " +
            std::to_string(st.st_mtim.tv_sec) + "." +
            std::to_string(st.st_mtim.tv_nsec) + "\n";
  }
}

// What the tree is made of: when it is the same as the last build's, the
// tree on disk is already the result and a rebuild has nothing to do.
std::string Fingerprint(const DistConfig& cfg,
                        const std::vector<const DistCandidate*>& winners,
                        const std::vector<std::string>& profiles,
                        const ScanState& scan, const std::string& comps) {
  std::string out = "rocks-dist inputs 1\ncopy " +
                    std::string(cfg.copy ? "yes" : "no") + "\n";
  for (const DistCandidate* w : winners) {
    out += "package " + std::string(SourceKindName(w->kind)) + " " + w->key +
           " " + std::to_string(w->size) + " " + std::to_string(w->mtime_ns) +
           " " + w->md.info.FileName() + "\n";
  }
  out += "images " + scan.images + "\n";
  if (!scan.images.empty()) FingerprintTree(scan.images, &out);
  for (const std::string& p : profiles) {
    out += "profile " + p + "\n";
    FingerprintTree(p, &out);
  }
  for (const std::string& p : scan.roll_profiles) {
    out += "roll profile\n";
    FingerprintTree(p, &out);
  }
  for (const std::string& p : cfg.site_profiles) {
    out += "site profile " + p + "\n";
    FingerprintTree(p, &out);
  }
  out += "comps " + std::to_string(std::hash<std::string>()(comps)) + " " +
         std::to_string(comps.size()) + "\n";
  return out;
}

// Whether the packages and metadata of the tree at `root` are all there.
bool TreeIntact(const std::string& root,
                const std::vector<const DistCandidate*>& winners) {
  struct stat st;
  if (stat((root + "/repodata/repomd.xml").c_str(), &st) != 0) return false;
  for (const DistCandidate* w : winners) {
    const RpmInfo& i = w->md.info;
    std::string p = root + (i.source ? "/SRPMS/" : "/RedHat/RPMS/") + i.FileName();
    if (stat(p.c_str(), &st) != 0) return false;
  }
  return true;
}

}  // namespace

std::vector<const DistCandidate*> PickWinners(
    const std::vector<DistCandidate>& candidates) {
  std::map<std::pair<std::string, std::string>, const DistCandidate*> best;
  for (const DistCandidate& c : candidates) {
    const DistCandidate*& b = best[{c.md.info.name, c.md.info.arch}];
    if (!b) {
      b = &c;
      continue;
    }
    bool cf = c.kind == SourceKind::kForce, bf = b->kind == SourceKind::kForce;
    if (cf != bf) {
      if (cf) b = &c;
      continue;
    }
    int cmp = CompareEvr(c.md.info, b->md.info);
    if (cmp > 0 ||
        (cmp == 0 && (KindRank(c.kind) > KindRank(b->kind) ||
                      (c.kind == b->kind && c.key < b->key))))
      b = &c;
  }
  std::vector<const DistCandidate*> out;
  out.reserve(best.size());
  for (const auto& [k, c] : best) out.push_back(c);
  return out;
}

std::string FormatChange(const DistChange& change) {
  switch (change.kind) {
    case DistChange::kAdded:
      return "added " + change.after.Nevra();
    case DistChange::kUpgraded:
      return "upgraded " + change.before.Nevra() + " -> " + change.after.Nevra();
    case DistChange::kDowngraded:
      return "downgraded " + change.before.Nevra() + " -> " +
             change.after.Nevra();
    case DistChange::kRemoved:
      return "removed " + change.before.Nevra();
  }
  return "";
}

std::vector<DistChange> DiffPackages(const std::vector<RpmInfo>& before,
                                     const std::vector<RpmInfo>& after) {
  std::map<std::pair<std::string, std::string>, const RpmInfo*> old, now;
  for (const RpmInfo& i : before) old[{i.name, i.arch}] = &i;
  for (const RpmInfo& i : after) now[{i.name, i.arch}] = &i;
  std::map<std::pair<std::string, std::string>, DistChange> changes;
  for (const auto& [k, a] : now) {
    auto it = old.find(k);
    if (it == old.end()) {
      changes[k] = DistChange{DistChange::kAdded, RpmInfo(), *a};
      continue;
    }
    const RpmInfo* b = it->second;
    int cmp = CompareEvr(*b, *a);
    if (cmp < 0) {
      changes[k] = DistChange{DistChange::kUpgraded, *b, *a};
    } else if (cmp > 0) {
      changes[k] = DistChange{DistChange::kDowngraded, *b, *a};
    }
  }
  for (const auto& [k, b] : old) {
    if (!now.count(k)) changes[k] = DistChange{DistChange::kRemoved, *b, RpmInfo()};
  }
  std::vector<DistChange> out;
  for (auto& [k, c] : changes) out.push_back(std::move(c));
  return out;
}

bool BuildDistribution(const DistBuildOptions& options, DistBuildResult* result,
                       std::string* err) {
  const DistConfig& cfg = options.config;
  *result = DistBuildResult();
  std::string root = AbsolutePath(cfg.root);
  std::string parent = DirName(root);
  struct stat st;
  if (stat(parent.c_str(), &st) != 0) {
    *err = ErrnoText(parent);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *err = parent + ": not a directory";
    return false;
  }
  bool have_root = lstat(root.c_str(), &st) == 0;
  if (have_root && !S_ISDIR(st.st_mode)) {
    *err = root + ": not a directory";
    return false;
  }
  for (const DistSource& s : cfg.sources) {
    if (stat(s.path.c_str(), &st) != 0) {
      *err = ErrnoText(s.path);
      return false;
    }
    bool image = s.kind == SourceKind::kRoll && S_ISREG(st.st_mode);
    if (!S_ISDIR(st.st_mode) && !image) {
      *err = s.path + ": not a directory";
      return false;
    }
  }
  std::vector<std::string> profiles = cfg.profiles;
  if (profiles.empty()) {
    std::string shipped = ROCKS_DATADIR "/profile";
    if (stat(shipped.c_str(), &st) == 0) profiles.push_back(shipped);
  }
  for (const std::string& p : profiles) {
    if (stat(p.c_str(), &st) != 0) {
      *err = ErrnoText(p);
      return false;
    }
  }
  for (const std::string& p : cfg.site_profiles) {
    if (stat(p.c_str(), &st) != 0) {
      *err = ErrnoText(p);
      return false;
    }
  }

  std::string state_dir = root + "/" + kDistStateDir;
  std::string text, ignored;
  HeaderCache old_cache;
  if (ReadFile(state_dir + "/headers.cache", &text, &ignored))
    old_cache = ParseCache(text);
  std::vector<RpmInfo> before;
  if (ReadFile(state_dir + "/manifest", &text, &ignored))
    before = ParseManifest(text);

  // Trees left by a build that was killed: under the lock no other build
  // can own them.
  std::string prefix = "." + BaseName(root) + ".new.";
  std::vector<std::string> entries;
  std::string list_err;
  if (ListDir(parent, &entries, &list_err)) {
    for (const std::string& n : entries) {
      if (!StartsWith(n, prefix) || n.size() != prefix.size() + 6) continue;
      std::string p = parent + "/" + n;
      if (lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  }

  TempTree tmp;
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) {
    *err = ErrnoText(tmpl);
    return false;
  }
  tmp.path = name.data();
  chmod(tmp.path.c_str(), 0755);
  std::string next_state = tmp.path + "/" + kDistStateDir;
  if (!MakeDirs(next_state, err)) return false;

  // force/RPMS first: it is also what a tie between force files breaks on.
  ScanState scan;
  std::string force = root + "/force/RPMS";
  if (stat(force.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
      !ScanDir(force, SourceKind::kForce, true, &scan, err))
    return false;
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    const DistSource& s = cfg.sources[i];
    stat(s.path.c_str(), &st);
    if (S_ISDIR(st.st_mode)) {
      if (!ScanDir(AbsolutePath(s.path), s.kind, true, &scan, err)) return false;
    } else {
      std::string staging = next_state + "/roll" + std::to_string(i);
      if (!ScanImage(AbsolutePath(s.path), staging, &scan, err)) return false;
    }
  }

  HeaderCache fresh;
  ReadAll(&scan.candidates, old_cache, &fresh, cfg.jobs, options, result);
  std::vector<const DistCandidate*> winners = PickWinners(scan.candidates);
  for (const DistCandidate* w : winners) {
    result->packages.push_back(w->md.info);
    if (w->md.info.source) {
      ++result->source_packages;
    } else {
      ++result->binary_packages;
    }
  }
  result->changes = DiffPackages(before, result->packages);

  std::string comps;
  if (!MergeComps(scan.comps, &comps, err)) return false;
  std::string fingerprint = Fingerprint(cfg, winners, profiles, scan, comps);
  std::string old_fingerprint;
  if (have_root && result->changes.empty() &&
      ReadFile(state_dir + "/inputs", &old_fingerprint, &ignored) &&
      old_fingerprint == fingerprint && TreeIntact(root, winners)) {
    result->unchanged = true;
    return true;
  }
  if (options.dry_run) return true;

  // The tree. Linking the packages is mostly waiting on the filesystem and
  // writing repodata is mostly compressing: they run side by side.
  std::string rpms = tmp.path + "/RedHat/RPMS";
  std::string srpms = tmp.path + "/SRPMS";
  if (!MakeDirs(rpms, err) || !MakeDirs(srpms, err)) return false;
  std::vector<const RpmMetadata*> repo;
  for (const DistCandidate* w : winners)
    if (!w->md.info.source) repo.push_back(&w->md);
  std::string tree_err;
  auto write_tree = [&]() -> bool {
    std::string* e = &tree_err;
    for (const DistCandidate* w : winners) {
      const RpmInfo& i = w->md.info;
      std::string rel = (i.source ? "/SRPMS/" : "/RedHat/RPMS/") + i.FileName();
      if (!PlacePackage(*w, tmp.path + rel, root + rel, cfg.copy, e)) return false;
    }
    struct stat fst;
    if (stat((root + "/force").c_str(), &fst) == 0 && S_ISDIR(fst.st_mode) &&
        !LinkTree(root + "/force", tmp.path + "/force", e))
      return false;
    if (!scan.images.empty()) {
      std::string images = tmp.path + "/images";
      if (cfg.copy) {
        if (!CopyTree(scan.images, images, e)) return false;
      } else if (symlink(scan.images.c_str(), images.c_str()) != 0) {
        *e = ErrnoText(images);
        return false;
      }
    }
    std::string build = tmp.path + "/build";
    if (!MakeDirs(build, e)) return false;
    for (const std::string& p : profiles)
      if (!CopyTree(p, build, e)) return false;
    for (const std::string& p : scan.roll_profiles)
      if (!CopyTree(p, build, e)) return false;
    for (const std::string& p : cfg.site_profiles)
      if (!CopyTree(p, build, e)) return false;
    return true;
  };
  bool tree_ok = false;
  std::thread tree_thread([&] { tree_ok = write_tree(); });
  bool repo_ok = WriteRepodata(tmp.path + "/repodata", repo, comps, err);
  tree_thread.join();
  if (!tree_ok) {
    *err = tree_err;
    return false;
  }
  if (!repo_ok) return false;

  // Unpacked roll images have given up their winners; the rest goes.
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    std::error_code ec;
    fs::remove_all(next_state + "/roll" + std::to_string(i), ec);
  }
  if (!WriteFileAtomic(next_state + "/headers.cache", SerializeCache(fresh),
                       nullptr, err) ||
      !WriteFileAtomic(next_state + "/manifest", FormatManifest(result->packages),
                       nullptr, err) ||
      !WriteFileAtomic(next_state + "/inputs", fingerprint, nullptr, err))
    return false;

  // The swap: one rename, so a reader sees the old tree or the new one.
  if (have_root) {
    if (renameat2(AT_FDCWD, tmp.path.c_str(), AT_FDCWD, root.c_str(),
                  RENAME_EXCHANGE) != 0) {
      *err = ErrnoText(root);
      return false;
    }
    // tmp.path now names the old tree, which TempTree removes.
  } else {
    if (rename(tmp.path.c_str(), root.c_str()) != 0) {
      *err = ErrnoText(root);
      return false;
    }
    tmp.path.clear();
  }
  return true;
}

}  // namespace rocks
