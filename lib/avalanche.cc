#include "avalanche.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <curl/curl.h>
#include <microhttpd.h>

#include "file.h"
#include "repodata.h"
#include "strutil.h"
#include "tracker.h"

namespace rocks {

namespace fs = std::filesystem;

namespace {

// Where peers ask each other for a package, by its repodata checksum; the
// rest of the URL space is the distribution itself.
const char kPeerPrefix[] = "/avalanche/";
// Where a download goes until it checks out.
const char kPartSuffix[] = ".part";

bool CurlInit() {
  static bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

bool MakeParents(const std::string& path, std::string* err) {
  std::error_code ec;
  fs::create_directories(DirName(path), ec);
  if (ec) {
    *err = DirName(path) + ": " + ec.message();
    return false;
  }
  return true;
}

struct Download {
  bool ok = false;
  long status = 0;         // HTTP status, 0 when none came
  bool connected = false;  // the server answered at all
  uint64_t bytes = 0;
  std::string error;
};

// GET `url` into `path` (replaced), connecting from `source` when given.
Download Get(const std::string& url, const std::string& path,
             const std::string& source, long stall_seconds, uint64_t max_size = 0) {
  Download d;
  std::string err;
  if (!MakeParents(path, &err)) {
    d.error = err;
    return d;
  }
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) {
    d.error = ErrnoText(path);
    return d;
  }
  CURL* easy = curl_easy_init();
  std::string iface = "host!" + source;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, f);
  curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, stall_seconds);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "avalanche-peer");
  if (!source.empty()) curl_easy_setopt(easy, CURLOPT_INTERFACE, iface.c_str());
  // A sender that goes on past the size the repodata gives is cut off
  // rather than let fill the cache.
  if (max_size)
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_size));
  CURLcode code = curl_easy_perform(easy);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &d.status);
  curl_off_t got = 0;
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
  d.bytes = static_cast<uint64_t>(got);
  d.connected = d.status != 0;
  bool closed = fclose(f) == 0;
  int close_errno = errno;  // before curl_easy_cleanup can change it
  curl_easy_cleanup(easy);
  // curl's own wording without its timings, so that a line says the same
  // each time the same thing happens.
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    d.error = "HTTP " + std::to_string(d.status);
  } else if (code != CURLE_OK) {
    d.error = curl_easy_strerror(code);
  } else if (!closed) {
    d.error = ErrnoText(path, close_errno);
  } else {
    d.ok = true;
  }
  return d;
}

// Whether the file at `path` is the one the repodata describes; `why`
// says how it differs.
bool Verify(const RepoFile& f, const std::string& path, std::string* why) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *why = ErrnoText(path);
    return false;
  }
  if (f.size && static_cast<uint64_t>(st.st_size) != f.size) {
    *why = "size mismatch (expected " + std::to_string(f.size) + " bytes, got " +
           std::to_string(st.st_size) + ")";
    return false;
  }
  std::string err;
  std::string sum = FileChecksum(path, f.checksum_type, &err);
  if (sum.empty()) {
    *why = err;
    return false;
  }
  if (sum != f.checksum) {
    *why = "checksum mismatch";
    return false;
  }
  return true;
}

std::string WithSlash(std::string url) {
  if (url.empty() || url.back() != '/') url += '/';
  return url;
}

// Fetches repomd.xml and the metadata it lists (each checked) into
// `dir`/repodata, and reads the packages of primary.
bool FetchRepodata(const std::string& frontend, const std::string& dir,
                   const std::string& source, long stall_seconds,
                   std::vector<RepomdRecord>* records,
                   std::vector<RepoFile>* packages, std::string* err) {
  std::string base = WithSlash(frontend);
  std::string repomd = dir + "/repodata/repomd.xml";
  Download d = Get(base + "repodata/repomd.xml", repomd, source, stall_seconds);
  if (!d.ok) {
    *err = base + "repodata/repomd.xml: " + d.error;
    return false;
  }
  if (!ParseRepomd(repomd, base + "repodata/repomd.xml", records, err)) return false;
  std::string primary;
  for (const RepomdRecord& r : *records) {
    std::string local = dir + "/" + r.file.href;
    d = Get(base + r.file.href, local, source, stall_seconds);
    std::string why;
    if (!d.ok) {
      *err = base + r.file.href + ": " + d.error;
      return false;
    }
    if (!Verify(r.file, local, &why)) {
      *err = base + r.file.href + ": " + why;
      return false;
    }
    if (r.type == "primary") primary = local;
  }
  if (primary.empty()) {
    *err = base + "repodata/repomd.xml: no primary metadata";
    return false;
  }
  return ParsePrimary(primary, base, packages, err);
}

std::string RandomPeerId() {
  static const char kChars[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::random_device rd;
  std::string id = "-RK0100-";
  while (id.size() < 20) id += kChars[rd() % (sizeof kChars - 1)];
  return id;
}

}  // namespace

struct AvalanchePeer::State {
  enum class Have { kNone, kFetching, kHeld };
  struct Package {
    RepoFile file;
    std::string info_hash;
    std::string path;  // in the cache
    Have have = Have::kNone;
  };

  PeerOptions options;
  std::string frontend;  // ends with '/'
  std::string source;    // address to connect from, "" for the default
  std::string peer_id;
  std::map<std::string, Package> by_href;
  std::map<std::string, Package*> by_checksum;
  std::vector<RepomdRecord> records;
  MHD_Daemon* daemon = nullptr;

  mutable std::mutex mu;
  std::condition_variable changed;
  std::set<PeerAddress> dropped;
  PeerStats stats;
  bool tracker_failing = false;
  std::mutex other_mu;  // fetches of files the repodata does not list
  std::mutex log_mu;
  std::mt19937 rng{std::random_device{}()};

  void Warn(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (options.warn) options.warn(line);
  }
  void Note(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (options.note) options.note(line);
  }

  // Announces `p`; the peers the tracker gave, less this one and those
  // dropped, in random order. A failing tracker is said once, until it
  // answers again.
  std::vector<PeerAddress> AnnounceOne(Package* p, uint64_t left, const char* event) {
    std::vector<PeerAddress> out;
    if (options.tracker.empty()) return out;
    AnnounceRequest req;
    req.tracker = options.tracker;
    req.info_hash = p->info_hash;
    req.peer_id = peer_id;
    req.port = options.port;
    req.left = left;
    req.event = event;
    req.source = source;
    req.timeout_seconds = std::min(10L, options.stall_seconds);
    AnnounceReply reply;
    std::string err;
    bool ok = Announce(req, &reply, &err);
    std::string line;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!ok && !tracker_failing)
        line = "tracker " + options.tracker + ": " + err +
               "; packages come from the frontend";
      else if (ok && tracker_failing)
        line = "tracker " + options.tracker + ": answering again";
      tracker_failing = !ok;
      if (ok) {
        PeerAddress self{reply.local_ip, options.port};
        for (const PeerAddress& a : reply.peers)
          if (!(a == self) && !dropped.count(a)) out.push_back(a);
        std::shuffle(out.begin(), out.end(), rng);
      }
    }
    if (!line.empty()) Warn(line);
    return out;
  }

  // Moves a checked copy into the cache and tells the tracker.
  bool Keep(Package* p, const std::string& part, const std::string& from,
            uint64_t bytes, bool from_peer, std::string* err) {
    if (rename(part.c_str(), p->path.c_str()) != 0) {
      *err = ErrnoText(p->path);
      return false;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      if (from_peer) {
        stats.from_peers++;
        stats.bytes_from_peers += bytes;
      } else {
        stats.from_frontend++;
        stats.bytes_from_frontend += bytes;
      }
      p->have = Have::kHeld;
      changed.notify_all();
    }
    Note(p->file.href + ": from " + from);
    AnnounceOne(p, 0, "completed");
    return true;
  }

  // Fetches `p` into the cache: from the peers holding it, else from the
  // frontend. Every copy is checked before it is kept.
  bool Fetch(Package* p, std::string* err) {
    std::string part = p->path + kPartSuffix;
    std::vector<PeerAddress> peers =
        AnnounceOne(p, p->file.size ? p->file.size : 1, "started");
    std::string why;
    for (const PeerAddress& a : peers) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (dropped.count(a)) continue;
      }
      std::string url = "http://" + a.Text() + kPeerPrefix + p->file.checksum;
      Download d = Get(url, part, source, options.stall_seconds, p->file.size);
      // 404: the peer does not hold the package (yet); it stays a peer.
      if (!d.ok && d.status == 404) continue;
      if (d.ok && Verify(p->file, part, &why))
        return Keep(p, part, a.Text(), d.bytes, true, err);
      std::string reason = d.ok ? why : d.error;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!dropped.insert(a).second) continue;
        stats.dropped++;
      }
      Warn("peer " + a.Text() + ": " + p->file.href + ": " + reason + ", peer dropped");
    }
    std::string url = frontend + p->file.href;
    for (int attempt = 0; attempt < 3; ++attempt) {
      Download d = Get(url, part, source, options.stall_seconds, p->file.size);
      if (!d.ok) {
        why = d.error;
        if (d.status == 404) break;
        continue;
      }
      if (Verify(p->file, part, &why))
        return Keep(p, part, "the frontend", d.bytes, false, err);
    }
    unlink(part.c_str());
    *err = url + ": " + why;
    return false;
  }

  // The package for the node's own installer: held, fetched now, or
  // waited for while another request fetches it.
  bool Ensure(Package* p, std::string* err) {
    std::unique_lock<std::mutex> lock(mu);
    while (p->have == Have::kFetching) changed.wait(lock);
    if (p->have == Have::kHeld) return true;
    p->have = Have::kFetching;
    lock.unlock();
    bool ok = Fetch(p, err);
    lock.lock();
    if (!ok) {
      p->have = Have::kNone;
      changed.notify_all();
    }
    return ok;
  }

  // For another peer: only a package this node holds or is fetching (it
  // announced it), waited for a while; never a fetch on its behalf.
  bool HeldForPeer(Package* p) {
    std::unique_lock<std::mutex> lock(mu);
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::seconds(std::max(1L, options.stall_seconds / 2));
    while (p->have == Have::kFetching)
      if (changed.wait_until(lock, until) == std::cv_status::timeout) break;
    return p->have == Have::kHeld;
  }

  // A file of the distribution that the repodata does not list (or lists
  // as metadata): kept once fetched from the frontend.
  bool EnsureOther(const std::string& href, std::string* path, long* status) {
    *path = options.cache + "/" + href;
    std::lock_guard<std::mutex> lock(other_mu);
    struct stat st;
    if (stat(path->c_str(), &st) == 0) return S_ISREG(st.st_mode);
    std::string part = *path + kPartSuffix;
    Download d = Get(frontend + href, part, source, options.stall_seconds);
    if (!d.ok) {
      unlink(part.c_str());
      *status = d.status == 404 ? 404 : 502;
      return false;
    }
    return rename(part.c_str(), path->c_str()) == 0;
  }
};

namespace {

MHD_Result Reply(MHD_Connection* c, unsigned code, const std::string& text) {
  MHD_Response* r = MHD_create_response_from_buffer(
      text.size(), const_cast<char*>(text.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "text/plain");
  MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

// Whether the request comes from 127.0.0.1, this node's own installer.
bool FromLoopback(MHD_Connection* c) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr || info->client_addr->sa_family != AF_INET) return false;
  const auto* in = reinterpret_cast<const sockaddr_in*>(info->client_addr);
  return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
}

MHD_Result SendFile(MHD_Connection* c, const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    return Reply(c, MHD_HTTP_NOT_FOUND, "not found\n");
  }
  MHD_Response* r = MHD_create_response_from_fd(static_cast<uint64_t>(st.st_size), fd);
  MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

MHD_Result OnRequest(void* cls, MHD_Connection* c, const char* url_c,
                     const char* method, const char*, const char*, size_t*,
                     void** con_cls) {
  auto* s = static_cast<AvalanchePeer::State*>(cls);
  // The first call only announces the request's headers.
  if (*con_cls == nullptr) {
    *con_cls = s;
    return MHD_YES;
  }
  std::string m = method;
  if (m != "GET" && m != "HEAD") return Reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
  std::string url = url_c;
  if (url.rfind(kPeerPrefix, 0) == 0) {
    auto it = s->by_checksum.find(url.substr(sizeof kPeerPrefix - 1));
    if (it == s->by_checksum.end() || !s->HeldForPeer(it->second))
      return Reply(c, MHD_HTTP_NOT_FOUND, "not held\n");
    {
      std::lock_guard<std::mutex> lock(s->mu);
      s->stats.served++;
      s->stats.bytes_served += it->second->file.size;
    }
    return SendFile(c, it->second->path);
  }
  // The mirror is the node's own installer's: another host asking for a
  // distribution path would make this node fetch for it.
  if (!FromLoopback(c))
    return Reply(c, MHD_HTTP_FORBIDDEN, "the mirror serves only 127.0.0.1\n");
  std::string href = url.substr(url.find_first_not_of('/') == std::string::npos
                                    ? url.size()
                                    : url.find_first_not_of('/'));
  // A .part is a download not yet checked.
  if (!SafeHref(href) || EndsWith(href, kPartSuffix))
    return Reply(c, MHD_HTTP_NOT_FOUND, "not found\n");
  auto it = s->by_href.find(href);
  if (it != s->by_href.end()) {
    std::string err;
    if (!s->Ensure(&it->second, &err)) {
      s->Warn(err);
      return Reply(c, MHD_HTTP_BAD_GATEWAY, err + "\n");
    }
    return SendFile(c, it->second.path);
  }
  std::string path;
  long status = 404;
  if (!s->EnsureOther(href, &path, &status))
    return Reply(c, static_cast<unsigned>(status), "not found\n");
  return SendFile(c, path);
}

}  // namespace

AvalanchePeer::AvalanchePeer(const PeerOptions& options) : state_(new State) {
  state_->options = options;
}

AvalanchePeer::~AvalanchePeer() { Stop(); }

bool AvalanchePeer::Start(std::string* err) {
  State* s = state_.get();
  if (!CurlInit()) {
    *err = "cannot initialise libcurl";
    return false;
  }
  const PeerOptions& o = s->options;
  s->frontend = WithSlash(o.frontend);
  s->source = o.listen == "0.0.0.0" ? "" : o.listen;
  s->peer_id = RandomPeerId();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.listen.c_str(), &addr.sin_addr) != 1) {
    *err = o.listen + ": not an IPv4 address";
    return false;
  }
  std::error_code ec;
  fs::create_directories(o.cache, ec);
  if (ec) {
    *err = o.cache + ": " + ec.message();
    return false;
  }
  std::vector<RepoFile> packages;
  if (!FetchRepodata(s->frontend, o.cache, s->source, o.stall_seconds, &s->records,
                     &packages, err))
    return false;
  for (const RepoFile& f : packages) {
    State::Package p;
    p.file = f;
    if (!PackageInfoHash(f.checksum, &p.info_hash, err)) {
      *err = s->frontend + f.href + ": " + *err;
      return false;
    }
    p.path = o.cache + "/" + f.href;
    if (!MakeParents(p.path, err)) return false;
    // A copy left by an earlier run is used only if it still checks out.
    std::string why;
    struct stat st;
    if (stat(p.path.c_str(), &st) == 0 && Verify(f, p.path, &why))
      p.have = State::Have::kHeld;
    else
      unlink(p.path.c_str());
    auto [it, fresh] = s->by_href.emplace(f.href, p);
    if (fresh) s->by_checksum[f.checksum] = &it->second;
  }
  s->stats.packages = s->by_href.size();
  s->daemon = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
          MHD_USE_POLL,
      static_cast<uint16_t>(o.port), nullptr, nullptr, &OnRequest, s,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(o.stall_seconds * 4),
      MHD_OPTION_END);
  if (!s->daemon) {
    *err = ErrnoText(o.listen + ":" + std::to_string(o.port) + ": cannot listen",
                     errno ? errno : EADDRINUSE);
    return false;
  }
  for (auto& [href, p] : s->by_href)
    if (p.have == State::Have::kHeld) s->AnnounceOne(&p, 0, "completed");
  return true;
}

void AvalanchePeer::Stop() {
  State* s = state_.get();
  if (!s->daemon) return;
  MHD_stop_daemon(s->daemon);
  s->daemon = nullptr;
  // This node takes part no longer; stop at the first failure, the
  // tracker forgets silent peers by itself.
  bool failing = false;
  for (auto& [href, p] : s->by_href) {
    if (failing || p.have == State::Have::kNone) continue;
    AnnounceRequest req;
    req.tracker = s->options.tracker;
    req.info_hash = p.info_hash;
    req.peer_id = s->peer_id;
    req.port = s->options.port;
    req.event = "stopped";
    req.source = s->source;
    req.timeout_seconds = 2;
    AnnounceReply reply;
    std::string err;
    if (s->options.tracker.empty() || !Announce(req, &reply, &err)) failing = true;
  }
}

PeerStats AvalanchePeer::Stats() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->stats;
}

bool DistributionInfoHashes(const std::string& frontend, const std::string& scratch,
                            std::vector<std::string>* lines, std::string* err) {
  if (!CurlInit()) {
    *err = "cannot initialise libcurl";
    return false;
  }
  std::vector<RepomdRecord> records;
  std::vector<RepoFile> packages;
  if (!FetchRepodata(frontend, scratch, "", 30, &records, &packages, err)) return false;
  std::set<std::string> seen;
  for (const RepoFile& f : packages) {
    std::string hash;
    if (!PackageInfoHash(f.checksum, &hash, err)) {
      *err = WithSlash(frontend) + f.href + ": " + *err;
      return false;
    }
    if (seen.insert(f.href).second) lines->push_back(HexBytes(hash) + "\t" + f.href);
  }
  return true;
}

}  // namespace rocks
