#include "config.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "file.h"
#include "strutil.h"

#ifndef ROCKS_SYSCONFDIR
#define ROCKS_SYSCONFDIR "/etc"
#endif
#ifndef ROCKS_STATEDIR
#define ROCKS_STATEDIR "/var/lib/rocks"
#endif
#ifndef ROCKS_LOCKDIR
#define ROCKS_LOCKDIR "/run/lock/rocks"
#endif
#ifndef ROCKS_DATADIR
#define ROCKS_DATADIR "/usr/share/rocks"
#endif

namespace rocks {

const char kConfDatabase[] = "database";
const char kConfDbTimeout[] = "db_timeout";
const char kConfSshConfig[] = "ssh_config";
const char kConfDistLock[] = "dist_lock";
const char kConfInsertEthersLock[] = "insert_ethers_lock";
const char kConfInsertEthersQuiet[] = "insert_ethers_quiet";
const char kConfDistConf[] = "dist_conf";
const char kConfSyncConf[] = "sync_conf";
const char kConfBootSysroot[] = "boot_sysroot";
const char kConfRollStore[] = "roll_store";
const char kConfProfile[] = "profile";
const char kConfKickstartStatedir[] = "kickstart_statedir";
const char kConfDhcpLog[] = "dhcp_log";
const char kConfHostsLocal[] = "hosts_local";
const char kConfDnsLocalDir[] = "dns_local_dir";
const char kConfUsersMinUid[] = "users_min_uid";
const char kConfUsersKey[] = "users_key";
const char kConfUsersFile[] = "users_file";
const char kConfUsersRoot[] = "users_root";
const char kConfSshKey[] = "ssh_key";
const char kConfShadow[] = "shadow";

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> kKeys = {
      {kConfDatabase, "sqlite:" ROCKS_STATEDIR "/cluster.db", nullptr,
       "the cluster database's URL"},
      {kConfDbTimeout, "5", nullptr,
       "seconds a writer waits for another writer before giving up"},
      {kConfSshConfig, "", nullptr,
       "the ssh client configuration (ssh -F) of shoot-node and rocks run host"},
      {kConfDistLock, ROCKS_LOCKDIR "/rocks-dist.lock", nullptr,
       "rocks-dist's lock; insert-ethers will not run while a build holds it"},
      {kConfInsertEthersLock, ROCKS_LOCKDIR "/insert-ethers.lock", nullptr,
       "insert-ethers' own lock: one instance at a time"},
      {kConfInsertEthersQuiet, "1", nullptr,
       "seconds of quiet after insert-ethers' last new node before the sync"},
      {kConfDistConf, ROCKS_SYSCONFDIR "/rocks/rocks-dist.conf", nullptr,
       "rocks-dist's sources"},
      {kConfSyncConf, ROCKS_SYSCONFDIR "/rocks/sync.conf", nullptr,
       "the files rocks sync config rewrites"},
      {kConfBootSysroot, "/", nullptr,
       "the root under which rocks sync config finds the PXE boot loaders"},
      {kConfRollStore, ROCKS_STATEDIR "/rolls", nullptr,
       "where rocks add roll unpacks roll images"},
      {kConfProfile, ROCKS_DATADIR "/profile", nullptr,
       "the profile tree kpp --host and kickstart.cgi walk"},
      {kConfKickstartStatedir, ROCKS_STATEDIR "/kickstart", nullptr,
       "the slot files that limit kickstart.cgi's generations at once"},
      // Files of the system and its daemons, wherever the suite is installed.
      {kConfDhcpLog, "/var/log/messages", nullptr,
       "the DHCP server's log insert-ethers follows when given no file"},
      {kConfHostsLocal, "/etc/hosts.local", nullptr,
       "site lines dbreport appends to the hosts report"},
      {kConfDnsLocalDir, "/var/named", nullptr,
       "the directory of the site's DNS zone additions (ZONE.local)"},
      {kConfUsersMinUid, "1000", nullptr,
       "the lowest uid and gid rocks sync users publishes"},
      {kConfUsersKey, ROCKS_SYSCONFDIR "/rocks/users.key", nullptr,
       "the cluster key that seals the published accounts"},
      {kConfUsersFile, "/export/rocks/install/rocks/users", nullptr,
       "where rocks sync users publishes the sealed accounts"},
      {kConfUsersRoot, "/", nullptr,
       "the root whose account files rocks sync users reads and writes"},
      {kConfSshKey, "", "/root/.ssh/id_ed25519",
       "root's SSH key, whose public half rocks init gives the nodes"},
      {kConfShadow, "", "/etc/shadow",
       "the shadow file whose root entry rocks init gives the nodes"},
  };
  return kKeys;
}

const ConfigKey* FindConfigKey(const std::string& name) {
  for (const ConfigKey& k : ConfigKeys())
    if (name == k.name) return &k;
  return nullptr;
}

const std::vector<std::pair<std::string, std::string>>& ConfigDefaults() {
  static const std::vector<std::pair<std::string, std::string>> kDefaults = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const ConfigKey& k : ConfigKeys())
      if (*k.default_value) out.emplace_back(k.name, k.default_value);
    return out;
  }();
  return kDefaults;
}

std::string Config::Get(const std::string& key) const {
  auto it = values.find(key);
  if (it != values.end()) return it->second;
  const ConfigKey* k = FindConfigKey(key);
  return k ? k->default_value : "";
}

std::string Config::Get(const std::string& key, const std::string& fallback) const {
  auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

std::string Config::Database() const { return Get(kConfDatabase); }

bool Config::GetSeconds(const std::string& key, double fallback, double* out,
                        std::string* err) const {
  auto it = values.find(key);
  if (it == values.end()) {
    *out = fallback;
    return true;
  }
  const char* s = it->second.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s, &end);
  if (errno || end == s || *end || !std::isfinite(v) || v < 0 || v > 86400) {
    *err = sources.at(key) + ": " + key + " = " + it->second +
           ": not a number of seconds";
    return false;
  }
  *out = v;
  return true;
}

std::string SystemConfigPath() { return ROCKS_SYSCONFDIR "/rocks/rocks.conf"; }

bool ScanConfigLines(const std::string& text, const std::string& source,
                     std::vector<ConfigLine>* out, std::string* err) {
  std::vector<std::string> lines = Split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    std::string where = source + ":" + std::to_string(i + 1);
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      *err = where + ": expected 'key = value'";
      return false;
    }
    std::string key = Trim(line.substr(0, eq));
    if (key.empty()) {
      *err = where + ": missing key before '='";
      return false;
    }
    out->push_back({key, Trim(line.substr(eq + 1)), where});
  }
  return true;
}

bool ParseConfig(const std::string& text, const std::string& source,
                 Config* cfg, std::string* err) {
  std::vector<ConfigLine> lines;
  if (!ScanConfigLines(text, source, &lines, err)) return false;
  for (const ConfigLine& l : lines) {
    cfg->values[l.key] = l.value;
    cfg->sources[l.key] = l.where;
  }
  return true;
}

static bool LoadFile(const std::string& path, bool must_exist, Config* cfg,
                     std::string* err) {
  std::string text;
  if (!ReadFile(path, &text, err)) {
    if (!must_exist && !PathExists(path)) return true;
    return false;
  }
  std::vector<ConfigLine> lines;
  if (!ScanConfigLines(text, path, &lines, err)) return false;
  for (const ConfigLine& l : lines) {
    if (FindConfigKey(l.key)) continue;
    std::vector<std::string> names;
    for (const ConfigKey& k : ConfigKeys()) names.push_back(k.name);
    *err = l.where + ": unknown key '" + l.key + "'" + DidYouMean(l.key, names);
    return false;
  }
  return ParseConfig(text, path, cfg, err);
}

bool LoadConfig(const std::string& db_option, Config* cfg, std::string* err) {
  if (!LoadFile(SystemConfigPath(), false, cfg, err)) return false;
  const char* conf = std::getenv("ROCKS_CONF");
  if (conf && *conf && !LoadFile(conf, true, cfg, err)) return false;
  const char* db = std::getenv("ROCKS_DB");
  if (db && *db) {
    cfg->values[kConfDatabase] = db;
    cfg->sources[kConfDatabase] = "ROCKS_DB";
  }
  if (!db_option.empty()) {
    cfg->values[kConfDatabase] = db_option;
    cfg->sources[kConfDatabase] = "--db";
  }
  return true;
}

}  // namespace rocks
