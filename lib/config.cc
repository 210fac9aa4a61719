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

const std::vector<std::pair<std::string, std::string>>& ConfigDefaults() {
  static const std::vector<std::pair<std::string, std::string>> kDefaults = {
      {"database", "sqlite:" ROCKS_STATEDIR "/cluster.db"},
      {"dist_lock", ROCKS_LOCKDIR "/rocks-dist.lock"},
      {"insert_ethers_lock", ROCKS_LOCKDIR "/insert-ethers.lock"},
      {"dist_conf", ROCKS_SYSCONFDIR "/rocks/rocks-dist.conf"},
      {"sync_conf", ROCKS_SYSCONFDIR "/rocks/sync.conf"},
      {"profile", ROCKS_DATADIR "/profile"},
      {"kickstart_statedir", ROCKS_STATEDIR "/kickstart"},
      // Files of the system and its daemons, wherever the suite is installed.
      {"dhcp_log", "/var/log/messages"},
      {"hosts_local", "/etc/hosts.local"},
      {"dns_local_dir", "/var/named"},
  };
  return kDefaults;
}

std::string Config::Get(const std::string& key) const {
  auto it = values.find(key);
  if (it != values.end()) return it->second;
  for (const auto& [k, v] : ConfigDefaults())
    if (k == key) return v;
  return "";
}

std::string Config::Get(const std::string& key, const std::string& fallback) const {
  auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

std::string Config::Database() const { return Get("database"); }

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
  return ParseConfig(text, path, cfg, err);
}

bool LoadConfig(const std::string& db_option, Config* cfg, std::string* err) {
  if (!LoadFile(SystemConfigPath(), false, cfg, err)) return false;
  const char* conf = std::getenv("ROCKS_CONF");
  if (conf && *conf && !LoadFile(conf, true, cfg, err)) return false;
  const char* db = std::getenv("ROCKS_DB");
  if (db && *db) {
    cfg->values["database"] = db;
    cfg->sources["database"] = "ROCKS_DB";
  }
  if (!db_option.empty()) {
    cfg->values["database"] = db_option;
    cfg->sources["database"] = "--db";
  }
  return true;
}

}  // namespace rocks
