#include "users.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "file.h"
#include "config.h"
#include "strutil.h"

#ifndef ROCKS_SYSCONFDIR
#define ROCKS_SYSCONFDIR "/etc"
#endif

namespace rocks {
namespace {

const char kMagic[] = "rocks-users 1\n";
constexpr size_t kMagicSize = sizeof kMagic - 1;
constexpr int64_t kNobody = 65534;

struct Entry {
  std::string name;
  int64_t id = -1;  // uid or gid; -1 for shadow lines
  std::string line;
};

// Lines of an account file with the name and, for passwd and group, the
// id (field 2); blank and comment lines are dropped.
std::vector<Entry> Entries(const std::string& text, bool has_id) {
  std::vector<Entry> out;
  for (const std::string& line : Split(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    Entry e;
    e.line = line;
    std::vector<std::string> f = Split(line, ':');
    e.name = f[0];
    if (has_id && (f.size() < 3 || !ParseInt(f[2], &e.id))) e.id = -1;
    out.push_back(std::move(e));
  }
  return out;
}

bool Managed(int64_t id, int64_t min_id) { return id >= min_id && id < kNobody; }

std::string Lines(const std::vector<const Entry*>& entries) {
  std::string out;
  for (const Entry* e : entries) out += e->line + "\n";
  return out;
}

// The shadow lines of `names`, in the order of `names`.
std::string ShadowOf(const std::vector<Entry>& shadow,
                     const std::vector<std::string>& names) {
  std::map<std::string, const Entry*> by_name;
  for (const Entry& e : shadow) by_name.emplace(e.name, &e);
  std::string out;
  for (const std::string& n : names) {
    auto it = by_name.find(n);
    if (it != by_name.end()) out += it->second->line + "\n";
  }
  return out;
}

// One side of a merge: passwd+shadow or group+gshadow.
void MergeTable(const std::string& node_main, const std::string& node_shadow,
                const std::string& pub_main, const std::string& pub_shadow,
                int64_t min_id, std::string* out_main, std::string* out_shadow,
                size_t* taken, size_t* skipped) {
  std::vector<Entry> node = Entries(node_main, true), pub = Entries(pub_main, true);
  std::vector<Entry> nshadow = Entries(node_shadow, false),
                     pshadow = Entries(pub_shadow, false);
  std::vector<const Entry*> kept, added;
  std::vector<std::string> kept_names, added_names;
  std::set<std::string> names;
  std::set<int64_t> ids;
  for (const Entry& e : node) {
    if (Managed(e.id, min_id)) continue;
    kept.push_back(&e);
    kept_names.push_back(e.name);
    names.insert(e.name);
    ids.insert(e.id);
  }
  for (const Entry& e : pub) {
    if (!Managed(e.id, min_id) || names.count(e.name) || ids.count(e.id)) {
      ++*skipped;
      continue;
    }
    added.push_back(&e);
    added_names.push_back(e.name);
    names.insert(e.name);
    ids.insert(e.id);
  }
  *taken = added.size();
  *out_main = Lines(kept) + Lines(added);
  *out_shadow = ShadowOf(nshadow, kept_names) + ShadowOf(pshadow, added_names);
}

void AppendSection(std::string* out, const std::string& text) {
  *out += std::to_string(text.size()) + "\n" + text;
}

bool TakeSection(const std::string& in, size_t* pos, std::string* text) {
  size_t nl = in.find('\n', *pos);
  if (nl == std::string::npos) return false;
  int64_t n;
  if (!ParseInt(in.substr(*pos, nl - *pos), &n) || n < 0 ||
      static_cast<size_t>(n) > in.size() - nl - 1)
    return false;
  *text = in.substr(nl + 1, static_cast<size_t>(n));
  *pos = nl + 1 + static_cast<size_t>(n);
  return true;
}

// Every line has the field count of its file and no newline of its own.
bool CheckLines(const std::string& text, size_t fields, const char* file,
                std::string* err) {
  int n = 0;
  for (const std::string& line : Split(text, '\n')) {
    ++n;
    if (line.empty()) continue;
    if (Split(line, ':').size() != fields) {
      *err = std::string(file) + " line " + std::to_string(n) + ": expected " +
             std::to_string(fields) + " fields";
      return false;
    }
  }
  return true;
}

bool ReadOptional(const std::string& path, std::string* out, std::string* err) {
  if (!PathExists(path)) {
    out->clear();
    return true;
  }
  return ReadFile(path, out, err);
}

}  // namespace

bool ReadAccountFiles(const std::string& root, AccountFiles* out, std::string* err) {
  std::string etc = root + "/etc/";
  return ReadFile(etc + "passwd", &out->passwd, err) &&
         ReadFile(etc + "group", &out->group, err) &&
         ReadFile(etc + "shadow", &out->shadow, err) &&
         ReadOptional(etc + "gshadow", &out->gshadow, err);
}

AccountFiles SelectAccounts(const AccountFiles& all, int64_t min_id) {
  AccountFiles out;
  size_t taken = 0, skipped = 0;
  // Merging into an empty node keeps exactly the managed entries.
  MergeTable("", "", all.passwd, all.shadow, min_id, &out.passwd, &out.shadow, &taken,
             &skipped);
  MergeTable("", "", all.group, all.gshadow, min_id, &out.group, &out.gshadow, &taken,
             &skipped);
  return out;
}

bool ReadUsersKey(const std::string& path, std::string* key, std::string* err) {
  if (!ReadFile(path, key, err)) return false;
  if (key->size() != kUsersKeySize) {
    *err = path + ": not a users key (expected " + std::to_string(kUsersKeySize) +
           " bytes)";
    return false;
  }
  return true;
}

bool MakeUsersKey(const std::string& path, bool* created, std::string* err) {
  *created = false;
  if (PathExists(path)) return true;
  if (sodium_init() < 0) {
    *err = "libsodium: cannot initialise";
    return false;
  }
  std::string key(kUsersKeySize, '\0');
  randombytes_buf(key.data(), key.size());
  if (!WriteFileAtomic(path, key, nullptr, err, 0600)) return false;
  *created = true;
  return true;
}

bool SealAccounts(const AccountFiles& accounts, const std::string& key,
                  std::string* out, std::string* err) {
  if (sodium_init() < 0) {
    *err = "libsodium: cannot initialise";
    return false;
  }
  std::string plain;
  AppendSection(&plain, accounts.passwd);
  AppendSection(&plain, accounts.shadow);
  AppendSection(&plain, accounts.group);
  AppendSection(&plain, accounts.gshadow);
  std::string sealed(kMagicSize + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                         plain.size(),
                     '\0');
  std::memcpy(sealed.data(), kMagic, kMagicSize);
  auto* nonce = reinterpret_cast<unsigned char*>(sealed.data() + kMagicSize);
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  auto* box = nonce + crypto_secretbox_NONCEBYTES;
  crypto_secretbox_easy(box, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(plain.data(), plain.size());
  *out = std::move(sealed);
  return true;
}

bool OpenAccounts(const std::string& sealed, const std::string& key,
                  AccountFiles* out, std::string* err) {
  if (sodium_init() < 0) {
    *err = "libsodium: cannot initialise";
    return false;
  }
  if (sealed.compare(0, kMagicSize, kMagic) != 0) {
    *err = "not a users file";
    return false;
  }
  size_t head = kMagicSize + crypto_secretbox_NONCEBYTES;
  if (sealed.size() < head + crypto_secretbox_MACBYTES) {
    *err = "truncated";
    return false;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data() + kMagicSize);
  size_t box_size = sealed.size() - head;
  std::string plain(box_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, box_size, nonce,
                                 reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    *err = "fails its check (wrong key, altered or truncated)";
    return false;
  }
  AccountFiles files;
  size_t pos = 0;
  if (!TakeSection(plain, &pos, &files.passwd) || !TakeSection(plain, &pos, &files.shadow) ||
      !TakeSection(plain, &pos, &files.group) || !TakeSection(plain, &pos, &files.gshadow) ||
      pos != plain.size()) {
    *err = "malformed content";
    return false;
  }
  if (!CheckLines(files.passwd, 7, "passwd", err) ||
      !CheckLines(files.shadow, 9, "shadow", err) ||
      !CheckLines(files.group, 4, "group", err) ||
      !CheckLines(files.gshadow, 4, "gshadow", err))
    return false;
  *out = std::move(files);
  return true;
}

AccountFiles MergeAccounts(const AccountFiles& node, const AccountFiles& published,
                           int64_t min_id, MergeCounts* counts) {
  AccountFiles out;
  *counts = MergeCounts();
  MergeTable(node.passwd, node.shadow, published.passwd, published.shadow, min_id,
             &out.passwd, &out.shadow, &counts->users, &counts->skipped);
  MergeTable(node.group, node.gshadow, published.group, published.gshadow, min_id,
             &out.group, &out.gshadow, &counts->groups, &counts->skipped);
  return out;
}

bool WriteAccountFiles(const std::string& root, const AccountFiles& files,
                       std::string* err) {
  std::string etc = root + "/etc/";
  // The shadow files first: a passwd entry never names a user whose
  // password is not in place yet.
  return WriteFileAtomic(etc + "shadow", files.shadow, nullptr, err, 0600) &&
         WriteFileAtomic(etc + "gshadow", files.gshadow, nullptr, err, 0600) &&
         WriteFileAtomic(etc + "group", files.group, nullptr, err, 0644) &&
         WriteFileAtomic(etc + "passwd", files.passwd, nullptr, err, 0644);
}

bool LoadUsersSettings(const Config& cfg, UsersSettings* out, std::string* err) {
  UsersSettings s;
  std::string min = cfg.Get(kConfUsersMinUid);
  if (!min.empty() &&
      !ParseNumber(std::string(kConfUsersMinUid) + "=" + min, min, 1, kNobody - 1,
                   &s.min_id, err))
    return false;
  s.key = cfg.Get(kConfUsersKey);
  if (s.key.empty()) s.key = std::string(ROCKS_SYSCONFDIR) + "/rocks/users.key";
  s.file = cfg.Get(kConfUsersFile);
  // Under the tree the shipped web server configuration serves as
  // /install/ (share/httpd/rocks.conf), beside the distribution.
  if (s.file.empty()) s.file = "/export/rocks/install/rocks/users";
  std::string root = cfg.Get(kConfUsersRoot);
  if (!root.empty()) s.root = root;
  *out = s;
  return true;
}

bool PublishUsers(const UsersSettings& settings, std::string* err) {
  AccountFiles all;
  std::string key, sealed;
  bool created;
  if (!ReadAccountFiles(settings.root, &all, err) ||
      !MakeUsersKey(settings.key, &created, err) || !ReadUsersKey(settings.key, &key, err) ||
      !SealAccounts(SelectAccounts(all, settings.min_id), key, &sealed, err))
    return false;
  return WriteFileAtomic(settings.file, sealed, nullptr, err, 0644);
}

bool ApplyUsers(const UsersSettings& settings, const std::string& path,
                std::string* err) {
  std::string key, sealed;
  AccountFiles published, node;
  if (!ReadUsersKey(settings.key, &key, err) || !ReadFile(path, &sealed, err))
    return false;
  if (!OpenAccounts(sealed, key, &published, err)) {
    *err = path + ": " + *err;
    return false;
  }
  if (!ReadAccountFiles(settings.root, &node, err)) return false;
  MergeCounts counts;
  return WriteAccountFiles(settings.root,
                           MergeAccounts(node, published, settings.min_id, &counts), err);
}

}  // namespace rocks
