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

// A profile tree of a roll: a build/ directory on disk, or one inside a
// roll's image (extracted when the plan is applied).
struct RollProfile {
  std::string path;
  /// For one inside an image: the source's index, the image, the member
  /// prefix ("DIR/build") and its regular files ("  /REL SIZE MTIME" lines).
  size_t source = 0;
  std::string image;
  std::string prefix;
  std::string listing;
};

struct ScanState {
  std::vector<DistCandidate> candidates;
  std::vector<CompsText> comps;
  std::vector<RollProfile> roll_profiles;
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
        RollProfile p;
        p.path = path;
        state->roll_profiles.push_back(std::move(p));
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
        CompsText comps;
        comps.name = path;
        if (!ReadFile(path, &comps.text, err)) return false;
        state->comps.push_back(std::move(comps));
      }
    }
  }
  return true;
}

// The member prefix of the build/ tree that holds `member` ("DIR/build"),
// or "" when it is in none.
std::string BuildPrefix(const std::string& member) {
  size_t start = 0;
  for (;;) {
    size_t slash = member.find('/', start);
    if (slash == std::string::npos) return "";
    if (member.compare(start, slash - start, "build") == 0)
      return member.substr(0, slash);
    start = slash + 1;
  }
}

// A roll image is read in place, member list and comps files only; its
// packages' headers are read by ReadAll, and what the build takes from it
// is extracted when the plan is applied.
bool ScanImage(const std::string& image, size_t source, ScanState* state,
               std::string* err) {
  std::map<std::string, RollProfile> profiles;
  auto visit = [&](const ImageMember& m, const ImageReader& read,
                   std::string* err) {
    if (!m.regular) return true;
    std::string prefix = BuildPrefix(m.path);
    if (!prefix.empty()) {
      RollProfile& p = profiles[prefix];
      p.source = source;
      p.image = image;
      p.prefix = prefix;
      p.listing += "  " + m.path.substr(prefix.size()) + " " +
                   std::to_string(m.size) + " " + std::to_string(m.mtime) + "\n";
      return true;
    }
    std::string base = BaseName(m.path);
    if (EndsWith(base, ".rpm")) {
      DistCandidate c;
      c.kind = SourceKind::kRoll;
      c.image = image;
      c.member = m.path;
      c.key = image + "!" + m.path;
      // What an extracted file's stat says: the member's size and time.
      c.size = m.size;
      c.mtime_ns = m.mtime * 1000000000;
      state->candidates.push_back(std::move(c));
    } else if (IsCompsName(base)) {
      CompsText comps;
      comps.name = image + "!" + m.path;
      char buf[1 << 16];
      for (;;) {
        ssize_t n = read(buf, sizeof buf);
        if (n < 0) return false;
        if (n == 0) break;
        comps.text.append(buf, static_cast<size_t>(n));
      }
      state->comps.push_back(std::move(comps));
    }
    return true;
  };
  if (!ReadImage(image, visit, err)) return false;
  for (auto& [prefix, p] : profiles) state->roll_profiles.push_back(std::move(p));
  return true;
}

// ---- reading headers -------------------------------------------------------

// Runs fn(0) .. fn(n - 1) on `jobs` threads (0: one per CPU).
void RunParallel(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (;;) {
      size_t k = next.fetch_add(1);
      if (k >= n) return;
      fn(k);
    }
  };
  int threads = jobs > 0 ? jobs : static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1) threads = 1;
  if (static_cast<size_t>(threads) > n)
    threads = static_cast<int>(std::max<size_t>(n, 1));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

// Fills in every candidate's header, from the cache when the file (or
// image member) kept its size and time, else from the file, or from the
// image in place (the header only: ApplyDistPlan reads the rest of a
// winner's metadata once it is extracted). Candidates that are not
// packages are dropped with a warning.
bool ReadAll(std::vector<DistCandidate>* candidates, const HeaderCache& old,
             HeaderCache* fresh, int jobs, const DistBuildOptions& options,
             DistBuildResult* result, std::string* err) {
  std::vector<std::string> errors(candidates->size());
  // Not vector<bool>: workers set entries side by side.
  std::vector<char> failed(candidates->size(), 0);
  std::vector<char> finished(candidates->size(), 0);
  // A job reads one file, or the wanted members of one image in one pass.
  struct Job {
    size_t index = 0;
    std::string image;
    std::map<std::string, size_t> members;
  };
  std::vector<Job> jobs_todo;
  std::map<std::string, size_t> image_job;
  size_t total = 0;
  for (size_t i = 0; i < candidates->size(); ++i) {
    DistCandidate& c = (*candidates)[i];
    if (c.image.empty()) {
      struct stat st;
      if (stat(c.path.c_str(), &st) != 0) {
        failed[i] = true;
        errors[i] = ErrnoText(c.key);
        continue;
      }
      c.size = st.st_size;
      c.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                   st.st_mtim.tv_nsec;
    }
    auto it = old.find(c.key);
    if (it != old.end() && it->second.size == c.size &&
        it->second.mtime_ns == c.mtime_ns) {
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
    e.size = c.size;
    e.mtime_ns = c.mtime_ns;
    (*fresh)[c.key] = std::move(e);
    ++total;
    if (c.image.empty()) {
      Job job;
      job.index = i;
      jobs_todo.push_back(std::move(job));
      continue;
    }
    auto [slot, added] = image_job.try_emplace(c.image, jobs_todo.size());
    if (added) {
      Job job;
      job.image = c.image;
      jobs_todo.push_back(std::move(job));
    }
    jobs_todo[slot->second].members[c.member] = i;
  }
  result->read = total;
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::string image_err;
  auto finish = [&](size_t i, bool ok, const std::string& e) {
    DistCandidate& c = (*candidates)[i];
    finished[i] = true;
    if (!ok) {
      failed[i] = true;
      errors[i] = e;
    }
    std::lock_guard<std::mutex> lock(mu);
    CacheEntry& entry = (*fresh)[c.key];
    if (ok) {
      entry.md = c.md;
    } else {
      entry.error = e;
    }
    size_t n = ++done;
    if (options.progress) options.progress(n, total);
  };
  RunParallel(jobs_todo.size(), jobs, [&](size_t k) {
    const Job& job = jobs_todo[k];
    if (job.image.empty()) {
      DistCandidate& c = (*candidates)[job.index];
      std::string e;
      RpmMetadata md;
      // Read as the final location will name it: the cache entry is then
      // valid for every later build.
      bool ok = ReadRpmMetadata(c.path, "RedHat/RPMS", &md, &e);
      if (ok) {
        c.md = std::move(md);
      } else if (StartsWith(e, c.path)) {
        // Name the file by its key, the name the user gave.
        e = c.key + e.substr(c.path.size());
      }
      finish(job.index, ok, e);
      return;
    }
    std::string e;
    auto visit = [&](const ImageMember& m, const ImageReader& read,
                     std::string*) {
      auto it = job.members.find(m.path);
      if (!m.regular || it == job.members.end()) return true;
      DistCandidate& c = (*candidates)[it->second];
      std::string header_err;
      bool ok = ReadRpmHeaderFrom(read, c.key, &c.md.info, &header_err);
      finish(it->second, ok, header_err);
      return true;
    };
    if (!ReadImage(job.image, visit, &e)) {
      std::lock_guard<std::mutex> lock(mu);
      if (image_err.empty()) image_err = e;
    }
  });
  if (!image_err.empty()) {
    *err = image_err;
    return false;
  }
  // A member listed a moment ago and gone now: the image was replaced.
  for (const Job& job : jobs_todo) {
    for (const auto& [member, i] : job.members) {
      if (finished[i]) continue;
      failed[i] = true;
      errors[i] = (*candidates)[i].key + ": No such file or directory";
    }
  }

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
  return true;
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
  std::string out = "rocks-dist inputs 2\ncopy " +
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
  for (const RollProfile& p : scan.roll_profiles) {
    out += "roll profile\n";
    if (p.image.empty()) {
      FingerprintTree(p.path, &out);
    } else {
      out += p.listing;
    }
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

struct DistPlan::Inputs {
  std::string root;
  std::string parent;
  bool have_root = false;
  std::vector<std::string> profiles;
  ScanState scan;
  std::vector<const DistCandidate*> winners;
  std::string comps;
  std::string fingerprint;
  HeaderCache fresh;
};

DistPlan::DistPlan() = default;
DistPlan::~DistPlan() = default;
DistPlan::DistPlan(DistPlan&&) noexcept = default;
DistPlan& DistPlan::operator=(DistPlan&&) noexcept = default;

bool PlanDistribution(const DistBuildOptions& options, DistPlan* plan,
                      std::string* err) {
  const DistConfig& cfg = options.config;
  plan->result = DistBuildResult();
  plan->inputs = std::make_unique<DistPlan::Inputs>();
  DistBuildResult* result = &plan->result;
  DistPlan::Inputs& in = *plan->inputs;
  in.root = AbsolutePath(cfg.root);
  in.parent = DirName(in.root);
  const std::string& root = in.root;
  struct stat st;
  if (stat(in.parent.c_str(), &st) != 0) {
    *err = ErrnoText(in.parent);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *err = in.parent + ": not a directory";
    return false;
  }
  in.have_root = lstat(root.c_str(), &st) == 0;
  if (in.have_root && !S_ISDIR(st.st_mode)) {
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
  in.profiles = cfg.profiles;
  if (in.profiles.empty()) {
    std::string shipped = ROCKS_DATADIR "/profile";
    if (stat(shipped.c_str(), &st) == 0) in.profiles.push_back(shipped);
  }
  for (const std::string& p : in.profiles) {
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

  // force/RPMS first: it is also what a tie between force files breaks on.
  ScanState& scan = in.scan;
  std::string force = root + "/force/RPMS";
  if (stat(force.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
      !ScanDir(force, SourceKind::kForce, true, &scan, err))
    return false;
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    const DistSource& s = cfg.sources[i];
    stat(s.path.c_str(), &st);
    if (S_ISDIR(st.st_mode)) {
      if (!ScanDir(AbsolutePath(s.path), s.kind, true, &scan, err)) return false;
    } else if (!ScanImage(AbsolutePath(s.path), i, &scan, err)) {
      return false;
    }
  }

  if (!ReadAll(&scan.candidates, old_cache, &in.fresh, cfg.jobs, options,
               result, err))
    return false;
  in.winners = PickWinners(scan.candidates);
  for (const DistCandidate* w : in.winners) {
    result->packages.push_back(w->md.info);
    if (w->md.info.source) {
      ++result->source_packages;
    } else {
      ++result->binary_packages;
    }
  }
  result->changes = DiffPackages(before, result->packages);

  if (!MergeCompsTexts(scan.comps, &in.comps, err)) return false;
  in.fingerprint = Fingerprint(cfg, in.winners, in.profiles, scan, in.comps);
  std::string old_fingerprint;
  result->unchanged =
      in.have_root && result->changes.empty() &&
      ReadFile(state_dir + "/inputs", &old_fingerprint, &ignored) &&
      old_fingerprint == in.fingerprint && TreeIntact(root, in.winners);
  return true;
}

namespace {

// Trees left by a build that was killed: under the lock no other build
// can own them.
void RemoveLeftovers(const std::string& root, const std::string& parent) {
  std::string prefix = "." + BaseName(root) + ".new.";
  std::vector<std::string> entries;
  std::string list_err;
  if (!ListDir(parent, &entries, &list_err)) return;
  for (const std::string& n : entries) {
    if (!StartsWith(n, prefix) || n.size() != prefix.size() + 6) continue;
    std::string p = parent + "/" + n;
    struct stat st;
    if (lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    std::error_code ec;
    fs::remove_all(p, ec);
  }
}

// What the new tree takes from the roll image of source `source`: its
// winners and its build/ trees, extracted under `staging`. A winner is
// checked against what the plan read of it.
bool ExtractFromImage(const std::string& image, size_t source,
                      const std::string& staging,
                      const std::vector<DistCandidate*>& winners,
                      const std::vector<RollProfile>& profiles,
                      std::string* err) {
  std::map<std::string, DistCandidate*> wanted;
  for (DistCandidate* c : winners)
    if (c->image == image) wanted[c->member] = c;
  std::set<std::string> prefixes;
  for (const RollProfile& p : profiles)
    if (!p.image.empty() && p.source == source) prefixes.insert(p.prefix);
  if (wanted.empty() && prefixes.empty()) return true;
  auto dest_for = [&](const std::string& member) -> std::string {
    if (wanted.count(member) || prefixes.count(BuildPrefix(member)))
      return staging + "/" + member;
    return "";
  };
  if (!ExtractImage(image, dest_for, nullptr, err)) return false;
  for (auto& [member, c] : wanted) {
    c->path = staging + "/" + member;
    c->extracted = true;
    struct stat st;
    if (stat(c->path.c_str(), &st) != 0 || st.st_size != c->size) {
      *err = c->key + ": changed while the distribution was built";
      return false;
    }
  }
  return true;
}

}  // namespace

bool ApplyDistPlan(const DistBuildOptions& options, DistPlan* plan,
                   std::string* err) {
  const DistConfig& cfg = options.config;
  DistPlan::Inputs& in = *plan->inputs;
  const std::string& root = in.root;
  ScanState& scan = in.scan;
  RemoveLeftovers(root, in.parent);
  if (plan->result.unchanged) return true;

  TempTree tmp;
  std::string tmpl = in.parent + "/." + BaseName(root) + ".new.XXXXXX";
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

  // The winners and profile trees of roll images are extracted into the new
  // tree: its packages must outlive the image being read, and a build must
  // not depend on mounting anything.
  std::vector<DistCandidate*> winners;
  for (const DistCandidate* w : in.winners)
    winners.push_back(&scan.candidates[static_cast<size_t>(w - scan.candidates.data())]);
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    const DistSource& s = cfg.sources[i];
    std::string image = AbsolutePath(s.path);
    struct stat st;
    if (s.kind != SourceKind::kRoll || stat(image.c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    if (!ExtractFromImage(image, i, next_state + "/roll" + std::to_string(i),
                          winners, scan.roll_profiles, err))
      return false;
  }
  // The plan read only the headers of image members; repodata needs the
  // rest (the checksum of the whole file), now that the winners are here.
  std::vector<DistCandidate*> incomplete;
  for (DistCandidate* w : winners)
    if (!w->md.info.source && w->md.primary.empty()) incomplete.push_back(w);
  std::vector<std::string> errors(incomplete.size());
  RunParallel(incomplete.size(), cfg.jobs, [&](size_t k) {
    DistCandidate& c = *incomplete[k];
    RpmMetadata md;
    std::string e;
    if (!ReadRpmMetadata(c.path, "RedHat/RPMS", &md, &e)) {
      if (StartsWith(e, c.path)) e = c.key + e.substr(c.path.size());
      errors[k] = e;
    } else if (md.info.Nevra() != c.md.info.Nevra()) {
      errors[k] = c.key + ": changed while the distribution was built";
    } else {
      c.md = std::move(md);
    }
  });
  for (size_t k = 0; k < incomplete.size(); ++k) {
    if (!errors[k].empty()) {
      *err = errors[k];
      return false;
    }
    in.fresh[incomplete[k]->key].md = incomplete[k]->md;
  }

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
    for (const std::string& p : in.profiles)
      if (!CopyTree(p, build, e)) return false;
    for (const RollProfile& p : scan.roll_profiles) {
      std::string from = p.image.empty() ? p.path
                                         : next_state + "/roll" +
                                               std::to_string(p.source) + "/" +
                                               p.prefix;
      if (!CopyTree(from, build, e)) return false;
    }
    for (const std::string& p : cfg.site_profiles)
      if (!CopyTree(p, build, e)) return false;
    return true;
  };
  bool tree_ok = false;
  std::thread tree_thread([&] { tree_ok = write_tree(); });
  bool repo_ok = WriteRepodata(tmp.path + "/repodata", repo, in.comps, err);
  tree_thread.join();
  if (!tree_ok) {
    *err = tree_err;
    return false;
  }
  if (!repo_ok) return false;

  // Extracted roll images have given up their winners; the rest goes.
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    std::error_code ec;
    fs::remove_all(next_state + "/roll" + std::to_string(i), ec);
  }
  if (!WriteFileAtomic(next_state + "/headers.cache", SerializeCache(in.fresh),
                       nullptr, err) ||
      !WriteFileAtomic(next_state + "/manifest",
                       FormatManifest(plan->result.packages), nullptr, err) ||
      !WriteFileAtomic(next_state + "/inputs", in.fingerprint, nullptr, err))
    return false;

  // The swap: one rename, so a reader sees the old tree or the new one.
  if (in.have_root) {
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

bool BuildDistribution(const DistBuildOptions& options, DistBuildResult* result,
                       std::string* err) {
  DistPlan plan;
  bool ok = PlanDistribution(options, &plan, err);
  if (ok && !options.dry_run) ok = ApplyDistPlan(options, &plan, err);
  *result = std::move(plan.result);
  return ok;
}

}  // namespace rocks
