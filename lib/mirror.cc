#include "mirror.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <set>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
// createrepo_c's headers declare C functions without extern "C", and
// cr_Package has a member named `requires`, a keyword in C++20.
#include <glib.h>
#include <rpm/rpmlib.h>
extern "C" {
#define requires requires_
#include <createrepo_c/createrepo_c.h>
#undef requires
}

#include "file.h"
#include "repodata.h"
#include "strutil.h"

namespace rocks {

namespace fs = std::filesystem;

namespace {

const char kStaging[] = ".rocks-mirror";

struct Item {
  std::string href;
  std::string url;
  std::string checksum_type;
  std::string checksum;
  uint64_t size = 0;
  /// Where the finished file goes.
  std::string local;
  int attempt = 0;
};

bool MakeParents(const std::string& path, std::string* err) {
  std::error_code ec;
  fs::create_directories(DirName(path), ec);
  if (ec) {
    *err = DirName(path) + ": " + ec.message();
    return false;
  }
  return true;
}

// Checksums of the files already verified, by location, with the size and
// modification time they had: a file that kept both is not hashed again.
struct Verified {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string checksum;  // "TYPE:VALUE"
};
using VerifiedMap = std::map<std::string, Verified>;

const char kVerifiedFile[] = ".rocks-mirror.verified";

bool StatFile(const std::string& path, int64_t* size, int64_t* mtime_ns) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *size = st.st_size;
  *mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

VerifiedMap LoadVerified(const std::string& path) {
  VerifiedMap out;
  std::string text, ignored;
  if (!ReadFile(path, &text, &ignored)) return out;
  for (const std::string& line : Split(text, '\n')) {
    std::vector<std::string> f = Split(line, '\t');
    Verified v;
    if (f.size() != 4 || !ParseInt(f[0], &v.size) || !ParseInt(f[1], &v.mtime_ns))
      continue;
    v.checksum = f[2];
    out[f[3]] = v;
  }
  return out;
}

std::string FormatVerified(const VerifiedMap& verified) {
  std::string out;
  for (const auto& [href, v] : verified)
    out += std::to_string(v.size) + "\t" + std::to_string(v.mtime_ns) + "\t" +
           v.checksum + "\t" + href + "\n";
  return out;
}

// Whether `path` already holds the item; remembers a positive answer.
bool Matches(const Item& item, const std::string& path, VerifiedMap* verified) {
  int64_t size = 0, mtime_ns = 0;
  if (!StatFile(path, &size, &mtime_ns)) return false;
  if (item.size && static_cast<uint64_t>(size) != item.size) return false;
  std::string want = item.checksum_type + ":" + item.checksum;
  if (verified) {
    auto it = verified->find(item.href);
    if (it != verified->end() && it->second.size == size &&
        it->second.mtime_ns == mtime_ns && it->second.checksum == want)
      return true;
  }
  std::string ignored;
  if (FileChecksum(path, item.checksum_type, &ignored) != item.checksum) return false;
  if (verified) (*verified)[item.href] = Verified{size, mtime_ns, want};
  return true;
}

struct Transfer {
  Item* item = nullptr;
  CURL* easy = nullptr;
  FILE* file = nullptr;
  curl_off_t resume_from = 0;
  curl_off_t received = 0;
  char error[CURL_ERROR_SIZE] = {0};
};

int OnProgress(void* p, curl_off_t, curl_off_t now, curl_off_t, curl_off_t) {
  static_cast<Transfer*>(p)->received = now;
  return 0;
}

// Downloads every item (each to ITEM.local via ITEM.local.part), `jobs` at
// a time; fills `failed` with "URL: reason" for those that never arrived.
class Downloader {
 public:
  Downloader(const MirrorOptions& options, MirrorResult* result)
      : options_(options), result_(result) {}

  void Run(std::vector<Item>* items, std::vector<std::string>* failed,
           bool count_files) {
    std::deque<Item*> queue;
    MirrorProgress progress;
    for (Item& i : *items) {
      queue.push_back(&i);
      progress.bytes_total += i.size;
    }
    progress.files_total = items->size();
    uint64_t finished_bytes = 0;
    CURLM* multi = curl_multi_init();
    std::vector<Transfer*> active;
    int jobs = options_.jobs > 0 ? options_.jobs : 1;
    auto last = std::chrono::steady_clock::now();
    while (!queue.empty() || !active.empty()) {
      while (!queue.empty() && static_cast<int>(active.size()) < jobs) {
        Item* item = queue.front();
        queue.pop_front();
        Transfer* t = Start(item, failed);
        if (!t) {
          progress.files_done++;
          continue;
        }
        curl_multi_add_handle(multi, t->easy);
        active.push_back(t);
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        curl_multi_remove_handle(multi, t->easy);
        active.erase(std::find(active.begin(), active.end(), t));
        bool again = Finish(t, msg->data.result, failed, count_files);
        if (again) {
          queue.push_back(t->item);
        } else {
          progress.files_done++;
          finished_bytes += t->item->size;
        }
        curl_easy_cleanup(t->easy);
        delete t;
      }
      if (options_.progress) {
        auto now = std::chrono::steady_clock::now();
        if (now - last > std::chrono::milliseconds(100) ||
            (queue.empty() && active.empty())) {
          last = now;
          progress.bytes_done = finished_bytes;
          for (Transfer* t : active)
            progress.bytes_done += static_cast<uint64_t>(t->resume_from + t->received);
          options_.progress(progress);
        }
      }
      if (!active.empty()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    curl_multi_cleanup(multi);
  }

 private:
  Transfer* Start(Item* item, std::vector<std::string>* failed) {
    std::string part = item->local + ".part";
    std::string err;
    if (!MakeParents(part, &err)) {
      failed->push_back(item->url + ": " + err);
      return nullptr;
    }
    auto* t = new Transfer;
    t->item = item;
    struct stat st;
    if (stat(part.c_str(), &st) == 0 && st.st_size > 0 &&
        (item->size == 0 || static_cast<uint64_t>(st.st_size) < item->size)) {
      t->resume_from = st.st_size;
    } else {
      unlink(part.c_str());
    }
    t->file = fopen(part.c_str(), t->resume_from ? "ab" : "wb");
    if (!t->file) {
      failed->push_back(ErrnoText(item->url + ": " + part));
      delete t;
      return nullptr;
    }
    t->easy = curl_easy_init();
    curl_easy_setopt(t->easy, CURLOPT_URL, item->url.c_str());
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t->file);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(t->easy, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_TIME, options_.stall_seconds);
    curl_easy_setopt(t->easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(t->easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(t->easy, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "rocks-dist");
    if (t->resume_from) {
      curl_easy_setopt(t->easy, CURLOPT_RESUME_FROM_LARGE, t->resume_from);
      result_->resumed++;
    }
    return t;
  }

  // Whether to try the item again.
  bool Finish(Transfer* t, CURLcode code, std::vector<std::string>* failed,
              bool count_files) {
    Item* item = t->item;
    std::string part = item->local + ".part";
    bool write_ok = fclose(t->file) == 0;
    int write_errno = errno;
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    std::string reason;
    bool keep_part = false;
    if (code == CURLE_RANGE_ERROR || (t->resume_from && status == 416)) {
      // The server cannot continue this file: start it over, no attempt
      // spent.
      unlink(part.c_str());
      return true;
    }
    if (code != CURLE_OK) {
      reason = t->error[0] ? t->error : curl_easy_strerror(code);
      keep_part = code != CURLE_HTTP_RETURNED_ERROR;
    } else if (!write_ok) {
      reason = ErrnoText(part, write_errno);
    } else {
      struct stat st;
      std::string err;
      if (stat(part.c_str(), &st) != 0) {
        reason = ErrnoText(part);
      } else if (item->size && static_cast<uint64_t>(st.st_size) != item->size) {
        reason = "size mismatch (expected " + std::to_string(item->size) +
                 " bytes, got " + std::to_string(st.st_size) + ")";
      } else {
        std::string sum = FileChecksum(part, item->checksum_type, &err);
        if (sum.empty()) {
          reason = err;
        } else if (sum != item->checksum) {
          reason = "checksum mismatch (expected " + item->checksum_type + " " +
                   item->checksum + ", got " + sum + ")";
        } else if (rename(part.c_str(), item->local.c_str()) != 0) {
          reason = ErrnoText(item->local);
        } else {
          if (count_files) result_->fetched.push_back(item->href);
          return false;
        }
      }
    }
    if (!keep_part) unlink(part.c_str());
    if (item->attempt < options_.retries) {
      item->attempt++;
      if (options_.warn) options_.warn(item->url + ": " + reason + ", retrying");
      return true;
    }
    failed->push_back(item->url + ": " + reason);
    return false;
  }

  const MirrorOptions& options_;
  MirrorResult* result_;
};

Item FromRepoFile(const RepoFile& f, const std::string& url) {
  Item item;
  item.href = f.href;
  item.checksum_type = f.checksum_type;
  item.checksum = f.checksum;
  item.size = f.size;
  item.url = (f.base.empty() ? url : f.base) + f.href;
  return item;
}

// A plain download with retries, for the one file no checksum covers.
bool FetchFile(const std::string& url, const std::string& path,
               const MirrorOptions& options, std::string* err) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) {
    *err = ErrnoText(path);
    return false;
  }
  CURL* easy = curl_easy_init();
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, options.stall_seconds);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "rocks-dist");
  CURLcode code = CURLE_OK;
  bool write_ok = true;
  int write_errno = 0;
  for (int attempt = 0; attempt <= options.retries; ++attempt) {
    error[0] = 0;
    if (fseek(f, 0, SEEK_SET) != 0 || ftruncate(fileno(f), 0) != 0) {
      write_ok = false;
      write_errno = errno;
      break;
    }
    code = curl_easy_perform(easy);
    // A missing file stays missing; only transfer failures are retried.
    if (code == CURLE_OK || code == CURLE_HTTP_RETURNED_ERROR) break;
  }
  if (fclose(f) != 0) {
    write_ok = false;
    write_errno = errno;
  }
  // curl_easy_cleanup may change errno; the message wants fseek's,
  // ftruncate's or fclose's.
  curl_easy_cleanup(easy);
  if (code != CURLE_OK) {
    *err = url + ": " + (error[0] ? error : curl_easy_strerror(code));
    return false;
  }
  if (!write_ok) {
    *err = ErrnoText(path, write_errno);
    return false;
  }
  return true;
}

bool CurlInit() {
  static bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

}  // namespace

bool DefaultMirrorDir(const std::string& mirror_root, const std::string& url,
                      std::string* dir, std::string* err) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos || scheme == 0) {
    *err = url + ": not a URL (expected scheme://host/path)";
    return false;
  }
  std::string rest = url.substr(scheme + 3);
  std::vector<std::string> parts;
  for (const std::string& p : Split(rest, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      *err = url + ": '..' in the path";
      return false;
    }
    parts.push_back(p);
  }
  if (parts.empty()) {
    *err = url + ": no host";
    return false;
  }
  *dir = mirror_root + "/" + Join(parts, "/");
  return true;
}

bool MirrorRepository(const MirrorOptions& options, MirrorResult* result,
                      std::string* err) {
  *result = MirrorResult();
  if (!CurlInit()) {
    *err = "cannot initialise libcurl";
    return false;
  }
  std::string url = options.url;
  if (url.empty() || url.back() != '/') url += '/';
  std::string dest = options.dest;
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  std::string staging = dest + "/" + kStaging;
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging + "/repodata", ec);
  if (ec) {
    *err = staging + ": " + ec.message();
    return false;
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{staging};

  // repomd.xml has no checksum to check against; the files it lists do.
  std::vector<std::string> failed;
  Downloader downloader(options, result);
  if (!FetchFile(url + "repodata/repomd.xml", staging + "/repodata/repomd.xml",
                 options, err))
    return false;
  std::vector<RepomdRecord> entries;
  if (!ParseRepomd(staging + "/repodata/repomd.xml", url + "repodata/repomd.xml",
                   &entries, err))
    return false;

  // The metadata files, reusing what the last mirror run already has.
  std::vector<Item> meta;
  std::string primary;
  for (RepomdRecord& e : entries) {
    Item item = FromRepoFile(e.file, url);
    item.url = url + item.href;
    item.local = staging + "/" + item.href;
    if (e.type == "primary") primary = item.local;
    std::string have = dest + "/" + item.href;
    if (Matches(item, have, nullptr)) {
      std::string perr;
      if (!MakeParents(item.local, &perr) ||
          link(have.c_str(), item.local.c_str()) != 0) {
        if (perr.empty()) perr = ErrnoText(item.local);
        *err = perr;
        return false;
      }
      continue;
    }
    meta.push_back(item);
  }
  if (primary.empty()) {
    *err = url + "repodata/repomd.xml: no primary metadata";
    return false;
  }
  downloader.Run(&meta, &failed, false);
  if (!failed.empty()) {
    *err = failed.front();
    return false;
  }

  std::vector<RepoFile> listed;
  if (!ParsePrimary(primary, url, &listed, err)) return false;
  std::vector<Item> packages;
  for (const RepoFile& f : listed) packages.push_back(FromRepoFile(f, url));
  std::string verified_path = dest + "/" + kVerifiedFile;
  VerifiedMap verified = LoadVerified(verified_path);
  std::vector<Item> todo;
  std::set<std::string> seen;
  for (Item& p : packages) {
    if (!seen.insert(p.href).second) continue;
    p.local = dest + "/" + p.href;
    if (Matches(p, p.local, &verified)) {
      result->unchanged++;
      continue;
    }
    todo.push_back(p);
  }
  downloader.Run(&todo, &result->failed, true);
  // What arrived was checked on arrival; only what is listed now stays.
  VerifiedMap now;
  std::set<std::string> arrived(result->fetched.begin(), result->fetched.end());
  for (const Item& p : todo) {
    Verified v;
    if (arrived.count(p.href) && StatFile(p.local, &v.size, &v.mtime_ns)) {
      v.checksum = p.checksum_type + ":" + p.checksum;
      verified[p.href] = v;
    }
  }
  for (const auto& href : seen)
    if (verified.count(href)) now[href] = verified[href];
  std::string ignored;
  WriteFileAtomic(verified_path, FormatVerified(now), nullptr, &ignored);
  // Transfers finish in any order; the report should not.
  std::sort(result->fetched.begin(), result->fetched.end());
  std::sort(result->failed.begin(), result->failed.end());
  if (!result->failed.empty()) {
    *err = std::to_string(result->failed.size()) + " of " +
           std::to_string(todo.size()) + " packages could not be fetched";
    return false;
  }

  // Every package is here: the new metadata goes in, repomd.xml last.
  std::set<std::string> keep;
  std::string repodata = dest + "/repodata";
  fs::create_directories(repodata, ec);
  if (ec) {
    *err = repodata + ": " + ec.message();
    return false;
  }
  for (const RepomdRecord& e : entries) {
    std::string from = staging + "/" + e.file.href;
    std::string to = dest + "/" + e.file.href;
    keep.insert(to);
    if (!MakeParents(to, err)) return false;
    if (rename(from.c_str(), to.c_str()) != 0) {
      *err = ErrnoText(to);
      return false;
    }
  }
  std::string repomd = repodata + "/repomd.xml";
  keep.insert(repomd);
  if (rename((staging + "/repodata/repomd.xml").c_str(), repomd.c_str()) != 0) {
    *err = ErrnoText(repomd);
    return false;
  }
  for (const auto& entry : fs::directory_iterator(repodata, ec)) {
    if (!keep.count(entry.path().string())) fs::remove(entry.path(), ec);
  }
  return true;
}

}  // namespace rocks
